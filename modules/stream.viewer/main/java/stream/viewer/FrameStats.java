package stream.viewer;

import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import stream.viewer.ViewerReport.Ending;

/**
 * What a viewer has seen so far: packets (for stall detection), frames with the times of the
 * first and last, and the picture size. Written from GStreamer threads and read from any.
 */
final class FrameStats {
    private final long startNanos;
    private final AtomicLong frames = new AtomicLong();
    private final AtomicBoolean stalled = new AtomicBoolean();
    private volatile long lastPacketNanos;
    private volatile long firstFrameNanos;
    private volatile long lastFrameNanos;
    private volatile long lastFrameNanosAtEnd;
    private volatile long framesAtStall;
    private volatile int width;
    private volatile int height;

    /** @param startNanos when the viewer started ({@link System#nanoTime()}): times are counted from it */
    FrameStats(long startNanos) {
        this.startNanos = startNanos;
    }

    long startNanos() {
        return startNanos;
    }

    long frames() {
        return frames.get();
    }

    /**
     * Notes a packet.
     * @return true when the stream had stalled and is back
     */
    boolean packet(long now) {
        lastPacketNanos = now;
        return stalled.compareAndSet(true, false);
    }

    /**
     * Notes that no packet came for {@code stallNanos}, once per stall.
     * @return true when the stream has just been found stalled
     */
    boolean checkStall(long now, long stallNanos) {
        long last = lastPacketNanos;
        if (last != 0 && now - last >= stallNanos && stalled.compareAndSet(false, true)) {
            framesAtStall = frames.get();
            return true;
        }
        return false;
    }

    /** @return true while the picture size is not known yet */
    boolean needsSize() {
        return width == 0;
    }

    void size(int w, int h) {
        width = w;
        height = h;
    }

    /**
     * Counts a frame.
     * @return the progress line it causes (the first frame, frames again after a stall), or null
     */
    String frame(long now) {
        long n = frames.incrementAndGet();
        lastFrameNanos = now;
        if (n == 1) {
            firstFrameNanos = now;
            return String.format(Locale.ROOT, "first frame after %.1f s: %dx%d", (now - startNanos) / 1e9, width, height);
        }
        if (n == framesAtStall + 1 && framesAtStall > 0) {
            framesAtStall = 0;
            return String.format(Locale.ROOT, "frames again: %dx%d", width, height);
        }
        return null;
    }

    /** Freezes the last frame's time for the report: frames still in flight at the end do not count. */
    void end() {
        lastFrameNanosAtEnd = lastFrameNanos;
    }

    ViewerReport report(Ending ending, String message) {
        long n = frames.get();
        long first = firstFrameNanos;
        long last = lastFrameNanosAtEnd != 0 ? lastFrameNanosAtEnd : lastFrameNanos;
        Duration toFirst = n > 0 && first != 0 ? Duration.ofNanos(first - startNanos) : null;
        double fps = n > 1 && last > first ? (n - 1) / ((last - first) / 1e9) : 0;
        return new ViewerReport(ending, n, toFirst, fps, width, height, message);
    }
}
