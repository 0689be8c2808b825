package stream.server.internal.record;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import stream.server.internal.rtp.RtpTap;

/**
 * Everything kept of one stream, fed by its {@link RtpTap}: the in-memory pre-roll, continuous
 * recording (switched on and off at any time, the stream never notices), clips and snapshots.
 * Register it with {@code tap.addListener(capture)}; the tap's thread then groups packets into
 * access units and hands each to the pre-roll, the recorder and the running clips, under one lock
 * so a clip starting gets every unit exactly once.
 *
 * <p>Errors for callers: {@link IllegalArgumentException} for bad input (answer 400),
 * {@link IllegalStateException} when the stream sends nothing (answer 409 or 503).
 */
public final class StreamCapture implements RtpTap.PacketListener, AutoCloseable {
    /** A stream that sent nothing for this long counts as not running for snapshots and clips. */
    public static final long QUIET_NANOS = 2_000_000_000L;

    private final String gstLaunch;
    private final CaptureSettings settings;
    private final AccessUnitAssembler assembler = new AccessUnitAssembler(this::onUnit);
    private final PreRoll preRoll;
    private final Clips clips;
    private final ParameterSets parameterSets = new ParameterSets(); // guarded by this
    private volatile int payloadType = 96;
    private Recorder recorder; // guarded by this
    private volatile Path listedDir; // the recordings listed while recording is off
    private long lastSsrc = -1, lastUnitNanos; // guarded by this
    // The stream's child has ended (a stop, a failure): its last pictures are no longer "now", even
    // for the 2 s of QUIET_NANOS and whatever RTP was still on its way. Cleared when a child starts.
    private boolean childEnded; // guarded by this
    // Sound: whether the stream has it (its settings say so), and the recent Opus packets for a clip's pre-roll.
    private volatile boolean withAudio;
    private final java.util.ArrayDeque<Clips.AudioPacket> audioPreRoll = new java.util.ArrayDeque<>(); // guarded by this
    private final RtpTap.PacketListener audioListener = this::onAudioPacket;
    private final MediaLimits limits;
    private final java.util.Map<Integer, CompletableFuture<byte[]>> decoding = new java.util.HashMap<>(); // by width; guarded by itself

    /**
     * Settings of a stream's capture that are not per recording.
     * @param recordingsDir where recordings are listed from while recording is off (its default directory)
     * @param clipsDir where clips go
     * @param maxBeforeSeconds the longest pre-roll a clip may ask for, kept in memory
     * @param maxPreRollBytes the memory bound of the pre-roll
     * @param tempDir where snapshots decode
     */
    public record CaptureSettings(Path recordingsDir, Path clipsDir, double maxBeforeSeconds, long maxPreRollBytes, Path tempDir) {
        /** Checks them. */
        public CaptureSettings {
            Objects.requireNonNull(recordingsDir, "recordingsDir");
            Objects.requireNonNull(clipsDir, "clipsDir");
            Objects.requireNonNull(tempDir, "tempDir");
            if (!(maxBeforeSeconds > 0 && maxBeforeSeconds <= 600))
                throw new IllegalArgumentException("maxBeforeSeconds must be more than 0 and at most 600: " + maxBeforeSeconds);
            if (maxPreRollBytes < (1 << 20)) throw new IllegalArgumentException("maxPreRollBytes below 1 MiB: " + maxPreRollBytes);
        }

        /**
         * @param streamDir the stream's own directory
         * @return recordings and clips in its subdirectories "recordings" and "clips", 30 s of pre-roll in at
         *     most 64 MiB (at 2 Mbit/s 30 s are 7.5 MB), snapshots decoded in java.io.tmpdir
         */
        public static CaptureSettings defaults(Path streamDir) {
            return new CaptureSettings(streamDir.resolve("recordings"), streamDir.resolve("clips"), 30, 64L << 20,
                    Path.of(System.getProperty("java.io.tmpdir")));
        }
    }

    /**
     * @param gstLaunch the gst-launch-1.0 executable
     * @param settings clips and pre-roll
     * @throws IOException when the clips directory cannot be created
     */
    public StreamCapture(String gstLaunch, CaptureSettings settings) throws IOException {
        this(gstLaunch, settings, new MediaLimits());
    }

    /**
     * @param gstLaunch the gst-launch-1.0 executable
     * @param settings clips and pre-roll
     * @param limits the bounds on clip writers and snapshot decoders, shared with the other streams
     * @throws IOException when the clips directory cannot be created
     */
    public StreamCapture(String gstLaunch, CaptureSettings settings, MediaLimits limits) throws IOException {
        this.limits = Objects.requireNonNull(limits, "limits");
        this.gstLaunch = Objects.requireNonNull(gstLaunch, "gstLaunch");
        this.settings = Objects.requireNonNull(settings, "settings");
        // the pre-roll keeps from the keyframe at or before the longest before: that much is always there
        this.preRoll = new PreRoll((long) (settings.maxBeforeSeconds() * 1e9), settings.maxPreRollBytes());
        this.clips = new Clips(gstLaunch, settings.clipsDir(), settings.maxBeforeSeconds(), limits);
        this.listedDir = settings.recordingsDir();
    }

    /**
     * Sets where the recordings are listed from while recording is off: the directory the
     * stream's settings name, so turning recording off does not hide what it wrote.
     * @param dir the directory
     */
    public void listRecordingsFrom(Path dir) {
        listedDir = Objects.requireNonNull(dir, "dir");
    }

    @Override
    public void onPacket(ByteBuffer packet, long receivedNanos) {
        payloadType = packet.get(packet.position() + 1) & 0x7F;
        assembler.accept(packet, receivedNanos);
    }

    /** @return the listener to register on the stream's audio tap */
    public RtpTap.PacketListener audioListener() {
        return audioListener;
    }

    /**
     * Says whether the stream has sound (its settings in force): recordings and clips started from
     * now on carry an Opus track then.
     * @param on whether it has
     */
    public synchronized void withAudio(boolean on) {
        withAudio = on;
        if (!on) audioPreRoll.clear();
        if (recorder != null) recorder.withAudio(on);
    }

    private synchronized void onAudioPacket(ByteBuffer packet, long receivedNanos) {
        if (!withAudio) return;
        byte[] copy = new byte[packet.remaining()];
        packet.get(packet.position(), copy);
        Clips.AudioPacket p = new Clips.AudioPacket(copy, receivedNanos);
        audioPreRoll.addLast(p);
        long keep = (long) (settings.maxBeforeSeconds() * 1e9) + 5_000_000_000L; // a keyframe interval more than the longest before
        while (receivedNanos - audioPreRoll.peekFirst().receivedNanos() > keep) audioPreRoll.removeFirst();
        if (recorder != null) recorder.acceptAudio(copy, receivedNanos);
        clips.acceptAudio(p);
    }

    private synchronized void onUnit(AccessUnit u) {
        long ssrc = ssrc(u.packets().get(0));
        if (ssrc != lastSsrc || u.receivedNanos() - lastUnitNanos > QUIET_NANOS) newStream();
        lastSsrc = ssrc;
        lastUnitNanos = u.receivedNanos();
        preRoll.add(u);
        parameterSets.accept(u);
        if (recorder != null) recorder.accept(u);
        clips.accept(u);
    }

    /**
     * Switches continuous recording on (with these settings) or off (null); a recording already
     * on with other settings ends its segment and starts again with the new ones.
     * @param record the settings, or null for off
     * @throws IOException when the directory cannot be created
     */
    public void record(RecordSettings record) throws IOException {
        Recorder old;
        synchronized (this) {
            if (recorder != null && recorder.settings().equals(record)) return;
            old = recorder;
            recorder = record == null ? null : new Recorder(gstLaunch, record, payloadType);
            if (recorder != null) recorder.withAudio(withAudio);
        }
        if (old != null) old.close(); // outside the lock: the stream goes on while it finishes
    }

    /** @return the recorder's status, or empty while recording is off */
    public synchronized java.util.Optional<Recorder.Status> recordStatus() {
        return recorder == null ? java.util.Optional.empty() : java.util.Optional.of(recorder.status());
    }

    /** @return the segments: of the recording in force, or while it is off of the default directory */
    public synchronized Catalog recordings() {
        return recorder == null ? new Catalog(listedDir) : recorder.catalog();
    }

    /** @return the settings */
    public CaptureSettings settings() {
        return settings;
    }

    /** @return the finished clips */
    public Catalog clips() {
        return clips.catalog();
    }

    /** @return the clips still being written */
    public List<Clips.Ticket> pendingClips() {
        return clips.pending();
    }

    /**
     * Starts a clip: see {@link Clips#start}.
     * @param before seconds before now
     * @param after seconds after now
     * @return its ticket, at once
     * @throws IOException when its child cannot start
     */
    public synchronized Clips.Ticket clip(double before, double after) throws IOException {
        Clips.check(before, after, settings.maxBeforeSeconds()); // a bad request is told so even when the stream is off
        long now = System.nanoTime();
        requireRunning(now);
        List<AccessUnit> units = parameterSets.completing(preRoll.since(now - (long) (before * 1e9)));
        return clips.start(units, withAudio ? List.copyOf(audioPreRoll) : null, now, before, after, payloadType);
    }

    /**
     * The latest picture. Requests for the same width at the same time share one decode; decoders
     * of all streams are bounded ({@link MediaLimits#SNAPSHOTS_IN_ALL}), and every request ends
     * within about {@link MediaLimits#SNAPSHOT_WAIT} plus {@link MediaLimits#SNAPSHOT_CHILD_LIMIT}.
     * @param width the width to scale to, or 0 for the stream's own
     * @return the latest picture as a JPEG
     * @throws IllegalStateException when the stream sends nothing (409)
     * @throws Busy 503 when no decoder is free in time, or the decoder failed or took too long
     */
    public byte[] snapshot(int width) {
        Snapshots.checkWidth(width);
        requireRunningNow();
        CompletableFuture<byte[]> shared;
        boolean mine = false;
        synchronized (decoding) {
            shared = decoding.get(width);
            if (shared == null) {
                decoding.put(width, shared = new CompletableFuture<>());
                mine = true;
            }
        }
        if (mine) {
            try {
                shared.complete(decode(width));
            } catch (RuntimeException e) {
                shared.completeExceptionally(e);
            } finally {
                synchronized (decoding) {
                    decoding.remove(width, shared);
                }
            }
        }
        try {
            return shared.get(MediaLimits.SNAPSHOT_WAIT.plus(MediaLimits.SNAPSHOT_CHILD_LIMIT).toMillis() + 2000, TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException r) throw r;
            throw new Busy(503, "no picture: " + e.getCause().getMessage(), 1, "Try again.");
        } catch (TimeoutException e) {
            throw new Busy(503, "the picture was not ready in time", 2, "Try again in a moment.");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new Busy(503, "interrupted while waiting for the picture", 1, "Try again.");
        }
    }

    private void requireRunningNow() {
        synchronized (this) {
            requireRunning(System.nanoTime());
        }
    }

    /**
     * One decode with a decoder slot: the newest keyframe interval as it is once the slot is free,
     * its keyframe preceded by the stream's parameter sets when it came without them ({@link ParameterSets}).
     */
    private byte[] decode(int width) {
        limits.takeSnapshot();
        try {
            List<AccessUnit> gop;
            synchronized (this) {
                requireRunning(System.nanoTime());
                gop = parameterSets.completing(preRoll.latestGop());
            }
            return Snapshots.jpeg(gstLaunch, gop, payloadType, width, settings.tempDir(), MediaLimits.SNAPSHOT_CHILD_LIMIT);
        } catch (IOException e) {
            throw new Busy(503, "no picture: " + e.getMessage(), 1, "Try again; if it keeps failing, the stream's status and the server's log say more.");
        } finally {
            limits.releaseSnapshot();
        }
    }

    /** @return whether a picture arrived within {@link #QUIET_NANOS}: snapshots and clips can be made */
    public boolean receiving() {
        OptionalLong newest = preRoll.newestNanos();
        return newest.isPresent() && System.nanoTime() - newest.getAsLong() <= QUIET_NANOS;
    }

    /**
     * The stream's child ended: from now on snapshots and clips are refused (409) until
     * {@link #childStarted()}, and what the pre-roll holds is forgotten.
     */
    public synchronized void childEnded() {
        childEnded = true;
        newStream();
    }

    /** A child of the stream was spawned: snapshots and clips follow its pictures once they arrive. */
    public synchronized void childStarted() {
        childEnded = false;
    }

    private void requireRunning(long now) {
        if (childEnded) throw new IllegalStateException("the stream is not running: its child has ended");
        OptionalLong newest = preRoll.newestNanos();
        if (newest.isEmpty()) throw new IllegalStateException("the stream is not running: no picture received yet");
        if (now - newest.getAsLong() > QUIET_NANOS)
            throw new IllegalStateException("the stream is not running: nothing received for "
                    + (now - newest.getAsLong()) / 1_000_000_000L + " s");
    }

    private static long ssrc(byte[] p) {
        return ((p[8] & 0xFFL) << 24) | ((p[9] & 0xFF) << 16) | ((p[10] & 0xFF) << 8) | (p[11] & 0xFF);
    }

    /**
     * A new stream (another SSRC, or packets again after a pause): its timestamps start afresh, so
     * the pre-roll is forgotten and the segment being written ends; the next keyframe starts a new one.
     * Found by itself; the supervisor may also call it when it starts a child.
     */
    public synchronized void newStream() {
        preRoll.clear();
        parameterSets.clear();
        audioPreRoll.clear();
        if (recorder != null) recorder.cut();
    }

    /** Ends recording and clips, waiting for their children. */
    @Override
    public void close() {
        Recorder r;
        synchronized (this) {
            r = recorder;
            recorder = null;
        }
        if (r != null) r.close();
        clips.close();
    }
}
