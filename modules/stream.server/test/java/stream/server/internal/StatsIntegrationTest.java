package stream.server.internal;

import stream.server.internal.metrics.Metrics;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static stream.server.internal.TestSupport.request;
import static stream.server.internal.TestSupport.status;

import com.eclipsesource.json.JsonObject;
import com.eclipsesource.json.JsonValue;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import stream.server.StreamServer;
import stream.testkit.Await;

/** The "done when" with the real pipeline: settings, SDP, stats, stalls, restarts, metrics. */
class StatsIntegrationTest {
    /** The label every stream series carries; these tests run the one stream, main. */
    private static final Map<String, String> MAIN = Map.of("stream", "main");
    private static final String RTP_CAPS = "application/x-rtp,media=video,encoding-name=H264,clock-rate=90000,payload=96";

    @TempDir
    Path dir;
    private StreamServer server;
    private final List<AutoCloseable> closeLater = new ArrayList<>();

    private int startServer() throws IOException {
        server = StreamServer.start(TestSupport.smallTestServer(dir, TestSupport.freeUdpPort()));
        return server.port();
    }

    @AfterEach
    void tearDown() throws Exception {
        for (AutoCloseable c : closeLater) c.close();
        if (server != null) server.close();
    }

    private static JsonObject start(int port, String settings) throws IOException {
        TestSupport.Response r = request(port, "POST", "/control", "{\"action\":\"start\"" + settings + "}");
        assertEquals(200, r.code(), r.body());
        return r.json();
    }

    private static double fps(JsonObject status) {
        JsonValue stats = status.get("stats");
        return stats == null || !stats.isObject() ? 0 : stats.asObject().getDouble("fps", 0);
    }

    /** A gst-launch receiver that decodes 30 frames of the given size and exits 0, or fails. */
    private Gst decoder(List<String> prefix, String udpsrc, int width, int height) throws IOException {
        List<String> c = new ArrayList<>(prefix);
        c.addAll(List.of("gst-launch-1.0", "-q", "udpsrc"));
        c.addAll(List.of(udpsrc.split(" ")));
        c.addAll(List.of("caps=" + RTP_CAPS, "!", "rtph264depay", "!", "h264parse", "!", "avdec_h264", "!",
                "video/x-raw,width=" + width + ",height=" + height, "!", "fakesink", "num-buffers=30"));
        Gst g = Gst.start(c);
        closeLater.add(g);
        return g;
    }

    private static void assertDecodes(Gst g) throws InterruptedException {
        assertTrue(g.process.waitFor(90, TimeUnit.SECONDS), "receiver decoded nothing in 90 s: " + g.output());
        assertEquals(0, g.process.exitValue(), "receiver failed: " + g.output());
    }

    @Test
    void a640x360StreamAt15FpsIsDecodedThatWayFromTheSdpAndMeasuredAt15Fps() throws Exception {
        int port = startServer();
        int udp = TestSupport.freeUdpPort();
        int viewerPort = TestSupport.freeUdpPort();
        Gst viewer = decoder(List.of(), "port=" + viewerPort + " address=127.0.0.1", 640, 360);
        JsonObject started = start(port, ",\"width\":640,\"height\":360,\"framerate\":15,\"keyint\":15,"
                + "\"bitrate\":600,\"destinations\":[\"127.0.0.1:" + udp + "\",\"127.0.0.1:" + viewerPort + "\"]");
        JsonObject settings = started.get("settings").asObject();
        assertEquals(640, settings.getInt("width", 0));
        assertEquals(360, settings.getInt("height", 0));
        assertEquals(15, settings.getInt("framerate", 0));
        assertEquals("127.0.0.1:" + udp, settings.get("destinations").asArray().get(0).asString());

        Await.until(() -> "the condition at StatsIntegrationTest.java:89: " + "stats.fps not within 10% of 15: " + statusText(port), Duration.ofSeconds(60), () -> {
            try {
                JsonObject s = status(port);
                return Math.abs(fps(s) - 15) <= 1.5 && s.get("stats").asObject().getLong("frames", 0) > 45;
            } catch (IOException e) {
                return false;
            }
        });
        JsonObject stats = status(port).get("stats").asObject();
        assertTrue(stats.getLong("packets", 0) >= stats.getLong("frames", 0), stats.toString());
        assertTrue(stats.getLong("bitrate", 0) > 0, stats.toString());
        assertTrue(stats.getDouble("secondsSinceLastPacket", 99) < 2, stats.toString());

        TestSupport.Response sdp = request(port, "GET", "/stream.sdp", null);
        assertEquals(200, sdp.code(), sdp.body());
        assertTrue(sdp.header("Content-Type").startsWith("application/sdp"), sdp.header("Content-Type"));
        assertTrue(sdp.body().contains("m=video " + udp + " RTP/AVP 96\r\n"), sdp.body());
        assertTrue(sdp.body().contains("sprop-parameter-sets="), sdp.body());
        Path file = dir.resolve("stream.sdp");
        Files.writeString(file, sdp.body());
        List<JsonValue> frames = Gst.ffprobeH264(file, "pts_time", 640, 360);
        double first = Double.parseDouble(frames.get(0).asObject().getString("pts_time", "0"));
        double last = Double.parseDouble(frames.get(frames.size() - 1).asObject().getString("pts_time", "0"));
        double decodedFps = (frames.size() - 1) / (last - first);
        assertEquals(15, decodedFps, 1.5, "frame rate of the decoded frames' timestamps");

        assertDecodes(viewer); // a GStreamer receiver decodes 640x360 frames too

        TestSupport.Response metrics = request(port, "GET", "/metrics", null);
        assertEquals(200, metrics.code());
        assertEquals(Metrics.CONTENT_TYPE, metrics.header("Content-Type"));
        PromText.Parsed m = PromText.parse(metrics.body());
        assertEquals(1, m.value("stream_up", MAIN));
        assertEquals(1, m.value("stream_status", Map.of("stream", "main", "status", "running")));
        assertEquals(15, m.value("stream_fps", MAIN), 1.5);
        assertTrue(m.value("stream_packets_total", MAIN) > 0);
        assertTrue(m.value("stream_bytes_total", MAIN) > 0);
        assertTrue(m.value("stream_http_requests_total", Map.of("code", "200")) >= 3);
        assertEquals(0, m.value("stream_restarts_total", MAIN));
    }

    @Test
    void twoDestinationsIpv4AndIpv6EachReceiveAndDecode() throws Exception {
        int port = startServer();
        int a = TestSupport.freeUdpPort();
        int b = TestSupport.freeUdpPort();
        Gst first = decoder(List.of(), "port=" + a + " address=127.0.0.1", 320, 240);
        Gst second = decoder(List.of(), "port=" + b + " address=::1", 320, 240);
        JsonObject s = start(port, ",\"destinations\":[\"127.0.0.1:" + a + "\",\"[::1]:" + b + "\"],\"keyint\":\"1s\"");
        assertEquals("127.0.0.1:" + a + ",[::1]:" + b, s.getString("destination", ""));
        assertDecodes(first);
        assertDecodes(second);
        TestSupport.Response sdp2 = request(port, "GET", "/stream.sdp?destination=2", null);
        assertEquals(200, sdp2.code(), sdp2.body());
        assertTrue(sdp2.body().contains("m=video " + b + " "), sdp2.body());
        assertTrue(sdp2.body().contains("c=IN IP6 ::1\r\n"), sdp2.body());
        assertEquals(404, request(port, "GET", "/stream.sdp?destination=3", null).code());
        assertEquals(400, request(port, "GET", "/stream.sdp?x=1", null).code());
    }

    @Test
    void aStoppedChildIsReportedStalledAndWithOnFailureKilledAndRestarted() throws Exception {
        int port = startServer();
        JsonObject s = start(port, ",\"restart\":\"on-failure\",\"stall-timeout\":2");
        assertTrue(s.getLong("pid", -1) > 0, s.toString());
        // The child streaming now: on a loaded machine the first one may already have been
        // restarted for a slow start, so the pid to stop is read once packets flow.
        long pid = waitStatus(port, "packets flowing", o -> o.getString("status", "").equals("running") && fps(o) > 0)
                .getLong("pid", -1);

        signal(pid, "STOP");
        waitStatus(port, "status stalled", o -> o.getString("status", "").equals("stalled"));
        waitStatus(port, "a new child running", o -> o.getString("status", "").equals("running")
                && o.getLong("pid", -1) != pid && o.getInt("restarts", 0) == 1 && fps(o) > 0);
        assertTrue(ProcessHandle.of(pid).map(h -> !h.isAlive()).orElse(true), "stopped child was killed");
        JsonObject after = status(port);
        assertEquals(1, after.getInt("stalls", 0));
        assertEquals("on-failure", after.getString("restartPolicy", ""));

        // A child that dies is restarted too, and counted.
        long second = after.getLong("pid", -1);
        signal(second, "KILL");
        waitStatus(port, "restarted after kill -9", o -> o.getString("status", "").equals("running")
                && o.getLong("pid", -1) != second && o.getInt("restarts", 0) == 2);
        PromText.Parsed m = PromText.parse(request(port, "GET", "/metrics", null).body());
        assertEquals(2, m.value("stream_restarts_total", MAIN));

        // A user stop is final: no restart after it.
        assertEquals(200, request(port, "POST", "/control", "{\"action\":\"stop\"}").code());
        Thread.sleep(2500); // the sleep is the test: no restart comes in that time
        assertEquals("stopped", status(port).getString("status", ""));
    }

    @Test
    void withRestartNeverAStoppedChildStaysStalledAndRecoversWhenContinued() throws Exception {
        int port = startServer();
        JsonObject s = start(port, ",\"stall-timeout\":1");
        long pid = s.getLong("pid", -1);
        waitStatus(port, "packets flowing", o -> fps(o) > 0);
        signal(pid, "STOP");
        try {
            waitStatus(port, "status stalled", o -> o.getString("status", "").equals("stalled"));
            Thread.sleep(2000); // the sleep is the test: a stalled child is not restarted meanwhile
            JsonObject o = status(port);
            assertEquals("stalled", o.getString("status", ""));
            assertEquals(pid, o.getLong("pid", -1), "never: the same child, not restarted");
            assertEquals(0, o.getInt("restarts", -1));
            assertTrue(o.get("stats").asObject().getDouble("secondsSinceLastPacket", 0) >= 1, o.toString());
            PromText.Parsed m = PromText.parse(request(port, "GET", "/metrics", null).body());
            assertEquals(1, m.value("stream_status", Map.of("stream", "main", "status", "stalled")));
            assertEquals(0, m.value("stream_up", MAIN));
        } finally {
            signal(pid, "CONT");
        }
        waitStatus(port, "running again", o -> o.getString("status", "").equals("running") && o.getLong("pid", -1) == pid);
    }

    @Test
    void sdpIs404AndMetricsShowStoppedWithoutAStream() throws Exception {
        int port = startServer();
        TestSupport.Response r = request(port, "GET", "/stream.sdp", null);
        assertEquals(404, r.code());
        assertTrue(r.json().getString("error", "").contains("No stream is running"), r.body());
        assertTrue(r.json().getString("hint", "").contains("start"), r.body());
        assertEquals(405, request(port, "POST", "/stream.sdp", "{}").code());
        TestSupport.Response metrics = request(port, "GET", "/metrics", null);
        PromText.Parsed m = PromText.parse(metrics.body());
        assertEquals(1, m.value("stream_status", Map.of("stream", "main", "status", "stopped")));
        assertEquals(0, m.value("stream_up", MAIN));
        assertEquals(1, m.value("stream_http_requests_total", Map.of("code", "404")));
        assertEquals(1, m.value("stream_http_requests_total", Map.of("code", "405")));
        JsonObject st = status(port);
        assertTrue(st.get("stats").isNull(), st.toString());
        assertEquals(320, st.get("settings").asObject().getInt("width", 0), "the flags' defaults are in force");
    }

    // ---------------------------------------------------------------- helpers

    private static String statusText(int port) {
        try {
            return status(port).toString();
        } catch (IOException e) {
            return e.toString();
        }
    }

    /** Polls the status until it satisfies p; returns the status that did. */
    private static JsonObject waitStatus(int port, String what, java.util.function.Predicate<JsonObject> p) {
        var seen = new java.util.concurrent.atomic.AtomicReference<JsonObject>();
        TestSupport.waitUntil(what + "; last status: " + statusText(port), Duration.ofSeconds(60), () -> {
            try {
                JsonObject o = status(port);
                if (!p.test(o)) return false;
                seen.set(o);
                return true;
            } catch (IOException e) {
                return false;
            }
        });
        return seen.get();
    }

    private static void signal(long pid, String sig) throws IOException, InterruptedException {
        Process k = new ProcessBuilder("kill", "-" + sig, Long.toString(pid)).inheritIO().start();
        assertEquals(0, k.waitFor(), "kill -" + sig + " " + pid);
    }

    @SuppressWarnings("unused")
    private static void assertNotSame(long a, long b) {
        assertNotEquals(a, b);
    }
}
