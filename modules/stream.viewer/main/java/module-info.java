/**
 * Defines the stream viewer: receives the H.264/RTP/UDP stream through a GStreamer
 * pipeline (gst1-java-core: udpsrc, rtph264depay, h264parse, avdec_h264, videoconvert,
 * autovideosink) and shows it in a native window, or decodes it without one.
 *
 * <p>{@link stream.viewer.Viewer} plays a stream described by {@link stream.viewer.ViewerOptions}
 * (port, multicast group, sink, frame limit, timeout, snapshot), reports progress lines a person
 * can read, and ends with a {@link stream.viewer.ViewerReport}; the client module uses it to show
 * the stream in-process. The command line ({@code stream-viewer}) lives in an unexported package.
 * It needs GStreamer 1.x with the base, good, bad and libav plugins on the machine, and JNA's
 * native access ({@code --enable-native-access=com.sun.jna}, which the launcher passes).
 *
 * @since 0.1
 */
module stream.viewer {
    requires com.eclipsesource.json; // the WebRTC gateway's control lines
    requires java.net.http; // stream-viewer --whep
    requires org.freedesktop.gstreamer;
    requires com.sun.jna; // the RTSP gateway's calls into libgstrtspserver

    exports stream.viewer;
    // JNA makes the RTSP gateway's callbacks (filters, signal) accessible by reflection.
    opens stream.viewer.internal.rtsp to com.sun.jna;
    // ... and the pad probes called straight from C (NativeProbes: the viewer's, the gateways').
    opens stream.viewer.internal to com.sun.jna;
    // The main classes (stream-viewer and the server's media processes), which the image runs with
    // main module stream.server (its process.MediaMain), so that all of them share one AOT cache.
    exports stream.viewer.internal to stream.server;
    exports stream.viewer.internal.webrtc to stream.server;
    exports stream.viewer.internal.rtsp to stream.server;
    exports stream.viewer.internal.camera to stream.server;
}
