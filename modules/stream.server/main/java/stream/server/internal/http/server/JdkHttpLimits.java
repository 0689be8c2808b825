package stream.server.internal.http.server;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * jdk.httpserver's limits, which it reads from system properties once, when its first server is
 * made: set here before that. A property already given on the command line ({@code -D} in
 * STREAM_JAVA_OPTS) is left as it is.
 *
 * <p>Why these values: every connection that is sending a request holds a thread and about 50 KB
 * of heap at the most (buffers, and headers up to {@value #MAX_HEADER_BYTES} bytes), so the
 * connection cap bounds the heap a hostile crowd can take; a request that is not complete within
 * its time is closed, whatever it sent (part of a line, LF-only lines, a TLS hello, junk).
 */
public final class JdkHttpLimits {
    /** jdk.httpserver closes a request whose headers are larger: no answer, but no hang either. */
    static final int MAX_HEADER_BYTES = 16 * 1024;
    /** jdk.httpserver closes a request with more headers. */
    static final int MAX_HEADERS = 100;
    /** Time to send a whole answer (POST stop waits for the child: up to 3 s and more). */
    static final int RESPONSE_SECONDS = 60;

    private JdkHttpLimits() {}

    /**
     * The limits a server is given.
     * @param maxConnections connections open at once
     * @param requestSeconds time to send a whole request
     * @param idleSeconds time a kept-alive connection may stay idle
     */
    public record Limits(int maxConnections, int requestSeconds, int idleSeconds) {}

    /**
     * @param limits the limits
     * @return the properties for them, in the order set
     */
    public static Map<String, String> properties(Limits limits) {
        Map<String, String> p = new LinkedHashMap<>();
        p.put("jdk.httpserver.maxConnections", Integer.toString(limits.maxConnections()));
        p.put("sun.net.httpserver.maxReqTime", Integer.toString(limits.requestSeconds()));
        p.put("sun.net.httpserver.maxRspTime", Integer.toString(RESPONSE_SECONDS));
        p.put("sun.net.httpserver.idleInterval", Integer.toString(limits.idleSeconds()));
        p.put("sun.net.httpserver.clockTick", "1000"); // idle connections closed within a second of their time, not ten
        p.put("sun.net.httpserver.maxIdleConnections", Integer.toString(Math.min(200, limits.maxConnections())));
        p.put("sun.net.httpserver.maxReqHeaders", Integer.toString(MAX_HEADERS));
        p.put("sun.net.httpserver.maxReqHeaderSize", Integer.toString(MAX_HEADER_BYTES));
        return p;
    }

    /**
     * Sets the properties not yet set.
     * @param limits the limits
     * @return the limits in force (a -D may have given others)
     */
    public static Limits apply(Limits limits) {
        properties(limits).forEach((k, v) -> {
            if (System.getProperty(k) == null) System.setProperty(k, v);
        });
        return new Limits(Integer.getInteger("jdk.httpserver.maxConnections", limits.maxConnections()),
                Integer.getInteger("sun.net.httpserver.maxReqTime", limits.requestSeconds()),
                Integer.getInteger("sun.net.httpserver.idleInterval", limits.idleSeconds()));
    }
}
