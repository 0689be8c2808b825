package bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;
import stream.server.internal.janus.MountpointSpec;

/**
 * Debian's Janus, started by the bench inside a network namespace of its own (see
 * {@link JanusPhase}) with a minimal configuration written here, as stream.server's tests' JanusLab
 * writes it: the HTTP transport and the streaming plugin only, ICE limited to its veth, no STUN,
 * no NAT mapping, no event handlers, mDNS candidates ignored. The plugin has one static RTP
 * mountpoint, the one our server would create (H.264, payload type 96, the server's fmtp), on a
 * fixed port: the namespace is the bench's own, nothing else binds there. No secrets: nothing but
 * the bench's own namespaces can reach it.
 */
final class JanusProc {
    static final String LIB = "/usr/lib/x86_64-linux-gnu/janus";
    // fixed ports inside the bench's own namespace, from this helper's range all the same
    static final int MOUNTPOINT = 1, RTP_PORT = 19510, HTTP_PORT = 19501;

    final Proc proc;

    /**
     * Writes the configuration under dir and starts Janus through prefix, waiting until its HTTP API listens.
     * @param address Janus's veth address, the only one its ICE uses
     * @param iface that veth's name
     */
    JanusProc(Config cfg, List<String> prefix, Path dir, String address, String iface) throws Exception {
        for (String lib : List.of("plugins/libjanus_streaming.so", "transports/libjanus_http.so")) {
            if (!Files.exists(Path.of(LIB, lib))) throw new IOException("no " + LIB + "/" + lib + ": install Debian's janus");
        }
        writeConfig(dir, address, iface);
        List<String> cmd = new ArrayList<>(prefix);
        cmd.addAll(List.of(Util.which("janus"), "-C", dir.resolve("janus.jcfg").toString(), "-F", dir.toString(), "-o"));
        proc = Proc.start("janus", cmd, null, cfg.logs());
        if (proc.await(Pattern.compile("HTTP webserver started"), 30_000) == null) {
            proc.stop();
            throw new IOException("Janus did not start its HTTP API within 30 s: " + proc.tail(4));
        }
        if (proc.await(Pattern.compile("Streaming plugin initialized"), 5_000) == null) {
            proc.stop();
            throw new IOException("Janus's streaming plugin did not start: " + proc.tail(4));
        }
    }

    long pid() { return proc.pid(); }

    private static void writeConfig(Path dir, String address, String iface) throws IOException {
        Path d = Files.createDirectories(dir);
        Path plugins = Files.createDirectories(d.resolve("plugins"));
        Path transports = Files.createDirectories(d.resolve("transports"));
        Path none = Files.createDirectories(d.resolve("none"));
        Files.deleteIfExists(plugins.resolve("libjanus_streaming.so"));
        Files.deleteIfExists(transports.resolve("libjanus_http.so"));
        Files.createSymbolicLink(plugins.resolve("libjanus_streaming.so"), Path.of(LIB, "plugins", "libjanus_streaming.so"));
        Files.createSymbolicLink(transports.resolve("libjanus_http.so"), Path.of(LIB, "transports", "libjanus_http.so"));
        Files.writeString(d.resolve("janus.jcfg"), """
                general: {
                  configs_folder = "%s"
                  plugins_folder = "%s"
                  transports_folder = "%s"
                  events_folder = "%s"
                  loggers_folder = "%s"
                  debug_level = 4
                  session_timeout = 60
                  interface = "%s"
                }
                certificates: {}
                media: { rtp_port_range = "30000-40000" }
                nat: { nice_debug = false  ice_enforce_list = "%s"  ignore_mdns = true }
                plugins: {}
                transports: {}
                loggers: {}
                events: { broadcast = false }
                """.formatted(d, plugins, transports, none, none, address, iface), StandardCharsets.UTF_8);
        Files.writeString(d.resolve("janus.transport.http.jcfg"), """
                general: { json = "plain" base_path = "/janus" http = true port = %d https = false }
                admin: { admin_http = false admin_https = false }
                """.formatted(HTTP_PORT), StandardCharsets.UTF_8);
        // the mountpoint our server creates through the API (MountpointSpec), here static: the same media line
        Files.writeString(d.resolve("janus.plugin.streaming.jcfg"), """
                general: { rtp_port_range = "20001-29999" }
                bench: {
                  type = "rtp"
                  id = %d
                  description = "bench"
                  media = ( { type = "video" mid = "v" label = "video" port = %d pt = 96 codec = "h264" fmtp = "%s" } )
                }
                """.formatted(MOUNTPOINT, RTP_PORT, MountpointSpec.fmtp(Optional.empty())), StandardCharsets.UTF_8);
    }
}
