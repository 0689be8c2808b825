package stream.viewer.internal.webrtc;

import java.io.PrintStream;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.function.Consumer;

import org.freedesktop.gstreamer.Version;

import stream.viewer.internal.TimeoutOption;

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
                    case "--timeout" -> timeout = TimeoutOption.parse(value).toNanos() / 1e9;
                    case "--ice-address" -> addresses.add(value);
                    default -> throw new IllegalArgumentException("unknown option " + name + " with --whep");
                }
            }
            if (frames < 0 || timeout < 0) throw new IllegalArgumentException("--frames and --timeout must be positive");
        } catch (IllegalArgumentException e) {
            err.println("stream-viewer: " + (e instanceof NumberFormatException ? "a number is expected: " : "")
                    + e.getMessage());
            err.println(stream.viewer.internal.Main.HINT);
            return USAGE;
        }
        Settings settings;
        try {
            settings = new Settings(url, sink, frames, timeout, addresses);
        } catch (IllegalArgumentException e) {
            err.println("stream-viewer: " + e.getMessage());
            err.println(stream.viewer.internal.Main.HINT);
            return USAGE;
        }
        Consumer<String> toErr = line -> err.println("stream-viewer: " + line);
        return watch(settings, line -> out.println("stream-viewer: " + line), toErr, toErr);
    }

    /**
     * What to watch and how.
     * @param url the WHEP endpoint
     * @param sink auto (a window), none (decode only) or a GStreamer video sink
     * @param frames end after this many decoded frames; 0: no limit
     * @param timeoutSeconds give up after this long; 0: no limit
     * @param iceAddresses the only local addresses to offer ICE candidates on; empty: every address
     */
    public record Settings(URI url, String sink, long frames, double timeoutSeconds, List<String> iceAddresses) {
        /**
         * Checks the values.
         * @throws IllegalArgumentException naming the bad one
         */
        public Settings {
            Objects.requireNonNull(url, "url");
            if (!sink.matches("[A-Za-z0-9_-]+")) {
                throw new IllegalArgumentException("--sink must be auto, none or a GStreamer element name, not '" + sink + "'");
            }
            if (frames < 0 || timeoutSeconds < 0) throw new IllegalArgumentException("--frames and --timeout must be positive");
            iceAddresses = List.copyOf(iceAddresses);
        }
    }

    /**
     * Watches until the frames are decoded, the time is up, or the process is stopped (Ctrl+C:
     * the session is ended on the server too).
     * @param settings what to watch
     * @param summary gets the closing line when it went well
     * @param progress gets what happens on the way, a line each (without the program's name)
     * @param problem gets what went wrong, a line
     * @return the exit code (0 ok, 1 failed, 3 environment)
     * @throws InterruptedException when interrupted
     */
    public static int watch(Settings settings, Consumer<String> summary, Consumer<String> progress,
            Consumer<String> problem)
            throws InterruptedException {
        String sink = settings.sink();
        long frames = settings.frames();
        if (sink.equals("auto") && System.getenv("DISPLAY") == null && System.getenv("WAYLAND_DISPLAY") == null) {
            problem.accept("no display (DISPLAY and WAYLAND_DISPLAY unset); use --sink none to decode without a window");
            return ENVIRONMENT;
        }
        stream.viewer.internal.GstStart.init(Version.of(1, 16), "stream-viewer");
        long started = System.nanoTime();
        WhepClient client = new WhepClient(settings.url(), sink, settings.iceAddresses(), progress);
        Thread hook = new Thread(client::close); // Ctrl+C: end the session on the server too
        Runtime.getRuntime().addShutdownHook(hook);
        try {
            progress.accept("asking " + settings.url() + " for the stream over WebRTC");
            client.connect();
            long deadline = settings.timeoutSeconds() > 0 ? started + (long) (settings.timeoutSeconds() * 1e9) : Long.MAX_VALUE;
            boolean first = false;
            while (System.nanoTime() < deadline) {
                if (client.error() != null) {
                    problem.accept(client.error());
                    return FAILED;
                }
                if (!first && client.frames() > 0) {
                    first = true;
                    progress.accept(String.format(Locale.ROOT, "first frame after %.2f s", (System.nanoTime() - started) / 1e9));
                }
                if (frames > 0 && client.frames() >= frames) break;
                Thread.sleep(20);
            }
            double seconds = (System.nanoTime() - started) / 1e9;
            if (frames > 0 && client.frames() < frames) {
                problem.accept(String.format(Locale.ROOT, "timeout after %.1f s: %d of %d frames decoded", seconds,
                        client.frames(), frames));
                return FAILED;
            }
            summary.accept(String.format(Locale.ROOT, "%d frames decoded over WebRTC in %.1f s", client.frames(), seconds));
            return OK;
        } catch (WhepClient.Failed e) {
            problem.accept(e.getMessage());
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

    /**
     * @param value the text given for a WHEP endpoint
     * @return it as an http(s) URL
     * @throws IllegalArgumentException naming what is wrong with it
     */
    public static URI url(String value) {
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
