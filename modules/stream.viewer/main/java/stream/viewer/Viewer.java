package stream.viewer;

import java.util.Objects;
import java.util.function.Consumer;

/**
 * Shows the H.264/RTP/UDP stream: a GStreamer pipeline (udpsrc, rtph264depay, h264parse,
 * avdec_h264, videoconvert, a video sink) playing in this process.
 *
 * <p>{@link #start} returns at once; {@link #awaitEnd()} blocks until the window is closed, the
 * frame limit or the timeout is reached, an error happens, or {@link #close()} is called.
 * Several viewers may be started one after the other in one process.
 */
public final class Viewer implements AutoCloseable {
    private Viewer() {}

    /**
     * Checks the display and the plugins, builds the pipeline and plays it.
     * @param options what to receive and how to show it
     * @param progress receives human-readable lines ("waiting for the stream on udp/5000", ...);
     *        called from GStreamer threads, so it should return quickly
     * @return the running viewer
     * @throws ViewerException when the viewer cannot start (no display, plugin missing, port in use ...)
     */
    public static Viewer start(ViewerOptions options, Consumer<String> progress) throws ViewerException {
        Objects.requireNonNull(options, "options");
        Objects.requireNonNull(progress, "progress");
        throw new ViewerException(ViewerException.Kind.PIPELINE, "not yet implemented");
    }

    /**
     * Blocks until the viewer ends, then returns what it saw.
     * @return the report
     * @throws InterruptedException when the waiting thread is interrupted
     */
    public ViewerReport awaitEnd() throws InterruptedException {
        throw new IllegalStateException("not yet implemented");
    }

    /** Stops the pipeline (state NULL) and releases it; idempotent, safe from any thread and from a shutdown hook. */
    @Override
    public void close() {
    }
}
