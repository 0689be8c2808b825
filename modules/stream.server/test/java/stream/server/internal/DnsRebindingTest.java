package stream.server.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
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
 * Issue 25, item 1: a page whose name the attacker re-points at the server's address (DNS
 * rebinding) is same-origin to the browser, so its Origin equals its Host: both name the attacker's
 * site. Real server processes on loopback: such requests get 421 (reads too), change nothing, and
 * the names the server is known by still pass.
 */
class DnsRebindingTest {
    static final String TOKEN = "rebinding-t0ken";
    @TempDir
    Path dir;
    ServerProcess server;

    @AfterEach
    void cleanUp() {
        if (server != null) server.close();
    }

    int start(Map<String, String> env, String... extra) throws Exception {
        List<String> args = new java.util.ArrayList<>(List.of("--port", "0", "--bind", "127.0.0.1", "--source", "test", "--width", "320",
                "--height", "240", "--framerate", "15", "--dest", "127.0.0.1:" + TestSupport.freeUdpPort(), "--state-dir", dir.toString()));
        args.addAll(List.of(extra));
        server = new ServerProcess(args, env);
        return server.awaitPort();
    }

    static Response send(int port, String method, String path, Map<String, String> headers, String body) throws IOException {
        return TestSupport.request(InetAddress.getLoopbackAddress(), port, method, path, headers,
                body == null ? null : body.getBytes(StandardCharsets.UTF_8));
    }

    /** The headers of a rebound page's fetch: its own name in Host and Origin, same-origin to the browser. */
    static Map<String, String> rebound(int port) {
        Map<String, String> h = new LinkedHashMap<>();
        h.put("Host", "evil.example:" + port);
        h.put("Origin", "http://evil.example:" + port);
        h.put("Sec-Fetch-Site", "same-origin");
        h.put("Content-Type", "text/plain");
        return h;
    }

    static void assert421(Response r, String name) {
        assertEquals(421, r.code(), r.body());
        assertTrue(r.header("Content-Type").startsWith("application/json"), r.header("Content-Type"));
        assertTrue(r.json().getString("error", "").contains(name), r.body());
        assertTrue(r.json().getString("hint", "").contains("--server-name"), r.body());
    }

    @Test
    void aReboundPageGets421AndTheServersOwnNamesPass() throws Exception {
        int port = start(Map.of(), "--server-name", "cam.example.org,panel.example.org");
        String body = "{\"source\":\"test\",\"destinations\":[\"127.0.0.1:" + TestSupport.freeUdpPort() + "\"],\"autostart\":true}";
        assert421(send(port, "PUT", "/streams/rebound", rebound(port), body), "evil.example");
        assertEquals(404, send(port, "GET", "/streams/rebound", Map.of(), null).code(), "the stream was not defined");
        assertTrue(TestSupport.gstBelow(server.process.toHandle()).isEmpty(), "no child started");
        // Reads too: the page could read the status otherwise.
        assert421(send(port, "GET", "/control", Map.of("Host", "evil.example:" + port), null), "evil.example");
        assert421(send(port, "GET", "/control", Map.of("Host", "evil.example"), null), "evil.example");
        // A proxy's X-Forwarded-Host is checked as well (a same-origin page may set it).
        assert421(send(port, "GET", "/control", Map.of("X-Forwarded-Host", "evil.example"), null), "evil.example");
        // Host names that are no names at all.
        for (String bad : List.of("a:b:c", "[::1", "127.0.0.1:x", "", "999.1.1.1"))
            assertEquals(421, send(port, "GET", "/health", Map.of("Host", bad), null).code(), "Host '" + bad + "'");

        String me = java.nio.file.Files.readString(Path.of("/proc/sys/kernel/hostname")).strip(); // the machine's name, as the kernel has it
        for (String host : List.of("127.0.0.1:" + port, "127.0.0.1", "localhost:" + port, "localhost", "LocalHost.", "[::1]:" + port, "[::1]",
                "cam.example.org:" + port, "panel.example.org", me, me + ":" + port))
            assertEquals(200, send(port, "GET", "/control", Map.of("Host", host), null).code(), "Host '" + host + "'");
        // The dashboard's own same-origin requests still change state.
        Map<String, String> own = new LinkedHashMap<>(rebound(port));
        own.put("Host", "127.0.0.1:" + port);
        own.put("Origin", "http://127.0.0.1:" + port);
        Response ok = send(port, "PUT", "/streams/mine", own, body.replace("true", "false"));
        assertEquals(201, ok.code(), ok.body());
        own.put("Host", "cam.example.org:" + port);
        own.put("Origin", "http://cam.example.org:" + port);
        assertEquals(200, send(port, "DELETE", "/streams/mine", own, null).code(), "a page of a --server-name");
    }

    @Test
    void withATokenAndTrustedLoopbackARebindingPageCannotStopTheStream() throws Exception {
        int port = start(Map.of("STREAM_TOKEN", TOKEN), "--trust-loopback");
        assertEquals("running", TestSupport.post(port, "start").getString("status", null), "started from trusted loopback");
        Response r = send(port, "POST", "/control", rebound(port), "{\"action\":\"stop\"}");
        assert421(r, "evil.example");
        assertEquals("running", TestSupport.status(port).getString("status", null), "still running");
    }

    @Test
    void aServerNameThatIsNoNameIsAUsageError() throws Exception {
        server = new ServerProcess(List.of("--port", "0", "--server-name", "cam.example.org,https://cam.example.org"), Map.of());
        assertEquals(2, server.awaitExit(), server.stderrText());
        assertTrue(server.stderrText().contains("--server-name") && server.stderrText().contains("https://cam.example.org"), server.stderrText());
    }
}
