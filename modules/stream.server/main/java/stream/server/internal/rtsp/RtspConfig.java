package stream.server.internal.rtsp;

import java.util.Map;
import java.util.Objects;

/**
 * How the server serves RTSP.
 *
 * @param port the TCP port (8554 by default); 0 turns RTSP off
 * @param address the address to listen on (the server's --bind)
 * @param users user name to password for RTSP clients; empty for open access (as HTTP without a token)
 * @param basicAllowed whether Basic authentication is offered beside Digest (only on loopback: no TLS here)
 */
public record RtspConfig(int port, String address, Map<String, String> users, boolean basicAllowed) {
    /** The default RTSP port. */
    public static final int DEFAULT_PORT = 8554;
    /** The user name RTSP clients give with the server's --token as the password. */
    public static final String TOKEN_USER = "admin";

    /** Checks the parts; the users are copied. */
    public RtspConfig {
        if (port < 0 || port > 65535) throw new IllegalArgumentException("rtsp-port " + port + ": 0 (off) or 1-65535");
        Objects.requireNonNull(address, "address");
        users = Map.copyOf(users);
    }

    /** @return whether RTSP is served at all */
    public boolean enabled() {
        return port > 0;
    }

    /** @return the config with the users' passwords hidden, for logs */
    @Override
    public String toString() {
        return "RtspConfig[port=" + port + ", address=" + address + ", users=" + users.keySet() + ", basic=" + basicAllowed + "]";
    }
}
