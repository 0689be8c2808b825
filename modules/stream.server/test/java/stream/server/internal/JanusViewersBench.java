package stream.server.internal;

import static stream.server.internal.JanusDriver.show;

import com.eclipsesource.json.Json;
import com.eclipsesource.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
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
 * How many viewers one Janus core holds: the server's default stream (1280x720, 30 fps, 2000
 * kbit/s) fed to one Janus, and K WebRTC viewers (one headless Chromium, K peer connections that
 * receive without showing; Chromium still decodes), Janus's own CPU time read from /proc over
 * 20 s for each K. The pattern is snow, which does not compress, so the stream really runs at
 * its bitrate as a camera would (JANUS_BENCH_PATTERN=ball: ~200 kbit/s); JANUS_BENCH_VIEWERS
 * sets the counts. Not part of the suite (the name does not end in Test); run it with
 * {@code STREAM_TEST_MODULES=stream.server STREAM_TEST_ARGS="--include-classname .*JanusViewersBench" ./build.sh test}.
 */
class JanusViewersBench {
    private static final long TICKS = 100; // USER_HZ on Linux

    @TempDir
    Path dir;
    private JanusLab lab;

    @BeforeEach
    void lab() throws Exception {
        lab = new JanusLab(dir, 1, JanusFeedTest.API_SECRET, JanusFeedTest.ADMIN_KEY);
    }

    @AfterEach
    void cleanUp() {
        if (lab != null) lab.close();
    }

    private static long cpuTicks(long pid) throws Exception {
        String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
        String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        return Long.parseLong(f[11]) + Long.parseLong(f[12]); // utime, stime
    }

    private static long rssKb(long pid) throws Exception {
        for (String l : Files.readAllLines(Path.of("/proc/" + pid + "/status")))
            if (l.startsWith("VmRSS:")) return Long.parseLong(l.replaceAll("[^0-9]", ""));
        return 0;
    }

    /** The last report of each viewer (by label) in the browser's console. */
    private static Map<String, JsonObject> reports(Gst browser) {
        Map<String, JsonObject> m = new HashMap<>();
        for (String l : browser.lines) {
            int at = l.indexOf("\"JANUS-PLAYER ");
            int end = l.lastIndexOf("\", source:");
            if (at < 0 || end <= at) continue;
            JsonObject r = Json.parse(l.substring(at + 14, end)).asObject();
            m.put(r.getString("label", ""), r);
        }
        return m;
    }

    /** The viewer counts to measure: JANUS_BENCH_VIEWERS="0 10 20 40" by default. */
    private static int[] viewerCounts() {
        String v = System.getenv().getOrDefault("JANUS_BENCH_VIEWERS", "0 10 20 40");
        return java.util.Arrays.stream(v.trim().split("[ ,]+")).mapToInt(Integer::parseInt).toArray();
    }

    @Test
    void viewersPerJanusCore() throws Exception {
        JanusLab.Instance j = lab.instances.get(0);
        j.start();
        long janusPid = j.process.process.pid();
        JanusDriver driver = new JanusDriver(lab, new JsonObject().add("stream", "cam").add("janus", JanusFeedTest.endpoints(lab)));
        // snow does not compress: the stream runs at the server's default 2000 kbit/s, as a real camera would
        String pattern = System.getenv().getOrDefault("JANUS_BENCH_PATTERN", "snow");
        driver.sender(lab, 1280, 720, 30, pattern, 2000);
        Await.until(() -> "driver.ready(1): " + show(driver::status).get(), Duration.ofSeconds(60), () -> driver.ready(1));
        long id = MountpointSpec.idFor("cam");
        for (String file : JanusPlayerPage.FILES.keySet()) Files.write(dir.resolve(file), JanusPlayerPage.read(file));
        String fragment = "janus=" + j.url() + "&id=" + id + "&apisecret=" + JanusFeedTest.API_SECRET + "&video=0";
        for (int k : viewerCounts()) {
            Gst browser = null;
            if (k > 0) {
                StringBuilder page = new StringBuilder();
                for (int i = 0; i < k; i++)
                    page.append("<iframe src=\"janus-player.html#").append(fragment).append("&label=").append(i).append("\"></iframe>\n");
                Path p = Files.writeString(dir.resolve("viewers-" + k + ".html"), page.toString(), StandardCharsets.UTF_8);
                List<String> c = new ArrayList<>(List.of("ip", "netns", "exec", j.ns));
                c.addAll(Chromium.pageCommand(dir.resolve("chromium-" + k), p.toUri().toString()));
                browser = Gst.start(c);
                Gst b = browser;
                Await.until(() -> "reports(b).size() == k && reports(b).values().stream().allMatch(r -> r.getInt(\"packetsReceived\", 0) > 0): " + b.output(), Duration.ofSeconds(120), () -> reports(b).size() == k
                        && reports(b).values().stream().allMatch(r -> r.getInt("packetsReceived", 0) > 0));
            }
            Thread.sleep(3000);
            Map<String, JsonObject> before = browser == null ? Map.of() : reports(browser);
            long t0 = cpuTicks(janusPid), n0 = System.nanoTime();
            Thread.sleep(20_000);
            long t1 = cpuTicks(janusPid), n1 = System.nanoTime();
            double core = (t1 - t0) / (double) TICKS / ((n1 - n0) / 1e9);
            long packets = 0, bytes = 0, decoded = 0;
            if (browser != null) {
                Map<String, JsonObject> after = reports(browser);
                for (var e : after.entrySet()) {
                    packets += e.getValue().getLong("packetsReceived", 0) - before.getOrDefault(e.getKey(), new JsonObject())
                            .getLong("packetsReceived", 0);
                    bytes += e.getValue().getLong("bytesReceived", 0) - before.getOrDefault(e.getKey(), new JsonObject())
                            .getLong("bytesReceived", 0);
                    decoded += e.getValue().getLong("framesDecoded", 0);
                }
                browser.close();
            }
            double seconds = (n1 - n0) / 1e9, perViewer = k == 0 ? 0 : packets / (double) k / seconds;
            System.out.printf("viewers %d: Janus %.1f%% of a core, RSS %d MB; per viewer %.0f packets/s, %.0f kbit/s;"
                    + " Janus CPU per packet sent %.0f us; frames decoded by the browser %d%n", k, core * 100, rssKb(janusPid) / 1024,
                    perViewer, k == 0 ? 0 : bytes * 8 / 1000.0 / k / seconds, packets == 0 ? 0 : core * seconds * 1e6 / packets, decoded);
            Thread.sleep(3000);
        }
    }
}
