package stream.server.internal.record;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;

/**
 * How one stream is recorded.
 *
 * @param dir where the segments go (created when missing)
 * @param segment the target length of a segment; a segment ends at the first keyframe after it
 * @param maxAge segments that ended longer ago are deleted; {@link Duration#ZERO} keeps them
 * @param maxBytes the segments together stay under this, oldest deleted first; 0 for no bound
 * @param minFreeBytes recording stops while the file system has less than this free
 */
public record RecordSettings(Path dir, Duration segment, Duration maxAge, long maxBytes, long minFreeBytes) {
    /** The defaults: one-minute segments, kept without bound, stop below 64 MiB free. */
    public static final Duration DEFAULT_SEGMENT = Duration.ofMinutes(1);
    /** Recording stops below this much free space unless told otherwise. */
    public static final long DEFAULT_MIN_FREE = 64L << 20;

    /** Checks the values. */
    public RecordSettings {
        Objects.requireNonNull(dir, "dir");
        Objects.requireNonNull(segment, "segment");
        Objects.requireNonNull(maxAge, "maxAge");
        if (segment.compareTo(Duration.ofSeconds(1)) < 0 || segment.compareTo(Duration.ofHours(24)) > 0)
            throw new IllegalArgumentException("segment length must be 1 s to 24 h: " + segment);
        if (maxAge.isNegative()) throw new IllegalArgumentException("maxAge must not be negative: " + maxAge);
        if (maxBytes < 0) throw new IllegalArgumentException("maxBytes must not be negative: " + maxBytes);
        if (minFreeBytes < 0) throw new IllegalArgumentException("minFreeBytes must not be negative: " + minFreeBytes);
    }

    /**
     * @param dir the directory
     * @return the defaults for a directory
     */
    public static RecordSettings in(Path dir) {
        return new RecordSettings(dir, DEFAULT_SEGMENT, Duration.ZERO, 0, DEFAULT_MIN_FREE);
    }
}
