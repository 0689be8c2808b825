package stream.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The exported API in-process: what each kind of peer turns into, for programs that use ControlClient. */
class ControlClientTest {
    private HttpServer peer;
    private final CountDownLatch release = new CountDownLatch(1);

    @AfterEach
    void stop() {
        release.countDown();
        if (peer != null) {
            peer.stop(0);
        }
    }

    @Test
    void answersBecomeTypedResponsesAndKinds() throws Exception {
        URI url = peer(Map.of(
                "GET", new Object[] {200, "{\"status\":\"running\",\"pid\":42,\"uptimeSeconds\":1.5,\"lastStderr\":[\"a\",null]}"},
                "POST", new Object[] {409, "{\"error\":\"busy\",\"hint\":\"try later\"}"}));
        try (var client = new ControlClient(url, "t", Duration.ofSeconds(3), Duration.ofSeconds(10))) {
            ControlResponse status = client.status();
            assertEquals(200, status.httpStatus());
            assertEquals("running", status.text("status").orElseThrow());
            assertEquals(42L, status.json().get("pid"));
            assertEquals("42", status.text("pid").orElseThrow());
            assertEquals(1.5, status.json().get("uptimeSeconds"));
            assertEquals(java.util.Arrays.asList("a", null), status.json().get("lastStderr"));
            assertTrue(status.body().startsWith("{\"status\":\"running\""));

            var refused = assertThrows(ControlException.class, client::start);
            assertEquals(ControlException.Kind.REFUSED, refused.kind());
            assertEquals(409, refused.response().orElseThrow().httpStatus());
            assertEquals("the server refused start (HTTP 409): busy; try later", refused.getMessage());
        }
    }

    @Test
    void unreachableTimeoutAndGarbageAreTheirOwnKinds() throws Exception {
        int free;
        try (var s = new ServerSocket(0)) {
            free = s.getLocalPort();
        }
        try (var nobody = new ControlClient(URI.create("http://127.0.0.1:" + free), null,
                Duration.ofSeconds(3), Duration.ofSeconds(10))) {
            var e = assertThrows(ControlException.class, nobody::status);
            assertEquals(ControlException.Kind.UNREACHABLE, e.kind());
            assertTrue(e.response().isEmpty());
        }
        URI url = peer(Map.of("GET", new Object[] {200, "<html>hello</html>"}, "POST", new Object[] {-1, ""}));
        try (var client = new ControlClient(url, null, Duration.ofSeconds(3), Duration.ofMillis(500))) {
            assertEquals(ControlException.Kind.BAD_RESPONSE, assertThrows(ControlException.class, client::status).kind());
            assertEquals(ControlException.Kind.TIMEOUT, assertThrows(ControlException.class, client::stop).kind());
        }
    }

    @Test
    void serverAddressesAreCheckedAtTheBoundary() {
        assertEquals(URI.create("https://h:1/base"), ControlClient.checkServer("https://h:1/base"));
        for (String bad : List.of("h:8590", "ftp://h", "http://", "http://h/?x=1", "http://u:p@h", "not a url")) {
            var e = assertThrows(IllegalArgumentException.class, () -> ControlClient.checkServer(bad), bad);
            assertTrue(e.getMessage().contains("http://localhost:8590"), "shows a correct example: " + e.getMessage());
        }
    }

    /** A peer answering GET and POST on /control with {code, body}; code -1 never answers. */
    private URI peer(Map<String, Object[]> answers) throws IOException {
        peer = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        peer.setExecutor(Executors.newCachedThreadPool());
        peer.createContext("/control", exchange -> {
            try (exchange) {
                exchange.getRequestBody().readAllBytes();
                Object[] answer = answers.get(exchange.getRequestMethod());
                int code = (Integer) answer[0];
                if (code < 0) {
                    release.await();
                    return;
                }
                byte[] bytes = ((String) answer[1]).getBytes(StandardCharsets.UTF_8);
                exchange.sendResponseHeaders(code, bytes.length);
                exchange.getResponseBody().write(bytes);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        peer.start();
        return URI.create("http://127.0.0.1:" + peer.getAddress().getPort());
    }
}
