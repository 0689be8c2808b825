package stream.viewer.internal.webrtc;

import java.io.PrintStream;
import java.math.BigDecimal;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.List;

import org.freedesktop.gstreamer.Gst;
import org.freedesktop.gstreamer.Version;

/**
 * {@code stream-viewer --whep URL [--sink auto|SINK|none] [--frames N] [--timeout SECONDS]
 * [--ice-address ADDRESS]}: the native viewer pulling the stream over WebRTC (WHEP) instead of
 * receiving pushed UDP, so the server needs not know the viewer's address.
 */
public final class WhepCommand {
    private static final int OK = 0;
    private static final int FAILED = 1;
    private static final int USAGE = 2;
    private static final int ENVIRONMENT = 3;

    /** The usage lines of the WHEP mode. */
    public static final String USAGE_TEXT = """
            Usage: stream-viewer --whep URL [--sink auto|SINK|none] [--frames N] [--timeout SECONDS]
                                 [--ice-address ADDRESS]
            Watches a stream over WebRTC: URL is the stream's WHEP endpoint, for example
            http://camera-host:8590/whep (the default stream) or .../streams/NAME/whep.
              --ice-address ADDRESS  offer ICE candidates on this local address only (repeatable;
                                     default: every address of this machine)
            """;

    private WhepCommand() {}

    /**
     * @param args the viewer's arguments
     * @return whether they ask for the WHEP mode
     */
    public static boolean wanted(String[] args) {
        for (String a : args) {
            if (a.equals("--whep") || a.startsWith("--whep=")) return true;
        }
        return false;
    }

    /**
     * Runs the WHEP viewer.
     * @param args the viewer's arguments, --whep among them
     * @param out where the summary goes
     * @param err where progress and errors go
     * @return the exit code (0 ok, 1 failed, 2 usage, 3 environment)
     * @throws InterruptedException when interrupted
     */
    public static int run(String[] args, PrintStream out, PrintStream err) throws InterruptedException {
        URI url = null;
        String sink = "auto";
        long frames = 0;
        double timeout = 0;
        List<String> addresses = new ArrayList<>();
        try {
            for (int i = 0; i < args.length; i++) {
                String name = args[i];
                String value;
                int eq = name.indexOf('=');
                if (name.startsWith("--") && eq > 0) {
                    value = name.substring(eq + 1);
                    name = name.substring(0, eq);
                } else {
                    if (i + 1 >= args.length) throw new IllegalArgumentException(name + " needs a value");
                    value = args[++i];
                }
                switch (name) {
                    case "--whep" -> url = url(value);
                    case "--sink" -> sink = value;
                    case "--frames" -> frames = Long.parseLong(value);
                    case "--timeout" -> timeout = new BigDecimal(value).doubleValue();
                    case "--ice-address" -> addresses.add(value);
                    default -> throw new IllegalArgumentException("unknown option " + name + " with --whep");
                }
            }
            if (frames < 0 || timeout < 0) throw new IllegalArgumentException("--frames and --timeout must be positive");
        } catch (IllegalArgumentException e) {
            err.println("stream-viewer: " + (e instanceof NumberFormatException ? "a number is expected: " : "")
                    + e.getMessage());
            err.print(USAGE_TEXT);
            return USAGE;
        }
        if (sink.equals("auto") && System.getenv("DISPLAY") == null && System.getenv("WAYLAND_DISPLAY") == null) {
            err.println("stream-viewer: no display (DISPLAY and WAYLAND_DISPLAY unset); use --sink none to decode without a window");
            return ENVIRONMENT;
        }
        Gst.init(Version.of(1, 16), "stream-viewer");
        long started = System.nanoTime();
        WhepClient client = new WhepClient(url, sink, addresses);
        Thread hook = new Thread(client::close); // Ctrl+C: end the session on the server too
        Runtime.getRuntime().addShutdownHook(hook);
        try {
            err.println("stream-viewer: asking " + url + " for the stream over WebRTC");
            client.connect();
            long deadline = timeout > 0 ? started + (long) (timeout * 1e9) : Long.MAX_VALUE;
            boolean first = false;
            while (System.nanoTime() < deadline) {
                if (client.error() != null) {
                    err.println("stream-viewer: " + client.error());
                    return FAILED;
                }
                if (!first && client.frames() > 0) {
                    first = true;
                    err.printf("stream-viewer: first frame after %.2f s%n", (System.nanoTime() - started) / 1e9);
                }
                if (frames > 0 && client.frames() >= frames) break;
                Thread.sleep(20);
            }
            double seconds = (System.nanoTime() - started) / 1e9;
            if (frames > 0 && client.frames() < frames) {
                err.printf("stream-viewer: timeout after %.1f s: %d of %d frames decoded%n", seconds, client.frames(), frames);
                return FAILED;
            }
            out.printf("stream-viewer: %d frames decoded over WebRTC in %.1f s%n", client.frames(), seconds);
            return OK;
        } catch (WhepClient.Failed e) {
            err.println("stream-viewer: " + e.getMessage());
            return e.environment ? ENVIRONMENT : FAILED;
        } finally {
            client.close();
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException e) {
                // shutting down already
            }
        }
    }

    private static URI url(String value) {
        try {
            URI uri = new URI(value);
            if (!"http".equals(uri.getScheme()) && !"https".equals(uri.getScheme()) || uri.getHost() == null) {
                throw new IllegalArgumentException("--whep needs an http:// or https:// URL, not '" + value + "'");
            }
            return uri;
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("--whep needs a URL, not '" + value + "'");
        }
    }
}
