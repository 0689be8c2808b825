package stream.server.internal.webrtc;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * A WHEP endpoint in a process of its own, for tests whose WHEP client is another process in a
 * network namespace (the test JVM outside cannot be reached from there): POST /whep answers
 * through a {@link WebRtcGateway}, DELETE /whep/ID ends a viewer, GET /viewers counts them. It
 * prints {@code http PORT rtp PORT} once ready and ends when its stdin closes.
 */
final class WhepTestServer {
    private WhepTestServer() {}

    /** @param args the gateway's module path */
    public static void main(String[] args) throws Exception {
        var gateway = new WebRtcGateway(GatewayCommand.ofRuntime(args[0], List.of("--ice-address", "127.0.0.1")));
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/whep", exchange -> {
            try (exchange) {
                String path = exchange.getRequestURI().getPath();
                if (path.equals("/whep") && exchange.getRequestMethod().equals("POST")) {
                    var answer = gateway.offer("main", new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
                    exchange.getResponseHeaders().set("Location", "/whep/" + answer.viewer());
                    exchange.getResponseHeaders().set("Content-Type", "application/sdp");
                    send(exchange, 201, answer.sdp());
                } else if (path.startsWith("/whep/") && exchange.getRequestMethod().equals("DELETE")) {
                    gateway.delete(path.substring("/whep/".length()));
                    send(exchange, 200, "");
                } else {
                    send(exchange, 404, "");
                }
            } catch (WhepException e) {
                send(exchange, e.status(), e.getMessage());
            } catch (InterruptedException e) {
                send(exchange, 503, "interrupted");
            }
        });
        server.createContext("/viewers", exchange -> {
            try (exchange) {
                send(exchange, 200, String.valueOf(gateway.viewers("main")));
            }
        });
        server.start();
        int rtp = gateway.rtpPort("main");
        System.out.println("http " + server.getAddress().getPort() + " rtp " + rtp);
        System.out.flush();
        System.in.transferTo(java.io.OutputStream.nullOutputStream());
        server.stop(0);
        gateway.close();
    }

    private static void send(HttpExchange exchange, int status, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.sendResponseHeaders(status, bytes.length == 0 ? -1 : bytes.length);
        if (bytes.length > 0) exchange.getResponseBody().write(bytes);
    }
}
