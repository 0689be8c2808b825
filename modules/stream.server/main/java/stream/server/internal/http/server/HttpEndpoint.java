package stream.server.internal.http.server;

import com.sun.net.httpserver.HttpServer;
import com.sun.net.httpserver.HttpsServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.concurrent.ExecutorService;
import stream.server.internal.access.Audit;
import stream.server.internal.access.Gate;
import stream.server.internal.access.ReloadableTls;
import stream.server.internal.access.Users;
import stream.server.internal.stream.StreamRegistry;

/**
 * The server's HTTP port: bound first (so a port in use ends the start early), then serving the
 * API. With a certificate it speaks HTTPS on the same port ({@link ReloadableTls}: a reload on
 * SIGHUP reaches the next connection).
 */
public final class HttpEndpoint implements AutoCloseable {
    private final HttpServer http;

    private HttpEndpoint(HttpServer http) {
        this.http = http;
    }

    /**
     * @param address where to listen
     * @param tls the certificate to serve HTTPS with, or null for HTTP
     * @return the bound, not yet serving, endpoint
     * @throws java.net.BindException when the address is taken or not of this machine
     * @throws IOException when the socket cannot be made
     */
    public static HttpEndpoint bind(InetSocketAddress address, ReloadableTls tls) throws IOException {
        if (tls == null) return new HttpEndpoint(HttpServer.create(address, 64));
        HttpsServer https = HttpsServer.create(address, 64);
        https.setHttpsConfigurator(tls.configurator()); // once: reloads reach it through the key manager
        return new HttpEndpoint(https);
    }

    /** @return the bound address */
    public InetSocketAddress address() {
        return http.getAddress();
    }

    /** @return whether it speaks HTTPS */
    public boolean tls() {
        return http instanceof HttpsServer;
    }

    /**
     * Who may use the server, as {@link #serve} takes it.
     * @param users the credentials (none: the server is open)
     * @param gate the decision per request
     * @param audit the trail of state changes
     * @param trustLoopback whether loopback is --token's admin without presenting it
     */
    public record Access(Users users, Gate gate, Audit audit, boolean trustLoopback) {}

    /**
     * Serves the API of the streams.
     * @param registry the streams
     * @param access who may watch and act
     * @param allowedOrigins the web origins whose pages may change state
     * @param serverNames the names it is known by besides its addresses and the host's names (--server-name)
     * @param executor runs the requests (virtual threads: the failure throttle waits in them)
     */
    public void serve(StreamRegistry registry, Access access, java.util.List<String> allowedOrigins, java.util.List<String> serverNames,
                      ExecutorService executor) {
        HttpApi.install(http, registry, new AccessControl(access.users(), access.gate(), access.audit(), access.trustLoopback()), allowedOrigins,
                serverNames);
        http.setExecutor(executor);
        http.start();
    }

    /**
     * @param name a --server-name value
     * @return whether it is a host name or an IP address without port
     */
    public static boolean validServerName(String name) {
        return KnownHosts.validName(name);
    }

    /** Stops listening at once. */
    @Override
    public void close() {
        http.stop(0);
    }
}
