package stream.server.internal.record;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/**
 * How many children the media requests of all streams may have at once: one instance per server
 * (the recording feature's), shared by every stream's {@link StreamCapture}. A request past a
 * bound is answered at once ({@link Busy}: 429 for clips, 503 for snapshots, with
 * {@code Retry-After}) instead of starting one more child.
 *
 * <ul>
 * <li>Clips: each is a gst-launch-1.0 MP4 writer living up to {@code before + after} (630 s) at
 *     ~18 MB of memory; {@link #CLIPS_PER_STREAM} per stream, {@link #CLIPS_IN_ALL} in all. A clip
 *     asked for while one of the same stream is written that already starts early enough and ends
 *     at most {@link #CLIP_SHARE_SLACK} earlier shares that one (same file, its end moved).
 * <li>Snapshots: each is a decoder child of about a keyframe interval's work; {@link #SNAPSHOTS_IN_ALL}
 *     at once (a 2-core machine), concurrent requests for one stream and width share one decode,
 *     a request waits {@link #SNAPSHOT_WAIT} at most for a free decoder, and a decoder gets
 *     {@link #SNAPSHOT_CHILD_LIMIT}: every request is answered within about their sum.
 * </ul>
 */
public final class MediaLimits {
    /** Clips being written at once per stream. */
    public static final int CLIPS_PER_STREAM = 3;
    /** Clips being written at once, all streams together. */
    public static final int CLIPS_IN_ALL = 8;
    /** How much later than a clip being written a request may end and still share it. */
    public static final Duration CLIP_SHARE_SLACK = Duration.ofSeconds(10);
    /** Snapshot decoders at once, all streams together. */
    public static final int SNAPSHOTS_IN_ALL = 2;
    /** How long a snapshot request waits for a free decoder before 503. */
    public static final Duration SNAPSHOT_WAIT = Duration.ofSeconds(5);
    /** How long one decoder child may take before it is killed and its requests get 503. */
    public static final Duration SNAPSHOT_CHILD_LIMIT = Duration.ofSeconds(10);

    private final Semaphore clips = new Semaphore(CLIPS_IN_ALL);
    private final Map<Object, Long> clipEnds = new ConcurrentHashMap<>(); // each clip slot taken: when its clip ends (nanos)
    private final Semaphore snapshots = new Semaphore(SNAPSHOTS_IN_ALL, true);

    /**
     * Takes a clip slot.
     * @param endNanos when the clip will end, on {@link System#nanoTime()}'s clock
     * @return the slot, to give back with {@link #releaseClip}
     * @throws Busy 429 when {@link #CLIPS_IN_ALL} are being written
     */
    Object takeClip(long endNanos) {
        if (!clips.tryAcquire())
            throw new Busy(429, CLIPS_IN_ALL + " clips are being written already (all streams together), the most at once",
                    retryAfter(clipEnds.values().stream().mapToLong(Long::longValue).min().orElse(System.nanoTime())),
                    "Try again after Retry-After seconds, when the first of them is complete.");
        Object slot = new Object();
        clipEnds.put(slot, endNanos);
        return slot;
    }

    /** The clip of a slot now ends later (a request shares it). */
    void extendClip(Object slot, long endNanos) {
        clipEnds.computeIfPresent(slot, (s, old) -> Math.max(old, endNanos));
    }

    /** Gives a clip slot back: its child has ended. Twice is harmless. */
    void releaseClip(Object slot) {
        if (clipEnds.remove(slot) != null) clips.release();
    }

    /** @return the clip children counted now, all streams */
    int clipsInAll() {
        return clipEnds.size();
    }

    /**
     * Takes a snapshot decoder, waiting up to {@link #SNAPSHOT_WAIT}.
     * @throws Busy 503 when none becomes free in time
     */
    void takeSnapshot() {
        try {
            if (snapshots.tryAcquire(SNAPSHOT_WAIT.toMillis(), TimeUnit.MILLISECONDS)) return;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        throw new Busy(503, SNAPSHOTS_IN_ALL + " snapshots are being decoded already (all streams together), the most at once",
                2, "Try again in a moment; requests for the same stream and width at the same time share one decode.");
    }

    /** Gives a snapshot decoder back. */
    void releaseSnapshot() {
        snapshots.release();
    }

    /** @return whole seconds from now until a time on {@link System#nanoTime()}'s clock, at least 1 */
    static long retryAfter(long atNanos) {
        long s = (atNanos - System.nanoTime() + 999_999_999L) / 1_000_000_000L;
        return Math.max(1, s + 1); // +1: the child writes the file's end after the clip's last frame
    }
}
