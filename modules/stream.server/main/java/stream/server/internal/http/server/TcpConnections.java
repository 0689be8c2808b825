package stream.server.internal.http.server;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
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
        boolean any = false;
        for (Path table : TABLES) {
            String text;
            try {
                text = Files.readString(table, StandardCharsets.ISO_8859_1);
            } catch (IOException | RuntimeException e) {
                continue; // not Linux, or /proc hidden: cannot tell
            }
            // "  sl  local_address rem_address   st ...": the ports pick the connection, then its state. Read
            // with indexOf, not a regex per line: this runs before every state change, mostly in the interpreter.
            for (int at = text.indexOf('\n') + 1; at > 0 && at < text.length(); ) {
                int eol = text.indexOf('\n', at);
                if (eol < 0) eol = text.length();
                String state = stateIf(text, at, eol, localPort, remotePort);
                if (state != null) {
                    if (!state.equals(CLOSE_WAIT)) return false; // two hosts may use the same port: only when every match was closed
                    any = true;
                }
                at = eol + 1;
            }
        }
        return any;
    }

    /** @return the state field of the line [from, to) when its local and remote ports are these, else null */
    private static String stateIf(String text, int from, int to, String localPort, String remotePort) {
        String[] f = new String[4];
        int n = 0, i = from;
        while (n < 4) {
            while (i < to && text.charAt(i) == ' ') i++;
            if (i >= to) return null;
            int start = i;
            while (i < to && text.charAt(i) != ' ') i++;
            f[n++] = text.substring(start, i);
        }
        return f[1].endsWith(localPort) && f[2].endsWith(remotePort) ? f[3] : null;
    }
}
