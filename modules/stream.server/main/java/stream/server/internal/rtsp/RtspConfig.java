package stream.server.internal.rtsp;

import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.function.Supplier;

/**
 * How the server serves RTSP.
 *
 * @param port the TCP port (8554 by default); 0 turns RTSP off
 * @param address the address to listen on (the server's --bind)
 * @param users the credentials RTSP clients may give, as they are now (asked at every change);
 *        none for open access (as HTTP without credentials)
 * @param basicAllowed whether Basic authentication is offered beside Digest (on loopback, or under TLS)
 * @param tlsCert the PEM certificate of RTSPS (the server's --tls-cert), or null for plain RTSP
 * @param tlsKey its PEM private key (--tls-key), or null
 */
public record RtspConfig(int port, String address, Supplier<List<User>> users, boolean basicAllowed, Path tlsCert, Path tlsKey) {
    /**
     * A credential for RTSP: its name, its token as the password, the streams it may play.
     * @param name the user name RTSP clients give
     * @param password the token
     * @param streams the streams it may play, or null for every stream
     */
    public record User(String name, String password, Set<String> streams) {
        public User {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(password, "password");
            if (streams != null) streams = Set.copyOf(streams);
        }

        @Override
        public String toString() {
            return "User[" + name + (streams == null ? "" : ", " + streams) + ", password=(hidden)]";
        }
    }

    /** The default RTSP port. */
    public static final int DEFAULT_PORT = 8554;
    /** The user name RTSP clients give with the server's --token as the password. */
    public static final String TOKEN_USER = "admin";

    /** Checks the parts; the users are copied. */
    public RtspConfig {
        if (port < 0 || port > 65535) throw new IllegalArgumentException("rtsp-port " + port + ": 0 (off) or 1-65535");
        Objects.requireNonNull(address, "address");
        Objects.requireNonNull(users, "users");
        if ((tlsCert == null) != (tlsKey == null)) throw new IllegalArgumentException("a TLS certificate and its key go together");
    }

    /** Plain RTSP. */
    public RtspConfig(int port, String address, Supplier<List<User>> users, boolean basicAllowed) {
        this(port, address, users, basicAllowed, null, null);
    }

    /** @return whether RTSPS is served (rtsps://) */
    public boolean tls() {
        return tlsCert != null;
    }

    /** @return whether RTSP is served at all */
    public boolean enabled() {
        return port > 0;
    }

    /** @return the config with the users' passwords hidden, for logs */
    @Override
    public String toString() {
        return "RtspConfig[port=" + port + ", address=" + address + ", users=" + users.get().stream().map(User::name).toList() + ", basic=" + basicAllowed + (tls() ? ", tls=" + tlsCert : "") + "]";
    }
}
