package stream.server.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static stream.server.internal.TestSupport.request;

import com.eclipsesource.json.Json;
import com.eclipsesource.json.JsonObject;
import com.eclipsesource.json.JsonValue;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Recording, clips and snapshots through a real stream-server process and its real gst-launch-1.0
 * children, read back by ffprobe: record switched on and off while the same child streams, clips
 * over HTTP with Range, names that look like paths refused, snapshots at the stream's size.
 */
class RecordingServerTest {
    @TempDir
    static Path dir;
    static TestSupport.ServerProcess server;
    static int port;
    static String cam;

    @BeforeAll
    static void start() throws Exception {
        server = new TestSupport.ServerProcess(List.of("--port", "0", "--bind", "127.0.0.1", "--source", "test",
                "--dest", "127.0.0.1:" + TestSupport.freeUdpPort(), "--state-dir", dir.toString()), Map.of());
        port = server.awaitPort();
        cam = "{\"source\":\"test\",\"width\":320,\"height\":240,\"framerate\":15,\"keyint\":\"1s\",\"record-segment\":2,"
                + "\"destinations\":[\"127.0.0.1:" + TestSupport.freeUdpPort() + "\"]";
        assertEquals(201, request(port, "PUT", "/streams/cam", cam + "}").code());
        TestSupport.Response r = request(port, "POST", "/streams/cam/control", "{\"action\":\"start\"}");
        assertEquals(200, r.code(), r.body());
        TestSupport.waitUntil("cam sends", Duration.ofSeconds(30), () -> frames() > 15);
    }

    @AfterAll
    static void stop() {
        if (server != null) server.close();
    }

    private static JsonObject entry() throws IOException {
        return request(port, "GET", "/streams/cam", null).json();
    }

    private static long frames() {
        try {
            JsonValue st = entry().get("stats");
            return st.isObject() ? st.asObject().getLong("frames", 0) : 0;
        } catch (IOException e) {
            return 0;
        }
    }

    private static List<JsonValue> list(String kind) throws IOException {
        TestSupport.Response r = request(port, "GET", "/streams/cam/" + kind, null);
        assertEquals(200, r.code(), r.body());
        return r.json().get(kind).asArray().values();
    }

    @Test
    void recordSwitchesOnAndOffWhileTheSameChildStreams() throws Exception {
        long pid = entry().getLong("pid", -1);
        TestSupport.Response on = request(port, "PUT", "/streams/cam", cam + ",\"record\":true}");
        assertEquals(200, on.code(), on.body());
        assertEquals(pid, on.json().getLong("pid", -2), "the PUT that turns recording on keeps the child");
        TestSupport.waitUntil("two finished segments", Duration.ofSeconds(40), () -> {
            try {
                return list("recordings").size() >= 2;
            } catch (IOException e) {
                return false;
            }
        });
        JsonObject rec = entry().get("recording").asObject();
        assertTrue(rec.getBoolean("enabled", false), rec.toString());
        assertEquals("recording", rec.getString("state", ""), rec.toString());
        Path recordings = dir.resolve("media-0/cam/recordings");
        assertEquals(recordings.toString(), rec.getString("dir", ""));
        for (JsonValue v : list("recordings")) {
            JsonObject f = v.asObject();
            JsonObject p = probe(recordings.resolve(f.getString("name", "")));
            assertEquals("h264", p.getString("codec_name", ""), p.toString());
            assertEquals(320, p.getInt("width", 0));
            assertTrue(Integer.parseInt(p.getString("nb_read_frames", "0")) >= 15, "about two seconds of 15 fps: " + p);
            assertTrue(f.get("duration").asDouble() >= 1.5 && f.getLong("size", 0) > 0, f.toString());
        }
        String metrics = request(port, "GET", "/metrics", null).body();
        assertTrue(metrics.contains("stream_recording_up{stream=\"cam\"} 1"), metrics);
        assertTrue(metrics.contains("stream_recording_segments{stream=\"cam\"}"), metrics);

        TestSupport.Response off = request(port, "PUT", "/streams/cam", cam + ",\"record\":false}");
        assertEquals(200, off.code(), off.body());
        assertEquals(pid, off.json().getLong("pid", -2), "turning recording off keeps the child");
        JsonObject stopped = off.json().get("recording").asObject();
        assertEquals("stopped", stopped.getString("state", ""), stopped.toString());
        assertFalse(list("recordings").isEmpty(), "what was recorded stays listed");

        // a start with only record changed is applied to the running stream, not refused with 409
        TestSupport.Response again = request(port, "POST", "/streams/cam/control", "{\"action\":\"start\",\"record\":true,"
                + cam.substring(1) + "}");
        assertEquals(200, again.code(), again.body());
        assertEquals("Stream already running", again.json().getString("message", ""));
        assertEquals(pid, again.json().getLong("pid", -2));
        assertTrue(again.json().get("recording").asObject().getBoolean("enabled", false), again.body());
        // any other setting while it runs is still refused
        assertEquals(409, request(port, "PUT", "/streams/cam", cam.replace("\"framerate\":15", "\"framerate\":10") + "}").code());
        assertEquals(200, request(port, "PUT", "/streams/cam", cam + ",\"record\":false}").code());
        assertEquals(pid, entry().getLong("pid", -2));
    }

    @Test
    void aClipIsNamedAtOnceCompleteAfterItsSecondsAndServedWithRange() throws Exception {
        TestSupport.Response r = request(port, "POST", "/streams/cam/clips", "{\"before\":1,\"after\":2}");
        assertEquals(202, r.code(), r.body());
        String name = r.json().getString("name", "");
        assertTrue(name.matches("[0-9]{8}T[0-9]{6}\\.[0-9]{3}Z\\.mp4"), name);
        TestSupport.waitUntil("the clip is listed", Duration.ofSeconds(30), () -> {
            try {
                return list("clips").stream().anyMatch(v -> v.asObject().getString("name", "").equals(name));
            } catch (IOException e) {
                return false;
            }
        });
        Path file = dir.resolve("media-0/cam/clips").resolve(name);
        JsonObject p = probe(file);
        assertEquals(240, p.getInt("height", 0), p.toString());
        assertTrue(Integer.parseInt(p.getString("nb_read_frames", "0")) >= 30, "before + after at 15 fps: " + p);

        byte[] bytes = Files.readAllBytes(file);
        TestSupport.Response part = TestSupport.request(InetAddress.getLoopbackAddress(), port, "GET", "/streams/cam/clips/" + name,
                Map.of("Range", "bytes=100-199"), null);
        assertEquals(206, part.code());
        assertEquals("bytes 100-199/" + bytes.length, part.header("content-range"));
        assertArrayEquals(Arrays.copyOfRange(bytes, 100, 200), rawBody(name));

        for (String bad : List.of("..%2F..%2Fstreams-0.json", "%2e%2e", "..", "x.mp4", name + "%00", "%2Fetc%2Fpasswd")) {
            TestSupport.Response b = request(port, "GET", "/streams/cam/clips/" + bad, null);
            assertEquals(400, b.code(), bad + ": " + b.body());
            assertTrue(b.json().getString("error", "").contains("not a file name"), b.body());
        }
        assertEquals(400, request(port, "DELETE", "/streams/cam/recordings/..%2Fclips%2F" + name, null).code());
        assertEquals(200, request(port, "DELETE", "/streams/cam/clips/" + name, null).code());
        assertFalse(Files.exists(file));
    }

    /** The Range body as bytes: the test client decodes bodies as UTF-8, so read it again raw. */
    private static byte[] rawBody(String name) throws IOException {
        try (var s = new java.net.Socket(InetAddress.getLoopbackAddress(), port)) {
            s.getOutputStream().write(("GET /streams/cam/clips/" + name + " HTTP/1.1\r\nHost: 127.0.0.1\r\nRange: bytes=100-199\r\n"
                    + "Connection: close\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
            byte[] all = s.getInputStream().readAllBytes();
            return Arrays.copyOfRange(all, all.length - 100, all.length);
        }
    }

    @Test
    void snapshotsDecodeAtTheStreamSizeAndAStoppedStreamGetsJson() throws Exception {
        for (int[] want : List.of(new int[] {0, 320, 240}, new int[] {160, 160, 120})) {
            byte[] jpeg = rawGet("/streams/cam/snapshot.jpg" + (want[0] > 0 ? "?width=" + want[0] : ""));
            Path f = dir.resolve("snap" + want[0] + ".jpg");
            Files.write(f, jpeg);
            JsonObject p = probe(f);
            assertEquals("mjpeg", p.getString("codec_name", ""), p.toString());
            assertEquals(want[1], p.getInt("width", 0), p.toString());
            assertEquals(want[2], p.getInt("height", 0), p.toString());
        }
        assertEquals(400, request(port, "GET", "/streams/cam/snapshot.jpg?width=abc", null).code());
        assertEquals(201, request(port, "PUT", "/streams/idle", "{\"source\":\"test\",\"destinations\":[\"127.0.0.1:"
                + TestSupport.freeUdpPort() + "\"]}").code());
        TestSupport.Response r = request(port, "GET", "/streams/idle/snapshot.jpg", null);
        assertEquals(409, r.code(), r.body());
        assertTrue(r.header("content-type").startsWith("application/json"), r.header("content-type"));
        assertTrue(r.json().getString("error", "").contains("not running"), r.body());
        assertEquals(409, request(port, "POST", "/streams/idle/clips", "{\"before\":1,\"after\":1}").code());
        assertEquals(404, request(port, "GET", "/streams/nosuch/snapshot.jpg", null).code());
        assertEquals(200, request(port, "DELETE", "/streams/idle", null).code());
    }

    @Test
    void aSnapshotRightAfterAStopIsA409NotTheLastPicture() throws Exception {
        String def = "{\"source\":\"test\",\"width\":160,\"height\":120,\"framerate\":15,\"keyint\":\"1s\","
                + "\"destinations\":[\"127.0.0.1:" + TestSupport.freeUdpPort() + "\"]}";
        assertEquals(201, request(port, "PUT", "/streams/brief", def).code());
        try {
            assertEquals(200, request(port, "POST", "/streams/brief/control", "{\"action\":\"start\"}").code());
            stream.testkit.Await.until("brief gives a snapshot", Duration.ofSeconds(30),
                    () -> request(port, "GET", "/streams/brief/snapshot.jpg", null).code() == 200);
            TestSupport.Response stopped = request(port, "POST", "/streams/brief/control", "{\"action\":\"stop\"}");
            assertEquals(200, stopped.code(), stopped.body());
            // at once: within the 2 s in which the last picture would still have counted as recent
            TestSupport.Response r = request(port, "GET", "/streams/brief/snapshot.jpg", null);
            assertEquals(409, r.code(), () -> "answered " + r.header("content-type") + ", not the 409 of a stopped stream");
            assertTrue(r.json().getString("error", "").contains("not running"), r.body());
            assertTrue(r.json().getString("hint", "").contains("Start the stream"), r.body());
            assertEquals(409, request(port, "POST", "/streams/brief/clips", "{\"before\":1,\"after\":1}").code());
            // started again, it gives pictures again
            assertEquals(200, request(port, "POST", "/streams/brief/control", "{\"action\":\"start\"}").code());
            stream.testkit.Await.until("brief gives a snapshot again", Duration.ofSeconds(30),
                    () -> request(port, "GET", "/streams/brief/snapshot.jpg", null).code() == 200);
        } finally {
            assertEquals(200, request(port, "DELETE", "/streams/brief", null).code());
        }
    }

    @Test
    void aRecordDirThatIsASymlinkOrRelativeIsRefused() throws Exception {
        Path target = Files.createDirectories(dir.resolve("elsewhere"));
        Path link = Files.createSymbolicLink(dir.resolve("link"), target);
        for (String d : List.of(link.toString(), link + "/sub", "relative/dir", dir + "/../x")) {
            TestSupport.Response r = request(port, "PUT", "/streams/other", "{\"source\":\"test\",\"record\":true,\"record-dir\":"
                    + Json.value(d) + ",\"destinations\":[\"127.0.0.1:" + TestSupport.freeUdpPort() + "\"]}");
            assertEquals(400, r.code(), d + ": " + r.body());
            assertEquals("record-dir", r.json().getString("field", ""), r.body());
        }
        // two streams recording into one directory would delete each other's segments
        String shared = "\"record-dir\":" + Json.value(target.resolve("shared").toString());
        assertEquals(201, request(port, "PUT", "/streams/one", "{\"source\":\"test\"," + shared + ",\"destinations\":[\"127.0.0.1:"
                + TestSupport.freeUdpPort() + "\"]}").code());
        TestSupport.Response two = request(port, "PUT", "/streams/two", "{\"source\":\"test\"," + shared
                + ",\"destinations\":[\"127.0.0.1:" + TestSupport.freeUdpPort() + "\"]}");
        assertEquals(409, two.code(), two.body());
        assertTrue(two.json().getString("error", "").contains("stream 'one'"), two.body());
        assertEquals(200, request(port, "DELETE", "/streams/one", null).code());
    }

    private static byte[] rawGet(String path) throws IOException {
        try (var s = new java.net.Socket(InetAddress.getLoopbackAddress(), port)) {
            s.getOutputStream().write(("GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n")
                    .getBytes(StandardCharsets.ISO_8859_1));
            byte[] all = s.getInputStream().readAllBytes();
            String head = new String(all, 0, Math.min(all.length, 400), StandardCharsets.ISO_8859_1);
            assertTrue(head.startsWith("HTTP/1.1 200"), head);
            assertTrue(head.toLowerCase(java.util.Locale.ROOT).contains("content-type: image/jpeg"), head);
            int end = head.indexOf("\r\n\r\n") + 4;
            return Arrays.copyOfRange(all, end, all.length);
        }
    }

    /** ffprobe's view of the first video stream, frames counted by decoding. */
    private static JsonObject probe(Path file) throws IOException, InterruptedException {
        List<String> c = new ArrayList<>(List.of("ffprobe", "-v", "error", "-select_streams", "v:0", "-count_frames",
                "-show_entries", "stream=codec_name,width,height,nb_read_frames", "-of", "json", file.toString()));
        Process p = new ProcessBuilder(c).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "ffprobe hung");
        assertEquals(0, p.exitValue(), out);
        return Json.parse(out.substring(out.indexOf('{'))).asObject().get("streams").asArray().get(0).asObject();
    }
}
