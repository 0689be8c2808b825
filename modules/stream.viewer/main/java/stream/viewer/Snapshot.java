package stream.viewer;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;

import org.freedesktop.gstreamer.Caps;
import org.freedesktop.gstreamer.Pad;
import org.freedesktop.gstreamer.PadProbeInfo;
import org.freedesktop.gstreamer.PadProbeReturn;
import org.freedesktop.gstreamer.Structure;

import stream.viewer.internal.Png;

/**
 * The --snapshot frame: takes the first RGB frame of the pipeline's snapshot branch, closes the
 * branch, and writes the frame as PNG away from the streaming thread.
 */
final class Snapshot {
    private final Path file;
    private final ViewerPipeline pipeline;
    private final Executor compressor;
    private final Consumer<String> say;
    private final Runnable onWritten;
    private final Consumer<String> onFailure;
    private final AtomicBoolean taken = new AtomicBoolean();
    private volatile boolean written;
    private volatile String problem;

    /**
     * @param file where the PNG goes
     * @param pipeline the pipeline whose snapshot branch feeds {@link #probe}
     * @param compressor runs the PNG compression
     * @param say receives the progress line once written
     * @param onWritten called once the file is written
     * @param onFailure receives the message when it cannot be written
     */
    Snapshot(Path file, ViewerPipeline pipeline, Executor compressor, Consumer<String> say,
             Runnable onWritten, Consumer<String> onFailure) {
        this.file = file;
        this.pipeline = pipeline;
        this.compressor = compressor;
        this.say = say;
        this.onWritten = onWritten;
        this.onFailure = onFailure;
    }

    boolean written() {
        return written;
    }

    /** @return why the snapshot could not be written, or null */
    String problem() {
        return problem;
    }

    /** The pad probe on the snapshot branch's sink: copies out the first frame, drops every frame. */
    PadProbeReturn probe(Pad pad, PadProbeInfo info) {
        if (!taken.compareAndSet(false, true)) {
            return PadProbeReturn.DROP;
        }
        // One frame is enough: close the valve so the RGB branch stops converting.
        pipeline.closeSnapshotBranch();
        Caps caps = pad.getCurrentCaps();
        Structure s = caps.getStructure(0);
        int w = s.getInteger("width");
        int h = s.getInteger("height");
        var buffer = info.getBuffer();
        byte[] rgb = new byte[w * h * 3];
        ByteBuffer data = buffer.map(false);
        try {
            // GStreamer pads each RGB row to a multiple of 4 bytes.
            int stride = (w * 3 + 3) & ~3;
            for (int y = 0; y < h; y++) {
                data.get(y * stride, rgb, y * w * 3, w * 3);
            }
        } finally {
            buffer.unmap();
        }
        // Compress away from the streaming thread.
        compressor.execute(() -> write(w, h, rgb));
        return PadProbeReturn.DROP;
    }

    private void write(int w, int h, byte[] rgb) {
        try {
            Png.write(file, w, h, rgb);
            written = true;
            say.accept("snapshot written to " + file + " (" + w + "x" + h + ")");
            onWritten.run();
        } catch (IOException | RuntimeException e) {
            problem = "cannot write the snapshot " + file + ": " + e.getMessage();
            onFailure.accept(problem + "; check that its folder exists and is writable");
        }
    }
}
