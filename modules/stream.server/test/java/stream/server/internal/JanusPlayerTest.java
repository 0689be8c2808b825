package stream.server.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static stream.server.internal.JanusDriver.show;

import com.eclipsesource.json.Json;
import com.eclipsesource.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import stream.server.internal.janus.JanusPlayerPage;
import stream.server.internal.janus.MountpointSpec;
import stream.testkit.Chromium;
import java.time.Duration;
import stream.testkit.Await;

/**
 * Browsers playing one stream through two real Janus instances: a headless Chromium in each
 * Janus's namespace loads {@link JanusPlayerPage} and must decode frames at the stream's size
 * (getStats: framesDecoded, frameWidth, frameHeight). Killing Janus 1 leaves browser 2 playing;
 * once Janus 1 is back and fed again, a browser plays through it again. Everything runs in the
 * test's own namespaces (see {@link JanusLab}): nothing leaves the machine.
 */
class JanusPlayerTest {
    private static final int WIDTH = 320, HEIGHT = 240;

    @TempDir
    Path dir;
    private JanusLab lab;
    private final List<Gst> browsers = new ArrayList<>();

    @BeforeEach
    void lab() throws Exception {
        lab = new JanusLab(dir, 2, JanusFeedTest.API_SECRET, JanusFeedTest.ADMIN_KEY);
    }

    @AfterEach
    void cleanUp() {
        for (Gst b : browsers) b.close();
        if (lab != null) lab.close();
    }

    /**
     * Starts a headless Chromium in Janus j's namespace on the player page. The page's settings
     * (with the API secret this test's Janus wants from every client) reach it through a file,
     * not the command line.
     */
    private Gst browser(JanusLab.Instance j, long id, String name) throws Exception {
        for (String file : JanusPlayerPage.FILES.keySet())
            if (!Files.exists(dir.resolve(file))) Files.write(dir.resolve(file), JanusPlayerPage.read(file));
        String fragment = "janus=" + j.url() + "&id=" + id + "&apisecret=" + JanusFeedTest.API_SECRET;
        Path go = Files.writeString(dir.resolve(name + ".html"),
                "<script>location.replace('janus-player.html#" + fragment + "')</script>", StandardCharsets.UTF_8);
        List<String> c = new ArrayList<>(List.of("ip", "netns", "exec", j.ns));
        c.addAll(Chromium.pageCommand(dir.resolve("chromium-" + name), go.toUri().toString()));
        Gst b = Gst.start(c);
        browsers.add(b);
        return b;
    }

    /** @return the page's last report (framesDecoded, width, height, ...), or an empty object */
    static JsonObject report(Gst browser) {
        for (int i = browser.lines.size() - 1; i >= 0; i--) {
            String l = browser.lines.get(i);
            int at = l.indexOf("\"JANUS-PLAYER ");
            int end = l.lastIndexOf("\", source:");
            if (at >= 0 && end > at) return Json.parse(l.substring(at + 14, end)).asObject();
        }
        return new JsonObject();
    }

    private static boolean plays(Gst browser, int frames) {
        return plays(browser, frames, WIDTH, HEIGHT);
    }

    /** @return whether the page's last report says it decoded that many frames at that size */
    static boolean plays(Gst browser, int frames, int width, int height) {
        JsonObject r = report(browser);
        return r.getInt("framesDecoded", 0) >= frames && r.getInt("width", 0) == width && r.getInt("height", 0) == height;
    }

    static String tail(Gst browser) {
        List<String> l = browser.lines;
        return report(browser) + "\n" + String.join("\n", l.subList(Math.max(0, l.size() - 30), l.size()));
    }

    @Test
    void browsersPlayThroughEachJanusAndAgainAfterARestart() throws Exception {
        for (JanusLab.Instance j : lab.instances) j.start();
        JanusLab.Instance j1 = lab.instances.get(0), j2 = lab.instances.get(1);
        JanusDriver driver = new JanusDriver(lab, new JsonObject().add("stream", "cam").add("janus", JanusFeedTest.endpoints(lab)));
        driver.sender(lab, WIDTH, HEIGHT, 15);
        Await.until(() -> "driver.ready(1) && driver.ready(2): " + show(driver::status).get(), Duration.ofSeconds(60), () -> driver.ready(1) && driver.ready(2));
        long id = MountpointSpec.idFor("cam");

        Gst b1 = browser(j1, id, "b1"), b2 = browser(j2, id, "b2");
        Await.until(() -> "plays(b1, 30): " + tail(b1), Duration.ofSeconds(90), () -> plays(b1, 30));
        Await.until(() -> "plays(b2, 30): " + tail(b2), Duration.ofSeconds(90), () -> plays(b2, 30));
        assertTrue(j2.streaming(new JsonObject().add("request", "info").add("id", id)).toString().contains("\"media\""));

        // Janus 1 dies: browser 2 goes on decoding
        j1.kill();
        Await.until(() -> "driver.of(1).getString(\"state\", \"\").equals(\"unreachable\"): " + show(driver::status).get(), Duration.ofSeconds(30), () -> driver.of(1).getString("state", "").equals("unreachable"));
        int before = report(b2).getInt("framesDecoded", 0);
        Await.until(() -> "report(b2).getInt(\"framesDecoded\", 0) >= before + 30: " + tail(b2), Duration.ofSeconds(30), () -> report(b2).getInt("framesDecoded", 0) >= before + 30);

        // Janus 1 back: fed again with nobody acting, and a browser plays through it again
        j1.start();
        Await.until(() -> "driver.ready(1): " + show(driver::status).get(), Duration.ofSeconds(30), () -> driver.ready(1));
        b1.close();
        Gst b3 = browser(j1, id, "b3");
        Await.until(() -> "plays(b3, 30): " + tail(b3), Duration.ofSeconds(90), () -> plays(b3, 30));

        System.out.println("browser 2 through Janus 2: " + report(b2) + "; browser 3 through the restarted Janus 1: " + report(b3));
        driver.stop();
        assertEquals(List.of(), j1.list());
        assertEquals(List.of(), j2.list());
    }
}
