package stream.server.internal.webrtc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import stream.testkit.Chromium;
import stream.testkit.NetNs;
import java.time.Duration;
import stream.testkit.Await;
import stream.testkit.Ports;
import stream.testkit.ServerProcess;

/**
 * The dashboard's "Snapshot, recordings and clips" panel in Debian's Chromium against a real
 * stream-server recording its stream, both inside a network namespace of the test's own with
 * only loopback: the snapshot button shows a picture of the stream's size, the clip button names
 * a clip, and the lists fill with playable links.
 */
class DashboardMediaBrowserTest {
    /** Inside the test's own namespace nothing else listens; from this helper's range all the same. */
    private static final String CARD = "document.querySelector('[data-stream=\"main\"]')";

    @TempDir
    static Path dir;
    private static NetNs ns;
    private static ServerProcess server;
    private static int port;
    private static Chromium chromium;

    @BeforeAll
    static void start() throws Exception {
        ns = NetNs.create("dash");
        Path state = Files.createDirectory(dir.resolve("state"));
        server = ServerProcess.builder().prefix(ns.prefix()).jvm(List.of("-Xmx64m"))
                .args("--port", "0", "--bind", "127.0.0.1", "--source", "test", "--width", "320", "--height", "240",
                        "--framerate", "15", "--keyint", "1s", "--dest", "127.0.0.1:" + Ports.freeUdp(), "--state-dir", state.toString(),
                        "--start", "--record", "true", "--record-segment", "2")
                .start();
        port = server.awaitPort();
        chromium = Chromium.start(ns.prefix(), dir.resolve("chromium.log"));
    }

    @AfterAll
    static void stop() throws Exception {
        try {
            if (chromium != null) chromium.close();
            if (server != null) {
                server.process().destroy(); // SIGTERM: the server ends its children in order
                if (!server.process().waitFor(20, TimeUnit.SECONDS)) server.close();
            }
        } finally {
            if (ns != null) ns.close(); // and whatever might still run inside
        }
    }

    private static void waitFor(Chromium.Tab tab, String what, String condition) throws Exception {
        try {
            Await.until(what, Duration.ofSeconds(45), () -> tab.evaluate("!!(" + condition + ")").asBoolean());
        } catch (AssertionError e) {
            tab.screenshot(dir.resolve("dashboard.png"));
            fail("timed out waiting for " + what + "; the card says: " + tab.evaluate(CARD + ".innerText").toString(), e);
        }
    }

    @Test
    void snapshotClipAndListsWorkInTheDashboard() throws Exception {
        try (Chromium.Tab tab = chromium.newTab()) {
            tab.navigate("http://127.0.0.1:" + port + "/");
            waitFor(tab, "main running", CARD + " && " + CARD + ".querySelector('.status').textContent === 'running'");
            tab.evaluate(CARD + ".querySelector('.media').open = true");
            waitFor(tab, "the recording state", CARD + ".querySelector('.rec-state').textContent.startsWith('Recording: recording')");

            tab.evaluate(CARD + ".querySelector('.snap').click()");
            waitFor(tab, "the snapshot", CARD + ".querySelector('.snapshot').naturalWidth > 0");
            assertEquals(320, tab.evaluate(CARD + ".querySelector('.snapshot').naturalWidth").asInt());
            assertEquals(240, tab.evaluate(CARD + ".querySelector('.snapshot').naturalHeight").asInt());

            tab.evaluate(CARD + ".querySelector('.clip').click()");
            waitFor(tab, "the clip's name", CARD + ".querySelector('.message').textContent.match(/^Clip [0-9]{8}T[0-9]{6}\\.[0-9]{3}Z\\.mp4 saving/)");
            waitFor(tab, "a recording and the clip listed", CARD + ".querySelectorAll('.recordings a').length > 0 && "
                    + CARD + ".querySelectorAll('.clips a').length > 0");
            // the links play: a browser asks with Range
            String href = tab.evaluate(CARD + ".querySelector('.clips a').href").asString();
            int status = tab.evaluate("fetch('" + href + "', {headers: {Range: 'bytes=0-99'}}).then(r => r.status)").asInt();
            assertEquals(206, status, href);
            String type = tab.evaluate("fetch('" + href + "').then(r => r.headers.get('Content-Type'))").asString();
            assertTrue(type.startsWith("video/mp4"), type);
        }
    }
}
