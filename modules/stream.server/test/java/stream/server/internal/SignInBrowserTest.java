package stream.server.internal;

import stream.testkit.Chromium;
import stream.testkit.NetNs;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.eclipsesource.json.Json;
import com.eclipsesource.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The dashboard signs in once, in headless Chromium: the page asks, POST /session answers with an
 * HttpOnly, SameSite=Strict cookie the page cannot read and the page forgets the token; the
 * page's own requests then pass without an Authorization header. A page of another origin
 * (another port of 127.0.0.1: same-site, so the browser would send the cookie) cannot use the
 * session to stop the stream (RequestGuard refuses it first). In a network namespace of its own.
 */
class SignInBrowserTest {
    static final String TOKEN = "browser-Token_" + Long.toHexString(System.nanoTime());

    @TempDir
    Path dir;

    @Test
    void theDashboardSignsInOnceAndAnotherSitesPageCannotUseTheSession() throws Exception {
        try (NetNs ns = NetNs.create("signin")) {
            List<String> args = List.of("--port", "0", "--bind", "127.0.0.1", "--source", "test", "--width", "320", "--height", "240",
                    "--framerate", "15", "--dest", "127.0.0.1:5004", "--state-dir", dir.toString(), "--rtsp-port", "0");
            Path out = Path.of(System.getProperty("stream.build.dir"));
            List<String> jvm = List.of("-Xmx64m", "-Dstream.webrtc.module-path=" + out.resolve("mods/stream.viewer.jar") + ":" + out.resolve("lib"));
            try (TestSupport.ServerProcess server = new TestSupport.ServerProcess(ns.prefix(), jvm, args, Map.of("STREAM_TOKEN", TOKEN));
                 Chromium browser = Chromium.start(ns.prefix(), dir.resolve("chromium.log"))) {
                int port = server.awaitPort();
                String api = "http://127.0.0.1:" + port;
                try (Chromium.Tab page = browser.newTab()) {
                    page.navigate(api + "/");
                    TestSupport.waitUntil("the dashboard asks to sign in", Duration.ofSeconds(30), () -> evaluate(page, "!document.getElementById('auth').hidden"));
                    page.evaluate("document.getElementById('user').value = 'token'; document.getElementById('token').value = '" + TOKEN + "';"
                            + " document.getElementById('token-form').requestSubmit(); 'submitted'");
                    TestSupport.waitUntil("the dashboard shows who signed in", Duration.ofSeconds(30),
                            () -> evaluate(page, "!document.getElementById('who').hidden && document.getElementById('who-name').textContent.startsWith('token (admin')"));
                    assertEquals("", page.evaluate("document.cookie").asString(), "the session cookie is HttpOnly: the page cannot read it");
                    assertEquals("", page.evaluate("document.getElementById('token').value").asString(), "the page dropped the token");
                    assertEquals(0, page.evaluate("sessionStorage.length + localStorage.length").asInt(), "and stored nothing");
                    TestSupport.waitUntil("the stream list shows main", Duration.ofSeconds(30), () -> evaluate(page, "document.querySelectorAll('.card').length > 0"));
                    TestSupport.waitUntil("the admin is offered every button", Duration.ofSeconds(30), () -> evaluate(page,
                            "!document.getElementById('add-stream').hidden && !document.querySelector('[data-stream=main] .edit').hidden"
                                    + " && !document.querySelector('[data-stream=main] .start').hidden"));
                    String started = page.evaluate("fetch('/control', {method: 'POST', headers: {'Content-Type': 'application/json'},"
                            + " body: '{\"action\":\"start\"}'}).then(r => r.status + ' ' + r.statusText, e => 'error ' + e)").asString();
                    assertTrue(started.startsWith("200"), "the page's own POST with the session only: " + started);
                }
                JsonObject running = Json.parse(ns.exec("curl", "-sS", "--max-time", "10", "-H", "Authorization: Bearer " + TOKEN, api + "/control")).asObject();
                assertEquals("running", running.getString("status", null), running.toString());

                // Another origin's page, same site: the browser sends the cookie, the server refuses the change.
                String attacker = "http://127.0.0.1:" + (port == 18000 ? 18001 : 18000) + "/";
                Files.createDirectories(dir.resolve("site"));
                Files.writeString(dir.resolve("site/index.html"), "<!doctype html><title>another site</title><p>nothing to see");
                List<String> web = new ArrayList<>(ns.prefix());
                web.addAll(List.of(Path.of(System.getProperty("java.home"), "bin", "jwebserver").toString(), "-b", "127.0.0.1",
                        "-p", attacker.substring(attacker.lastIndexOf(':') + 1, attacker.length() - 1), "-d", dir.resolve("site").toString()));
                Process site = new ProcessBuilder(web).redirectErrorStream(true).redirectOutput(dir.resolve("site.log").toFile()).start();
                try (Chromium.Tab evil = browser.newTab()) {
                    TestSupport.waitUntil("the other origin's page served", Duration.ofSeconds(30),
                            () -> CrossSiteBrowserTest.metricsOrEmpty(ns, attacker).contains("nothing to see"));
                    evil.navigate(attacker);
                    String sent = evil.evaluate("fetch('" + api + "/control', {method: 'POST', mode: 'no-cors', credentials: 'include',"
                            + " body: '{\"action\":\"stop\"}'}).then(r => 'sent ' + r.type, e => 'error ' + e)").asString();
                    assertEquals("sent opaque", sent, "the browser sent the request");
                } finally {
                    site.destroyForcibly();
                    site.waitFor();
                }
                TestSupport.waitUntil("the refusal counted in /metrics", Duration.ofSeconds(10), () -> {
                    try {
                        return ns.exec("curl", "-sS", "--max-time", "10", "-H", "Authorization: Bearer " + TOKEN, api + "/metrics")
                                .contains("stream_http_requests_total{code=\"403\"} 1");
                    } catch (Exception e) {
                        return false;
                    }
                });
                JsonObject still = Json.parse(ns.exec("curl", "-sS", "--max-time", "10", "-H", "Authorization: Bearer " + TOKEN, api + "/control")).asObject();
                assertEquals("running", still.getString("status", null), "the other site's page could not stop it");

                // A viewer of main signs in on the same dashboard and watches main over WHEP with its session only.
                String made = ns.exec("curl", "-sS", "--max-time", "10", "-H", "Authorization: Bearer " + TOKEN, "-d",
                        "{\"name\":\"garden\",\"role\":\"viewer\",\"streams\":[\"main\"]}", api + "/users");
                String viewer = Json.parse(made).asObject().getString("token", null);
                try (Chromium.Tab page = browser.newTab()) {
                    page.navigate(api + "/");
                    TestSupport.waitUntil("the dashboard shows the admin", Duration.ofSeconds(30), () -> evaluate(page, "!document.getElementById('who').hidden"));
                    page.evaluate("document.getElementById('sign-out').click(); 'out'");
                    TestSupport.waitUntil("the dashboard asks again", Duration.ofSeconds(30), () -> evaluate(page, "!document.getElementById('auth').hidden"));
                    page.evaluate("document.getElementById('user').value = 'garden'; document.getElementById('token').value = '" + viewer + "';"
                            + " document.getElementById('token-form').requestSubmit(); 'submitted'");
                    TestSupport.waitUntil("the dashboard shows the viewer", Duration.ofSeconds(30),
                            () -> evaluate(page, "document.getElementById('who-name').textContent === 'garden (viewer: main)'"));
                    TestSupport.waitUntil("main's card", Duration.ofSeconds(30), () -> evaluate(page, "!!document.querySelector('[data-stream=main] .watch')"));
                    // The page offers only what the role may do (GET /session's rights): a viewer watches, nothing more.
                    TestSupport.waitUntil("the viewer's card without the buttons of other roles", Duration.ofSeconds(30), () -> evaluate(page,
                            "['.start', '.stop', '.edit', '.delete', '.record', '.clip'].every(s => document.querySelector('[data-stream=main] ' + s).hidden)"
                                    + " && document.getElementById('add-stream').hidden && !document.querySelector('[data-stream=main] .watch').hidden"));
                    page.evaluate("document.querySelector('[data-stream=main] .watch').click(); 'watching'");
                    TestSupport.waitUntil("the viewer's preview decodes main over WHEP", Duration.ofSeconds(40), () -> evaluate(page, """
                            (async () => {
                              const e = window.streamPreviews && window.streamPreviews.get('main');
                              if (!e) return false;
                              let frames = 0;
                              (await e.pc.getStats()).forEach(s => { if (s.type === 'inbound-rtp' && s.kind === 'video') frames = s.framesDecoded || 0; });
                              return frames > 0 && e.video.videoWidth === 320;
                            })()"""));
                    String stop = page.evaluate("fetch('/control', {method: 'POST', headers: {'Content-Type': 'application/json'},"
                            + " body: '{\"action\":\"stop\"}'}).then(r => r.status + ' ' + r.statusText, e => 'error ' + e)").asString();
                    assertTrue(stop.startsWith("403"), "a viewer may not stop: " + stop);
                }
                assertFalse(server.stderrText().contains(TOKEN) || server.stderrText().contains(viewer), "no token in the log");
            }
        }
    }

    private static boolean evaluate(Chromium.Tab tab, String expression) {
        try {
            return tab.evaluate(expression).asBoolean();
        } catch (Exception e) {
            return false;
        }
    }
}
