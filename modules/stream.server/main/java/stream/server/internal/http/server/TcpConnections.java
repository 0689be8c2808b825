package stream.server.internal.http.server;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * The kernel's view of one TCP connection (Linux, {@code /proc/net/tcp} and {@code tcp6}): whether
 * its peer has closed it. A client that gave up waiting for an answer closes its socket, and its
 * request may still be read afterwards from the socket buffer (a server that was flooded accepts
 * it late); such a state change must not be executed. Where /proc cannot tell, the connection
 * counts as open.
 */
final class TcpConnections {
    private static final String CLOSE_WAIT = "08";
    private static final List<Path> TABLES = List.of(Path.of("/proc/net/tcp"), Path.of("/proc/net/tcp6"));

    private TcpConnections() {}

    /**
     * @param remote the client's address and port
     * @param local this server's address and port
     * @return true when the kernel says the client has closed the connection (CLOSE_WAIT)
     */
    static boolean closedByPeer(InetSocketAddress remote, InetSocketAddress local) {
        if (remote == null || local == null) return false;
        String localPort = String.format(Locale.ROOT, ":%04X", local.getPort());
        String remotePort = String.format(Locale.ROOT, ":%04X", remote.getPort());
        List<String> states = new java.util.ArrayList<>();
        for (Path table : TABLES) {
            try (var lines = Files.lines(table)) {
                // "  sl  local_address rem_address   st ...": the ports pick the connection, then its state.
                lines.skip(1).map(l -> l.strip().split("\\s+"))
                        .filter(f -> f.length > 3 && f[1].endsWith(localPort) && f[2].endsWith(remotePort))
                        .forEach(f -> states.add(f[3]));
            } catch (IOException | RuntimeException e) {
                // not Linux, or /proc hidden: cannot tell
            }
        }
        // Two hosts may use the same port: only when every match has been closed by its peer.
        return !states.isEmpty() && states.stream().allMatch(CLOSE_WAIT::equals);
    }
}
