package stream.server.internal.http.server;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.concurrent.ExecutorService;
import stream.server.internal.stream.StreamRegistry;

/** The server's HTTP port: bound first (so a port in use ends the start early), then serving the API. */
public final class HttpEndpoint implements AutoCloseable {
    private final HttpServer http;

    private HttpEndpoint(HttpServer http) {
        this.http = http;
    }

    /**
     * @param address where to listen
     * @return the bound, not yet serving, endpoint
     * @throws java.net.BindException when the address is taken or not of this machine
     * @throws IOException when the socket cannot be made
     */
    public static HttpEndpoint bind(InetSocketAddress address) throws IOException {
        return new HttpEndpoint(HttpServer.create(address, 64));
    }

    /** @return the bound address */
    public InetSocketAddress address() {
        return http.getAddress();
    }

    /**
     * Serves the API of the streams.
     * @param registry the streams
     * @param token the bearer token for state changes, or null
     * @param trustLoopback whether loopback needs no token
     * @param allowedOrigins the web origins whose pages may change state
     * @param executor runs the requests
     */
    public void serve(StreamRegistry registry, String token, boolean trustLoopback, java.util.List<String> allowedOrigins,
                      ExecutorService executor) {
        HttpApi.install(http, registry, token, trustLoopback, allowedOrigins);
        http.setExecutor(executor);
        http.start();
    }

    /** Stops listening at once. */
    @Override
    public void close() {
        http.stop(0);
    }
}
