package stream.testkit;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;

/**
 * Debian's Janus with a minimal configuration, for a test or the bench to run inside a network
 * namespace of its own (see {@link NetNs}): the HTTP transport and the streaming plugin only (the
 * plugin and transport folders hold just those two), ICE limited to one veth, no STUN, no NAT
 * mapping, no event handlers, mDNS candidates ignored. Secrets go in the configuration files,
 * never in a command line.
 *
 * <pre>{@code
 * Path dir = Janus.writeConfig(folder, new Janus.Config("10.77.1.2", "veth1", 8088, "20000-40000", secret, streaming));
 * List<String> command = ns.wrap(Janus.command(dir));
 * }</pre>
 */
public final class Janus {
    /** Where Debian's janus package puts its plugins and transports. */
    public static final Path LIB = Path.of("/usr/lib/x86_64-linux-gnu/janus");

    private Janus() {}

    /**
     * One Janus's configuration.
     * @param address its veth address, the only one its ICE uses
     * @param iface that veth's name
     * @param httpPort the HTTP API's port (inside the namespace)
     * @param rtpPortRange the media port range, e.g. {@code 20000-40000}
     * @param apiSecret the api_secret clients must give, or null for none
     * @param streamingPlugin the text of {@code janus.plugin.streaming.jcfg}
     */
    public record Config(String address, String iface, int httpPort, String rtpPortRange, String apiSecret, String streamingPlugin) {
        public Config {
            Objects.requireNonNull(address, "address");
            Objects.requireNonNull(iface, "iface");
            Objects.requireNonNull(rtpPortRange, "rtpPortRange");
            Objects.requireNonNull(streamingPlugin, "streamingPlugin");
            if (httpPort < 1 || httpPort > 65535) throw new IllegalArgumentException("bad HTTP port " + httpPort);
        }
    }

    /**
     * Writes the configuration into {@code dir} (made if missing; an earlier one there is replaced).
     * @return {@code dir}
     * @throws IOException naming the missing library when Debian's janus is not installed
     */
    public static Path writeConfig(Path dir, Config config) throws IOException {
        for (String lib : List.of("plugins/libjanus_streaming.so", "transports/libjanus_http.so")) {
            if (!Files.exists(LIB.resolve(lib))) throw new IOException("no " + LIB.resolve(lib) + ": install Debian's janus");
        }
        Path d = Files.createDirectories(dir);
        Path plugins = Files.createDirectories(d.resolve("plugins"));
        Path transports = Files.createDirectories(d.resolve("transports"));
        Path none = Files.createDirectories(d.resolve("none"));
        Files.deleteIfExists(plugins.resolve("libjanus_streaming.so"));
        Files.deleteIfExists(transports.resolve("libjanus_http.so"));
        Files.createSymbolicLink(plugins.resolve("libjanus_streaming.so"), LIB.resolve("plugins/libjanus_streaming.so"));
        Files.createSymbolicLink(transports.resolve("libjanus_http.so"), LIB.resolve("transports/libjanus_http.so"));
        String secret = config.apiSecret() == null ? "" : "\n  api_secret = \"" + config.apiSecret() + "\"";
        Files.writeString(d.resolve("janus.jcfg"), """
                general: {
                  configs_folder = "%s"
                  plugins_folder = "%s"
                  transports_folder = "%s"
                  events_folder = "%s"
                  loggers_folder = "%s"
                  debug_level = 4%s
                  session_timeout = 60
                  interface = "%s"
                }
                certificates: {}
                media: { rtp_port_range = "%s" }
                nat: { nice_debug = false  ice_enforce_list = "%s"  ignore_mdns = true }
                plugins: {}
                transports: {}
                loggers: {}
                events: { broadcast = false }
                """.formatted(d, plugins, transports, none, none, secret, config.address(), config.rtpPortRange(), config.iface()),
                StandardCharsets.UTF_8);
        Files.writeString(d.resolve("janus.transport.http.jcfg"), """
                general: { json = "plain" base_path = "/janus" http = true port = %d https = false }
                admin: { admin_http = false admin_https = false }
                """.formatted(config.httpPort()), StandardCharsets.UTF_8);
        Files.writeString(d.resolve("janus.plugin.streaming.jcfg"), config.streamingPlugin(), StandardCharsets.UTF_8);
        return d;
    }

    /** @return the command that runs Janus on the configuration in {@code dir} (logging to stdout); put a namespace's prefix before it */
    public static List<String> command(Path dir) {
        return List.of("janus", "-C", dir.resolve("janus.jcfg").toString(), "-F", dir.toString(), "-o");
    }
}
