package stream.server.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static stream.server.internal.JanusDriver.of;
import static stream.server.internal.JanusDriver.show;

import com.eclipsesource.json.JsonArray;
import com.eclipsesource.json.JsonObject;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import stream.server.internal.janus.MountpointSpec;
import java.time.Duration;
import stream.testkit.Await;

/**
 * One stream feeding two real Janus instances, each in its own network namespace (see
 * {@link JanusLab}), through the RTP forwarder: a real gst-launch encoder, real UDP, Janus's own
 * {@code info} and {@code list} as the judge. Killing one Janus leaves the other fed and the
 * first reported unreachable; starting it again gets its mountpoint back with nobody acting;
 * stopping the stream removes both mountpoints. Needs root (CI runs as root): without it the
 * namespaces cannot be made and the test fails.
 */
class JanusFeedTest {
    static final String API_SECRET = "api-" + Long.toHexString(System.nanoTime()) + "-s3cret";
    static final String ADMIN_KEY = "adm-" + Long.toHexString(System.nanoTime() ^ 0x5eed) + "-k3y";

    @TempDir
    Path dir;
    private JanusLab lab;

    @BeforeEach
    void lab() throws Exception {
        lab = new JanusLab(dir, 2, API_SECRET, ADMIN_KEY);
    }

    @AfterEach
    void cleanUp() {
        if (lab != null) lab.close(); // ends the driver, the sender and Janus too
    }

    /**
     * Janus's own view: the mountpoint exists and got a packet within the last second. Janus
     * counts age_ms from the mountpoint's creation until the first packet, so callers ask only
     * once the mountpoint is older than that second.
     */
    static boolean janusReceives(JanusLab.Instance j, long id) throws Exception {
        if (!j.list().contains(id)) return false;
        JsonObject video = j.videoInfo(id);
        return video.get("age_ms") != null && video.getLong("age_ms", Long.MAX_VALUE) < 1000;
    }

    static JsonArray endpoints(JanusLab lab) {
        JsonArray janus = new JsonArray();
        for (JanusLab.Instance j : lab.instances)
            janus.add(new JsonObject().add("url", j.url()).add("apiSecret", API_SECRET).add("adminKey", ADMIN_KEY));
        return janus;
    }

    @Test
    void oneStreamFeedsTwoJanusInstancesThroughRestartsAndLeavesNothingBehind() throws Exception {
        for (JanusLab.Instance j : lab.instances) j.start();
        JanusLab.Instance j1 = lab.instances.get(0), j2 = lab.instances.get(1);
        JanusDriver driver = new JanusDriver(lab, new JsonObject().add("stream", "cam").add("janus", endpoints(lab)));
        Gst sender = driver.sender(lab, 320, 240, 15);
        long id = MountpointSpec.idFor("cam");

        // both fed: our status says ready and Janus's own info says packets arrive
        Await.until(() -> "driver.ready(1) && driver.ready(2): " + show(() -> driver.status() + "\n" + sender.output()).get(), Duration.ofSeconds(60), () -> driver.ready(1) && driver.ready(2));
        Thread.sleep(1500); // older than the second janusReceives allows: a small age_ms now means packets
        Await.until(() -> "janusReceives(j1, id) && janusReceives(j2, id): " + show(() -> j1.videoInfo(id) + " " + j2.videoInfo(id)).get(), Duration.ofSeconds(30), () -> janusReceives(j1, id) && janusReceives(j2, id));
        JsonObject info = j1.videoInfo(id);
        assertEquals("h264", info.getString("codec", ""), info::toString);
        assertEquals(96, info.getInt("pt", 0), info::toString);
        assertTrue(info.getString("fmtp", "").contains("packetization-mode=1"), info::toString);
        assertTrue(info.getString("fmtp", "").contains("sprop-parameter-sets="), info::toString);
        assertEquals(1, driver.of(1).getLong("creates", 0));

        // Janus 1 killed: it is reported unreachable, Janus 2 goes on receiving
        j1.kill();
        Await.until(() -> "driver.of(1).getString(\"state\", \"\").equals(\"unreachable\"): " + show(driver::status).get(), Duration.ofSeconds(30), () -> driver.of(1).getString("state", "").equals("unreachable"));
        JsonObject down = driver.of(1);
        assertFalse(down.getBoolean("up", true));
        assertTrue(down.get("lastError").isString(), down::toString);
        long sentBefore = driver.of(2).getLong("packets", 0);
        Thread.sleep(2000); // the sleep is the test: Janus 2 goes on being fed while Janus 1 is down
        JsonObject still = driver.of(2);
        assertEquals("ready", still.getString("state", ""), still::toString);
        assertTrue(still.getLong("packets", 0) > sentBefore, still::toString);
        assertTrue(janusReceives(j2, id), show(() -> j2.videoInfo(id)));
        String metrics = driver.metrics();
        assertTrue(metrics.contains("stream_janus_up{janus=\"" + j1.url() + "\",stream=\"cam\"} 0"), metrics);
        assertTrue(metrics.contains("stream_janus_up{janus=\"" + j2.url() + "\",stream=\"cam\"} 1"), metrics);

        // Janus 1 back: the mountpoint comes back with nobody acting
        j1.start();
        long back = System.nanoTime();
        Await.until(() -> "driver.ready(1): " + show(driver::status).get(), Duration.ofSeconds(30), () -> driver.ready(1));
        System.out.printf("Janus 1 fed again %.1f s after it listened%n", (System.nanoTime() - back) / 1e9);
        Thread.sleep(1500);
        Await.until(() -> "janusReceives(j1, id): " + show(() -> j1.videoInfo(id)).get(), Duration.ofSeconds(30), () -> janusReceives(j1, id));
        assertEquals(2, driver.of(1).getLong("creates", 0));

        // no secret in the driver's output (logs, status, metrics) nor in any command line
        String everything = driver.process.output();
        assertFalse(everything.contains(API_SECRET) || everything.contains(ADMIN_KEY), everything);
        for (ProcessHandle p : ProcessHandle.allProcesses().toList()) {
            String cmd = p.info().commandLine().orElse("");
            assertFalse(cmd.contains(API_SECRET) || cmd.contains(ADMIN_KEY), cmd);
        }

        // the stream stops: both mountpoints are gone from Janus's own list
        JsonArray stopped = driver.stop();
        for (int n = 1; n <= 2; n++) assertEquals("stopped", of(stopped, n).getString("state", ""), stopped::toString);
        assertEquals(List.of(), j1.list());
        assertEquals(List.of(), j2.list());
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
        JanusDriver driver = new JanusDriver(lab, new JsonObject().add("stream", "cam").add("janus", janus));

        Await.until(() -> "driver.of(1).getString(\"state\", \"\").equals(\"refused\") && driver.of(2).getString(\"state\", \"\").equals(\"refused\"): " + show(driver::status).get(), Duration.ofSeconds(60), () -> driver.of(1).getString("state", "").equals("refused")
                && driver.of(2).getString("state", "").equals("refused"));
        JsonArray s = driver.status();
        assertTrue(of(s, 1).getString("lastError", "").contains("Unauthorized"), s::toString);
        assertTrue(of(s, 2).getString("lastError", "").contains("mountpoint 77 exists on this Janus and is not ours"), s::toString);
        assertFalse(s.toString().contains(API_SECRET), s::toString);

        // the other owner goes away: the keeper takes the id at its next try, with nobody acting
        j2.streaming(new JsonObject().add("request", "destroy").add("id", 77).add("secret", "someone-else"));
        Await.until(() -> "driver.of(2).getString(\"state\", \"\").equals(\"ready\"): " + show(driver::status).get(), Duration.ofSeconds(30), () -> driver.of(2).getString("state", "").equals("ready"));
        assertEquals("refused", driver.of(1).getString("state", ""));
        JsonObject info = j2.videoInfo(77);
        assertEquals("h264", info.getString("codec", ""), info::toString);

        JsonArray stopped = driver.stop();
        assertEquals("stopped", of(stopped, 2).getString("state", ""), stopped::toString);
        assertEquals(List.of(), j2.list());
        assertFalse(driver.process.output().contains(API_SECRET), driver.process::output);
    }

    @Test
    void aJanusThatWantsSignedTokensIsFedWithItsToken() throws Exception {
        JanusLab.Instance j1 = lab.instances.get(0), j2 = lab.instances.get(1);
        String token = j1.useSignedTokens("hmac-" + API_SECRET);
        for (JanusLab.Instance j : lab.instances) j.start();
        assertTrue(j1.process.output().contains("Token based authentication enabled"), j1.process::output);
        JsonArray janus = new JsonArray()
                .add(new JsonObject().add("url", j1.url()).add("token", token).add("adminKey", ADMIN_KEY))
                .add(new JsonObject().add("url", j2.url()).add("apiSecret", API_SECRET).add("adminKey", ADMIN_KEY));
        JanusDriver driver = new JanusDriver(lab, new JsonObject().add("stream", "cam").add("janus", janus));
        driver.sender(lab, 320, 240, 15);
        long id = MountpointSpec.idFor("cam");
        Await.until(() -> "driver.ready(1) && driver.ready(2): " + show(driver::status).get(), Duration.ofSeconds(60), () -> driver.ready(1) && driver.ready(2));
        Thread.sleep(1500);
        Await.until(() -> "janusReceives(j1, id) && janusReceives(j2, id): " + show(() -> j1.videoInfo(id)).get(), Duration.ofSeconds(30), () -> janusReceives(j1, id) && janusReceives(j2, id));
        JsonObject shown = driver.of(1);
        assertFalse(shown.toString().contains(token), shown::toString);
        driver.stop();
        assertEquals(List.of(), j1.list());
        assertEquals(List.of(), j2.list());
        assertFalse(driver.process.output().contains(token.substring(token.indexOf(':') + 1)), driver.process::output);
    }
}
