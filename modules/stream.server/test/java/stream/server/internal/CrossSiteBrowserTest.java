package stream.server.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.eclipsesource.json.Json;
import com.eclipsesource.json.JsonObject;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import stream.testkit.Chromium;
import stream.testkit.Fixtures;
import stream.testkit.NetNs;
import stream.testkit.Ports;
import stream.testkit.ServerProcess;

/**
 * Issue 14, "any web page can switch the camera on": in headless Chromium, a page of another
 * origin (another port of 127.0.0.1, which a browser calls same-site) sends the no-cors POST of
 * the issue; the server refuses it (counted as a 403) and nothing starts. A page of the server's
 * own origin starts the stream with fetch. Everything runs in a network namespace of the test's own
 * with loopback only; the other origin's page is served by the JDK's jwebserver there.
 */
@ExtendWith(Fixtures.class)
class CrossSiteBrowserTest {
    @TempDir
    Path dir;

    /** The namespace and the browser in it come from the kit's {@link Fixtures}, closed after the test. */
    @Test
    void aPageOfAnotherOriginCannotStartTheStreamTheServersOwnPageCan(NetNs ns, Chromium browser) throws Exception {
        List<String> args = List.of("--port", "0", "--bind", "127.0.0.1", "--source", "test", "--width", "320", "--height", "240",
                "--framerate", "15", "--dest", "127.0.0.1:" + Ports.freeUdp(), "--state-dir", dir.toString());
        try (ServerProcess server = ServerProcess.builder().prefix(ns.prefix()).args(args).start()) {
            int port = server.awaitPort();
            String api = "http://127.0.0.1:" + port;
            int other = Ports.freeTcp();
            while (other == port) other = Ports.freeTcp();
            String attacker = "http://127.0.0.1:" + other + "/";
            String post = "fetch('" + api + "/control', {method: 'POST', mode: 'no-cors',"
                    + " body: '{\"action\":\"start\",\"destinations\":[\"127.0.0.1:" + Ports.freeUdp() + "\"]}'})"
                    + ".then(r => 'sent ' + r.type, e => 'error ' + e)";
            // The other origin: the JDK's own file server on another port, in the namespace too.
            java.nio.file.Files.createDirectories(dir.resolve("site"));
            java.nio.file.Files.writeString(dir.resolve("site/index.html"), "<!doctype html><title>another site</title><p>nothing to see");
            List<String> web = new java.util.ArrayList<>(ns.prefix());
            web.addAll(List.of(Path.of(System.getProperty("java.home"), "bin", "jwebserver").toString(), "-b", "127.0.0.1",
                    "-p", attacker.substring(attacker.lastIndexOf(':') + 1, attacker.length() - 1), "-d", dir.resolve("site").toString()));
            Process site = new ProcessBuilder(web).redirectErrorStream(true).redirectOutput(dir.resolve("site.log").toFile()).start();
            try (Chromium.Tab evil = browser.newTab()) {
                TestSupport.waitUntil("the other origin's page served", Duration.ofSeconds(30),
                        () -> metricsOrEmpty(ns, attacker).contains("nothing to see"));
                evil.navigate(attacker);
                assertEquals("sent opaque", evil.evaluate(post).asString(), "the browser sent the request");
            } finally {
                site.destroyForcibly();
                site.waitFor();
            }
            // The request reached the server and was refused: a 403 counted, nothing started.
            TestSupport.waitUntil("the refusal counted in /metrics", Duration.ofSeconds(10),
                    () -> metrics(ns, api).contains("stream_http_requests_total{code=\"403\"} 1"));
            JsonObject status = Json.parse(curl(ns, api + "/control")).asObject();
            assertEquals("stopped", status.getString("status", null), status.toString());
            assertEquals(0, status.getInt("starts", -1));
            assertTrue(TestSupport.gstBelow(server.process().toHandle()).isEmpty(), "no gst-launch-1.0 started");

            // The server's own origin: the same request, as the dashboard makes it, starts the stream.
            try (Chromium.Tab own = browser.newTab()) {
                own.navigate(api + "/health");
                String started = own.evaluate("fetch('/control', {method: 'POST', headers: {'Content-Type': 'application/json'},"
                        + " body: '{\"action\":\"start\"}'}).then(r => r.status + ' ' + r.statusText, e => 'error ' + e)").asString();
                assertTrue(started.startsWith("200"), "the same-origin POST: " + started);
            }
            JsonObject running = Json.parse(curl(ns, api + "/control")).asObject();
            assertEquals("running", running.getString("status", null), running.toString());
            assertTrue(server.stderrText().isEmpty() || !server.stderrText().contains("Exception"), server.stderrText());
        }
    }

    static String metricsOrEmpty(NetNs ns, String url) {
        try {
            return curl(ns, url);
        } catch (Exception e) {
            return "";
        }
    }

    static String metrics(NetNs ns, String api) {
        try {
            return curl(ns, api + "/metrics");
        } catch (Exception e) {
            return "";
        }
    }

    static String curl(NetNs ns, String url) throws Exception {
        return ns.exec("curl", "-sS", "--max-time", "10", url);
    }
}
