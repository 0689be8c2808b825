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

    private static String reason(int code) {
        return switch (code) {
            case 400 -> "Bad Request";
            case 404 -> "Not Found";
            case 501 -> "Not Implemented";
            default -> "?";
        };
    }
}
