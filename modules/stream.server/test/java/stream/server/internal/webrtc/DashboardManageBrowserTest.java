package stream.server.internal.webrtc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.eclipsesource.json.Json;
import com.eclipsesource.json.JsonObject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import stream.testkit.Await;
import stream.testkit.Chromium;
import stream.testkit.NetNs;
import stream.testkit.Ports;
import stream.testkit.ServerProcess;

/**
 * Managing a camera from the dashboard, in Debian's headless Chromium against a real stream-server
 * (its gst-launch-1.0 children, its WebRTC gateway), all inside a network namespace of the test's
 * own with only loopback; one server, one browser, one walk through the page's own buttons and
 * form: add a stream (a bad width first: the server's sentence once, beside the field), start it,
 * see its thumbnail, watch it, record, play a recording back in the page, save a clip and delete
 * it, edit the running stream (stopped, saved, started again), stop it (no "last exit" on the
 * card, the snapshot a 409), delete it. The steps depend on each other, so they are one test.
 */
class DashboardManageBrowserTest {
    private static final String CAM = "document.querySelector('[data-stream=\"cam2\"]')";

    @TempDir
    Path dir;

    private NetNs ns;
    private String origin;
    private Chromium.Tab tab;
    private String mainDest;

    @Test
    void aStreamIsAddedPlayedRecordedPlayedBackClippedEditedAndDeletedFromThePage() throws Exception {
        Path out = TestGateways.buildDir();
        Path state = Files.createDirectory(dir.resolve("state"));
        mainDest = "127.0.0.1:" + Ports.freeUdp();
        try (NetNs ns = NetNs.create("manage");
             ServerProcess server = ServerProcess.builder().prefix(ns.prefix())
                     .jvm(List.of("-Xmx64m", "-D" + GatewayCommand.MODULE_PATH_PROPERTY + "=" + out.resolve("mods/stream.viewer.jar") + ":" + out.resolve("lib")))
                     .args("--port", "0", "--bind", "127.0.0.1", "--source", "test", "--width", "320", "--height", "240",
                             "--framerate", "15", "--keyint", "1s", "--dest", mainDest, "--state-dir", state.toString(),
                             "--rtsp-port", "0")
                     .start();
             Chromium chromium = Chromium.start(ns.prefix(), dir.resolve("chromium.log"));
             Chromium.Tab tab = chromium.newTab()) {
            this.ns = ns;
            this.tab = tab;
            origin = "http://127.0.0.1:" + server.awaitPort();
            try {
                walk();
            } catch (AssertionError | Exception e) {
                tab.screenshot(TestGateways.reportDir().resolve("dashboard-manage-failed.png"));
                throw e;
            }
        }
    }

    private void walk() throws Exception {
        tab.navigate(origin + "/");
        waitFor("the dashboard shows main", "!!document.querySelector('[data-stream=\"main\"] .start')");

        // Add: the dialog opens with the focus in the name field, every field labelled, fields made from GET /settings.
        click("#add-stream");
        waitFor("the form's fields", "document.getElementById('stream-dialog').open && !!document.getElementById('f-width')");
        assertEquals("f-name", js("document.activeElement.id"), "the focus starts in the name field");
        assertTrue(bool("[...document.querySelectorAll('#stream-form input, #stream-form select')].every(i => i.labels.length > 0)"),
                "every field has a label");
        JsonObject table = Json.parse(curl("GET", "/settings", null)).asObject();
        int settings = table.get("settings").asArray().size();
        assertEquals(settings, num("document.querySelectorAll('#stream-fields .field').length"), "a field per setting of the table");

        set("f-name", "cam2");
        set("f-width", "13");
        click("#stream-save");
        waitFor("the server's message beside width", "document.getElementById('f-width-msg').textContent !== ''");
        String msg = js("document.getElementById('f-width-msg').textContent");
        assertTrue(msg.contains("13") && msg.contains("even"), msg);
        assertEquals(msg.indexOf("even whole number"), msg.lastIndexOf("even whole number"), "said once: " + msg);
        assertEquals("true", js("document.getElementById('f-width').getAttribute('aria-invalid')"));
        assertEquals(404, status("/streams/cam2"), "a refused form creates nothing");

        // Another stream's port: the 409 beside the destinations field, with what to do.
        set("f-width", "320");
        set("f-destinations", mainDest);
        click("#stream-save");
        waitFor("the conflict beside destinations", "document.getElementById('f-destinations-msg').textContent.includes('is taken')");
        String taken = js("document.getElementById('f-destinations-msg').textContent");
        assertTrue(taken.contains("stream 'main'") && taken.contains("Choose another port"), taken);
        assertEquals("", js("document.getElementById('f-width-msg').textContent"), "the old message is gone");

        int udp = Ports.freeUdp();
        set("f-width", "320");
        set("f-height", "240");
        set("f-framerate", "15");
        set("f-keyint", "1s");
        set("f-record-segment", "2");
        set("f-destinations", "127.0.0.1:" + udp);
        click("#stream-save");
        waitFor("the dialog closes and cam2 has a card", "!document.getElementById('stream-dialog').open && !!" + CAM);
        assertEquals("add-stream", js("document.activeElement.id"), "the focus goes back to the button that opened the form");
        JsonObject defined = stream();
        assertEquals(320, defined.get("settings").asObject().getInt("width", 0), defined.toString());
        assertEquals("stopped", defined.getString("status", ""), defined.toString());

        // Start, thumbnail, watch; main's card (nobody watches it) shows no viewers and no WebRTC line.
        clickIn(".start");
        waitFor("cam2 running", CAM + ".querySelector('.status').textContent === 'running'");
        waitFor("the thumbnail", CAM + ".querySelector('.thumbnail').naturalWidth === 320 && !" + CAM + ".querySelector('.thumbnail').hidden");
        tab.call("Emulation.setDeviceMetricsOverride", Json.object().add("width", 1280).add("height", 900)
                .add("deviceScaleFactor", 1).add("mobile", false));
        tab.screenshot(TestGateways.reportDir().resolve("dashboard-cards.png"));
        tab.call("Emulation.clearDeviceMetricsOverride", new JsonObject());
        clickIn(".watch");
        waitFor("the preview decodes cam2", """
                (async () => {
                  const e = window.streamPreviews.get('cam2');
                  let frames = 0;
                  if (e) (await e.pc.getStats()).forEach(s => { if (s.type === 'inbound-rtp' && s.kind === 'video') frames = s.framesDecoded || 0; });
                  return frames > 0 && e.video.videoWidth === 320;
                })()""");
        waitFor("cam2's card shows its viewer", "!" + CAM + ".querySelector('.viewers-item').hidden && "
                + CAM + ".querySelector('.viewers').textContent === '1'");
        String main = "document.querySelector('[data-stream=\"main\"]')";
        assertTrue(bool(main + ".querySelector('.viewers-item').hidden && " + main + ".querySelector('.webrtc-item').hidden"),
                "main's card: nobody watches it, so no viewers and no WebRTC line: " + js(main + ".innerText"));
        clickIn(".watch"); // stop watching

        // Record from the card; a finished segment appears in the list and plays in the page.
        clickIn(".record");
        waitFor("the card shows recording", "!" + CAM + ".querySelector('.rec-badge').hidden && "
                + CAM + ".querySelector('.record').getAttribute('aria-pressed') === 'true'");
        assertEquals("recording", stream().get("recording").asObject().getString("state", ""));
        click("[data-stream=\"cam2\"] .media > summary");
        waitFor("a recording listed", CAM + ".querySelectorAll('li[data-kind=recordings] .play').length > 0");
        assertTrue(bool(CAM + ".querySelectorAll('.media-lists h3').length > 0"), "listed under a day's heading");
        clickIn("li[data-kind=recordings] .play");
        waitFor("the recording plays in the page", "(() => { const v = " + CAM + ".querySelector('.playback');"
                + " return v.readyState >= 2 && v.videoWidth === 320 && v.currentTime > 0; })()");
        tab.screenshot(TestGateways.reportDir().resolve("dashboard-recording.png"));
        String href = js(CAM + ".querySelector('li[data-kind=recordings] a').href");
        assertEquals(206, num("fetch('" + href + "', {headers: {Range: 'bytes=0-99'}}).then(r => r.status)"), href);

        // A clip of the last 30 s: named at once, listed once complete, deleted with a second press.
        clickIn(".clip");
        waitFor("the clip's name", CAM + ".querySelector('.message').textContent.match(/^Clip [0-9]{8}T[0-9]{6}\\.[0-9]{3}Z\\.mp4 saving/)");
        waitFor("the clip listed", CAM + ".querySelectorAll('li[data-kind=clips]').length === 1");
        clickIn("li[data-kind=clips] .delete-file");
        assertTrue(js(CAM + ".querySelector('li[data-kind=clips] .delete-file').textContent").startsWith("Confirm"),
                "the first press asks again");
        clickIn("li[data-kind=clips] .delete-file");
        waitFor("the clip gone from the list", CAM + ".querySelectorAll('li[data-kind=clips]').length === 0");
        assertEquals(0, Json.parse(curl("GET", "/streams/cam2/clips", null)).asObject().get("clips").asArray().size());

        // Edit while running: the form holds the stream's settings; a new bitrate needs a new child.
        clickIn(".edit");
        waitFor("the edit form", "document.getElementById('stream-dialog').open && document.getElementById('f-width').value === '320'");
        assertTrue(bool("document.getElementById('f-name').readOnly"), "the name of an existing stream is kept");
        assertEquals("127.0.0.1:" + udp, js("document.getElementById('f-destinations').value"));
        long pid = stream().getLong("pid", -1);
        set("f-bitrate", "300");
        click("#stream-save");
        waitFor("the dialog closes", "!document.getElementById('stream-dialog').open");
        Await.until("cam2 runs again with bitrate 300", Duration.ofSeconds(30), () -> {
            JsonObject s = stream();
            return s.getString("status", "").equals("running") && s.get("settings").asObject().getInt("bitrate", 0) == 300
                    && s.getLong("pid", -1) != pid;
        });
        assertEquals(320, stream().get("settings").asObject().getInt("width", 0), "the other settings kept");

        // Stop: no "last exit" for a stop that was asked for; the snapshot is a 409, not the last picture.
        waitFor("Stop enabled", "!" + CAM + ".querySelector('.stop').disabled");
        clickIn(".stop");
        Await.until("cam2 stopped", Duration.ofSeconds(30), () -> stream().getString("status", "").equals("stopped"));
        assertEquals(409, status("/streams/cam2/snapshot.jpg"), "a stopped stream has no picture");
        waitFor("the card says stopped", CAM + ".querySelector('.status').textContent === 'stopped'");
        assertTrue(bool(CAM + ".querySelector('.last-exit').hidden"), "no last exit after a clean stop: " + js(CAM + ".innerText"));
        assertEquals("Stopped", js(CAM + ".querySelector('.no-picture').textContent"));

        // On a phone's width nothing runs off the side.
        tab.call("Emulation.setDeviceMetricsOverride", Json.object().add("width", 390).add("height", 844)
                .add("deviceScaleFactor", 1).add("mobile", true));
        waitFor("the page fits 390 px", "document.documentElement.scrollWidth <= 390");
        tab.screenshot(TestGateways.reportDir().resolve("dashboard-phone.png"));
        tab.call("Emulation.clearDeviceMetricsOverride", new JsonObject());

        // Delete, with a second press.
        clickIn(".delete");
        assertTrue(bool("document.querySelector('[data-stream=\"cam2\"]') !== null"), "one press deletes nothing");
        clickIn(".delete");
        waitFor("the card gone", "!" + CAM);
        assertEquals(404, status("/streams/cam2"));
        assertFalse(bool("!!document.querySelector('[data-stream=\"main\"] .delete:not([hidden])')"), "main offers no Delete");
    }

    private JsonObject stream() throws IOException, InterruptedException {
        return Json.parse(curl("GET", "/streams/cam2", null)).asObject();
    }

    private int status(String path) throws IOException, InterruptedException {
        return Integer.parseInt(ns.exec("curl", "-sS", "--max-time", "30", "-o", "/dev/null", "-w", "%{http_code}", origin + path).strip());
    }

    private String curl(String method, String path, String body) throws IOException, InterruptedException {
        return body == null ? ns.exec("curl", "-sS", "--max-time", "30", "-X", method, origin + path)
                : ns.exec("curl", "-sS", "--max-time", "30", "-X", method, "-H", "Content-Type: application/json", "-d", body, origin + path);
    }

    private String js(String expression) throws IOException {
        return tab.evaluate(expression).asString();
    }

    private boolean bool(String expression) throws IOException {
        return tab.evaluate(expression).asBoolean();
    }

    private int num(String expression) throws IOException {
        return tab.evaluate(expression).asInt();
    }

    /** Types a value into a form field as a person would leave it (an input event, then change). */
    private void set(String id, String value) throws IOException {
        assertTrue(bool("(() => { const e = document.getElementById('" + id + "'); if (!e) return false; e.value = " + Json.value(value)
                + "; e.dispatchEvent(new Event('input', {bubbles: true})); return true; })()"), "field " + id + " is there");
    }

    /** Clicks the enabled, visible element the selector finds. */
    private void click(String selector) throws IOException {
        String q = Json.value(selector).toString();
        assertTrue(bool("(() => { const b = document.querySelector(" + q + "); if (!b || b.disabled || b.hidden) return false;"
                + " b.click(); return true; })()"), selector + " is there, visible and enabled");
    }

    private void clickIn(String selector) throws IOException {
        click("[data-stream=\"cam2\"] " + selector);
    }

    private void waitFor(String what, String condition) throws Exception {
        try {
            Await.until(what, Duration.ofSeconds(45), () -> tab.evaluate("!!(" + condition + ")").asBoolean());
        } catch (AssertionError e) {
            String card;
            try {
                card = tab.evaluate("(" + CAM + " || document.body).innerText").toString();
            } catch (IOException io) {
                card = io.toString();
            }
            fail("timed out waiting for " + what + "; the page says: " + card, e);
        }
    }
}
