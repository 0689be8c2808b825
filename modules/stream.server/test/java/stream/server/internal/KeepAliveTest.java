package stream.server.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Scripts and load balancers poll GET /control over one connection: every answer must leave the
 * connection open, so that a poll does not cost a TCP handshake (and a TIME_WAIT socket).
 */
class KeepAliveTest {
    @RegisterExtension
    static final SmallServer server = new SmallServer();

    @Test
    void manyGetsAndErrorsShareOneConnection() throws IOException {
        try (Socket socket = new Socket("127.0.0.1", server.port())) {
            socket.setSoTimeout(10_000);
            OutputStream out = socket.getOutputStream();
            var in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.ISO_8859_1));
            String[] paths = {"/control", "/health", "/metrics", "/control", "/nope", "/control"};
            int[] codes = {200, 200, 200, 200, 404, 200};
            for (int i = 0; i < paths.length; i++) {
                out.write(("GET " + paths[i] + " HTTP/1.1\r\nHost: localhost\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
                out.flush();
                String statusLine = in.readLine();
                assertTrue(statusLine != null, "the server closed the connection before answer " + (i + 1) + " (" + paths[i] + ")");
                assertEquals(codes[i], Integer.parseInt(statusLine.split(" ")[1]), paths[i] + ": " + statusLine);
                int length = -1;
                boolean close = false;
                for (String h; (h = in.readLine()) != null && !h.isEmpty(); ) {
                    String lower = h.toLowerCase(java.util.Locale.ROOT);
                    if (lower.startsWith("content-length:")) length = Integer.parseInt(h.substring(15).strip());
                    if (lower.startsWith("connection:") && lower.contains("close")) close = true;
                }
                assertTrue(!close, paths[i] + " answered with Connection: close");
                assertTrue(length >= 0, paths[i] + " answered without Content-Length");
                assertEquals(length, in.skip(length), "body of " + paths[i]);
            }
        }
    }
}
