package stream.viewer;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;

/**
 * What a {@link Viewer} receives and how it shows it.
 *
 * @param port the UDP port the RTP/H.264 stream arrives on, 1..65535
 * @param bindAddress the local address to listen on, or {@code null} for any address
 * @param multicastGroup the multicast group to join, or {@code null} for unicast
 * @param sink {@code "auto"} (autovideosink), a GStreamer video sink element name such as
 *        {@code "ximagesink"}, or {@code "none"} (decode without showing: scripts and tests)
 * @param frames stop after this many decoded frames; 0 for no limit
 * @param timeout stop after this long; {@code null} for no limit
 * @param snapshot write one decoded frame to this PNG file; {@code null} for none
 */
public record ViewerOptions(int port, String bindAddress, String multicastGroup, String sink,
        long frames, Duration timeout, Path snapshot) {

    /** The port of the original design. */
    public static final int DEFAULT_PORT = 5000;

    /**
     * Checks the values.
     * @throws IllegalArgumentException naming the bad value
     */
    public ViewerOptions {
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("port must be 1..65535, not " + port);
        }
        Objects.requireNonNull(sink, "sink");
        if (sink.isBlank() || !sink.matches("[A-Za-z0-9_-]+")) {
            throw new IllegalArgumentException("sink must be auto, none or a GStreamer element name, not '" + sink + "'");
        }
        if (frames < 0) {
            throw new IllegalArgumentException("frames must be 0 (no limit) or more, not " + frames);
        }
        if (timeout != null && (timeout.isNegative() || timeout.isZero())) {
            throw new IllegalArgumentException("timeout must be positive, not " + timeout);
        }
        if (bindAddress != null && bindAddress.isBlank()) {
            bindAddress = null;
        }
        if (multicastGroup != null && multicastGroup.isBlank()) {
            multicastGroup = null;
        }
    }

    /**
     * Returns the defaults: port 5000, any address, no multicast, sink auto, no limits, no snapshot.
     * @return the default options
     */
    public static ViewerOptions defaults() {
        return new ViewerOptions(DEFAULT_PORT, null, null, "auto", 0, null, null);
    }

    /** @param port the UDP port @return a copy with this port */
    public ViewerOptions withPort(int port) {
        return new ViewerOptions(port, bindAddress, multicastGroup, sink, frames, timeout, snapshot);
    }

    /** @param bindAddress the local address, or null for any @return a copy with this address */
    public ViewerOptions withBindAddress(String bindAddress) {
        return new ViewerOptions(port, bindAddress, multicastGroup, sink, frames, timeout, snapshot);
    }

    /** @param multicastGroup the group, or null for unicast @return a copy with this group */
    public ViewerOptions withMulticastGroup(String multicastGroup) {
        return new ViewerOptions(port, bindAddress, multicastGroup, sink, frames, timeout, snapshot);
    }

    /** @param sink "auto", "none" or a sink element name @return a copy with this sink */
    public ViewerOptions withSink(String sink) {
        return new ViewerOptions(port, bindAddress, multicastGroup, sink, frames, timeout, snapshot);
    }

    /** @param frames frames to decode before stopping, 0 for no limit @return a copy with this limit */
    public ViewerOptions withFrames(long frames) {
        return new ViewerOptions(port, bindAddress, multicastGroup, sink, frames, timeout, snapshot);
    }

    /** @param timeout how long to run at most, or null @return a copy with this timeout */
    public ViewerOptions withTimeout(Duration timeout) {
        return new ViewerOptions(port, bindAddress, multicastGroup, sink, frames, timeout, snapshot);
    }

    /** @param snapshot the PNG file to write, or null @return a copy with this snapshot file */
    public ViewerOptions withSnapshot(Path snapshot) {
        return new ViewerOptions(port, bindAddress, multicastGroup, sink, frames, timeout, snapshot);
    }

    /** @return true when frames are shown in a window, false for sink "none" */
    public boolean showsWindow() {
        return !sink.equals("none") && !sink.equals("fakesink") && !sink.equals("appsink");
    }
}
