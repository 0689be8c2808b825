// The test module: same name as the main one, open, so tests see its internals.
open module stream.viewer {
    // copied from main
    requires com.eclipsesource.json; // the WebRTC gateway's control lines
    requires java.net.http; // stream-viewer --whep
    requires org.freedesktop.gstreamer;
    requires com.sun.jna; // the RTSP gateway's calls into libgstrtspserver

    exports stream.viewer;

    // test dependencies
    requires org.junit.jupiter.api;
    requires stream.testkit; // Await, Ports, ServerProcess, NetNs, Chromium (modules/stream.testkit)
}
