package stream.server.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import stream.server.internal.TestSupport.ServerProcess;

/**
 * Issue 25, item 7: malformed requests against a real server process. Those that reach a context
 * are answered as JSON with a hint; those that jdk.httpserver's own parser refuses before any
 * context, filter or handler exists for them (sun.net.httpserver.ServerImpl.Exchange.reject: no
 * public hook) are measured here, exactly, so that a JDK that changes them is noticed: the right
 * status, Connection: close, a short fixed text and never a stack trace or request data; the
 * server answers the next client as before. README, "Access", says which and why.
 */
class ParserRefusalTest {
    @TempDir
    Path dir;
    ServerProcess server;

    @AfterEach
    void cleanUp() {
        if (server != null) server.close();
    }

    record Raw(int code, String head, String body) {}

    static Raw send(int port, String request) throws IOException {
        try (Socket s = new Socket(InetAddress.getLoopbackAddress(), port)) {
            s.setSoTimeout(10_000);
            s.getOutputStream().write(request.getBytes(StandardCharsets.ISO_8859_1));
            InputStream in = s.getInputStream();
            ByteArrayOutputStream all = new ByteArrayOutputStream();
            byte[] buf = new byte[4096];
            for (int n; (n = in.read(buf)) > 0; ) all.write(buf, 0, n);
            String text = all.toString(StandardCharsets.ISO_8859_1);
            int end = text.indexOf("\r\n\r\n");
            return new Raw(Integer.parseInt(text.substring(9, 12)), text.substring(0, end).toLowerCase(Locale.ROOT), text.substring(end + 4));
        }
    }

    @Test
    void malformedRequestsGetAStatusAndNoJavaInternals() throws Exception {
        server = new ServerProcess(List.of("--port", "0", "--bind", "127.0.0.1", "--source", "test", "--dest",
                "127.0.0.1:" + TestSupport.freeUdpPort(), "--state-dir", dir.toString()), Map.of());
        int port = server.awaitPort();
        String host = "Host: 127.0.0.1:" + port + "\r\n";

        // Answered by the server: JSON with a hint.
        Map<String, String> ours = new LinkedHashMap<>();
        ours.put("a space in the path", "GET /con trol HTTP/1.1\r\n" + host + "Connection: close\r\n\r\n");
        ours.put("an unknown path below /", "GET /control//x HTTP/1.1\r\n" + host + "Connection: close\r\n\r\n");
        ours.put("a path with an encoded backslash", "GET /con%5Ctrol HTTP/1.1\r\n" + host + "Connection: close\r\n\r\n");
        for (var c : ours.entrySet()) {
            Raw r = send(port, c.getValue());
            assertEquals(404, r.code(), c.getKey() + ": " + r.head());
            assertTrue(r.head().contains("content-type: application/json"), c.getKey() + ": " + r.head());
            assertTrue(r.body().contains("\"hint\""), c.getKey() + ": " + r.body());
        }

        // Refused by jdk.httpserver's parser before any of the server's code: status and text measured.
        record Jdk(String request, int code, String text) {}
        Map<String, Jdk> jdk = new LinkedHashMap<>();
        jdk.put("Content-Length: abc", new Jdk("POST /control HTTP/1.1\r\n" + host + "Content-Length: abc\r\n\r\n", 400, "NumberFormatException thrown"));
        jdk.put("Content-Length: -1", new Jdk("POST /control HTTP/1.1\r\n" + host + "Content-Length: -1\r\n\r\n", 400, "Illegal Content-Length value"));
        jdk.put("a backslash in the path", new Jdk("GET /con\\trol HTTP/1.1\r\n" + host + "\r\n", 400, "URISyntaxException thrown"));
        jdk.put("//control", new Jdk("GET //control HTTP/1.1\r\n" + host + "\r\n", 404, "No context found for request"));
        jdk.put("OPTIONS *", new Jdk("OPTIONS * HTTP/1.1\r\n" + host + "\r\n", 404, "No context found for request"));
        jdk.put("Transfer-Encoding: gzip", new Jdk("POST /control HTTP/1.1\r\n" + host + "Transfer-Encoding: gzip\r\n\r\n", 501,
                "Unsupported Transfer-Encoding value"));
        jdk.put("Transfer-Encoding with Content-Length", new Jdk("POST /control HTTP/1.1\r\n" + host
                + "Transfer-Encoding: chunked\r\nContent-Length: 5\r\n\r\n0\r\n\r\n", 400, "Conflicting or malformed headers detected"));
        jdk.put("Content-Length twice", new Jdk("POST /control HTTP/1.1\r\n" + host + "Content-Length: 1\r\nContent-Length: 1\r\n\r\nx", 400,
                "Conflicting or malformed headers detected"));
        jdk.put("a request line without spaces", new Jdk("GARBAGE\r\n" + host + "\r\n", 400, "Bad request line"));
        jdk.put("a space in a header name", new Jdk("GET /control HTTP/1.1\r\n" + host + "Bad Name: x\r\n\r\n", 400,
                "Header key contains illegal characters"));
        for (var c : jdk.entrySet()) {
            Raw r = send(port, c.getValue().request());
            assertEquals(c.getValue().code(), r.code(), c.getKey() + ": " + r.head());
            assertTrue(r.head().contains("connection: close"), c.getKey() + ": " + r.head());
            assertEquals("<h1>" + r.code() + " " + reason(r.code()) + "</h1>" + c.getValue().text(), r.body(),
                    c.getKey() + ": the JDK's text changed; see README, Access, and answer it as JSON if it can be now");
            assertFalse(r.body().contains("\tat ") || r.body().contains("java."), c.getKey() + ": " + r.body());
        }
        assertEquals(200, TestSupport.request(port, "GET", "/health", null).code(), "the server answers as before");
    }

    /**
     * Status JSON names no Java class either: a Janus that refuses the connection and one that
     * hangs up at once (stand-ins on loopback: sockets of this test, no Janus runs) are reported in words.
     */
    @Test
    void aJanusThatFailsIsReportedInWordsNotJavaClassNames() throws Exception {
        server = new ServerProcess(List.of("--port", "0", "--bind", "127.0.0.1", "--source", "test", "--dest",
                "127.0.0.1:" + TestSupport.freeUdpPort(), "--state-dir", dir.toString()), Map.of());
        int port = server.awaitPort();
        int refused = TestSupport.freeTcpPort();
        try (java.net.ServerSocket hangUp = new java.net.ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            Thread.ofVirtual().start(() -> {
                while (!hangUp.isClosed()) {
                    try (Socket s = hangUp.accept()) {
                        s.setSoLinger(true, 0); // a reset, as a peer that crashed
                    } catch (IOException e) {
                        return;
                    }
                }
            });
            String body = "{\"source\":\"test\",\"width\":320,\"height\":240,\"framerate\":15,\"destinations\":[\"127.0.0.1:"
                    + TestSupport.freeUdpPort() + "\"],\"janus\":[{\"url\":\"http://127.0.0.1:" + refused + "/janus\"},"
                    + "{\"url\":\"http://127.0.0.1:" + hangUp.getLocalPort() + "/janus\"}]}";
            assertEquals(201, TestSupport.request(port, "PUT", "/streams/j", body).code());
            assertEquals(200, TestSupport.request(port, "POST", "/streams/j/control", "{\"action\":\"start\"}").code());
            String[] errors = new String[2];
            TestSupport.waitUntil("both Janus endpoints report an error", java.time.Duration.ofSeconds(30), () -> {
                try {
                    var janus = TestSupport.request(port, "GET", "/streams/j/control", null).json().get("janus").asArray();
                    for (int i = 0; i < 2; i++) {
                        var e = janus.get(i).asObject().get("lastError");
                        errors[i] = e != null && e.isString() ? e.asString() : null;
                    }
                    return errors[0] != null && errors[1] != null;
                } catch (IOException | RuntimeException e) {
                    return false;
                }
            });
            for (String e : errors)
                assertFalse(e.matches("(?s).*([A-Z][a-z]+)+(Exception|Error)\\b.*") || e.contains("java."), "a Java class in: " + e);
            assertTrue(errors[0].contains("refused"), errors[0]);
        }
    }

    private static String reason(int code) {
        return switch (code) {
            case 400 -> "Bad Request";
            case 404 -> "Not Found";
            case 501 -> "Not Implemented";
            default -> "?";
        };
    }
}
