package stream.server.internal.record;

import com.eclipsesource.json.Json;
import com.eclipsesource.json.JsonObject;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Continuous recording of one stream into MP4 segments, each written by an {@link Mp4Writer}
 * child: a segment starts at a keyframe, is named by the UTC time its first frame arrived, and
 * ends at the first keyframe after the segment length, where the next one starts (the old
 * child finishes its file while the new one starts, so no frame is lost between them). While a
 * segment is written it carries {@link MediaName#PARTIAL}; it gets its name when its child exits,
 * however it exits. The live stream never waits for any of this.
 *
 * <p>Once a second a thread of its own checks free space and applies {@link Retention}. Below
 * {@link RecordSettings#minFreeBytes} (or when a child reports "No space left on device") the
 * recording stops with state {@code disk-full} and a message; once there is room again it resumes
 * at the next keyframe. A child that dies unasked ({@code kill -9}) leaves its segment playable
 * up to the last fragment; the next keyframe starts a new one (after 5 s when it died young, so a
 * broken set-up does not start a child per second).
 */
public final class Recorder implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger("stream.server");
    private static final long RETRY_NANOS = 5_000_000_000L;

    /** What the recorder is doing. */
    public enum State {
        /** Waiting for the stream's next keyframe to start a segment. */
        WAITING,
        /** Writing a segment. */
        RECORDING,
        /** Stopped for lack of space; resumes when there is room. */
        DISK_FULL,
        /** Closed. */
        STOPPED;

        /** @return the name shown in JSON, e.g. "disk-full" */
        public String label() {
            return name().toLowerCase(java.util.Locale.ROOT).replace('_', '-');
        }
    }

    /**
     * @param state the state
     * @param message what it means for a person
     * @param segment the segment being written (its final name), or null
     * @param segmentsStarted segments started since recording was switched on
     * @param lastError the last unasked child exit or failure, or null
     */
    public record Status(State state, String message, String segment, long segmentsStarted, String lastError) {
        /** @return the status as JSON */
        public JsonObject toJson() {
            return new JsonObject().add("state", state.label()).add("message", message)
                    .add("segment", segment == null ? Json.NULL : Json.value(segment))
                    .add("segmentsStarted", segmentsStarted)
                    .add("lastError", lastError == null ? Json.NULL : Json.value(lastError));
        }
    }

    private final RecordSettings settings;
    private final String gstLaunch;
    private final int payloadType;
    private final Catalog catalog;
    private final ScheduledExecutorService maintenance;

    // guarded by this
    private Mp4Writer current;
    private volatile boolean withAudio; // segments started from now on get a sound track
    private String currentName;
    private long currentStartNanos, segmentsStarted, retryAtNanos, lastUnitNanos;
    private State state = State.WAITING;
    private String message = "waiting for the next keyframe", lastError;
    private volatile boolean diskFull;
    private volatile String diskMessage;

    /**
     * Starts recording at the next keyframe given to {@link #accept}.
     * @param gstLaunch the gst-launch-1.0 executable
     * @param settings where and how
     * @param payloadType the stream's RTP payload type
     * @throws IOException when the directory cannot be created
     */
    public Recorder(String gstLaunch, RecordSettings settings, int payloadType) throws IOException {
        this.gstLaunch = Objects.requireNonNull(gstLaunch, "gstLaunch");
        this.settings = Objects.requireNonNull(settings, "settings");
        this.payloadType = payloadType;
        Files.createDirectories(settings.dir());
        this.catalog = new Catalog(settings.dir());
        Partials.recover(settings.dir());
        checkSpace();
        this.maintenance = Executors.newSingleThreadScheduledExecutor(
                r -> Thread.ofPlatform().daemon().name("recorder-" + settings.dir().getFileName()).unstarted(r));
        maintenance.scheduleWithFixedDelay(this::maintain, 1, 1, TimeUnit.SECONDS);
    }

    /** @return the finished segments */
    public Catalog catalog() {
        return catalog;
    }

    /** @return the settings */
    public RecordSettings settings() {
        return settings;
    }

    /**
     * Takes the stream's next access unit (on the tap's thread); never blocks on the child.
     * @param u the unit
     */
    public synchronized void accept(AccessUnit u) {
        if (state == State.STOPPED) return;
        lastUnitNanos = u.receivedNanos();
        if (current != null && !current.alive()) died();
        if (diskFull) {
            if (current != null) finishCurrent();
            state = State.DISK_FULL;
            message = diskMessage;
            return;
        }
        if (current != null && u.keyframe() && u.receivedNanos() - currentStartNanos >= settings.segment().toNanos())
            finishCurrent();
        if (current == null) {
            if (!u.keyframe() || u.receivedNanos() < retryAtNanos) {
                if (state != State.WAITING) {
                    state = State.WAITING;
                    message = "waiting for the next keyframe";
                }
                return;
            }
            startSegment(u);
            if (current == null) return;
        }
        current.write(u);
    }

    private void startSegment(AccessUnit u) {
        Instant start = Instant.now().minusNanos(System.nanoTime() - u.receivedNanos());
        String name = MediaName.of(start);
        while (Files.exists(settings.dir().resolve(name)) || Files.exists(settings.dir().resolve(name + MediaName.PARTIAL)))
            name = MediaName.of(start = start.plusMillis(1));
        Path part = settings.dir().resolve(name + MediaName.PARTIAL);
        try {
            String finalName = name;
            Mp4Writer w = Mp4Writer.start(gstLaunch, part, u.packets().get(0)[1] & 0x7F, withAudio, x -> complete(x, finalName));
            current = w;
            currentName = name;
            currentStartNanos = u.receivedNanos();
            segmentsStarted++;
            state = State.RECORDING;
            message = "recording to " + name;
        } catch (IOException e) {
            lastError = "cannot start the recording child: " + e.getMessage();
            retryAtNanos = u.receivedNanos() + RETRY_NANOS;
            LOG.log(Level.WARNING, "recording: {0}", lastError);
        }
    }

    /** @param on whether the stream has sound: the segments started from now on carry it */
    public void withAudio(boolean on) {
        withAudio = on;
    }

    /**
     * Takes one Opus RTP packet of the stream (on the audio tap's thread); never blocks.
     * @param packet the packet (a copy the writer may keep)
     * @param receivedNanos when it arrived
     */
    public synchronized void acceptAudio(byte[] packet, long receivedNanos) {
        if (current != null) current.writeAudio(packet, receivedNanos);
    }

    /** Ends the segment being written; the next keyframe starts a new one (the stream started anew). */
    public synchronized void cut() {
        if (current != null) finishCurrent();
    }

    private void finishCurrent() {
        current.finish();
        current = null;
        currentName = null;
    }

    /** The child ended without being asked: note why, start again at a later keyframe. */
    private void died() {
        Mp4Writer w = current;
        String stderr = w.stderr();
        lastError = "recording child " + w.pid() + " exited with " + exit(w.exitCode())
                + (stderr.isBlank() ? "" : ": " + stderr.lines().reduce((a, b) -> b).orElse(""));
        LOG.log(Level.WARNING, "recording: {0}", lastError);
        if (stderr.contains("No space left")) {
            diskMessage = "disk full: the recording child could not write to " + settings.dir()
                    + "; recording resumes when space is freed";
            diskFull = true;
        }
        if (System.nanoTime() - currentStartNanos < RETRY_NANOS) retryAtNanos = System.nanoTime() + RETRY_NANOS;
        current = null;
        currentName = null;
    }

    private static String exit(int code) {
        return code > 128 ? "signal " + (code - 128) : "code " + code;
    }

    /** Gives a segment whose child has exited its name. */
    private void complete(Mp4Writer w, String name) {
        try {
            Partials.publish(w.file());
        } catch (IOException e) {
            LOG.log(Level.WARNING, "recording: cannot finish {0}: {1}", name, e.getMessage());
        }
    }

    private void maintain() {
        try {
            synchronized (this) {
                // a stream that stopped sending: finish the segment so it gets its name now, not when the stream returns
                if (current != null && System.nanoTime() - lastUnitNanos > StreamCapture.QUIET_NANOS) {
                    finishCurrent();
                    state = State.WAITING;
                    message = "the stream sends nothing; recording goes on when it does";
                }
            }
            checkSpace();
            if (settings.maxBytes() > 0 || !settings.maxAge().isZero()) {
                List<String> gone = Retention.apply(catalog, settings.maxAge(), settings.maxBytes(), Instant.now());
                if (!gone.isEmpty()) LOG.log(Level.INFO, "recording: retention deleted {0}", gone);
            }
        } catch (IOException | RuntimeException e) {
            LOG.log(Level.WARNING, "recording maintenance: {0}", e.toString());
        }
    }

    private void checkSpace() throws IOException {
        long free = Files.getFileStore(settings.dir()).getUsableSpace();
        if (free < settings.minFreeBytes()) {
            diskMessage = "disk full: " + free + " bytes free in " + settings.dir() + ", recording needs "
                    + settings.minFreeBytes() + "; it resumes when space is freed";
            diskFull = true;
            synchronized (this) {
                if (current != null) finishCurrent();
                if (state != State.STOPPED) {
                    state = State.DISK_FULL;
                    message = diskMessage;
                }
            }
        } else if (diskFull) {
            diskFull = false;
            synchronized (this) {
                if (state == State.DISK_FULL) {
                    state = State.WAITING;
                    message = "space is free again: recording resumes at the next keyframe";
                }
            }
        }
    }

    /** @return what it is doing */
    public synchronized Status status() {
        if (current != null && !current.alive() && !current.finishing()) died();
        return new Status(state, message, currentName, segmentsStarted, lastError);
    }

    /** @return the child writing now, or null; for tests and diagnostics */
    synchronized Mp4Writer currentWriter() {
        return current;
    }

    /** Finishes the segment being written and waits for its child (up to 10 s). */
    @Override
    public void close() {
        Mp4Writer w;
        synchronized (this) {
            state = State.STOPPED;
            message = "recording is off";
            w = current;
            current = null;
            currentName = null;
        }
        maintenance.shutdownNow();
        if (w != null) {
            w.finishAndWait(10);
            w.done().join(); // the rename ran
        }
    }
}
