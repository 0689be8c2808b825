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
 * @param mute do not receive the stream's sound (Opus on port + 2); without it the sound plays
 *             (decoded into nothing with sink none)
 */
public record ViewerOptions(int port, String bindAddress, String multicastGroup, String sink,
        long frames, Duration timeout, Path snapshot, boolean mute) {

    /**
     * The options with the sound on.
     * @param port the UDP port
     * @param bindAddress the local address, or null
     * @param multicastGroup the group, or null
     * @param sink the video sink
     * @param frames the frames to stop after, 0 for no limit
     * @param timeout the timeout, or null
     * @param snapshot the PNG to write, or null
     */
    public ViewerOptions(int port, String bindAddress, String multicastGroup, String sink, long frames, Duration timeout,
                         Path snapshot) {
        this(port, bindAddress, multicastGroup, sink, frames, timeout, snapshot, false);
    }

    /**
     * @param mute whether the sound stays off
     * @return a copy with it
     */
    public ViewerOptions withMute(boolean mute) {
        return new ViewerOptions(port, bindAddress, multicastGroup, sink, frames, timeout, snapshot, mute);
    }

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
        return new ViewerOptions(port, bindAddress, multicastGroup, sink, frames, timeout, snapshot, mute);
    }

    /** @param bindAddress the local address, or null for any @return a copy with this address */
    public ViewerOptions withBindAddress(String bindAddress) {
        return new ViewerOptions(port, bindAddress, multicastGroup, sink, frames, timeout, snapshot, mute);
    }

    /** @param multicastGroup the group, or null for unicast @return a copy with this group */
    public ViewerOptions withMulticastGroup(String multicastGroup) {
        return new ViewerOptions(port, bindAddress, multicastGroup, sink, frames, timeout, snapshot, mute);
    }

    /** @param sink "auto", "none" or a sink element name @return a copy with this sink */
    public ViewerOptions withSink(String sink) {
        return new ViewerOptions(port, bindAddress, multicastGroup, sink, frames, timeout, snapshot, mute);
    }

    /** @param frames frames to decode before stopping, 0 for no limit @return a copy with this limit */
    public ViewerOptions withFrames(long frames) {
        return new ViewerOptions(port, bindAddress, multicastGroup, sink, frames, timeout, snapshot, mute);
    }

    /** @param timeout how long to run at most, or null @return a copy with this timeout */
    public ViewerOptions withTimeout(Duration timeout) {
        return new ViewerOptions(port, bindAddress, multicastGroup, sink, frames, timeout, snapshot, mute);
    }

    /** @param snapshot the PNG file to write, or null @return a copy with this snapshot file */
    public ViewerOptions withSnapshot(Path snapshot) {
        return new ViewerOptions(port, bindAddress, multicastGroup, sink, frames, timeout, snapshot, mute);
    }

    /** @return true when frames are shown in a window, false for sink "none" */
    public boolean showsWindow() {
        return !sink.equals("none") && !sink.equals("fakesink") && !sink.equals("appsink");
    }
}
