package stream.server.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.eclipsesource.json.Json;
import com.eclipsesource.json.JsonArray;
import com.eclipsesource.json.JsonObject;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import stream.server.internal.janus.MountpointSpec;

/**
 * One stream feeding two real Janus instances, each in its own network namespace (see
 * {@link JanusLab}), through the RTP forwarder: a real gst-launch encoder, real UDP, Janus's own
 * {@code info} and {@code list} as the judge. Killing one Janus leaves the other fed and the
 * first reported unreachable; starting it again gets its mountpoint back with nobody acting;
 * stopping the stream removes both mountpoints. Needs root (CI runs as root): without it the
 * namespaces cannot be made and the test fails.
 */
class JanusFeedTest {
    private static final String API_SECRET = "api-" + Long.toHexString(System.nanoTime()) + "-s3cret";
    private static final String ADMIN_KEY = "adm-" + Long.toHexString(System.nanoTime() ^ 0x5eed) + "-k3y";

    @TempDir
    Path dir;
    private JanusLab lab;
    private Gst driver;
    private OutputStream driverIn;

    @BeforeEach
    void lab() throws Exception {
        lab = new JanusLab(dir, 2, API_SECRET, ADMIN_KEY);
    }

    @AfterEach
    void cleanUp() {
        if (driver != null) driver.close();
        if (lab != null) lab.close();
    }

    private void startDriver(JsonObject settings) throws Exception {
        driver = lab.inServerNs(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-XX:+UseSerialGC", "-Xmx64m", "-XX:TieredStopAtLevel=1", "-p", System.getProperty("jdk.module.path"),
                "-m", "stream.server/stream.server.internal.JanusFeedDriver"));
        driverIn = driver.process.getOutputStream();
        send(settings.toString());
    }

    private void send(String line) throws IOException {
        driverIn.write((line + "\n").getBytes(StandardCharsets.UTF_8));
        driverIn.flush();
    }

    private String answer(String command, String prefix) throws Exception {
        int before = driver.lines.size();
        send(command);
        AtomicReference<String> found = new AtomicReference<>();
        assertTrue(Gst.waitFor(60, () -> {
            List<String> l = driver.lines;
            for (int i = before; i < l.size(); i++)
                if (l.get(i).startsWith(prefix)) {
                    found.set(l.get(i).substring(prefix.length()));
                    return true;
                }
            return false;
        }), () -> "no answer to " + command + ":\n" + driver.output());
        return found.get();
    }

    private JsonArray status() throws Exception {
        return Json.parse(answer("status", "STATUS ")).asObject().get("janus").asArray();
    }

    private static JsonObject of(JsonArray status, int n) {
        return status.get(n - 1).asObject();
    }

    private boolean ready(int n) throws Exception {
        JsonObject s = of(status(), n);
        return s.getString("state", "").equals("ready") && s.getLong("packets", 0) > 0;
    }

    /**
     * Janus's own view: the mountpoint exists and got a packet within the last second. Janus
     * counts age_ms from the mountpoint's creation until the first packet, so callers ask only
     * once the mountpoint is older than that second.
     */
    private boolean janusReceives(JanusLab.Instance j, long id) throws Exception {
        if (!j.list().contains(id)) return false;
        JsonObject video = j.videoInfo(id);
        return video.get("age_ms") != null && video.getLong("age_ms", Long.MAX_VALUE) < 1000;
    }

    /** A check that may throw (an HTTP request, a command to the driver). */
    @FunctionalInterface
    private interface Probe<T> {
        T get() throws Exception;
    }

    /** Polls until the probe says true; a probe that throws counts as "not yet". */
    private static boolean until(long seconds, Probe<Boolean> p) throws InterruptedException {
        return Gst.waitFor(seconds, () -> {
            try {
                return p.get();
            } catch (Exception e) {
                return false;
            }
        });
    }

    /** A failure message computed only when needed. */
    private static Supplier<String> show(Probe<?> p) {
        return () -> {
            try {
                return String.valueOf(p.get());
            } catch (Exception e) {
                return e.toString();
            }
        };
    }

    @Test
    void oneStreamFeedsTwoJanusInstancesThroughRestartsAndLeavesNothingBehind() throws Exception {
        for (JanusLab.Instance j : lab.instances) j.start();
        JanusLab.Instance j1 = lab.instances.get(0), j2 = lab.instances.get(1);
        JsonArray janus = new JsonArray();
        for (JanusLab.Instance j : lab.instances)
            janus.add(new JsonObject().add("url", j.url()).add("apiSecret", API_SECRET).add("adminKey", ADMIN_KEY));
        startDriver(new JsonObject().add("stream", "cam").add("janus", janus));
        assertTrue(until(60, () -> driver.lines.stream().anyMatch(l -> l.startsWith("PORTS "))), driver::output);
        String[] ports = driver.lines.stream().filter(l -> l.startsWith("PORTS ")).findFirst().orElseThrow().split(" ");
        Gst sender = lab.inServerNs(List.of("gst-launch-1.0", "-e", "videotestsrc", "is-live=true", "pattern=ball",
                "!", "video/x-raw,format=I420,width=320,height=240,framerate=15/1",
                "!", "x264enc", "tune=zerolatency", "speed-preset=ultrafast", "key-int-max=15",
                "!", "video/x-h264,profile=constrained-baseline", "!", "rtph264pay", "config-interval=1", "pt=96",
                "!", "multiudpsink", "clients=127.0.0.1:" + ports[1] + ",127.0.0.1:" + ports[2]));
        long id = MountpointSpec.idFor("cam");

        // both fed: our status says ready and Janus's own info says packets arrive
        assertTrue(until(60, () -> ready(1) && ready(2)), show(() -> status() + "\n" + driver.output() + sender.output()));
        Thread.sleep(1500); // older than the second janusReceives allows: a small age_ms now means packets
        assertTrue(until(30, () -> janusReceives(j1, id) && janusReceives(j2, id)),
                show(() -> j1.videoInfo(id) + " " + j2.videoInfo(id)));
        JsonObject info = j1.videoInfo(id);
        assertEquals("h264", info.getString("codec", ""), info::toString);
        assertEquals(96, info.getInt("pt", 0), info::toString);
        assertTrue(info.getString("fmtp", "").contains("packetization-mode=1"), info::toString);
        assertTrue(info.getString("fmtp", "").contains("sprop-parameter-sets="), info::toString);
        assertEquals(1, of(status(), 1).getLong("creates", 0));

        // Janus 1 killed: it is reported unreachable, Janus 2 goes on receiving
        j1.kill();
        assertTrue(until(30, () -> of(status(), 1).getString("state", "").equals("unreachable")), show(() -> status().toString()));
        JsonObject down = of(status(), 1);
        assertFalse(down.getBoolean("up", true));
        assertNotNull(down.get("lastError").isNull() ? null : down.getString("lastError", null), down::toString);
        long sentBefore = of(status(), 2).getLong("packets", 0);
        Thread.sleep(2000);
        JsonObject still = of(status(), 2);
        assertEquals("ready", still.getString("state", ""), still::toString);
        assertTrue(still.getLong("packets", 0) > sentBefore, still::toString);
        assertTrue(janusReceives(j2, id), show(() -> j2.videoInfo(id).toString()));
        String metrics = Json.parse(answer("status", "STATUS ")).asObject().getString("metrics", "");
        assertTrue(metrics.contains("stream_janus_up{janus=\"" + j1.url() + "\",stream=\"cam\"} 0")
                || metrics.contains("stream_janus_up{stream=\"cam\",janus=\"" + j1.url() + "\"} 0"), metrics);

        // Janus 1 back: the mountpoint comes back with nobody acting
        j1.start();
        long back = System.nanoTime();
        assertTrue(until(30, () -> ready(1)), show(() -> status().toString()));
        System.out.printf("Janus 1 fed again %.1f s after it listened%n", (System.nanoTime() - back) / 1e9);
        Thread.sleep(1500);
        assertTrue(until(30, () -> janusReceives(j1, id)), show(() -> j1.videoInfo(id).toString()));
        assertEquals(2, of(status(), 1).getLong("creates", 0));

        // no secret in the driver's output (logs, status, metrics) nor in any command line
        String everything = driver.output();
        assertFalse(everything.contains(API_SECRET) || everything.contains(ADMIN_KEY), everything);
        for (ProcessHandle p : ProcessHandle.allProcesses().toList()) {
            String cmd = p.info().commandLine().orElse("");
            assertFalse(cmd.contains(API_SECRET) || cmd.contains(ADMIN_KEY), cmd);
        }

        // the stream stops: both mountpoints are gone from Janus's own list
        JsonArray stopped = Json.parse(answer("stop", "STOPPED ")).asObject().get("janus").asArray();
        for (int n = 1; n <= 2; n++) assertEquals("stopped", of(stopped, n).getString("state", ""), stopped::toString);
        assertEquals(List.of(), j1.list());
        assertEquals(List.of(), j2.list());
        sender.close();
    }

    @Test
    void aRefusingJanusIsReportedWithItsReasonAndRetriedUntilItAccepts() throws Exception {
        for (JanusLab.Instance j : lab.instances) j.start();
        JanusLab.Instance j1 = lab.instances.get(0), j2 = lab.instances.get(1);
        // on Janus 2, mountpoint 77 already exists and belongs to someone else (another secret)
        JsonObject foreign = j2.streaming(new JsonObject().add("request", "create").add("admin_key", ADMIN_KEY).add("type", "rtp")
                .add("id", 77).add("secret", "someone-else").add("media", new JsonArray().add(new JsonObject().add("type", "video")
                        .add("mid", "v").add("port", 0).add("pt", 96).add("codec", "h264"))));
        assertEquals("created", foreign.getString("streaming", ""), foreign::toString);
        JsonArray janus = new JsonArray()
                .add(new JsonObject().add("url", j1.url()).add("apiSecret", "wrong-" + API_SECRET))
                .add(new JsonObject().add("url", j2.url()).add("apiSecret", API_SECRET).add("adminKey", ADMIN_KEY).add("mountpoint", 77));
        startDriver(new JsonObject().add("stream", "cam").add("janus", janus));

        assertTrue(until(60, () -> of(status(), 1).getString("state", "").equals("refused")
                && of(status(), 2).getString("state", "").equals("refused")), show(() -> status().toString()));
        JsonArray s = status();
        assertTrue(of(s, 1).getString("lastError", "").contains("Unauthorized"), s::toString);
        assertTrue(of(s, 2).getString("lastError", "").contains("mountpoint 77 exists on this Janus and is not ours"), s::toString);
        assertFalse(s.toString().contains(API_SECRET), s::toString);

        // the other owner goes away: the keeper takes the id at its next try, with nobody acting
        j2.streaming(new JsonObject().add("request", "destroy").add("id", 77).add("secret", "someone-else"));
        assertTrue(until(30, () -> of(status(), 2).getString("state", "").equals("ready")), show(() -> status().toString()));
        assertEquals("refused", of(status(), 1).getString("state", ""));
        JsonObject info = j2.videoInfo(77);
        assertEquals("h264", info.getString("codec", ""), info::toString);

        JsonArray stopped = Json.parse(answer("stop", "STOPPED ")).asObject().get("janus").asArray();
        assertEquals("stopped", of(stopped, 2).getString("state", ""), stopped::toString);
        assertEquals(List.of(), j2.list());
        assertFalse(driver.output().contains(API_SECRET), driver::output);
    }
}
