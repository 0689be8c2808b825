/**
 * Defines the stream server: an HTTP API on port 8590 (POST and GET /control) that starts,
 * stops and supervises the gst-launch-1.0 child encoding the camera or a test pattern to H.264/RTP/UDP.
 *
 * @since 0.1
 */
module stream.server {
    requires com.eclipsesource.json;
    requires java.logging; // backs java.lang.System.Logger
    requires jdk.httpserver;

    exports stream.server;
    // java.util.logging instantiates the LogManager subclass reflectively.
    exports stream.server.internal to java.logging;
}
