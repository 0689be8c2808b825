package stream.server;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * How a {@link StreamServer} is set up. Values are checked by {@link StreamServer#start}, which
 * rejects any that fails its grammar with an {@link IllegalArgumentException} naming the field
 * and the value.
 *
 * @param bind the address to listen on: an IP literal or host name, e.g. "0.0.0.0" or "127.0.0.1"
 * @param port the HTTP port, 0 for any free one
 * @param source "auto", "test", or a camera device path such as /dev/video0
 * @param destination where RTP/UDP goes, HOST:PORT or [IPV6]:PORT
 * @param token the bearer token required for state changes from other hosts, or null for none
 * @param stateDir the server's private state directory (the pid file), or null for the default:
 *        $XDG_RUNTIME_DIR/stream-server, else ~/.local/state/stream-server (see StateDir)
 * @param width frame width (even, 16-3840)
 * @param height frame height (even, 16-2160)
 * @param framerate frames per second (1-120)
 * @param settings more stream settings by name (bitrate, keyint, preset, destinations, multicast, ttl,
 *        restart, stall-timeout) as text, as the server's flags take them; checked at start
 */
public record ServerConfig(String bind, int port, String source, String destination, String token, Path stateDir,
                           int width, int height, int framerate, Map<String, String> settings) {

    /** Checks that the required values are present; grammars are checked at start. */
    public ServerConfig {
        Objects.requireNonNull(bind, "bind");
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(destination, "destination");
        settings = Map.copyOf(settings == null ? Map.of() : settings);
    }

    /** @return the defaults: 0.0.0.0:8590, source auto, destination 127.0.0.1:5000, 1280x720 at 30 fps */
    public static ServerConfig defaults() {
        return new ServerConfig("0.0.0.0", 8590, "auto", "127.0.0.1:5000", null, null, 1280, 720, 30, Map.of());
    }

    /** @param v the bind address @return a copy with it */
    public ServerConfig withBind(String v) { return new ServerConfig(v, port, source, destination, token, stateDir, width, height, framerate, settings); }
    /** @param v the port @return a copy with it */
    public ServerConfig withPort(int v) { return new ServerConfig(bind, v, source, destination, token, stateDir, width, height, framerate, settings); }
    /** @param v the source @return a copy with it */
    public ServerConfig withSource(String v) { return new ServerConfig(bind, port, v, destination, token, stateDir, width, height, framerate, settings); }
    /** @param v the destination @return a copy with it */
    public ServerConfig withDestination(String v) { return new ServerConfig(bind, port, source, v, token, stateDir, width, height, framerate, settings); }
    /** @param v the token or null @return a copy with it */
    public ServerConfig withToken(String v) { return new ServerConfig(bind, port, source, destination, v, stateDir, width, height, framerate, settings); }
    /** @param v the state directory or null @return a copy with it */
    public ServerConfig withStateDir(Path v) { return new ServerConfig(bind, port, source, destination, token, v, width, height, framerate, settings); }
    /** @param w width @param h height @param fps frame rate @return a copy with them */
    public ServerConfig withSize(int w, int h, int fps) { return new ServerConfig(bind, port, source, destination, token, stateDir, w, h, fps, settings); }

    /**
     * @param name a setting's name, e.g. "bitrate"
     * @param value its value as text, e.g. "800"
     * @return a copy with it
     */
    public ServerConfig withSetting(String name, String value) {
        Map<String, String> m = new LinkedHashMap<>(settings);
        m.put(Objects.requireNonNull(name, "name"), Objects.requireNonNull(value, "value"));
        return new ServerConfig(bind, port, source, destination, token, stateDir, width, height, framerate, m);
    }

    @Override
    public String toString() {
        return "ServerConfig[bind=" + bind + ", port=" + port + ", source=" + source + ", destination=" + destination
                + ", token=" + (token == null ? "none" : "(set)") + ", stateDir=" + stateDir + ", " + width + "x" + height
                + "@" + framerate + ", settings=" + settings + "]";
    }
}
