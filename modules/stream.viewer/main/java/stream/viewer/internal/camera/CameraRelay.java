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
import java.io.PrintStream;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.freedesktop.gstreamer.Bin;
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
 * config-interval=1 pt=96 ! tee ! queue ! udpsink...} (H.265 the same way with its elements and
 * payload type 98), the same RTP a local camera's gst-launch-1.0 child sends, so every output of
 * the server works alike. The video is never decoded (2-4% of a core). With {@code --audio-target}
 * the camera's sound goes as Opus (payload type 97) to those targets: passed through when the
 * camera sends Opus, else decoded (AAC, G.711) and encoded once; silence when it sends none.
 *
 * <p>Its stdin's first line is {@code {"user":..,"password":..}} (nulls for none): the credentials
 * never appear on its command line or in its environment, which other local users can read. The
 * end of stdin (the server went away) ends it with 0.
 *
 * <p>rtspsrc never reconnects. Without {@code --reconnect on} the relay ends at the first problem
 * and says which in its exit code ({@link Exit}); the server starts it again. With it, a camera that
 * is unreachable, ends its stream or sends nothing for {@code --stall-timeout} seconds is asked
 * again by the same process (a new rtspsrc every 0.25 s doubling to 1 s): no JVM start between
 * the camera's return and the first frame. Each such problem is one JSON line on stdout,
 * {@code {"problem":CODE,"message":".."}}; refused credentials, a missing path and a codec that
 * does not pass still end it. Exit codes: 0 stdin closed, 1 another failure, 2 usage, 10 camera
 * unreachable, 11 credentials refused (401/403), 12 the camera ended the stream (EOS), 13 neither
 * H.264 nor H.265, 14 no such stream (404); 15 (only on stdout) no video for the stall timeout.
 * The server reads the same codes (RtspCamera.Problem).
 */
public final class CameraRelay {
    /** The exit codes; RtspCamera.Problem in stream.server reads them. */
    enum Exit {
        STDIN_CLOSED(0), OTHER(1), USAGE(2), UNREACHABLE(10), UNAUTHORIZED(11), ENDED(12), UNSUPPORTED(13), NOT_FOUND(14),
        NO_VIDEO(15);

        final int code;

        Exit(int code) {
            this.code = code;
        }

        /** @return whether asking the camera again soon may help (with --reconnect the relay does so itself) */
        boolean retried() {
            return this == UNREACHABLE || this == ENDED || this == NO_VIDEO;
        }
    }

    static final String USAGE = """
            usage: stream-camera --location rtsp://HOST[:PORT]/PATH [--transport tcp|udp] [--ttl N] --target HOST:PORT...
                                 [--audio-target HOST:PORT...] [--reconnect on|off] [--stall-timeout SECONDS]
              reads {"user":..,"password":..} as the first line of stdin; ends when stdin closes
            """;

    private static final Pattern HOST = Pattern.compile("[A-Za-z0-9.:-]{1,253}");
    private static final long FIRST_RETRY_MILLIS = 250, LAST_RETRY_MILLIS = 1000;

    /** The parsed command line. */
    record Options(String location, String transport, int ttl, List<String[]> targets, List<String[]> audioTargets,
                   boolean reconnect, int stallSeconds) {
        Options(String location, String transport, int ttl, List<String[]> targets) {
            this(location, transport, ttl, targets, List.of(), false, 5);
        }

        static Options parse(String[] args) {
            String location = null, transport = "tcp";
            int ttl = 1, stall = 5;
            boolean reconnect = false;
            List<String[]> targets = new ArrayList<>(), audio = new ArrayList<>();
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
                    case "--audio-target" -> audio.add(target(v));
                    case "--reconnect" -> {
                        if (!v.equals("on") && !v.equals("off")) throw new IllegalArgumentException("--reconnect: on or off");
                        reconnect = v.equals("on");
                    }
                    case "--stall-timeout" -> {
                        if (!v.matches("[0-9]{1,4}") || Integer.parseInt(v) < 1) throw new IllegalArgumentException("--stall-timeout: seconds, 1 or more");
                        stall = Integer.parseInt(v);
                    }
                    default -> throw new IllegalArgumentException("unknown option " + a);
                }
            }
            if (location == null) throw new IllegalArgumentException("--location is required");
            if (targets.isEmpty()) throw new IllegalArgumentException("--target is required");
            return new Options(location, transport, ttl, List.copyOf(targets), List.copyOf(audio), reconnect, stall);
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

    /** How one attempt ended. */
    private record End(Exit exit, String why) {}

    private final CompletableFuture<Void> stdinClosed = new CompletableFuture<>();
    private final PrintStream report; // the real stdout: one JSON line per problem the relay handles itself
    private final Options options;
    private final String user, password;

    private CameraRelay(Options options, String user, String password, PrintStream report) {
        this.options = options;
        this.user = user;
        this.password = password;
        this.report = report;
    }

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
        PrintStream report = System.out;
        System.setOut(System.err); // nothing of GStreamer's on stdout
        var stdin = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        Exit exit;
        try {
            JsonObject credentials = readCredentials(stdin);
            CameraRelay relay = new CameraRelay(options, text(credentials, "user"), text(credentials, "password"), report);
            Thread.ofPlatform().daemon().name("camera-stdin").start(() -> relay.watchStdin(stdin));
            stream.viewer.internal.GstStart.init(Version.of(1, 16), "stream-camera");
            exit = relay.run();
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
        stdinClosed.complete(null);
    }

    /** Attempts until one ends in a way the relay does not handle itself. */
    private Exit run() {
        long retry = FIRST_RETRY_MILLIS;
        int attempt = 0;
        while (true) {
            Attempt a = new Attempt(++attempt);
            End end;
            try {
                a.start();
                end = CompletableFuture.anyOf(a.ended, stdinClosed).thenApply(x -> x == null ? new End(Exit.STDIN_CLOSED, "stdin closed: ending")
                        : (End) x).join();
            } finally {
                a.dispose();
            }
            // Said before the end is known: the main thread exits as soon as it is, and the line must be out by then.
            System.err.println("stream-camera: " + end.why());
            if (!options.reconnect() || !end.exit().retried()) return end.exit();
            report.println(Json.object().add("problem", end.exit().code).add("message", end.why()).toString());
            report.flush();
            if (a.sent) retry = FIRST_RETRY_MILLIS; // it ran: the camera is asked again at once, then less often
            try {
                stdinClosed.get(retry, TimeUnit.MILLISECONDS);
                System.err.println("stream-camera: stdin closed: ending");
                return Exit.STDIN_CLOSED;
            } catch (java.util.concurrent.TimeoutException e) {
                retry = Math.min(retry * 2, LAST_RETRY_MILLIS);
            } catch (InterruptedException | java.util.concurrent.ExecutionException e) {
                return Exit.OTHER;
            }
        }
    }

    /** One rtspsrc session with the camera, and the chains after it; made anew for every attempt. */
    private final class Attempt {
        final CompletableFuture<End> ended = new CompletableFuture<>();
        private final int number;
        private final List<Object> keep = new ArrayList<>(); // callbacks and elements the GC must not take
        private Pipeline pipeline;
        private volatile boolean videoLinked, audioLinked;
        volatile boolean sent; // video left the relay in this attempt
        private Thread watchdog;

        Attempt(int number) {
            this.number = number;
        }

        void end(Exit exit, String why) {
            ended.complete(new End(exit, why));
        }

        void start() {
            StringBuilder d = new StringBuilder("rtspsrc name=src latency=0 protocols=").append(options.transport())
                    .append(" tcp-timeout=5000000 tee name=t");
            sinks(d, "t", options.targets(), "out");
            if (!options.audioTargets().isEmpty()) {
                d.append(" tee name=ta");
                sinks(d, "ta", options.audioTargets(), "aout");
            }
            List<GError> errors = new ArrayList<>();
            pipeline = (Pipeline) Gst.parseLaunch(d.toString(), errors);
            if (!errors.isEmpty()) throw new IllegalStateException("pipeline: " + errors.get(0).getMessage());
            Element src = pipeline.getElementByName("src");
            // Properties, never text: the location and the credentials reach rtspsrc without any parsing.
            src.set("location", options.location());
            if (user != null) src.set("user-id", user);
            if (password != null) src.set("user-pw", password);
            Element.PAD_ADDED padAdded = (element, pad) -> link(pad);
            src.connect(padAdded);
            Bus bus = pipeline.getBus();
            Bus.ERROR onError = (source, code, message) -> onError(message);
            Bus.EOS onEos = source -> end(Exit.ENDED, "camera ended the stream (end of stream)");
            bus.connect(onError);
            bus.connect(onEos);
            keep.addAll(List.of(src, padAdded, bus, onError, onEos));
            System.err.println("stream-camera: connecting to " + options.location() + " over " + options.transport()
                    + (user == null ? " without credentials" : " as " + user) + (number > 1 ? " (attempt " + number + ")" : ""));
            pipeline.play();
            if (options.reconnect()) watchdog = Thread.ofPlatform().daemon().name("camera-watch").start(this::watch);
        }

        private void sinks(StringBuilder d, String tee, List<String[]> targets, String prefix) {
            for (int i = 0; i < targets.size(); i++) {
                String[] t = targets.get(i);
                d.append(' ').append(tee).append(". ! queue ! udpsink name=").append(prefix).append(i).append(" host=").append(t[0])
                        .append(" port=").append(t[1]).append(" sync=false async=false");
                if (multicast(t[0])) d.append(" ttl-mc=").append(options.ttl()).append(" auto-multicast=false");
            }
        }

        /** No video out of the first sink for the stall timeout (from the start, or since the last): this attempt ends. */
        private void watch() {
            Element out = pipeline.getElementByName("out0");
            long last = -1, since = System.nanoTime();
            while (!ended.isDone()) {
                try {
                    Thread.sleep(250);
                } catch (InterruptedException e) {
                    return;
                }
                Object v = out.get("bytes-served");
                long bytes = v instanceof Number n ? n.longValue() : 0;
                if (bytes != last) {
                    if (bytes > 0) sent = true;
                    last = bytes;
                    since = System.nanoTime();
                } else if (System.nanoTime() - since > TimeUnit.SECONDS.toNanos(options.stallSeconds())) {
                    end(Exit.NO_VIDEO, "no video for " + options.stallSeconds() + " s" + (sent ? "" : " (no answer, or no video, since connecting)"));
                    return;
                }
            }
        }

        void dispose() {
            if (watchdog != null) watchdog.interrupt();
            if (pipeline != null) {
                pipeline.stop(); // NULL: rtspsrc closes its connection
                pipeline.dispose();
            }
            keep.clear();
        }

        /** A stream of the camera's: H.264 or H.265 video passes through; its sound becomes Opus when asked for. */
        private synchronized void link(Pad pad) {
            Caps caps = pad.getCurrentCaps();
            if (caps == null) caps = pad.queryCaps(null);
            Structure s = caps.getStructure(0);
            String media = s.hasField("media") ? s.getString("media") : "";
            String encoding = s.hasField("encoding-name") ? s.getString("encoding-name").toUpperCase(Locale.ROOT) : "";
            if (media.equals("audio")) {
                String chain = audioChain(encoding);
                if (options.audioTargets().isEmpty() || audioLinked) {
                    System.err.println("stream-camera: leaving out the camera's audio (" + encoding + ")"
                            + (options.audioTargets().isEmpty() ? ": the stream's audio is none" : ": it came too late, silence goes in its place"));
                } else if (chain == null) {
                    System.err.println("stream-camera: leaving out the camera's " + encoding + " audio: not AAC, G.711 or Opus");
                } else if (attach(pad, chain, "ta")) {
                    audioLinked = true;
                    System.err.println("stream-camera: receiving " + encoding + " audio, "
                            + (encoding.equals("OPUS") ? "passing it through" : "sending it as Opus"));
                }
                return;
            }
            if (!media.equals("video")) {
                System.err.println("stream-camera: leaving out the camera's " + media + " stream (" + encoding + ")");
                return;
            }
            String chain = switch (encoding) {
                case "H264" -> "rtph264depay ! h264parse ! rtph264pay config-interval=1 pt=96";
                // VPS/SPS/PPS in front of every IRAP picture (CRA too): rtph265pay's config-interval=1 sends them
                // by the clock, often some frames after a keyframe, and its -1 only before IDR pictures (x265 and
                // many cameras send CRA ones), so a GOP would start with a picture nothing can decode.
                case "H265" -> "rtph265depay ! h265parse config-interval=-1 ! rtph265pay pt=98";
                default -> null;
            };
            if (chain == null) {
                end(Exit.UNSUPPORTED, "camera sends " + encoding + " video; only H.264 and H.265 pass through");
                return;
            }
            if (videoLinked) return;
            if (attach(pad, chain, "t")) {
                videoLinked = true;
                System.err.println("stream-camera: receiving " + encoding + ", passing it through");
                // rtspsrc adds a pad with each stream's first packet and may say no-more-pads before: a sound
                // track that has not come within 2 s of the video is taken for none.
                if (!options.audioTargets().isEmpty()) Thread.ofVirtual().start(() -> {
                    try {
                        Thread.sleep(2000);
                    } catch (InterruptedException e) {
                        return;
                    }
                    silenceUnlessSound();
                });
            }
        }

        /** A stream with sound whose camera sends none gets silence, so every output keeps its shape. */
        private synchronized void silenceUnlessSound() {
            if (options.audioTargets().isEmpty() || audioLinked || ended.isDone()) return;
            Bin silence = bin("audiotestsrc is-live=true wave=silence ! audio/x-raw,rate=48000,channels=2"
                    + " ! opusenc bitrate=16000 ! rtpopuspay pt=97");
            if (silence == null) return;
            pipeline.add(silence);
            if (!silence.link(pipeline.getElementByName("ta"))) {
                end(Exit.OTHER, "could not link the silence in place of the camera's sound");
                return;
            }
            silence.syncStateWithParent();
            audioLinked = true;
            System.err.println("stream-camera: the camera sends no sound: silence in its place");
        }

        private Bin bin(String description) {
            List<GError> errors = new ArrayList<>();
            Bin b = Gst.parseBinFromDescription(description, true, errors);
            if (!errors.isEmpty()) {
                end(Exit.OTHER, "pipeline: " + errors.get(0).getMessage());
                return null;
            }
            keep.add(b);
            return b;
        }

        private boolean attach(Pad pad, String description, String tee) {
            Bin chain = bin(description);
            if (chain == null) return false;
            pipeline.add(chain);
            if (!chain.link(pipeline.getElementByName(tee))) {
                end(Exit.OTHER, "could not link the camera's stream to its outputs");
                return false;
            }
            chain.syncStateWithParent();
            try {
                pad.link(chain.getStaticPad("sink"));
                return true;
            } catch (PadLinkException e) {
                end(Exit.OTHER, "could not link the camera's stream: " + e.getLinkResult());
                return false;
            }
        }

        private void onError(String message) {
            String m = message == null ? "" : message;
            String lower = m.toLowerCase(Locale.ROOT);
            if (lower.contains("unauthorized") || lower.contains("forbidden"))
                end(Exit.UNAUTHORIZED, "camera refused the credentials: " + m
                        + (user != null ? "" : " (it asks for a user and password: set source-user and source-password)"));
            else if (lower.contains("not found")) end(Exit.NOT_FOUND, "camera has no stream at this path: " + m);
            else if (lower.contains("could not open resource")) end(Exit.UNREACHABLE, "camera unreachable: " + m);
            else if (lower.contains("could not read from resource")) end(Exit.ENDED, "camera ended the stream: " + m);
            else end(Exit.OTHER, m);
        }
    }

    /**
     * @param encoding the camera's audio encoding name
     * @return the chain from its RTP to Opus RTP (payload type 97), or null for one not carried
     */
    static String audioChain(String encoding) {
        String toOpus = " ! audioconvert ! audioresample ! audio/x-raw,rate=48000,channels=2 ! opusenc bitrate=64000 ! rtpopuspay pt=97";
        return switch (encoding) {
            case "OPUS" -> "rtpopusdepay ! opusparse ! rtpopuspay pt=97";
            case "MPEG4-GENERIC" -> "rtpmp4gdepay ! aacparse ! avdec_aac" + toOpus;
            case "MP4A-LATM" -> "rtpmp4adepay ! aacparse ! avdec_aac" + toOpus;
            case "PCMA" -> "rtppcmadepay ! alawdec" + toOpus;
            case "PCMU" -> "rtppcmudepay ! mulawdec" + toOpus;
            default -> null;
        };
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
