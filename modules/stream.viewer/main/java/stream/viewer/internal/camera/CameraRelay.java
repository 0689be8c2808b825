package stream.viewer.internal.camera;

import com.eclipsesource.json.Json;
import com.eclipsesource.json.JsonObject;
import com.eclipsesource.json.JsonValue;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.regex.Pattern;
import org.freedesktop.gstreamer.Bus;
import org.freedesktop.gstreamer.Caps;
import org.freedesktop.gstreamer.Element;
import org.freedesktop.gstreamer.Gst;
import org.freedesktop.gstreamer.Pad;
import org.freedesktop.gstreamer.PadLinkException;
import org.freedesktop.gstreamer.Pipeline;
import org.freedesktop.gstreamer.Structure;
import org.freedesktop.gstreamer.Version;
import org.freedesktop.gstreamer.glib.GError;

/**
 * Passes one IP camera through: {@code rtspsrc ! rtph264depay ! h264parse ! rtph264pay
 * config-interval=1 pt=96 ! tee ! queue ! udpsink...}, the same RTP a local camera's gst-launch-1.0
 * child sends, so every output of the server works alike. Nothing is decoded (2-4% of a core).
 *
 * <p>Its stdin's first line is {@code {"user":..,"password":..}} (nulls for none): the credentials
 * never appear on its command line or in its environment, which other local users can read. The
 * end of stdin (the server went away) ends it with 0.
 *
 * <p>rtspsrc never reconnects; the relay ends and says why in its exit code, and the server
 * starts it again ({@link Exit}). Exit codes: 0 stdin closed, 1 another failure, 2 usage,
 * 10 camera unreachable, 11 credentials refused (401/403), 12 the camera ended the stream (EOS),
 * 13 not H.264, 14 no such stream (404). The server reads the same codes (RtspCamera.Problem).
 */
public final class CameraRelay {
    /** The exit codes; RtspCamera.Problem in stream.server reads them. */
    enum Exit {
        STDIN_CLOSED(0), OTHER(1), USAGE(2), UNREACHABLE(10), UNAUTHORIZED(11), ENDED(12), UNSUPPORTED(13), NOT_FOUND(14);

        final int code;

        Exit(int code) {
            this.code = code;
        }
    }

    static final String USAGE = """
            usage: stream-camera --location rtsp://HOST[:PORT]/PATH [--transport tcp|udp] [--ttl N] --target HOST:PORT...
              reads {"user":..,"password":..} as the first line of stdin; ends when stdin closes
            """;

    private static final Pattern HOST = Pattern.compile("[A-Za-z0-9.:-]{1,253}");

    /** The parsed command line. */
    record Options(String location, String transport, int ttl, List<String[]> targets) {
        static Options parse(String[] args) {
            String location = null, transport = "tcp";
            int ttl = 1;
            List<String[]> targets = new ArrayList<>();
            for (int i = 0; i < args.length; i++) {
                String a = args[i];
                if (i + 1 >= args.length) throw new IllegalArgumentException(a + " needs a value");
                String v = args[++i];
                switch (a) {
                    case "--location" -> {
                        if (!v.startsWith("rtsp://") || v.indexOf('@') >= 0 || v.chars().anyMatch(c -> c <= ' ' || c == '"' || c == '\''))
                            throw new IllegalArgumentException("--location: an rtsp:// URL without credentials");
                        location = v;
                    }
                    case "--transport" -> {
                        if (!v.equals("tcp") && !v.equals("udp")) throw new IllegalArgumentException("--transport: tcp or udp");
                        transport = v;
                    }
                    case "--ttl" -> ttl = Integer.parseInt(v);
                    case "--target" -> targets.add(target(v));
                    default -> throw new IllegalArgumentException("unknown option " + a);
                }
            }
            if (location == null) throw new IllegalArgumentException("--location is required");
            if (targets.isEmpty()) throw new IllegalArgumentException("--target is required");
            return new Options(location, transport, ttl, List.copyOf(targets));
        }

        private static String[] target(String v) {
            int colon = v.lastIndexOf(':');
            if (colon < 1) throw new IllegalArgumentException("--target: HOST:PORT");
            String host = v.substring(0, colon);
            if (host.startsWith("[") && host.endsWith("]")) host = host.substring(1, host.length() - 1);
            String port = v.substring(colon + 1);
            if (!HOST.matcher(host).matches() || !port.matches("[0-9]{1,5}")) throw new IllegalArgumentException("--target: HOST:PORT");
            return new String[] {host, port};
        }
    }

    private final CompletableFuture<Exit> ended = new CompletableFuture<>();
    private final List<Object> keep = new ArrayList<>(); // callbacks and elements the GC must not take
    private Pipeline pipeline;
    private volatile boolean linked;

    private CameraRelay() {}

    /**
     * Runs the relay until the camera, the network or stdin ends it; see the class comment for the exit codes.
     * @param args see {@link #USAGE}
     */
    public static void main(String[] args) {
        if (Arrays.asList(args).contains("--help")) {
            System.out.print(USAGE);
            return;
        }
        Options options;
        try {
            options = Options.parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println("stream-camera: " + e.getMessage() + " (see --help)");
            System.exit(Exit.USAGE.code);
            return;
        }
        System.setOut(System.err); // nothing of GStreamer's on stdout
        var stdin = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        Exit exit;
        try {
            JsonObject credentials = readCredentials(stdin);
            CameraRelay relay = new CameraRelay();
            Thread.ofPlatform().daemon().name("camera-stdin").start(() -> relay.watchStdin(stdin));
            Gst.init(Version.of(1, 16), "stream-camera");
            relay.start(options, text(credentials, "user"), text(credentials, "password"));
            exit = relay.ended.join();
        } catch (RuntimeException | IOException e) { // one line, never a stack trace, never a credential
            System.err.println("stream-camera: " + e.getClass().getSimpleName() + ": " + e.getMessage());
            exit = Exit.OTHER;
        }
        // GStreamer's threads must not keep a relay alive whose camera is gone.
        Runtime.getRuntime().halt(exit.code);
    }

    private static JsonObject readCredentials(BufferedReader stdin) throws IOException {
        String line = stdin.readLine();
        if (line == null) throw new IOException("stdin ended before the credentials line");
        JsonValue v;
        try {
            v = Json.parse(line);
        } catch (com.eclipsesource.json.ParseException e) {
            throw new IOException("the credentials line is not JSON"); // its text is not shown: it may hold the password
        }
        if (!v.isObject()) throw new IOException("the credentials line is not a JSON object");
        return v.asObject();
    }

    private static String text(JsonObject o, String name) {
        JsonValue v = o.get(name);
        return v == null || !v.isString() ? null : v.asString();
    }

    private void watchStdin(BufferedReader stdin) {
        try {
            while (stdin.readLine() != null) {
                // nothing more is said on stdin; its end is the server's
            }
        } catch (IOException e) {
            // the same: the server is gone
        }
        end(Exit.STDIN_CLOSED, "stdin closed: ending");
    }

    // Said before the end is known: the main thread exits as soon as it is, and the line must be out by then.
    private synchronized void end(Exit exit, String why) {
        if (ended.isDone()) return;
        System.err.println("stream-camera: " + why);
        ended.complete(exit);
    }

    private void start(Options o, String user, String password) {
        StringBuilder d = new StringBuilder("rtspsrc name=src latency=0 protocols=").append(o.transport())
                .append(" tcp-timeout=5000000 rtph264depay name=depay ! h264parse ! rtph264pay config-interval=1 pt=96 ! tee name=t");
        for (String[] t : o.targets()) {
            d.append(" t. ! queue ! udpsink host=").append(t[0]).append(" port=").append(t[1]).append(" sync=false");
            if (multicast(t[0])) d.append(" ttl-mc=").append(o.ttl()).append(" auto-multicast=false");
        }
        List<GError> errors = new ArrayList<>();
        pipeline = (Pipeline) Gst.parseLaunch(d.toString(), errors);
        if (!errors.isEmpty()) throw new IllegalStateException("pipeline: " + errors.get(0).getMessage());
        Element src = pipeline.getElementByName("src");
        Element depay = pipeline.getElementByName("depay");
        // Properties, never text: the location and the credentials reach rtspsrc without any parsing.
        src.set("location", o.location());
        if (user != null) src.set("user-id", user);
        if (password != null) src.set("user-pw", password);
        Element.PAD_ADDED padAdded = (element, pad) -> link(pad, depay);
        src.connect(padAdded);
        Bus bus = pipeline.getBus();
        Bus.ERROR onError = (source, code, message) -> onError(message, user != null);
        Bus.EOS onEos = source -> end(Exit.ENDED, "camera ended the stream (end of stream)");
        bus.connect(onError);
        bus.connect(onEos);
        keep.addAll(List.of(src, depay, padAdded, bus, onError, onEos));
        System.err.println("stream-camera: connecting to " + o.location() + " over " + o.transport()
                + (user == null ? " without credentials" : " as " + user));
        pipeline.play();
    }

    /** A stream of the camera's: its H.264 video goes on; another video codec ends the relay; audio is left out. */
    private void link(Pad pad, Element depay) {
        Caps caps = pad.getCurrentCaps();
        if (caps == null) caps = pad.queryCaps(null);
        Structure s = caps.getStructure(0);
        String media = s.hasField("media") ? s.getString("media") : "";
        String encoding = s.hasField("encoding-name") ? s.getString("encoding-name").toUpperCase(Locale.ROOT) : "";
        if (!media.equals("video")) {
            System.err.println("stream-camera: leaving out the camera's " + media + " stream (" + encoding + ")");
            return;
        }
        if (!encoding.equals("H264")) {
            end(Exit.UNSUPPORTED, "camera sends " + encoding + " video; only H.264 passes through");
            return;
        }
        if (linked) return;
        try {
            pad.link(depay.getStaticPad("sink"));
            linked = true;
            System.err.println("stream-camera: receiving H.264, passing it through");
        } catch (PadLinkException e) {
            end(Exit.OTHER, "could not link the camera's video: " + e.getLinkResult());
        }
    }

    private void onError(String message, boolean withCredentials) {
        String m = message == null ? "" : message;
        String lower = m.toLowerCase(Locale.ROOT);
        if (lower.contains("unauthorized") || lower.contains("forbidden"))
            end(Exit.UNAUTHORIZED, "camera refused the credentials: " + m
                    + (withCredentials ? "" : " (it asks for a user and password: set source-user and source-password)"));
        else if (lower.contains("not found")) end(Exit.NOT_FOUND, "camera has no stream at this path: " + m);
        else if (lower.contains("could not open resource")) end(Exit.UNREACHABLE, "camera unreachable: " + m);
        else if (lower.contains("could not read from resource")) end(Exit.ENDED, "camera ended the stream: " + m);
        else end(Exit.OTHER, m);
    }

    private static boolean multicast(String host) {
        if (host.indexOf(':') >= 0) return host.toLowerCase(Locale.ROOT).startsWith("ff");
        int dot = host.indexOf('.');
        if (dot < 0) return false;
        try {
            int first = Integer.parseInt(host.substring(0, dot));
            return first >= 224 && first <= 239;
        } catch (NumberFormatException e) {
            return false;
        }
    }
}
