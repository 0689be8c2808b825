package stream.server.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.eclipsesource.json.Json;
import com.eclipsesource.json.JsonArray;
import com.eclipsesource.json.JsonObject;
import com.eclipsesource.json.JsonValue;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import stream.testkit.Await;
import stream.testkit.NetNs;

/**
 * Issue 25 item 3: no child of the server has a secret of the server's environment in its own,
 * whatever the variable is called. A real server, started with {@code STREAM_TOKEN} and
 * {@code MY_SECRET_XYZ}, runs one child of every kind: a stream, its recorder, a clip writer, a
 * snapshot decoder, the WebRTC gateway (started by a WHEP offer), the RTSP server and a camera
 * relay (a stream whose source is the server's own RTSP output). Each one's
 * {@code /proc/PID/environ} is read while it runs; the test fails unless it saw every kind.
 * Everything runs in a loopback-only network namespace of the test's own (the gateway is WebRTC).
 */
class ChildSecretsTest {
    private static final String TOKEN = "tok-" + Long.toHexString(System.nanoTime());
    private static final String OTHER = "other-secret-" + Long.toHexString(System.nanoTime() * 31);
    private static final List<String> KINDS = List.of("stream", "recorder", "clip", "snapshot", "gateway", "rtsp", "relay");
    @TempDir
    Path dir;
    NetNs ns;
    TestSupport.ServerProcess server;
    int port;

    @AfterEach
    void cleanUp() throws IOException {
        if (server != null) server.close();
        if (ns != null) ns.close();
    }

    /** One request from inside the namespace: {code, body}. */
    private JsonObject api(String method, String path, String type, String body) throws Exception {
        List<String> c = new ArrayList<>(List.of("curl", "-sS", "--max-time", "30", "-X", method, "-H", "Authorization: Bearer " + TOKEN,
                "-o", "-", "-w", "\n%{http_code}"));
        if (body != null) c.addAll(List.of("-H", "Content-Type: " + type, "--data-binary", body));
        c.add("http://127.0.0.1:" + port + path);
        String out = ns.exec(c.toArray(String[]::new));
        int nl = out.lastIndexOf('\n');
        return new JsonObject().add("code", Integer.parseInt(out.substring(nl + 1).strip())).add("body", out.substring(0, nl));
    }

    private JsonObject json(String path) throws Exception {
        JsonObject r = api("GET", path, null, null);
        assertEquals(200, r.getInt("code", 0), r.toString());
        return Json.parse(r.getString("body", "")).asObject();
    }

    private static String read(Path p) {
        try {
            return new String(Files.readAllBytes(p), StandardCharsets.UTF_8);
        } catch (IOException e) {
            return null; // ended meanwhile
        }
    }

    /** What kind of child a command line is, or null. */
    private static String kind(String cmd) {
        if (cmd.contains("CameraRelay")) return "relay";
        if (cmd.contains("RtspGateway")) return "rtsp";
        if (cmd.contains("webrtc.Gateway")) return "gateway";
        if (cmd.contains("jpegenc")) return "snapshot";
        if (cmd.contains("mp4mux") && cmd.contains("/clips/")) return "clip";
        if (cmd.contains("mp4mux") && cmd.contains("/recordings/")) return "recorder";
        if (cmd.contains("videotestsrc") || cmd.contains("udpsrc")) return "stream";
        return null;
    }

    /** Reads every descendant's environment; records the kinds seen and fails on a secret. */
    private void inspect(Map<String, String> seen) {
        server.process.toHandle().descendants().forEach(h -> {
            String cmd = read(Path.of("/proc/" + h.pid() + "/cmdline"));
            String env = read(Path.of("/proc/" + h.pid() + "/environ"));
            if (cmd == null || env == null) return;
            // The JDK's spawn helper between its fork and its exec of the child still has the server's own environment
            // for a moment (as a fork would); the child it becomes has the reduced one. Not a child of its own.
            if (cmd.startsWith(Path.of(System.getProperty("java.home"), "lib", "jspawnhelper").toString()) || cmd.contains("/jspawnhelper\0")) return;
            String what = kind(cmd.replace('\0', ' '));
            String label = (what == null ? "another child" : what) + " (pid " + h.pid() + ": " + cmd.replace('\0', ' ') + ")";
            for (String secret : List.of(TOKEN, OTHER, "STREAM_TOKEN=", "MY_SECRET_XYZ="))
                assertFalse(env.contains(secret), label + " has " + secret + " in its environment");
            if (what != null && env.contains("PATH=")) seen.putIfAbsent(what, label);
        });
    }

    @Test
    void noChildHasASecretOfTheServersEnvironment() throws Exception {
        ns = NetNs.create("env");
        Path state = Files.createDirectory(dir.resolve("state"), PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        Path out = Path.of(System.getProperty("stream.build.dir"));
        int rtsp = 18554; // the namespace is the test's own: nothing else binds there
        server = new TestSupport.ServerProcess(ns.prefix(), List.of("-Xmx64m",
                "-Dstream.webrtc.module-path=" + out.resolve("mods/stream.viewer.jar") + ":" + out.resolve("lib")),
                List.of("--port", "0", "--bind", "127.0.0.1", "--rtsp-port", Integer.toString(rtsp), "--source", "test",
                        "--width", "320", "--height", "240", "--framerate", "15", "--dest", "127.0.0.1:5004",
                        "--state-dir", state.toString()),
                Map.of("STREAM_TOKEN", TOKEN, "MY_SECRET_XYZ", OTHER));
        port = server.awaitPort();
        String cam = new JsonObject().add("source", "test").add("width", 320).add("height", 240).add("framerate", 15)
                .add("record", true).add("destinations", new JsonArray().add("127.0.0.1:5006")).toString();
        assertEquals(201, api("PUT", "/streams/cam", "application/json", cam).getInt("code", 0));
        assertEquals(200, api("POST", "/streams/cam/control", "application/json", "{\"action\":\"start\"}").getInt("code", 0));
        Await.until("cam served over RTSP and recording", Duration.ofSeconds(60), () -> {
            JsonObject st = json("/streams/cam");
            JsonValue r = st.get("rtsp");
            return r != null && r.asObject().getBoolean("served", false)
                    && st.get("recording").asObject().getString("state", "").equals("recording");
        });
        // a camera relay: a stream whose source is the server's own RTSP output of cam (user admin, the token its password)
        String relay = new JsonObject().add("source", "rtsp://127.0.0.1:" + rtsp + "/cam").add("source-user", "admin")
                .add("source-password", TOKEN).add("width", 320).add("height", 240)
                .add("framerate", 15).add("destinations", new JsonArray().add("127.0.0.1:5008")).toString();
        JsonObject put = api("PUT", "/streams/relay", "application/json", relay);
        assertEquals(201, put.getInt("code", 0), put.toString());
        JsonObject started = api("POST", "/streams/relay/control", "application/json", "{\"action\":\"start\"}");
        assertEquals(200, started.getInt("code", 0), started + "\n" + server.kit.stderrText());
        JsonObject clip = api("POST", "/streams/cam/clips", "application/json", "{\"before\":0,\"after\":60}");
        assertEquals(202, clip.getInt("code", 0), clip.toString());
        // the WebRTC gateway starts with the first offer (this one it then refuses: nothing is negotiated)
        JsonObject whep = api("POST", "/streams/cam/whep", "application/sdp", "v=0\r\n");
        assertTrue(whep.getInt("code", 0) >= 400, whep.toString());

        Map<String, String> seen = new LinkedHashMap<>();
        Await.until(() -> "every kind of child seen; seen: " + seen.keySet(), Duration.ofSeconds(90), () -> {
            inspect(seen);
            if (!seen.containsKey("snapshot")) snapshotWhileInspecting(seen);
            return seen.keySet().containsAll(KINDS);
        });
        assertEquals(new TreeSet<>(KINDS), new TreeSet<>(seen.keySet()), seen.toString());
    }

    /** A snapshot decoder lives a fraction of a second: inspect while a request runs. */
    private void snapshotWhileInspecting(Map<String, String> seen) throws IOException {
        Process curl = new ProcessBuilder(ns.wrap(List.of("curl", "-s", "-o", "/dev/null", "--max-time", "30",
                "-H", "Authorization: Bearer " + TOKEN, "http://127.0.0.1:" + port + "/streams/cam/snapshot.jpg?width=1920")))
                .redirectErrorStream(true).start();
        try {
            while (curl.isAlive() && !seen.containsKey("snapshot")) inspect(seen);
            curl.waitFor(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            curl.destroyForcibly();
        }
    }
}
