package bench;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;
import stream.server.internal.janus.MountpointSpec;
import stream.testkit.Janus;

/**
 * Debian's Janus, started by the bench inside a network namespace of its own (see
 * {@link JanusPhase}) with the test kit's minimal configuration ({@link Janus}), as stream.server's
 * tests' JanusLab runs it: the HTTP transport and the streaming plugin only, ICE limited to its veth. The plugin has one static RTP
 * mountpoint, the one our server would create (H.264, payload type 96, the server's fmtp), on a
 * fixed port: the namespace is the bench's own, nothing else binds there. No secrets: nothing but
 * the bench's own namespaces can reach it.
 */
final class JanusProc {
    // fixed ports inside the bench's own namespace, from this helper's range all the same
    static final int MOUNTPOINT = 1, RTP_PORT = 19510, HTTP_PORT = 19501;

    final Proc proc;

    /**
     * Writes the configuration under dir and starts Janus through prefix, waiting until its HTTP API listens.
     * @param address Janus's veth address, the only one its ICE uses
     * @param iface that veth's name
     */
    JanusProc(Config cfg, List<String> prefix, Path dir, String address, String iface) throws Exception {
        Janus.writeConfig(dir, new Janus.Config(address, iface, HTTP_PORT, "30000-40000", null, streamingPlugin()));
        List<String> cmd = new ArrayList<>(prefix);
        cmd.addAll(Janus.command(dir));
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

    private static String streamingPlugin() {
        // the mountpoint our server creates through the API (MountpointSpec), here static: the same media line
        return """
                general: { rtp_port_range = "20001-29999" }
                bench: {
                  type = "rtp"
                  id = %d
                  description = "bench"
                  media = ( { type = "video" mid = "v" label = "video" port = %d pt = 96 codec = "h264" fmtp = "%s" } )
                }
                """.formatted(MOUNTPOINT, RTP_PORT, MountpointSpec.fmtp(Optional.empty()));
    }
}
