package stream.viewer;

import java.time.Duration;
import java.util.Locale;

/**
 * What a {@link Viewer} saw, returned by {@link Viewer#awaitEnd()}.
 *
 * @param ending why the viewer stopped
 * @param frames how many frames were decoded
 * @param timeToFirstFrame from start to the first decoded frame, or {@code null} if none came
 * @param meanFps decoded frames per second between the first and the last frame; 0 with fewer than 2
 * @param width the width of the last decoded frame, 0 if none
 * @param height the height of the last decoded frame, 0 if none
 * @param message a readable detail (the error, the snapshot written ...), or an empty string
 */
public record ViewerReport(Ending ending, long frames, Duration timeToFirstFrame, double meanFps,
        int width, int height, String message) {

    /** Why a viewer stopped. */
    public enum Ending {
        /** The person closed the window. */
        WINDOW_CLOSED,
        /** The requested number of frames was decoded. */
        FRAMES_REACHED,
        /** The timeout passed first. */
        TIMEOUT,
        /** GStreamer reported an error; see {@link ViewerReport#message()}. */
        ERROR,
        /** {@link Viewer#close()} was called (Ctrl+C, or the caller). */
        CLOSED
    }

    /**
     * Checks the values.
     * @throws NullPointerException when ending is null
     */
    public ViewerReport {
        java.util.Objects.requireNonNull(ending, "ending");
        message = message == null ? "" : message;
    }

    /**
     * One line for people, such as
     * {@code "12 frames decoded, 14.9 fps mean, first frame after 0.82 s, 640x360"}.
     * @return the summary line
     */
    public String summary() {
        if (frames == 0) {
            return "no frames decoded";
        }
        var first = timeToFirstFrame == null ? "" : String.format(Locale.ROOT, ", first frame after %.2f s",
                timeToFirstFrame.toNanos() / 1e9);
        return String.format(Locale.ROOT, "%d frame%s decoded, %.1f fps mean%s, %dx%d",
                frames, frames == 1 ? "" : "s", meanFps, first, width, height);
    }
}
