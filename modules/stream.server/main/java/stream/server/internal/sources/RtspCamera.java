package stream.server.internal.sources;

import com.eclipsesource.json.Json;
import stream.server.internal.process.MediaCommand;
import stream.server.internal.settings.CameraGrammar;
import stream.server.internal.settings.SettingsGrammar.Endpoint;
import stream.server.internal.settings.StreamSettings;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * IP cameras: a {@code source} of {@code rtsp://HOST[:PORT]/PATH}. The camera's H.264 or H.265
 * passes through, never decoded (H.265 with payload type 98, which tells every output the codec): the child is the camera relay of module stream.viewer
 * ({@code stream.viewer.internal.camera.CameraRelay}, a JVM with gst1-java-core building
 * {@code rtspsrc ! rtph264depay ! h264parse ! rtph264pay config-interval=1 pt=96 ! tee ! udpsink...}),
 * not gst-launch-1.0, because the credentials must not appear on a command line (every local
 * user reads /proc/PID/cmdline): the relay reads them from its stdin ({@link #stdin}) and sets them
 * as rtspsrc's {@code user-id}/{@code user-pw} properties.
 *
 * <p>A camera that is unreachable, ends its stream or sends nothing for the stall timeout is asked
 * again by the relay itself, which says so in a line on its stdout ({@link #reported}); other
 * problems end it, and its exit code says which ({@link Problem}): the supervisor shows it as the
 * camera's message and restarts it (a camera source restarts on failure by default), no faster
 * than every {@link Problem#REFUSED_CREDENTIALS 30 s} after the camera refused the credentials.
 */
public final class RtspCamera implements SourceScheme {
    /** The relay's main class. */
    public static final String MAIN = "stream.viewer/stream.viewer.internal.camera.CameraRelay";

    /** What a relay's exit code means; the codes are the relay's (see CameraRelay.Exit in stream.viewer). */
    public enum Problem {
        /** Connection refused, no route, no answer, name not resolved. */ UNREACHABLE(10, "camera unreachable"),
        /** 401 with the credentials given (or none given). */ REFUSED_CREDENTIALS(11, "camera refused the credentials"),
        /** EOS: the camera ended the session or its server went away. */ ENDED(12, "camera ended the stream"),
        /** The camera sends video other than H.264 and H.265. */ UNSUPPORTED(13, "camera sends video other than H.264 or H.265, which is not passed through"),
        /** 404 or another refusal of the path. */ NOT_FOUND(14, "camera has no stream at this path"),
        /** The relay is alive but no RTP left it for the stall timeout. */ NO_VIDEO(15, "no video"),
        /** Another failure: the relay's last stderr line says it. */ OTHER(1, "camera relay failed");

        /** The relay's exit code. */
        public final int code;
        /** What the status says. */
        public final String message;

        Problem(int code, String message) {
            this.code = code;
            this.message = message;
        }

        /**
         * @return whether asking again soon cannot help and may harm: refused credentials (the camera
         *         may lock the account) and a codec that does not pass (it changes only when someone
         *         reconfigures the camera); retried every {@link #CREDENTIALS_BACKOFF} at most
         */
        public boolean retrySeldom() {
            return this == REFUSED_CREDENTIALS || this == UNSUPPORTED;
        }

        /** @param code a relay's exit code (not 0 for a requested stop) @return what it means */
        public static Problem ofExit(int code) {
            for (Problem p : values()) if (p.code == code && p != OTHER) return p;
            if (code == 0) return ENDED; // stdin closed or EOS: either way the camera sends no more
            return OTHER;
        }
    }

    /** The shortest wait before asking a camera again after a problem that {@link Problem#retrySeldom() is retried seldom}. */
    public static final java.time.Duration CREDENTIALS_BACKOFF = java.time.Duration.ofSeconds(30);

    @Override
    public boolean accepts(String value) {
        return CameraGrammar.isCameraUrl(value);
    }

    @Override
    public Source resolve(String value) {
        return new Source(Source.Kind.RTSP, value, "--source " + value);
    }

    /**
     * The relay's command line: no credentials in it.
     * @param settings the stream's settings (source, transport, targets, ttl)
     * @param tapPort the server's loopback RTP tap, or 0
     * @return java ... -m stream.viewer/...CameraRelay --location URL --transport tcp --target HOST:PORT...
     */
    public static List<String> command(StreamSettings settings, int tapPort) {
        return command(settings, tapPort, 0);
    }

    /**
     * The relay's command line: no credentials in it. With {@code audio camera} the camera's sound
     * goes as Opus (payload type 97) to each target's port + 2 and to the audio tap, as a local
     * stream's sound does (without RTCP): passed through when the camera sends Opus, else decoded
     * (AAC, G.711) and encoded once, since every output here (SDP, RTSP, recordings, WebRTC) takes
     * Opus. A camera with no sound track sends silence in its place, so every output keeps its shape.
     * @param settings the stream's settings (source, transport, targets, ttl, audio)
     * @param tapPort the server's loopback RTP tap, or 0
     * @param audioTapPort the server's loopback audio RTP tap, or 0
     * @return java ... -m stream.viewer/...CameraRelay --location URL --transport tcp --target HOST:PORT... [--audio-target HOST:PORT...]
     */
    public static List<String> command(StreamSettings settings, int tapPort, int audioTapPort) {
        List<String> options = new ArrayList<>(List.of("--location", settings.get(StreamSettings.SOURCE),
                "--transport", settings.get(StreamSettings.SOURCE_TRANSPORT).text(), "--ttl", Integer.toString(settings.ttl()),
                // the relay asks a camera that went away again itself: no JVM start between its return and the first frame
                "--reconnect", "on", "--stall-timeout", Integer.toString(settings.stallTimeout())));
        List<Endpoint> targets = new ArrayList<>(settings.targets());
        if (tapPort > 0) targets.add(new Endpoint("127.0.0.1", tapPort));
        for (Endpoint e : targets) options.addAll(List.of("--target", e.toString()));
        if (settings.hasAudio()) {
            for (Endpoint e : settings.targets()) options.addAll(List.of("--audio-target", new Endpoint(e.host(), e.port() + 2).toString()));
            if (audioTapPort > 0) options.addAll(List.of("--audio-target", new Endpoint("127.0.0.1", audioTapPort).toString()));
        }
        try {
            return MediaCommand.forServer(MAIN, "stream-camera", options);
        } catch (IllegalStateException e) {
            // The status shows this, and the start fails with it: no program by that name runs.
            return List.of("(no camera relay: " + e.getMessage() + ")");
        }
    }

    /**
     * The line the relay reads on its stdin before anything else: the credentials, as JSON.
     * @param settings the stream's settings
     * @return e.g. {"user":"admin","password":"..."}, with nulls when not set
     */
    public static String stdin(StreamSettings settings) {
        String user = settings.get(StreamSettings.SOURCE_USER), password = settings.get(StreamSettings.SOURCE_PASSWORD);
        return Json.object().add("user", user == null ? Json.NULL : Json.value(user))
                .add("password", password == null ? Json.NULL : Json.value(password)).toString() + "\n";
    }

    /**
     * A problem the relay handles itself (it asks the camera again): one line on its stdout.
     * @param line a line of the relay's stdout, {"problem":CODE,"message":".."}
     * @return the problem, when the line is one
     */
    public static Optional<Problem> reported(String line) {
        if (line == null || !line.startsWith("{\"problem\":")) return Optional.empty();
        try {
            var v = Json.parse(line).asObject().get("problem");
            return v != null && v.isNumber() ? Optional.of(Problem.ofExit(v.asInt())) : Optional.empty();
        } catch (RuntimeException e) {
            return Optional.empty();
        }
    }

    /** @param exitCode the relay's exit code @return the problem, when the code names one */
    public static Optional<Problem> problem(int exitCode) {
        return Optional.of(Problem.ofExit(exitCode));
    }
}
