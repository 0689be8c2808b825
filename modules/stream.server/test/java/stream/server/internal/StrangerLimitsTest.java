package stream.server.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import stream.server.internal.TestSupport.Response;
import stream.server.internal.TestSupport.ServerProcess;

/**
 * Issue 25, item 8, against a real server process: the number of streams is bounded
 * ({@code --max-streams}); an allowed origin's page can read the answers (CORS headers on
 * answers and preflights); {@code Authorization: bearer} in any case is accepted; WHEP's 413 says
 * nothing about {"action":"start"}. (Never-completed WHEP offers: WhepPendingOfferTest.)
 */
class StrangerLimitsTest {
    static final String TOKEN = "limits-t0ken";
    static final String PANEL = "https://panel.example.org";
    @TempDir
    Path dir;
    ServerProcess server;
    int port;

    @AfterEach
    void cleanUp() {
        if (server != null) server.close();
    }

    void start(String... extra) throws Exception {
        List<String> args = new java.util.ArrayList<>(List.of("--port", "0", "--bind", "127.0.0.1", "--source", "test", "--width", "320",
                "--height", "240", "--framerate", "15", "--dest", "127.0.0.1:" + TestSupport.freeUdpPort(), "--state-dir", dir.toString()));
        args.addAll(List.of(extra));
        server = new ServerProcess(args, Map.of("STREAM_TOKEN", TOKEN));
        port = server.awaitPort();
    }

    Response send(String method, String path, String body, String... headers) throws IOException {
        Map<String, String> h = new LinkedHashMap<>();
        for (int i = 0; i < headers.length; i += 2) h.put(headers[i], headers[i + 1]);
        return TestSupport.request(InetAddress.getLoopbackAddress(), port, method, path, h,
                body == null ? null : body.getBytes(StandardCharsets.UTF_8));
    }

    String definition() throws IOException {
        return "{\"source\":\"test\",\"destinations\":[\"127.0.0.1:" + TestSupport.freeUdpPort() + "\"]}";
    }

    @Test
    void theNumberOfStreamsIsBounded() throws Exception {
        start("--max-streams", "3");
        String auth = "Bearer " + TOKEN;
        assertEquals(201, send("PUT", "/streams/a", definition(), "Authorization", auth).code());
        assertEquals(201, send("PUT", "/streams/b", definition(), "Authorization", auth).code());
        Response refused = send("PUT", "/streams/c", definition(), "Authorization", auth);
        assertEquals(409, refused.code(), refused.body());
        assertTrue(refused.json().getString("error", "").contains("Too many streams: 3 are defined"), refused.body());
        assertTrue(refused.json().getString("hint", "").contains("--max-streams"), refused.body());
        assertEquals(404, send("GET", "/streams/c", null, "Authorization", auth).code(), "not defined");
        assertEquals(200, send("PUT", "/streams/b", definition(), "Authorization", auth).code(), "redefining one is no new stream");
        assertEquals(200, send("DELETE", "/streams/a", null, "Authorization", auth).code());
        assertEquals(201, send("PUT", "/streams/c", definition(), "Authorization", auth).code(), "room again after a DELETE");
        assertTrue(Main.usageText().contains("--max-streams N") && Main.usageText().contains("default 64"), "documented in --help");
    }

    @Test
    void anAllowedOriginCanReadTheAnswersAndBearerIsCaseInsensitive() throws Exception {
        start("--allow-origin", PANEL);
        // A simple read from the panel's page: the browser shows it the answer only with ACAO.
        Response read = send("GET", "/control", null, "Origin", PANEL, "Sec-Fetch-Site", "cross-site", "Sec-Fetch-Mode", "cors");
        assertEquals(401, read.code(), "status needs the token once one exists: " + read.body());
        assertEquals(PANEL, read.header("Access-Control-Allow-Origin"), "even a refusal is readable by the allowed page");
        assertTrue(read.header("Vary").contains("Origin"), read.header("Vary"));
        // Its preflight, then the request itself.
        Response pre = send("OPTIONS", "/streams/x", null, "Origin", PANEL, "Sec-Fetch-Site", "cross-site", "Sec-Fetch-Mode", "cors",
                "Access-Control-Request-Method", "PUT", "Access-Control-Request-Headers", "authorization,content-type");
        assertEquals(204, pre.code(), pre.body());
        assertEquals(PANEL, pre.header("Access-Control-Allow-Origin"));
        assertTrue(pre.header("Access-Control-Allow-Methods").contains("PUT"), pre.header("Access-Control-Allow-Methods"));
        assertTrue(pre.header("Access-Control-Allow-Headers").contains("Authorization"), pre.header("Access-Control-Allow-Headers"));
        Response put = send("PUT", "/streams/x", definition(), "Origin", PANEL, "Sec-Fetch-Site", "cross-site", "Sec-Fetch-Mode", "cors",
                "Content-Type", "application/json", "Authorization", "Bearer " + TOKEN);
        assertEquals(201, put.code(), put.body());
        assertEquals(PANEL, put.header("Access-Control-Allow-Origin"));
        // Another origin gets neither the answer's headers nor a preflight.
        Response other = send("GET", "/health", null, "Origin", "https://evil.example", "Sec-Fetch-Site", "cross-site");
        assertEquals(200, other.code());
        assertNull(other.header("Access-Control-Allow-Origin"), "no CORS for an origin not allowed");
        assertEquals(403, send("OPTIONS", "/streams/x", null, "Origin", "https://evil.example", "Access-Control-Request-Method", "PUT").code());

        // The scheme of Authorization is case-insensitive (RFC 9110 11.1).
        for (String scheme : List.of("bearer", "BEARER", "bEaReR")) {
            Response r = send("GET", "/streams", null, "Authorization", scheme + " " + TOKEN);
            assertEquals(200, r.code(), scheme + ": " + r.body());
            Response s = send("POST", "/streams/x/control", "{\"action\":\"stop\"}", "Authorization", scheme + " " + TOKEN);
            assertEquals(200, s.code(), scheme + ": " + s.body());
        }
        assertEquals(401, send("GET", "/streams", null, "Authorization", "bearer wrong").code());

        // WHEP's 413 names the limit, not a control body.
        byte[] big = ("v=0\r\n" + "a=x\r\n".repeat(14_000)).getBytes(StandardCharsets.UTF_8);
        Response tooBig = TestSupport.request(InetAddress.getLoopbackAddress(), port, "POST", "/whep",
                Map.of("Content-Type", "application/sdp", "Authorization", "Bearer " + TOKEN), big);
        assertEquals(413, tooBig.code(), tooBig.body());
        assertFalse(tooBig.body().contains("action"), tooBig.body());
        assertTrue(tooBig.json().getString("hint", "").contains("64 KiB"), tooBig.body());
    }
}
