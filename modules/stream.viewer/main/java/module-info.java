/**
 * Defines the stream viewer: receives the H.264/RTP/UDP stream through a GStreamer
 * pipeline (gst1-java-core) and shows it in a native window.
 *
 * @since 0.1
 */
module stream.viewer {
    requires org.freedesktop.gstreamer;

    exports stream.viewer;
}
