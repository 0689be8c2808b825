package stream.server.internal.janus;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The page that plays a stream through a Janus instance in the browser: {@code janus-player.html}
 * and {@code janus-player.js}, this module's resources, with Janus's HTTP API and the browser's
 * own RTCPeerConnection (no janus.js, nothing from the internet). Everything it needs comes in
 * the URL's fragment, which the browser never sends to any server:
 * {@code janus-player.html#janus=http://HOST:8088/janus&id=MOUNTPOINT[&token=T]}. It shows what
 * it decodes and logs it every second as a console line starting with {@code JANUS-PLAYER}.
 */
public final class JanusPlayerPage {
    private JanusPlayerPage() {}

    private static final String BASE = "/stream/server/janus/";

    /** The page's files and their Content-Types. */
    public static final Map<String, String> FILES = Map.of(
            "janus-player.html", "text/html; charset=utf-8",
            "janus-player.js", "text/javascript; charset=utf-8");

    /**
     * @param name one of {@link #FILES}
     * @return its bytes
     * @throws IllegalArgumentException for another name
     */
    public static byte[] read(String name) {
        if (!FILES.containsKey(name)) throw new IllegalArgumentException("not a file of the Janus player: " + name);
        try (InputStream in = JanusPlayerPage.class.getModule().getResourceAsStream(BASE + name)) {
            if (in == null) throw new IllegalStateException("Janus player file missing from the module: " + BASE + name);
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * The Content-Security-Policy to serve the page with: its own files only, and requests to the
     * given Janus instances' APIs (WebRTC media is not subject to it).
     * @param janus the instances the page may talk to
     * @return the policy
     */
    public static String csp(List<JanusEndpoint> janus) {
        Set<String> origins = new LinkedHashSet<>();
        for (JanusEndpoint e : janus) {
            var u = e.url();
            origins.add(u.getScheme() + "://" + u.getHost() + (u.getPort() < 0 ? "" : ":" + u.getPort()));
        }
        return "default-src 'none'; script-src 'self'; media-src 'self' blob:; connect-src 'self'"
                + (origins.isEmpty() ? "" : " " + String.join(" ", origins))
                + "; frame-ancestors 'self'; base-uri 'none'; form-action 'none'";
    }
}
