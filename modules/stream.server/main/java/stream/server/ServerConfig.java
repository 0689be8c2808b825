package stream.server;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import stream.server.internal.settings.StreamSettings;

/**
 * How a {@link StreamServer} is set up: where it listens, its token and state directory, and the
 * stream settings a start without settings uses. Immutable; build one from {@link #defaults()}
 * with the {@code with...} methods.
 *
 * <p>Stream settings are parsed and checked when they are set, by the same descriptions that read
 * the server's flags and the JSON of {@code POST /control}: a bad one throws an
 * {@link IllegalArgumentException} naming the setting, the value and what is allowed, and the
 * values are kept typed from then on. The server's own values (bind address, port, token) are
 * checked by {@link StreamServer#start}.
 */
public final class ServerConfig {
    private final String bind;
    private final int port;
    private final String token;
    private final Path stateDir;
    private final StreamSettings stream;
    private final Access access;
    private final HttpLimits limits;
    private final List<String> webrtcAddresses;
    private final String stunServer;
    private final int rtspPort;

    /**
     * Who may change the stream besides the holders of the token.
     * @param trustLoopback whether requests from loopback need no token (never behind a proxy on the same host)
     * @param allowedOrigins web origins (scheme://host[:port]) whose pages may change the stream
     * @param tlsCert the certificate chain (PEM) to serve HTTPS with, or null for plain HTTP
     * @param tlsKey its private key (PEM), given exactly when tlsCert is
     * @param serverNames names the server is known by besides its addresses and the host's names
     *     ({@code --server-name}: names in DNS or behind a proxy); requests for other names get 421
     */
    public record Access(boolean trustLoopback, List<String> allowedOrigins, Path tlsCert, Path tlsKey, List<String> serverNames) {
        /** Copies the lists; the certificate and the key go together. */
        public Access {
            allowedOrigins = List.copyOf(allowedOrigins);
            serverNames = List.copyOf(serverNames);
            if ((tlsCert == null) != (tlsKey == null))
                throw new IllegalArgumentException("--tls-cert and --tls-key go together: give both files (PEM, as nginx takes them)");
        }

        /** Without TLS. */
        public Access(boolean trustLoopback, List<String> allowedOrigins) {
            this(trustLoopback, allowedOrigins, null, null, List.of());
        }

        /** Without server names of its own. */
        public Access(boolean trustLoopback, List<String> allowedOrigins, Path tlsCert, Path tlsKey) {
            this(trustLoopback, allowedOrigins, tlsCert, tlsKey, List.of());
        }

        /** @return whether the server speaks HTTPS */
        public boolean tls() {
            return tlsCert != null;
        }
    }

    /**
     * The limits of the HTTP server (jdk.httpserver's, set before its first use in the JVM).
     * @param maxConnections connections open at once; more are closed when accepted
     * @param requestSeconds time a client has to send a whole request; a state change that waited
     *        longer is not executed
     * @param idleSeconds time a kept-alive connection may stay idle
     * @param maxStreams streams defined at once, main included; a PUT of one more is refused
     */
    public record HttpLimits(int maxConnections, int requestSeconds, int idleSeconds, int maxStreams) {
        /** The defaults: 2500 connections (at most ~50 KB of heap each: the launcher gives 160 MB), 10 s, 30 s, 64 streams. */
        public static final HttpLimits DEFAULTS = new HttpLimits(2500, 10, 30, 64);

        /** With the default number of streams. */
        public HttpLimits(int maxConnections, int requestSeconds, int idleSeconds) {
            this(maxConnections, requestSeconds, idleSeconds, 64);
        }
    }

    private ServerConfig(String bind, int port, String token, Path stateDir, StreamSettings stream) {
        this(bind, port, token, stateDir, stream, new Access(false, List.of()), HttpLimits.DEFAULTS, null, null, 8554);
    }

    private ServerConfig(String bind, int port, String token, Path stateDir, StreamSettings stream, Access access, HttpLimits limits,
                         List<String> webrtcAddresses, String stunServer, int rtspPort) {
        this.rtspPort = rtspPort;
        this.webrtcAddresses = webrtcAddresses == null ? null : List.copyOf(webrtcAddresses);
        this.stunServer = stunServer;
        this.bind = Objects.requireNonNull(bind, "bind");
        this.port = port;
        this.token = token;
        this.stateDir = stateDir;
        this.stream = Objects.requireNonNull(stream, "stream");
        this.access = Objects.requireNonNull(access, "access");
        this.limits = Objects.requireNonNull(limits, "limits");
    }

    /** @return the defaults: 0.0.0.0:8590, no token, the default state directory, the default stream settings */
    public static ServerConfig defaults() {
        return new ServerConfig("0.0.0.0", 8590, null, null, StreamSettings.defaults());
    }

    /** @return who may change the stream without the token, and which web origins may */
    public Access access() { return access; }
    /** @return the limits of the HTTP server */
    public HttpLimits limits() { return limits; }
    /** @param v the access rules @return a copy with them */
    public ServerConfig withAccess(Access v) { return new ServerConfig(bind, port, token, stateDir, stream, v, limits, webrtcAddresses, stunServer, rtspPort); }
    /** @param v the HTTP limits @return a copy with them */
    public ServerConfig withLimits(HttpLimits v) { return new ServerConfig(bind, port, token, stateDir, stream, access, v, webrtcAddresses, stunServer, rtspPort); }

    /** @return the address to listen on: an IP literal or host name, e.g. "0.0.0.0" or "127.0.0.1" */
    public String bind() { return bind; }
    /** @return the HTTP port, 0 for any free one */
    public int port() { return port; }
    /** @return the bearer token required for state changes from other hosts, or null for none */
    public String token() { return token; }
    /** @return the server's private state directory (the pid file), or null for the default: $XDG_STATE_HOME/stream-server, else ~/.local/state/stream-server */
    public Path stateDir() { return stateDir; }

    /**
     * @return the only addresses WebRTC (ICE) may offer to browsers, or null for the default: the
     *     bind address when it is a specific one, else every address of the host
     */
    public List<String> webrtcAddresses() { return webrtcAddresses; }
    /** @return the RTSP port (8554 by default); 0: no RTSP */
    public int rtspPort() { return rtspPort; }

    /**
     * @param v the RTSP port, 0 to serve no RTSP
     * @return a copy with it
     */
    public ServerConfig withRtspPort(int v) {
        if (v < 0 || v > 65535) throw new IllegalArgumentException("rtsp-port " + v + ": use 1-65535, or 0 for no RTSP");
        return new ServerConfig(bind, port, token, stateDir, stream, access, limits, webrtcAddresses, stunServer, v);
    }

    /** @return the STUN server WebRTC asks for its public address (stun://host:port), or null for none */
    public String stunServer() { return stunServer; }
    /** @param v IP addresses, or null for the default @return a copy with them */
    public ServerConfig withWebRtcAddresses(List<String> v) { return new ServerConfig(bind, port, token, stateDir, stream, access, limits, v, stunServer, rtspPort); }
    /** @param v stun://host:port or null @return a copy with it */
    public ServerConfig withStunServer(String v) { return new ServerConfig(bind, port, token, stateDir, stream, access, limits, webrtcAddresses, v, rtspPort); }

    /** @param v the bind address @return a copy with it */
    public ServerConfig withBind(String v) { return new ServerConfig(v, port, token, stateDir, stream, access, limits, webrtcAddresses, stunServer, rtspPort); }
    /** @param v the port @return a copy with it */
    public ServerConfig withPort(int v) { return new ServerConfig(bind, v, token, stateDir, stream, access, limits, webrtcAddresses, stunServer, rtspPort); }
    /** @param v the token or null @return a copy with it */
    public ServerConfig withToken(String v) { return new ServerConfig(bind, port, v, stateDir, stream, access, limits, webrtcAddresses, stunServer, rtspPort); }
    /** @param v the state directory or null @return a copy with it */
    public ServerConfig withStateDir(Path v) { return new ServerConfig(bind, port, token, v, stream, access, limits, webrtcAddresses, stunServer, rtspPort); }

    /**
     * @param name a stream setting as the JSON of a start request names it, e.g. "bitrate"
     * @param text its value as the server's flag takes it, e.g. "800"
     * @return a copy with it
     * @throws IllegalArgumentException naming the setting, the value and what is allowed
     */
    public ServerConfig withSetting(String name, String text) {
        return withSettings(Map.of(name, text));
    }

    /**
     * Sets several stream settings at once, checked together (e.g. a keyframe interval in seconds
     * at the frame rate given beside it).
     * @param texts values by setting name, as the server's flags take them
     * @return a copy with them
     * @throws IllegalArgumentException naming the first bad setting, its value and what is allowed
     */
    public ServerConfig withSettings(Map<String, String> texts) {
        return new ServerConfig(bind, port, token, stateDir, stream.withText(texts), access, limits, webrtcAddresses, stunServer, rtspPort);
    }

    /** @param v "auto", "test", or a camera device path such as /dev/video0 @return a copy with it */
    public ServerConfig withSource(String v) {
        return withSetting(StreamSettings.SOURCE.name(), v);
    }

    /** @param v where RTP/UDP goes: HOST:PORT or [IPV6]:PORT, several separated by commas @return a copy with it */
    public ServerConfig withDestination(String v) {
        return withSetting(StreamSettings.DESTINATIONS.name(), v);
    }

    /**
     * @param width frame width (even, 16-3840)
     * @param height frame height (even, 16-2160)
     * @param framerate frames per second (1-120)
     * @return a copy with them
     * @throws IllegalArgumentException naming the first value that is not allowed
     */
    public ServerConfig withSize(int width, int height, int framerate) {
        return new ServerConfig(bind, port, token, stateDir, stream.with(StreamSettings.WIDTH, width)
                .with(StreamSettings.HEIGHT, height).with(StreamSettings.FRAMERATE, framerate), access, limits, webrtcAddresses, stunServer, rtspPort);
    }

    /** @return the stream settings as JSON text, as the "settings" of GET /control show them */
    public String settingsJson() {
        return stream.toJson().toString();
    }

    // For StreamServer: the typed settings, never turned back into text.
    StreamSettings stream() {
        return stream;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ServerConfig c && bind.equals(c.bind) && port == c.port && Objects.equals(token, c.token)
                && Objects.equals(stateDir, c.stateDir) && stream.equals(c.stream) && access.equals(c.access) && limits.equals(c.limits)
                && Objects.equals(webrtcAddresses, c.webrtcAddresses) && Objects.equals(stunServer, c.stunServer);
    }

    @Override
    public int hashCode() {
        return Objects.hash(bind, port, token, stateDir, stream, access, limits, webrtcAddresses, stunServer);
    }

    @Override
    public String toString() {
        return "ServerConfig[bind=" + bind + ", port=" + port + ", token=" + (token == null ? "none" : "(set)")
                + ", stateDir=" + stateDir + ", " + access + ", " + limits + ", " + stream + "]";
    }
}
