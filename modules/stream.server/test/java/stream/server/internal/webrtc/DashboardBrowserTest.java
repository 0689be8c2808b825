package stream.server.internal.webrtc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.eclipsesource.json.Json;
import com.eclipsesource.json.JsonObject;
import com.eclipsesource.json.JsonValue;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import stream.testkit.Chromium;
import stream.testkit.NetNs;
import java.time.Duration;
import stream.testkit.Await;
import stream.testkit.Ports;
import stream.testkit.ServerProcess;

/**
 * The dashboard and WHEP on a real server: a stream-server process, its WebRTC gateway and one
 * headless Chromium, all in a network namespace with only loopback. The page's own buttons start
 * the stream, watch it and stop it; four pages watch at once; the gateway killed with SIGKILL is
 * reported and replaced; the page says when the server is gone. The test reaches the server's API
 * with curl run inside the namespace. The steps build on each other (one server, one browser: the
 * costly parts once), so they are one test that runs them in order, not methods that rely on
 * JUnit's order.
 */
class DashboardBrowserTest {
    private static final int WIDTH = 320, HEIGHT = 240, MAX_VIEWERS = 5;
    private static NetNs ns;
    private static ServerProcess server;
    private static Path stateDir;
    private static Chromium chromium;
    private static String origin;
    private static final List<Chromium.Tab> tabs = new ArrayList<>();

    @BeforeAll
    static void start() throws Exception {
        ns = NetNs.create("dash");
        stateDir = Files.createTempDirectory("dash-state"); // 0700, ours
        Path out = TestGateways.buildDir();
        server = ServerProcess.builder().prefix(ns.prefix())
                .jvm(List.of("-Xmx64m", "-D" + GatewayCommand.MODULE_PATH_PROPERTY + "=" + out.resolve("mods/stream.viewer.jar") + ":" + out.resolve("lib")))
                .args("--bind", "127.0.0.1", "--port", "0", "--state-dir", stateDir.toString(), "--source", "test",
                        "--width", String.valueOf(WIDTH), "--height", String.valueOf(HEIGHT), "--dest", "127.0.0.1:" + Ports.freeUdp(),
                        "--max-viewers", String.valueOf(MAX_VIEWERS))
                .start();
        int port = server.awaitPort();
        origin = "http://127.0.0.1:" + port;
        chromium = Chromium.start(ns.prefix(), TestGateways.reportDir().resolve("dashboard-chromium.log"));
    }

    @AfterAll
    static void stop() throws Exception {
        try {
            if (chromium != null) chromium.close();
            if (server != null) server.close();
        } finally {
            if (ns != null) ns.close(); // kills whatever is left inside (the gateway, gst-launch-1.0)
            if (stateDir != null) {
                try (var files = Files.walk(stateDir)) {
                    files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
                }
            }
        }
    }

    /** An HTTP answer: status and body. */
    record Answer(int status, String body) {
        JsonObject json() {
            return Json.parse(body).asObject();
        }
    }

    /** One request to the server with curl inside the namespace. */
    private static Answer http(String method, String path, String contentType, String body) throws IOException, InterruptedException {
        var command = new ArrayList<>(ns.prefix());
        command.addAll(List.of("curl", "-sS", "--max-time", "30", "-o", "-", "-w", "\n%{http_code}", "-X", method));
        if (contentType != null) command.addAll(List.of("-H", "Content-Type: " + contentType));
        if (body != null) command.addAll(List.of("--data-binary", "@-"));
        command.add(origin + path);
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        try (var in = p.getOutputStream()) {
            if (body != null) in.write(body.getBytes(StandardCharsets.UTF_8));
        }
        String text = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(40, TimeUnit.SECONDS)) p.destroyForcibly();
        int nl = text.lastIndexOf('\n');
        if (p.exitValue() != 0 || nl < 0) throw new IOException("curl " + method + " " + path + ": " + text);
        return new Answer(Integer.parseInt(text.substring(nl + 1).strip()), text.substring(0, nl));
    }

    private static JsonObject status() throws IOException, InterruptedException {
        Answer a = http("GET", "/streams/main", null, null);
        assertEquals(200, a.status(), a.body());
        return a.json();
    }

    private interface Check {
        boolean ok() throws Exception;
    }

    /** {@link Await#until} with the server's status in the failure. */
    private static void await(String what, int seconds, Await.Condition check) {
        Await.until(() -> what + "; status " + statusOrError(), Duration.ofSeconds(seconds), check);
    }

    private static String statusOrError() {
        try {
            return String.valueOf(status());
        } catch (Exception e) {
            return e.toString();
        }
    }

    private static Chromium.Tab dashboard() throws Exception {
        var tab = chromium.newTab();
        tabs.add(tab);
        tab.navigate(origin + "/");
        await("the dashboard shows main", 10, () -> tab.evaluate("!!document.querySelector('[data-stream=main] .start')").asBoolean());
        return tab;
    }

    /** Clicks a button of main's card once the page shows it enabled (the page polls the status once a second). */
    private static void click(Chromium.Tab tab, String selector) {
        await(selector + " is there and enabled", 10, () -> tab.evaluate("(() => { const b = document.querySelector('[data-stream=main] "
                + selector + "'); if (!b || b.disabled || b.hidden) return false; b.click(); return true; })()").asBoolean());
    }

    /** The preview's figures: frames decoded (getStats), the video's size, the connection state. */
    private static JsonObject preview(Chromium.Tab tab) throws IOException {
        return tab.evaluate("""
                (async () => {
                  const e = window.streamPreviews && window.streamPreviews.get('main');
                  if (!e) return {framesDecoded: -1};
                  let frames = 0;
                  (await e.pc.getStats()).forEach(s => {
                    if (s.type === 'inbound-rtp' && s.kind === 'video') frames = s.framesDecoded || 0;
                  });
                  return {framesDecoded: frames, videoWidth: e.video.videoWidth, videoHeight: e.video.videoHeight,
                          state: e.pc.connectionState, message: document.querySelector('[data-stream=main] .message').textContent};
                })()""").asObject();
    }

    private static JsonObject watching(Chromium.Tab tab) throws Exception {
        JsonObject[] last = {null};
        await("the preview decodes frames", 20, () -> {
            last[0] = preview(tab);
            return last[0].getInt("framesDecoded", 0) > 0 && last[0].getInt("videoWidth", 0) > 0;
        });
        return last[0];
    }

    @Test
    void startWatchManyViewersGatewayKilledNamedStreamStopAndServerGone() throws Exception {
        theStartButtonStartsTheStreamAndWatchDecodesItAtItsSize();
        fourPagesWatchAtOnceAndThePastTheLimitIsRefused();
        afterKillMinus9OfTheGatewayTheApiAnswersAndANewViewerPlays();
        aNamedStreamHasItsOwnCardAndPreviewAndDeletingItEndsItsViewers();
        theStopButtonStopsTheStream();
        thePageSaysWhenTheServerIsGone();
    }

    private void theStartButtonStartsTheStreamAndWatchDecodesItAtItsSize() throws Exception {
        var tab = dashboard();
        assertEquals("stopped", status().getString("status", ""));
        // WHEP needs a running stream: 409 with a hint, before the gateway is ever started.
        Answer early = http("POST", "/streams/main/whep", "application/sdp", "v=0\r\n");
        assertEquals(409, early.status(), early.body());
        assertTrue(early.json().getString("hint", "").contains("control"), early.body());
        assertEquals("idle", status().get("webrtc").asObject().getString("status", ""), "no gateway before the first offer");

        click(tab, ".start");
        await("the stream runs", 20, () -> status().getString("status", "").equals("running"));

        click(tab, ".watch");
        JsonObject seen = watching(tab);
        assertEquals(WIDTH, seen.getInt("videoWidth", 0), seen.toString());
        assertEquals(HEIGHT, seen.getInt("videoHeight", 0), seen.toString());
        // The preview starts muted (browsers autoplay muted media only); its Unmute button turns the sound on and off.
        String muted = "document.querySelector('[data-stream=main] .preview').muted";
        assertTrue(tab.evaluate(muted).asBoolean(), "the preview starts muted");
        click(tab, ".unmute");
        assertTrue(!tab.evaluate(muted).asBoolean(), "Unmute turns the sound on");
        assertEquals("Mute", tab.evaluate("document.querySelector('[data-stream=main] .unmute').textContent").asString());
        click(tab, ".unmute");
        assertTrue(tab.evaluate(muted).asBoolean(), "Mute turns it off again");
        JsonObject st = status();
        assertEquals(1, st.getInt("viewers", -1), st.toString());
        assertEquals("running", st.get("webrtc").asObject().getString("status", ""), st.toString());
        await("the page shows one viewer", 5, () -> tab.evaluate(
                "document.querySelector('[data-stream=main] .viewers').textContent").asString().equals("1"));
        // The live latency under the preview (latency.js: each frame's RTP timestamp on the gateway's Rtp-Clock against
        // the moment the browser shows it), reported to the server, whose status gives the card the spread.
        await("the preview shows the latency it has", 10, () -> tab.evaluate(
                "document.querySelector('[data-stream=main] .latency').textContent").asString().matches("Latency: -?\\d+ ms glass to glass"));
        await("the server has the viewer's report", 15, () -> status().get("latency").asObject().getInt("viewers", 0) == 1);
        assertTrue(status().get("latency").asObject().get("medianMs").isNumber(), status().toString());
        await("the card shows the spread", 5, () -> tab.evaluate(
                "document.querySelector('[data-stream=main] .latency-spread').textContent").asString().matches("-?\\d+ ms \\(1 viewer\\)"));
        String resource = tab.evaluate("new URL(window.streamPreviews.get('main').location).pathname").asString();
        Answer bad = http("POST", resource + "/latency", "application/json", "{\"latencyMs\": -3}");
        assertEquals(400, bad.status(), bad.body());
        Answer none = http("POST", "/streams/main/whep/no-such-viewer/latency", "application/json", "{\"latencyMs\": 30}");
        assertEquals(404, none.status(), none.body());
        Answer good = http("POST", resource + "/latency", "application/json", "{\"latencyMs\": 30.5}");
        assertEquals(200, good.status(), good.body());
        // The card's RTSP URL (with a copy button) is one a player can open: ffmpeg decodes it in the same namespace.
        await("the stream is served over RTSP", 30, () -> status().get("rtsp").asObject().getBoolean("served", false));
        await("the card shows the RTSP URL", 5, () -> tab.evaluate(
                "document.querySelector('[data-stream=main] .rtsp-url').textContent").asString().equals("rtsp://127.0.0.1:8554/main"));
        tab.evaluate("document.querySelector('[data-stream=main] .copy-rtsp').click()");
        await("the copy button answers", 5, () -> tab.evaluate(
                "document.querySelector('[data-stream=main] .message').textContent").asString().matches("copied rtsp://.*|press Ctrl\\+C.*"));
        var ffmpeg = new ArrayList<>(ns.prefix());
        ffmpeg.addAll(List.of("ffmpeg", "-hide_banner", "-nostdin", "-rtsp_transport", "tcp", "-timeout", "5000000",
                "-i", "rtsp://127.0.0.1:8554/main", "-frames:v", "5", "-f", "null", "-"));
        Process player = new ProcessBuilder(ffmpeg).redirectErrorStream(true).start();
        String played = new String(player.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        assertTrue(player.waitFor(60, TimeUnit.SECONDS) && player.exitValue() == 0, played);
        assertTrue(played.contains(WIDTH + "x" + HEIGHT), played);

        String metrics = http("GET", "/metrics", null, null).body();
        assertTrue(metrics.contains("stream_webrtc_viewers{stream=\"main\"} 1"), metrics);
        assertTrue(metrics.contains("stream_server_webrtc_gateway_up 1"), metrics);
        tab.screenshot(TestGateways.buildDir().resolve("test-reports/stream.server/dashboard-watching.png"));
    }

    private void fourPagesWatchAtOnceAndThePastTheLimitIsRefused() throws Exception {
        var four = new ArrayList<Chromium.Tab>();
        for (int i = 0; i < 4; i++) {
            var tab = dashboard();
            four.add(tab);
            await("the stream shows running", 5, () -> tab.evaluate(
                    "document.querySelector('[data-stream=main] .status').textContent").asString().equals("running"));
            click(tab, ".watch");
        }
        for (var tab : four) {
            JsonObject seen = watching(tab);
            assertEquals(WIDTH, seen.getInt("videoWidth", 0), seen.toString());
        }
        assertEquals(MAX_VIEWERS, status().getInt("viewers", -1), "the first page's viewer and these four");
        Answer refused = http("POST", "/streams/main/whep", "application/sdp", "v=0\r\n");
        assertEquals(503, refused.status(), refused.body());
        assertTrue(refused.json().getString("hint", "").contains("max-viewers"), refused.body());
        Answer wrongType = http("POST", "/whep", "text/plain", "v=0\r\n");
        assertEquals(415, wrongType.status(), wrongType.body());
        Answer unknown = http("DELETE", "/streams/main/whep/no-such-viewer", null, null);
        assertEquals(404, unknown.status(), unknown.body());

        // Stop watching (DELETE on the Location) in each of the four: back to one viewer.
        for (var tab : four) click(tab, ".watch");
        await("the four viewers ended", 10, () -> status().getInt("viewers", -1) == 1);
    }

    private void afterKillMinus9OfTheGatewayTheApiAnswersAndANewViewerPlays() throws Exception {
        JsonObject before = status().get("webrtc").asObject();
        long pid = before.getLong("pid", -1);
        assertTrue(pid > 0, before.toString());
        assertTrue(ProcessHandle.of(pid).orElseThrow().destroyForcibly());
        await("the gateway's death is in the status", 10,
                () -> status().get("webrtc").asObject().getString("status", "").equals("exited"));
        JsonObject st = status();
        JsonObject webrtc = st.get("webrtc").asObject();
        assertTrue(webrtc.get("lastExit").asObject().getString("description", "").contains("signal 9"), webrtc.toString());
        assertEquals(0, st.getInt("viewers", -1), st.toString());
        assertEquals("running", st.getString("status", ""), "the stream itself flows on");
        await("the page says how the gateway ended", 5, () -> tabs.get(0).evaluate(
                "document.querySelector('[data-stream=main] .webrtc').textContent").asString().contains("signal 9"));

        var tab = dashboard();
        click(tab, ".watch");
        JsonObject seen = watching(tab);
        assertEquals(WIDTH, seen.getInt("videoWidth", 0), seen.toString());
        JsonObject after = status().get("webrtc").asObject();
        assertNotEquals(pid, after.getLong("pid", -1), after.toString());
        assertEquals("running", after.getString("status", ""), after.toString());
    }

    private void aNamedStreamHasItsOwnCardAndPreviewAndDeletingItEndsItsViewers() throws Exception {
        Answer put = http("PUT", "/streams/cam2", "application/json",
                "{\"source\":\"test\",\"width\":" + WIDTH + ",\"height\":" + HEIGHT + ",\"destinations\":[\"127.0.0.1:5006\"]}");
        assertEquals(201, put.status(), put.body());
        var tab = dashboard();
        await("the page shows cam2", 10, () -> tab.evaluate("!!document.querySelector('[data-stream=cam2] .start')").asBoolean());
        assertTrue(tab.evaluate("(() => { const b = document.querySelector('[data-stream=cam2] .start'); b.click(); return true; })()")
                .asBoolean());
        await("cam2 runs", 20, () -> http("GET", "/streams/cam2", null, null).json().getString("status", "").equals("running"));
        await("cam2's Watch is enabled", 5, () -> tab.evaluate(
                "document.querySelector('[data-stream=cam2] .status').textContent").asString().equals("running"));
        tab.evaluate("document.querySelector('[data-stream=cam2] .watch').click()");
        await("cam2's preview decodes", 20, () -> tab.evaluate("""
                (async () => {
                  const e = window.streamPreviews.get('cam2');
                  let frames = 0;
                  if (e) (await e.pc.getStats()).forEach(s => { if (s.type === 'inbound-rtp') frames = s.framesDecoded || 0; });
                  return frames > 0 && e.video.videoWidth > 0;
                })()""").asBoolean());
        assertEquals(1, http("GET", "/streams/cam2", null, null).json().getInt("viewers", -1));
        int mainViewers = status().getInt("viewers", -1);

        assertEquals(200, http("DELETE", "/streams/cam2", null, null).status());
        await("the gateway ended cam2's viewer", 10,
                () -> (server.stdoutText() + "\n" + server.stderrText()).contains("of stream cam2 removed: stream removed"));
        await("the card is gone", 10, () -> !tab.evaluate("!!document.querySelector('[data-stream=cam2]')").asBoolean());
        assertEquals(mainViewers, status().getInt("viewers", -1), "main's viewers are untouched");
        assertFalse(http("GET", "/metrics", null, null).body().contains("stream=\"cam2\""));
    }

    private void theStopButtonStopsTheStream() throws Exception {
        var tab = tabs.get(tabs.size() - 1);
        click(tab, ".stop");
        await("the stream stopped", 20, () -> status().getString("status", "").equals("stopped"));
        Answer refused = http("POST", "/whep", "application/sdp", "v=0\r\n");
        assertEquals(409, refused.status(), refused.body());
    }

    private void thePageSaysWhenTheServerIsGone() throws Exception {
        var tab = tabs.get(0);
        assertTrue(tab.evaluate("document.getElementById('gone').hidden").asBoolean());
        server.process().destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        JsonValue hidden = Await.value("#gone shown after the server was killed", Duration.ofSeconds(10), () -> {
            JsonValue h = tab.evaluate("document.getElementById('gone').hidden");
            return h.asBoolean() ? null : h;
        });
        assertFalse(hidden.asBoolean());
        assertFalse(tab.evaluate("getComputedStyle(document.getElementById('gone')).display").asString().equals("none"),
                "the banner is visible");
        // What the cards showed is no longer known: no card still says running, no Start/Stop is offered.
        assertEquals("unknown", tab.evaluate("[...document.querySelectorAll('.card .status')].map(e => e.textContent)"
                + ".every(t => t === 'unknown') ? 'unknown' : [...document.querySelectorAll('.card .status')].map(e => e.textContent).join()")
                .asString());
        assertTrue(tab.evaluate("[...document.querySelectorAll('.card .start, .card .stop')].every(b => b.disabled)").asBoolean());
    }
}
