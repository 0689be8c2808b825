package stream.server.internal.record;

import com.eclipsesource.json.Json;
import com.eclipsesource.json.JsonArray;
import com.eclipsesource.json.JsonObject;
import stream.server.internal.http.Exchange;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import stream.server.internal.http.ApiError;
import stream.server.internal.metrics.Metrics;
import stream.server.internal.settings.RecordGrammar;
import stream.server.internal.rtp.RtpTap;
import stream.server.internal.state.StateDir;
import stream.server.internal.feature.StreamEvent;
import stream.server.internal.feature.StreamFeature;
import stream.server.internal.settings.StreamSettings;

/**
 * A stream's recording, clips and snapshots: its {@link StreamCapture}, fed by the stream's
 * {@link RtpTap}, made with the stream and closed with it. Recording follows the stream's
 * {@code record*} settings in force ({@link #follow}, on each settings change), which change without touching the child
 * ({@link StreamSettings#LIVE}). Its files live in the stream's own folder of the state directory,
 * {@code media-PORT/NAME/} ({@code recordings/}, {@code clips/}), or for recordings in
 * {@code record-dir}. It adds the "recording" member to the stream's status, its series to
 * /metrics, and answers {@code /streams/NAME/recordings}, {@code /clips} and {@code /snapshot.jpg}.
 */
public final class StreamRecording implements StreamFeature {
    private static final System.Logger LOG = System.getLogger("stream.server");

    private final String name;
    private final Path streamDir;
    private final RtpTap tap;
    private final RtpTap audioTap;
    private final StreamCapture capture; // null when its folder could not be made: then problem says why
    private final String openProblem;
    // guarded by this
    private boolean enabled;
    private Path dir;
    private String problem;
    private boolean closed;

    private StreamRecording(String name, Path streamDir, RtpTap tap, RtpTap audioTap, StreamCapture capture, String openProblem) {
        this.name = name;
        this.streamDir = streamDir;
        this.tap = tap;
        this.audioTap = audioTap;
        this.capture = capture;
        this.openProblem = openProblem;
        this.dir = streamDir.resolve("recordings");
        if (capture != null) tap.addListener(capture);
        if (capture != null) audioTap.addListener(capture.audioListener());
    }

    /**
     * Makes the stream's capture and attaches it to the tap; never fails: a folder that cannot be
     * made is shown in the status and answered with 503.
     * @param name the stream's name
     * @param gstLaunch the gst-launch-1.0 executable
     * @param streamDir the stream's own folder (made 0700 when missing)
     * @param tap the stream's tap
     * @param audioTap the stream's audio tap (Opus RTP, while it has sound)
     * @param limits the bounds on clip writers and snapshot decoders, one for all streams
     * @return the recording, off
     */
    static StreamRecording open(String name, String gstLaunch, Path streamDir, RtpTap tap, RtpTap audioTap, MediaLimits limits) {
        try {
            makePrivate(streamDir);
            return new StreamRecording(name, streamDir, tap, audioTap,
                    new StreamCapture(gstLaunch, StreamCapture.CaptureSettings.defaults(streamDir), limits), null);
        } catch (IOException | RuntimeException e) {
            String why = "cannot use " + streamDir + " for recordings and clips: " + StateDir.describe(e instanceof IOException io ? io
                    : new IOException(e.getMessage()));
            LOG.log(Level.WARNING, "stream {0}: {1}", name, why);
            return new StreamRecording(name, streamDir, tap, audioTap, null, why);
        }
    }

    /** Makes a directory (and what is missing above it) mode 0700, and refuses one that is or lies behind a symlink. */
    private static void makePrivate(Path dir) throws IOException {
        Optional<String> bad = RecordGrammar.problem(dir);
        if (bad.isPresent()) throw new IOException(bad.get());
        try {
            Files.createDirectories(dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        } catch (UnsupportedOperationException e) {
            Files.createDirectories(dir); // not POSIX: no modes
        }
        bad = RecordGrammar.problem(dir); // again: it may have been swapped meanwhile
        if (bad.isPresent()) throw new IOException(bad.get());
    }

    /**
     * Switches recording on, off or to other settings, as the stream's settings in force say;
     * the stream's child is not touched. Returns once a segment that ends is complete.
     * @param settings the stream's settings in force
     */
    @Override
    public void on(StreamEvent event) {
        if (event instanceof StreamEvent.SettingsChanged changed) follow(changed.settings());
        // A stopped stream has no picture: a snapshot right after a stop is a 409, not the last one seen.
        else if (event instanceof StreamEvent.ChildEnded && capture != null) capture.childEnded();
        else if (event instanceof StreamEvent.ChildStarted && capture != null) capture.childStarted();
    }

    synchronized void follow(StreamSettings settings) {
        if (capture != null && !closed) capture.withAudio(settings.hasAudio());
        Path d = settings.get(StreamSettings.RECORD_DIR);
        dir = d == null ? streamDir.resolve("recordings") : d;
        enabled = settings.get(StreamSettings.RECORD);
        problem = null;
        if (capture == null || closed) return; // closed: the stream was deleted while a request waited
        capture.listRecordingsFrom(dir);
        RecordSettings wanted = null;
        if (enabled) {
            try {
                makePrivate(dir);
                wanted = new RecordSettings(dir, Duration.ofSeconds(settings.get(StreamSettings.RECORD_SEGMENT)),
                        Duration.ofSeconds(settings.get(StreamSettings.RECORD_MAX_AGE)),
                        (long) settings.get(StreamSettings.RECORD_MAX_SIZE) << 20, RecordSettings.DEFAULT_MIN_FREE);
            } catch (IOException e) {
                problem = "cannot record to " + dir + ": " + e.getMessage();
                LOG.log(Level.WARNING, "stream {0}: {1}", name, problem);
            }
        }
        try {
            capture.record(wanted);
        } catch (IOException e) {
            problem = "cannot record to " + dir + ": " + StateDir.describe(e);
            LOG.log(Level.WARNING, "stream {0}: {1}", name, problem);
        }
    }

    /** Adds the "recording" member. */
    @Override
    public void addStatus(JsonObject status) {
        status.add("recording", status());
    }

    private JsonObject status() {
        JsonObject o = Json.object();
        Optional<Recorder.Status> st = capture == null ? Optional.empty() : capture.recordStatus();
        synchronized (this) {
            o.add("enabled", enabled);
            if (st.isPresent()) {
                JsonObject s = st.get().toJson();
                for (String n : s.names()) o.add(n, s.get(n));
            } else {
                String why = openProblem != null ? openProblem : problem != null ? problem : "recording is off";
                o.add("state", Recorder.State.STOPPED.label()).add("message", why).add("segment", Json.NULL)
                        .add("segmentsStarted", 0).add("lastError", problem == null && openProblem == null ? Json.NULL : Json.value(why));
            }
            o.add("dir", dir.toString());
        }
        long[] t = totals();
        o.add("segments", t[0]).add("bytes", t[1]);
        JsonArray pending = new JsonArray();
        if (capture != null) for (Clips.Ticket c : capture.pendingClips()) pending.add(c.toJson());
        return o.add("pendingClips", pending);
    }

    /** @return {finished segments, their bytes} in the directory in force, without reading the files */
    private long[] totals() {
        Path d;
        synchronized (this) {
            d = dir;
        }
        long n = 0, bytes = 0;
        if (!Files.isDirectory(d, LinkOption.NOFOLLOW_LINKS)) return new long[] {0, 0};
        try (DirectoryStream<Path> files = Files.newDirectoryStream(d)) {
            for (Path p : files) {
                if (!MediaName.valid(p.getFileName().toString())) continue;
                try {
                    BasicFileAttributes a = Files.readAttributes(p, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
                    if (!a.isRegularFile()) continue;
                    n++;
                    bytes += a.size();
                } catch (IOException e) {
                    // deleted meanwhile (retention): not counted
                }
            }
        } catch (IOException e) {
            return new long[] {0, 0};
        }
        return new long[] {n, bytes};
    }

    /**
     * Adds the stream's recording series.
     * @param m the metrics being built
     */
    @Override
    public void addMetrics(Metrics m) {
        Optional<Recorder.Status> st = capture == null ? Optional.empty() : capture.recordStatus();
        long[] t = totals();
        Map<String, String> label = Map.of("stream", name);
        m.gauge("stream_recording_up", "1 while a segment of the stream is being written, else 0.", label,
                        st.isPresent() && st.get().state() == Recorder.State.RECORDING ? 1 : 0)
                .gauge("stream_recording_segments", "Finished recorded segments in the stream's recording directory.", label, t[0])
                .gauge("stream_recording_bytes", "Bytes of those segments.", label, t[1])
                .counter("stream_recording_segments_started_total", "Segments started since recording was last switched on.",
                        label, st.isPresent() ? st.get().segmentsStarted() : 0);
    }

    /**
     * Answers a request below {@code /streams/NAME} that {@link StreamMediaRoutes#handles} takes.
     * @param ex the exchange
     * @param rawRest the raw path after {@code /streams/NAME}
     * @throws ApiError 503 when the stream's folder is unusable
     * @throws IOException when sending fails
     */
    void answer(Exchange ex, String rawRest) throws IOException, ApiError {
        if (!StreamMediaRoutes.handles(rawRest))
            throw new ApiError(404, "No such path: " + ex.uri().getRawPath(),
                    "GET /streams/" + name + "/snapshot.jpg, GET /streams/" + name + "/recordings, GET|POST /streams/" + name + "/clips.");
        if (capture == null)
            throw new ApiError(503, "Recordings, clips and snapshots are unavailable for stream '" + name + "'", openProblem);
        StreamMediaRoutes.answer(ex, capture, rawRest);
    }

    /** Detaches from the tap and ends recording and clips, waiting for their children. */
    @Override
    public void close() {
        synchronized (this) {
            closed = true;
        }
        if (capture == null) return;
        tap.removeListener(capture);
        audioTap.removeListener(capture.audioListener());
        capture.close();
    }
}
