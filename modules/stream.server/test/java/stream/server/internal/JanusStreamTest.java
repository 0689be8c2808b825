package stream.server.internal;

import stream.server.internal.feature.Features;
import stream.server.internal.janus.JanusEndpoint;
import stream.server.internal.janus.JanusFeature;
import stream.server.internal.stream.StreamDefinition;
import stream.server.internal.stream.StreamStore;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static stream.server.internal.JanusDriver.show;

import com.eclipsesource.json.Json;
import com.eclipsesource.json.JsonArray;
import com.eclipsesource.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import stream.server.internal.janus.MountpointSpec;
import stream.testkit.Chromium;
import java.time.Duration;
import stream.testkit.Await;

/**
 * A named stream feeding two real Janus instances through the real server: the server runs as a
 * process in the {@link JanusLab}'s server namespace, each Janus in its own, joined by veth pairs;
 * requests reach the server with curl inside its namespace, and a headless Chromium in Janus 2's
 * namespace plays the player page the server serves. Both mountpoints exist and receive (Janus's
 * own {@code info}: age_ms); a killed Janus 1 is reported unreachable while Janus 2 goes on; a
 * restarted one gets its mountpoint back; a new list while it runs moves the mountpoints and not the
 * child; stopping and deleting the stream, and stopping the server, leave Janus's own {@code list}
 * empty. No secret shows in an answer, /metrics, the log or the process list.
 */
class JanusStreamTest {
    private static final int WIDTH = 320, HEIGHT = 240;
    private static final String API_SECRET = "api-" + Long.toHexString(System.nanoTime());
    private static final String ADMIN_KEY = "admin-" + Long.toHexString(System.nanoTime() * 31);

    @TempDir
    Path dir;
    private JanusLab lab;
    private TestSupport.ServerProcess server;
    private final List<Gst> browsers = new ArrayList<>();
    private int port;

    @AfterEach
    void cleanUp() {
        for (Gst b : browsers) b.close();
        if (server != null) server.close();
        if (lab != null) lab.close();
    }

    /** One request to the server from inside its namespace; the body goes through a file. Returns {code, body}. */
    private JsonObject api(String method, String path, String body) throws Exception {
        List<String> c = new ArrayList<>(List.of("ip", "netns", "exec", lab.serverNs, "curl", "-sS", "--max-time", "30",
                "-X", method, "-o", "-", "-w", "\n%{http_code}"));
        Path file = null;
        if (body != null) {
            file = Files.writeString(dir.resolve("body-" + System.nanoTime() + ".json"), body);
            c.addAll(List.of("-H", "Content-Type: application/json", "--data-binary", "@" + file));
        }
        c.add("http://127.0.0.1:" + port + path);
        try (Gst curl = Gst.start(c)) {
            assertTrue(curl.awaitEnd(60), "curl hangs");
            assertEquals(0, curl.process.exitValue(), curl::output);
            List<String> lines = curl.lines;
            String text = String.join("\n", lines.subList(0, lines.size() - 1));
            return new JsonObject().add("code", Integer.parseInt(lines.get(lines.size() - 1).trim())).add("body", text);
        } finally {
            if (file != null) Files.deleteIfExists(file);
        }
    }

    private JsonObject json(String path) throws Exception {
        JsonObject a = api("GET", path, null);
        assertEquals(200, a.getInt("code", 0), a::toString);
        return Json.parse(a.getString("body", "")).asObject();
    }

    private JsonArray janus() throws Exception {
        return json("/streams/cam").get("janus").asArray();
    }

    private boolean ready(int n) throws Exception {
        JsonObject j = janus().get(n - 1).asObject();
        return j.getString("state", "").equals("ready") && j.getLong("packets", 0) > 0;
    }

    /** Janus's own word that the mountpoint receives: it got a packet within the last second. */
    private static boolean receives(JanusLab.Instance j, long id) throws Exception {
        JsonObject video = j.videoInfo(id);
        return video.get("age_ms") != null && video.getLong("age_ms", Long.MAX_VALUE) < 1000;
    }

    private void assertNoSecret(String where, String text) {
        assertFalse(text.contains(API_SECRET) || text.contains(ADMIN_KEY), () -> "a secret in " + where + ": " + text);
    }

    /** A headless Chromium in Janus j's namespace on the page the server serves for instance i; the fragment gives the API secret this Janus wants from every client. */
    private Gst browser(JanusLab.Instance j, int i, String name) throws Exception {
        String page = "http://10.77." + j.n + ".1:" + port + "/streams/cam/janus/" + i + "#apisecret=" + API_SECRET;
        Path go = Files.writeString(dir.resolve(name + ".html"), "<script>location.replace('" + page + "')</script>",
                StandardCharsets.UTF_8); // the secret stays off the command line
        List<String> c = new ArrayList<>(List.of("ip", "netns", "exec", j.ns));
        c.addAll(Chromium.pageCommand(dir.resolve("chromium-" + name), go.toUri().toString()));
        Gst b = Gst.start(c);
        browsers.add(b);
        return b;
    }

    private static int frames(Gst browser) {
        return JanusPlayerTest.report(browser).getInt("framesDecoded", 0);
    }

    private static String definition(JsonArray instances) {
        return new JsonObject().add("source", "test").add("width", WIDTH).add("height", HEIGHT).add("framerate", 15)
                .add("destinations", new JsonArray().add("127.0.0.1:5999")).add("janus", instances).toString();
    }

    @Test
    void theDefinitionsFileKeepsTheInstancesWithTheirSecrets() throws Exception {
        String text = "{\"cam\": {\"source\": \"test\", \"destinations\": [\"127.0.0.1:5998\"], \"janus\": [{\"url\": "
                + "\"http://10.77.1.2:8088/janus\", \"apiSecret\": \"" + API_SECRET + "\", \"mountpoint\": 7}]}}";
        StreamStore store = StreamStore.file(dir.resolve("streams.json"), new Features(List.of(new JanusFeature())).fields());
        StreamDefinition d = store.parse(text).get("cam");
        List<JanusEndpoint> janus = JanusEndpoint.listFromJson(d.field("janus"));
        assertEquals(1, janus.size());
        assertEquals(7, janus.get(0).mountpointId());
        JsonObject stored = d.toJson();
        assertTrue(stored.toString().contains(API_SECRET), stored::toString);
        assertEquals(d, store.parse(new JsonObject().add("cam", stored).toString()).get("cam"));
        assertNoSecret("the instance's public form", janus.get(0).toJson().toString());
    }

    @Test
    void aStreamFeedsTwoJanusInstancesAndKeepsThemRight() throws Exception {
        lab = new JanusLab(dir.resolve("lab"), 2, API_SECRET, ADMIN_KEY);
        for (JanusLab.Instance j : lab.instances) j.start();
        JanusLab.Instance j1 = lab.instances.get(0), j2 = lab.instances.get(1);
        Path state = Files.createDirectory(dir.resolve("state"), PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        server = new TestSupport.ServerProcess(List.of("ip", "netns", "exec", lab.serverNs),
                List.of("--bind", "0.0.0.0", "--port", "0", "--state-dir", state.toString()), Map.of());
        port = server.awaitPort();

        JsonArray instances = new JsonArray();
        for (JanusLab.Instance j : lab.instances)
            instances.add(new JsonObject().add("url", j.url()).add("apiSecret", API_SECRET).add("adminKey", ADMIN_KEY));
        JsonObject put = api("PUT", "/streams/cam", definition(instances));
        assertEquals(201, put.getInt("code", 0), put::toString);
        assertNoSecret("the PUT answer", put.toString());
        JsonObject first = Json.parse(put.getString("body", "")).asObject().get("janus").asArray().get(0).asObject();
        assertEquals("stopped", first.getString("state", ""), first::toString);
        assertEquals(new JsonArray().add("apiSecret").add("adminKey"), first.get("secrets"));

        // the definitions file keeps the secrets, readable by the server's user alone
        Path file = state.resolve("streams-0.json");
        assertTrue(Files.readString(file).contains(ADMIN_KEY));
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
        assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(state)));

        // a bad instance is refused naming the entry, never echoing a secret
        JsonObject bad = api("PUT", "/streams/bad", "{\"janus\":[{\"url\":\"ftp://10.77.1.2/janus\",\"apiSecret\":\"" + API_SECRET + "\"}]}");
        assertEquals(400, bad.getInt("code", 0), bad::toString);
        assertTrue(bad.getString("body", "").contains("janus[0].url"), bad::toString);
        assertNoSecret("a refused PUT", bad.toString());
        assertEquals(404, api("GET", "/streams/cam/janus/2", null).getInt("code", 0));

        JsonObject started = api("POST", "/streams/cam/control", "{\"action\":\"start\"}");
        assertEquals(200, started.getInt("code", 0), started::toString);
        long id = MountpointSpec.idFor("cam");
        Await.until(() -> "ready(1) && ready(2): " + show(this::janus).get(), Duration.ofSeconds(60), () -> ready(1) && ready(2));
        Await.until(() -> "receives(j1, id) && receives(j2, id): " + show(() -> j1.videoInfo(id) + " " + j2.videoInfo(id)).get(), Duration.ofSeconds(30), () -> receives(j1, id) && receives(j2, id));

        String metrics = api("GET", "/metrics", null).getString("body", "");
        assertTrue(metrics.contains("stream_janus_up{janus=\"" + j1.url() + "\",stream=\"cam\"} 1"), metrics);
        assertNoSecret("/metrics", metrics);
        assertNoSecret("GET /streams", api("GET", "/streams", null).toString());
        assertNoSecret("GET /streams/cam/control", api("GET", "/streams/cam/control", null).toString());
        Process ps = new ProcessBuilder("ps", "-eo", "args").redirectErrorStream(true).start();
        String processes = new String(ps.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(ps.waitFor(10, TimeUnit.SECONDS));
        assertTrue(processes.contains("stream.server.internal.Main"), processes);
        assertNoSecret("the process list", processes);

        // a browser plays through Janus 2 on the page the server serves
        Gst b2 = browser(j2, 1, "b2");
        Await.until(() -> "JanusPlayerTest.plays(b2, 30, WIDTH, HEIGHT): " + JanusPlayerTest.tail(b2), Duration.ofSeconds(90), () -> JanusPlayerTest.plays(b2, 30, WIDTH, HEIGHT));

        // Janus 1 dies: named unreachable; Janus 2 still receives and its browser still decodes
        j1.kill();
        Await.until(() -> "janus().get(0).asObject().getString(\"state\", \"\").equals(\"unreachable\"): " + show(this::janus).get(), Duration.ofSeconds(30), () -> janus().get(0).asObject().getString("state", "").equals("unreachable"));
        assertTrue(janus().get(0).asObject().getString("lastError", "").length() > 0, show(this::janus));
        int before = frames(b2);
        Await.until(() -> "frames(b2) >= before + 30 && receives(j2, id): " + JanusPlayerTest.tail(b2), Duration.ofSeconds(30), () -> frames(b2) >= before + 30 && receives(j2, id));
        assertTrue(ready(2), show(this::janus));

        // Janus 1 back: its mountpoint is back with nobody acting (backoff at most 5 s, plus a request)
        j1.start();
        Await.until(() -> "ready(1) && receives(j1, id): " + show(this::janus).get(), Duration.ofSeconds(20), () -> ready(1) && receives(j1, id));

        // stopping the stream destroys both mountpoints
        JsonObject stopped = api("POST", "/streams/cam/control", "{\"action\":\"stop\"}");
        assertEquals(200, stopped.getInt("code", 0), stopped::toString);
        Await.until(() -> "j1.list().isEmpty() && j2.list().isEmpty(): " + show(() -> j1.list() + " " + j2.list()).get(), Duration.ofSeconds(20), () -> j1.list().isEmpty() && j2.list().isEmpty());

        // a new list while it runs: Janus 1's mountpoint goes, Janus 2's is made again; the child goes on
        api("POST", "/streams/cam/control", "{\"action\":\"start\"}");
        Await.until(() -> "ready(1) && ready(2): " + show(this::janus).get(), Duration.ofSeconds(60), () -> ready(1) && ready(2));
        long pid = json("/streams/cam").getLong("pid", 0);
        JsonObject only2 = api("PUT", "/streams/cam", definition(new JsonArray().add(instances.get(1))));
        assertEquals(200, only2.getInt("code", 0), only2::toString);
        Await.until(() -> "j1.list().isEmpty() && janus().size() == 1 && ready(1): " + show(this::janus).get(), Duration.ofSeconds(20), () -> j1.list().isEmpty() && janus().size() == 1 && ready(1));
        assertEquals(pid, json("/streams/cam").getLong("pid", 0));

        // deleting it destroys the mountpoint
        assertEquals(200, api("DELETE", "/streams/cam", null).getInt("code", 0));
        Await.until(() -> "j2.list().isEmpty(): " + show(j2::list).get(), Duration.ofSeconds(20), () -> j2.list().isEmpty());

        // and so does stopping the server (SIGTERM)
        assertEquals(201, api("PUT", "/streams/cam", definition(instances)).getInt("code", 0));
        api("POST", "/streams/cam/control", "{\"action\":\"start\"}");
        Await.until(() -> "ready(1) && ready(2): " + show(this::janus).get(), Duration.ofSeconds(60), () -> ready(1) && ready(2));
        new ProcessBuilder("kill", "-TERM", Long.toString(server.process.pid())).start().waitFor();
        server.awaitExit();
        assertEquals(List.of(), j1.list());
        assertEquals(List.of(), j2.list());

        // no secret in the server's log
        assertNoSecret("the server's log", server.stderrText() + String.join("\n", server.stdout));
    }
}
