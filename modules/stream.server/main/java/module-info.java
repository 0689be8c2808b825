/**
 * Defines the stream server: an HTTP API on port 8590 (POST and GET /control) that starts,
 * stops and supervises the gst-launch-1.0 child encoding the camera or a test pattern to H.264/RTP/UDP.
 *
 * <p>{@link stream.server.StreamServer} starts a server from a {@link stream.server.ServerConfig};
 * the command line is {@code stream.server.internal.Main}. The child's status is never stale: an
 * exit nobody asked for is reported at once as "failed" with its exit code or signal, and the
 * child never outlives the server (shutdown hook; after a kill -9 the parent-death signal, or where
 * that is missing a pid file in the private state directory). A loopback
 * copy of the RTP output gives live statistics and stall detection; the server also answers
 * {@code GET /stream.sdp} (any RTP player), {@code GET /metrics} (Prometheus) and {@code GET /health}.
 * One server carries several named streams ({@code /streams/NAME}), each with its own child; their
 * definitions persist in the state directory. {@code GET /} serves a dashboard over the same API.
 * It needs {@code gst-launch-1.0} with the x264 (ugly) and RTP (good) plugins on the machine.
 *
 * @since 0.1
 */
module stream.server {
    requires com.eclipsesource.json;
    requires java.logging; // backs java.lang.System.Logger
    requires java.net.http; // the Janus HTTP API
    requires jdk.unsupported; // sun.misc.Signal: SIGHUP reloads the TLS certificate
    requires jdk.httpserver;

    exports stream.server;
    // java.util.logging instantiates the LogManager subclass reflectively.
    exports stream.server.internal to java.logging;
}
