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
        // The garbage answer gets a generous timeout: on a loaded machine a cold first request can take over 500 ms.
        try (var client = new ControlClient(url, null, Duration.ofSeconds(3), Duration.ofSeconds(30))) {
            assertEquals(ControlException.Kind.BAD_RESPONSE, assertThrows(ControlException.class, client::status).kind());
        }
        try (var client = new ControlClient(url, null, Duration.ofSeconds(3), Duration.ofMillis(500))) {
            assertEquals(ControlException.Kind.TIMEOUT, assertThrows(ControlException.class, client::stop).kind());
        }
    }

    @Test
    void plainHttpReadsEveryBodyFramingAndSendsTheTokenAndTheAction() throws Exception {
        // chunked (jdk.httpserver with length 0), then Content-Length, from a real jdk.httpserver
        var seen = new java.util.concurrent.CopyOnWriteArrayList<String>();
        peer = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        peer.createContext("/control", exchange -> {
            try (exchange) {
                String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
                seen.add(exchange.getRequestMethod() + " " + exchange.getRequestHeaders().getFirst("Authorization") + " "
                        + exchange.getRequestHeaders().getFirst("Content-Type") + " " + body);
                byte[] bytes = ("{\"status\":\"" + "x".repeat(20_000) + "\",\"message\":\"ok\"}").getBytes(StandardCharsets.UTF_8);
                exchange.sendResponseHeaders(200, exchange.getRequestMethod().equals("GET") ? 0 : bytes.length);
                exchange.getResponseBody().write(bytes);
            }
        });
        peer.start();
        URI url = URI.create("http://127.0.0.1:" + peer.getAddress().getPort());
        try (var client = new ControlClient(url, "secret-token", Duration.ofSeconds(3), Duration.ofSeconds(30))) {
            assertEquals(20_000, client.status().text("status").orElseThrow().length(), "a chunked answer");
            assertEquals(20_000, client.start().text("status").orElseThrow().length(), "an answer with its length");
        }
        assertEquals(List.of("GET Bearer secret-token null ", "POST Bearer secret-token application/json {\"action\":\"start\"}"), seen);
        // to the end of the connection, and what is no HTTP, from a bare socket
        assertEquals("running", rawPeer("HTTP/1.0 200 OK\r\nContent-Type: application/json\r\n\r\n{\"status\":\"running\"}")
                .status().text("status").orElseThrow());
        var garbage = assertThrows(ControlException.class, () -> rawPeer("SSH-2.0-OpenSSH_9.2\r\n").status());
        assertEquals(ControlException.Kind.BAD_RESPONSE, garbage.kind());
        assertTrue(garbage.getMessage().contains("not an HTTP/1.x answer"), garbage.getMessage());
        var cut = assertThrows(ControlException.class, () -> rawPeer("HTTP/1.1 200 OK\r\nContent-Length: 50\r\n\r\n{\"status\"").status());
        assertEquals(ControlException.Kind.BAD_RESPONSE, cut.kind());
        assertTrue(cut.getMessage().contains("closed 41 bytes before the end"), cut.getMessage());
    }

    /** A client of a peer that reads one request's head, writes these bytes and closes. */
    private ControlClient rawPeer(String answer) throws IOException {
        ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
        Thread.ofPlatform().daemon().start(() -> {
            try (server; var s = server.accept()) {
                var in = new java.io.BufferedReader(new java.io.InputStreamReader(s.getInputStream(), StandardCharsets.ISO_8859_1));
                for (String l = in.readLine(); l != null && !l.isEmpty(); l = in.readLine()) { /* the request's head */ }
                s.getOutputStream().write(answer.getBytes(StandardCharsets.UTF_8));
            } catch (IOException e) {
                // the test fails on what the client saw
            }
        });
        return new ControlClient(URI.create("http://127.0.0.1:" + server.getLocalPort()), null, Duration.ofSeconds(3), Duration.ofSeconds(30));
    }

    @Test
    void namedStreamsHaveTheirOwnPathsAndMainIsControl() throws Exception {
        var seen = new java.util.concurrent.CopyOnWriteArrayList<String>();
        peer = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        peer.createContext("/", exchange -> {
            try (exchange) {
                String path = exchange.getRequestURI().getRawPath();
                seen.add(exchange.getRequestMethod() + " " + path + " " + new String(exchange.getRequestBody().readAllBytes(),
                        StandardCharsets.UTF_8));
                String body = path.equals("/streams") ? "{\"streams\":[{\"name\":\"main\",\"status\":\"stopped\"}]}"
                        : "{\"status\":\"stopped\",\"name\":\"x\",\"message\":\"Stream stopped\"}";
                byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
                exchange.sendResponseHeaders(200, bytes.length);
                exchange.getResponseBody().write(bytes);
            }
        });
        peer.start();
        URI url = URI.create("http://127.0.0.1:" + peer.getAddress().getPort());
        try (var client = new ControlClient(url, null, Duration.ofSeconds(3), Duration.ofSeconds(30))) {
            client.start("cam-2");
            client.stop("cam-2");
            client.status("cam-2");
            client.status("main");
            client.start(ControlClient.DEFAULT_STREAM);
            client.status(null);
            assertEquals(List.of(Map.of("name", "main", "status", "stopped")), client.streams().json().get("streams"));
            assertEquals("x", client.stream("cam-2").text("name").orElseThrow());
            assertThrows(IllegalArgumentException.class, () -> client.start("Cam 2"), "checked before anything is sent");
            var e = assertThrows(IllegalArgumentException.class, () -> client.stream("../control"));
            assertEquals("'../control' is not a stream name: lower-case letters, digits and dashes, starting with a letter"
                    + " or digit, up to 32 characters", e.getMessage());
        }
        assertEquals(List.of("POST /streams/cam-2/control {\"action\":\"start\"}", "POST /streams/cam-2/control {\"action\":\"stop\"}",
                "GET /streams/cam-2/control ", "GET /control ", "POST /control {\"action\":\"start\"}", "GET /control ",
                "GET /streams ", "GET /streams/cam-2 "), seen);
    }

    @Test
    void serverAddressesAreCheckedAtTheBoundary() {
        assertEquals(URI.create("https://h:1/base"), ControlClient.checkServer("https://h:1/base"));
        for (String bad : List.of("h:8590", "ftp://h", "http://", "http://h/?x=1", "http://u:p@h", "not a url")) {
            var e = assertThrows(IllegalArgumentException.class, () -> ControlClient.checkServer(bad), bad);
            assertTrue(e.getMessage().contains("http://localhost:8590"), "shows a correct example: " + e.getMessage());
        }
    }

    /** The address the server prints at start ends in /control: pasted as --server, the answer says what to give instead. */
    @Test
    void theControlUrlIsRefusedWithTheServersAddress() {
        var e = assertThrows(IllegalArgumentException.class, () -> ControlClient.checkServer("http://0.0.0.0:8590/control"));
        assertEquals("'http://0.0.0.0:8590/control' is the API's control path, not the server's address; give it like"
                + " http://0.0.0.0:8590", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> ControlClient.checkServer("https://h:1/base/streams/cam2/control/"));
        assertEquals("'https://h:1/base/streams/cam2/control/' is the API's control path, not the server's address; give it"
                + " like https://h:1/base with --stream cam2", e.getMessage());
        assertEquals(URI.create("http://h:1/controller"), ControlClient.checkServer("http://h:1/controller"));
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
