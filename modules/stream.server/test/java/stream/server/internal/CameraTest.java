package stream.server.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static stream.server.internal.TestSupport.request;

import com.eclipsesource.json.Json;
import com.eclipsesource.json.JsonObject;
import com.eclipsesource.json.JsonValue;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * IP cameras (rtsp:// sources) through a real server process and real cameras: the server's own
 * RTSP output (the project's RtspGateway) as one camera, GStreamer's RTSP server library under
 * python3 with Basic and Digest authentication as the others. What they send is read back by
 * ffprobe from our RTSP output and from a recording; a camera killed, frozen and started again;
 * wrong credentials retried seldom; the password nowhere a user or another process could read it.
 */
class CameraTest {
    private static final String PASSWORD = "Cam-S3cret-7f3a";
    @TempDir
    static Path dir;
    static TestSupport.ServerProcess server;
    static int port;
    static int rtsp;
    static final List<IpCamera> cameras = new ArrayList<>();

    @BeforeAll
    static void start() throws Exception {
        Path state = Files.createDirectory(dir.resolve("state"), PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        Path out = Path.of(System.getProperty("stream.build.dir"));
        rtsp = TestSupport.freeTcpPort();
        server = new TestSupport.ServerProcess(List.of(), List.of("-Xmx64m",
                "-Dstream.webrtc.module-path=" + out.resolve("mods/stream.viewer.jar") + ":" + out.resolve("lib")),
                List.of("--port", "0", "--bind", "127.0.0.1", "--rtsp-port", Integer.toString(rtsp), "--source", "test",
                        "--width", "320", "--height", "240", "--framerate", "15",
                        "--dest", "127.0.0.1:" + TestSupport.freeUdpPort(), "--state-dir", state.toString()), Map.of());
        port = server.awaitPort();
    }

    @AfterAll
    static void stop() {
        cameras.forEach(IpCamera::close);
        if (server != null) server.close();
    }

    private static IpCamera camera(String name, String user, String password, String codec, String method) throws IOException {
        Path d = Files.createDirectories(dir.resolve("camera-" + name));
        IpCamera c = new IpCamera(d, user, password, codec, method);
        cameras.add(c);
        return c;
    }

    private static String define(String name, String source, String more) throws IOException {
        for (int attempt = 0; ; attempt++) {
            String body = "{\"source\":\"" + source + "\",\"width\":320,\"height\":240,\"framerate\":15,\"keyint\":\"1s\","
                    + "\"destinations\":[\"127.0.0.1:" + TestSupport.freeUdpPort() + "\"]" + more + "}";
            TestSupport.Response r = request(port, "PUT", "/streams/" + name, body);
            // a free port may be one another stream of this class is defined with (stopped, nobody binds it): another one then
            if (r.code() == 409 && r.body().contains("is taken") && attempt < 5) continue;
            assertEquals(201, r.code(), r.body());
            return body;
        }
    }

    private static TestSupport.Response startStream(String name) throws IOException {
        return request(port, "POST", "/streams/" + name + "/control", "{\"action\":\"start\"}");
    }

    private static JsonObject entry(String name) {
        try {
            return request(port, "GET", "/streams/" + name, null).json();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static String cameraMessage(String name) {
        JsonValue c = entry(name).get("camera");
        return c != null && c.isObject() ? c.asObject().getString("message", "") : "(no camera object)";
    }

    private static long packets(String name) {
        JsonValue st = entry(name).get("stats");
        return st != null && st.isObject() ? st.asObject().getLong("packets", 0) : 0;
    }

    private static boolean running(String name) {
        return entry(name).getString("status", "").equals("running");
    }

    /** Waits until the RTSP output serves the stream (it is mounted a moment after the child starts). */
    private static void awaitServed(String name) {
        TestSupport.waitUntil("our RTSP output serves " + name, Duration.ofSeconds(30), () -> {
            JsonValue r = entry(name).get("rtsp");
            return r != null && r.isObject() && r.asObject().getBoolean("served", false);
        });
    }

    /** ffprobe's first video stream of a URL or file, decoding a few frames. */
    private static JsonObject probe(List<String> input) throws Exception {
        List<String> cmd = new ArrayList<>(List.of("ffprobe", "-v", "error", "-count_frames", "-read_intervals", "%+#10",
                "-select_streams", "v:0", "-show_entries", "stream=codec_name,width,height,nb_read_frames", "-of", "json"));
        cmd.addAll(input);
        // stderr apart: a decoder joining an H.265 stream between keyframes says so there, and the JSON stays whole
        Path err = Files.createTempFile(dir, "ffprobe", ".err");
        Process p = new ProcessBuilder(cmd).redirectError(err.toFile()).start();
        try {
            if (!p.waitFor(60, TimeUnit.SECONDS)) fail("ffprobe " + input + " did not end within 60 s");
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            String text = out + Files.readString(err).lines().limit(5).map(l -> "\n" + l).reduce("", String::concat);
            assertEquals(0, p.exitValue(), "ffprobe " + input + ": " + text);
            var streams = Json.parse(out).asObject().get("streams").asArray();
            assertFalse(streams.isEmpty(), "ffprobe " + input + " found no video: " + text);
            return streams.get(0).asObject();
        } finally {
            p.destroyForcibly();
        }
    }

    /** A picture at a URL as 8-bit grey, decoded by ffmpeg. */
    private static byte[] grayPicture(String url) throws Exception {
        Process p = new ProcessBuilder("ffmpeg", "-v", "error", "-nostdin", "-i", url, "-f", "rawvideo", "-pix_fmt", "gray", "-")
                .redirectError(ProcessBuilder.Redirect.DISCARD).start();
        try {
            byte[] out = p.getInputStream().readAllBytes();
            if (!p.waitFor(60, TimeUnit.SECONDS)) fail("ffmpeg did not decode " + url + " within 60 s");
            assertEquals(0, p.exitValue(), "ffmpeg could not decode " + url);
            return out;
        } finally {
            p.destroyForcibly();
        }
    }

    /** ffmpeg decodes ten frames of the input (an SDP: ffprobe does not count frames of a UDP input). */
    private static void assertDecodes(List<String> input, String what) throws Exception {
        assertDecodes(input, "h264", what);
    }

    private static void assertDecodes(List<String> input, String codec, String what) throws Exception {
        List<String> cmd = new ArrayList<>(List.of("ffmpeg", "-hide_banner", "-nostdin"));
        cmd.addAll(input);
        cmd.addAll(List.of("-frames:v", "10", "-f", "null", "-"));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        try {
            if (!p.waitFor(60, TimeUnit.SECONDS)) fail("ffmpeg " + input + " did not decode 10 frames within 60 s");
            String text = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertEquals(0, p.exitValue(), what + ": " + text);
            assertTrue(text.matches("(?s).*frame=\\s*10\\b.*") && text.contains(codec) && text.contains("320x240"), what + ": " + text);
        } finally {
            p.destroyForcibly();
        }
    }

    private static void assertPlays(JsonObject probe, String what) {
        assertPlays(probe, "h264", what);
    }

    private static void assertPlays(JsonObject probe, String codec, String what) {
        assertEquals(codec, probe.getString("codec_name", ""), what + ": " + probe);
        assertEquals(320, probe.getInt("width", 0), what + ": " + probe);
        assertEquals(240, probe.getInt("height", 0), what + ": " + probe);
        assertTrue(Integer.parseInt(probe.getString("nb_read_frames", "0")) >= 5, what + " decodes frames: " + probe);
    }

    /** (a) The project's own RTSP output as the camera: a test-pattern stream relayed by a second stream, no credentials. */
    @Test
    void theServersOwnRtspOutputAsACamera() throws Exception {
        define("pattern", "test", "");
        assertEquals(200, startStream("pattern").code());
        define("relayed", "rtsp://127.0.0.1:" + rtsp + "/pattern", "");
        TestSupport.Response r = startStream("relayed");
        assertEquals(200, r.code(), r.body());
        TestSupport.waitUntil("the relayed camera runs: " + entry("relayed"), Duration.ofSeconds(40), () -> running("relayed"));
        JsonObject e = entry("relayed");
        assertEquals("on-failure", e.get("settings").asObject().getString("restart", ""), "a camera restarts on failure by default");
        assertEquals("receiving video", e.get("camera").asObject().getString("message", ""), e.toString());
        List<String> command = new ArrayList<>();
        e.get("command").asArray().forEach(v -> command.add(v.asString()));
        assertTrue(command.contains("stream.viewer/stream.viewer.internal.camera.CameraRelay"), "the camera relay, not gst-launch: " + command);
        awaitServed("relayed");
        assertPlays(probe(List.of("-rtsp_transport", "tcp", "rtsp://127.0.0.1:" + rtsp + "/relayed")), "our RTSP output of the relayed camera");
        Path sdp = dir.resolve("relayed.sdp");
        Files.writeString(sdp, request(port, "GET", "/streams/relayed/stream.sdp", null).body());
        assertDecodes(List.of("-protocol_whitelist", "file,udp,rtp", "-i", sdp.toString()), "the relayed camera's SDP");
        request(port, "POST", "/streams/relayed/control", "{\"action\":\"stop\"}");
        request(port, "POST", "/streams/pattern/control", "{\"action\":\"stop\"}");
    }

    /**
     * (b) A camera with Basic authentication: passes through to RTSP out and a recording, reports a
     * freeze ("no video") and a kill ("camera unreachable"), comes back with no one acting, and its
     * password is nowhere but the private streams file.
     */
    @Test
    void aCameraWithCredentialsPassesThroughComesBackAndKeepsItsSecret() throws Exception {
        IpCamera cam = camera("basic", "admin", PASSWORD, "h264", "basic");
        define("door", cam.url(), ",\"source-user\":\"admin\",\"source-password\":\"" + PASSWORD + "\",\"record\":true,\"record-segment\":2");
        TestSupport.Response started = startStream("door");
        assertEquals(200, started.code(), started.body());
        TestSupport.waitUntil("the camera stream runs: " + entry("door"), Duration.ofSeconds(40), () -> running("door"));
        JsonObject e = entry("door");
        assertEquals("set", e.get("settings").asObject().getString("source-password", ""), e.toString());
        assertEquals("set", e.get("camera").asObject().getString("password", ""), e.toString());
        assertEquals("admin", e.get("camera").asObject().getString("user", ""), e.toString());

        awaitServed("door");
        assertPlays(probe(List.of("-rtsp_transport", "tcp", "rtsp://127.0.0.1:" + rtsp + "/door")), "our RTSP output of the camera");
        Path recordings = dir.resolve("state/media-0/door/recordings");
        TestSupport.waitUntil("a finished recording segment of the camera", Duration.ofSeconds(40), () -> {
            JsonValue list = request0("/streams/door/recordings").get("recordings");
            return list != null && list.asArray().size() >= 2;
        });
        String first = request0("/streams/door/recordings").get("recordings").asArray().get(0).asObject().getString("name", "");
        assertPlays(probe(List.of(recordings.resolve(first).toString())), "a recording of the camera");

        assertSecretNowhere();

        // Frozen: connections stay open, nothing comes: "no video for 5 s" within the stall timeout.
        cam.freeze(true);
        TestSupport.waitUntil("the status says no video: " + entry("door"), Duration.ofSeconds(20),
                () -> cameraMessage("door").startsWith("no video for 5 s"));
        cam.freeze(false);
        TestSupport.waitUntil("the thawed camera runs again: " + entry("door"), Duration.ofSeconds(40), () -> running("door"));

        // Killed: the relay sees the end, and the retries find no one.
        cam.kill();
        TestSupport.waitUntil("the status says the camera is unreachable: " + entry("door"), Duration.ofSeconds(30),
                () -> cameraMessage("door").equals("camera unreachable") && !running("door"));
        assertTrue(entry("door").get("camera").asObject().getInt("reconnects", 0) >= 1, "asked again: " + entry("door"));
        long relay = entry("door").getLong("pid", -1);
        // Back: nobody acts; measured, not asserted (timings depend on the machine's load).
        long before = packets("door");
        cam.restart();
        long back = System.nanoTime();
        TestSupport.waitUntil("video flows again after the camera came back: " + entry("door"), Duration.ofSeconds(40),
                () -> running("door") && packets("door") > 0 && packets("door") != before);
        System.out.printf("MEASURED camera back -> frames flowing again: %.2f s%n", (System.nanoTime() - back) / 1e9);
        assertEquals("receiving video", cameraMessage("door"));
        assertEquals(relay, entry("door").getLong("pid", -2), "the same relay asked the camera again, no new process");
        assertSecretNowhere();
        request(port, "POST", "/streams/door/control", "{\"action\":\"stop\"}");
    }

    private static JsonObject request0(String path) {
        try {
            return request(port, "GET", path, null).json();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** The password in no process the server started (command line, environment), no answer, no metric, no log line. */
    private static void assertSecretNowhere() throws IOException {
        List<ProcessHandle> children = server.process.toHandle().descendants().toList();
        assertFalse(children.isEmpty());
        for (ProcessHandle h : children) {
            for (String part : List.of("cmdline", "environ")) {
                Path f = Path.of("/proc", Long.toString(h.pid()), part);
                String text;
                try {
                    text = new String(Files.readAllBytes(f), StandardCharsets.ISO_8859_1);
                } catch (IOException gone) {
                    continue; // ended meanwhile
                }
                assertFalse(text.contains(PASSWORD), f + " holds the camera password: " + h.info().commandLine().orElse(""));
            }
        }
        for (String path : List.of("/control", "/streams", "/streams/door", "/metrics", "/streams/door/stream.sdp", "/")) {
            String body = request(port, "GET", path, null).body();
            assertFalse(body.contains(PASSWORD), "GET " + path + " shows the password");
        }
        synchronized (server.stderr) {
            for (String line : server.stderr) assertFalse(line.contains(PASSWORD), "the log shows the password: " + line);
        }
        for (String line : server.stdout) assertFalse(line.contains(PASSWORD), "stdout shows the password: " + line);
        Path stateDir = dir.resolve("state");
        assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(stateDir)));
        Path file = stateDir.resolve("streams-0.json");
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)),
                "the streams file holds the password: only its owner may read it");
        assertTrue(Files.readString(file).contains(PASSWORD), "the definition keeps the password for the next start");
    }

    /** Digest authentication with a wrong password: said as such, and asked again no faster than every 30 s. */
    @Test
    void wrongCredentialsAreSaidAndRetriedSeldom() throws Exception {
        IpCamera cam = camera("digest", "admin", PASSWORD, "h264", "digest");
        define("gate", cam.url(), ",\"source-user\":\"admin\",\"source-password\":\"not-the-password\"");
        startStream("gate");
        TestSupport.waitUntil("the status says the credentials were refused: " + entry("gate"), Duration.ofSeconds(40),
                () -> cameraMessage("gate").equals("camera refused the credentials"));
        int starts = entry("gate").getInt("starts", 0), connections = cam.connections();
        assertTrue(connections >= 1, "the relay asked the camera");
        // A window of 40 s (measured, not a wait for a condition): a retry every few seconds would be ~10 attempts.
        Thread.sleep(40_000);
        JsonObject e = entry("gate");
        int attempts = e.getInt("starts", 0) - starts;
        assertTrue(attempts <= 2, attempts + " attempts in 40 s after the refusal: " + e);
        assertTrue(cam.connections() - connections <= 2, (cam.connections() - connections) + " connections to the camera in 40 s");
        assertEquals("camera refused the credentials", cameraMessage("gate"), e.toString());
        assertNotEquals("running", e.getString("status", ""));
        // The right password (a PUT while it is down), and it plays.
        request(port, "POST", "/streams/gate/control", "{\"action\":\"stop\"}");
        define("gate2", cam.url(), ",\"source-user\":\"admin\",\"source-password\":\"" + PASSWORD + "\"");
        startStream("gate2");
        TestSupport.waitUntil("the camera plays with the right password over Digest: " + entry("gate2"), Duration.ofSeconds(40),
                () -> running("gate2"));
        request(port, "POST", "/streams/gate2/control", "{\"action\":\"stop\"}");
    }

    /**
     * An H.265 camera (x265enc in the test camera) passes through, never decoded: our RTSP output,
     * the SDP of its RTP destination and a recording play as HEVC in ffprobe/ffmpeg; a browser
     * viewer (WHEP) is told the codec instead of getting a black picture; a snapshot decodes one GOP.
     */
    @Test
    void anH265CameraPassesThroughToRtspRtpAndRecordings() throws Exception {
        IpCamera cam = camera("hevc", null, null, "h265", "basic");
        define("hevc", cam.url(), ",\"record\":true,\"record-segment\":2");
        startStream("hevc");
        TestSupport.waitUntil("the H.265 camera stream runs: " + entry("hevc"), Duration.ofSeconds(40), () -> running("hevc"));
        assertEquals("receiving video", cameraMessage("hevc"));
        awaitServed("hevc");
        assertPlays(probe(List.of("-rtsp_transport", "tcp", "rtsp://127.0.0.1:" + rtsp + "/hevc")), "hevc", "our RTSP output of the H.265 camera");
        String sdpText = request(port, "GET", "/streams/hevc/stream.sdp", null).body();
        assertTrue(sdpText.contains("H265/90000"), sdpText);
        Path sdp = dir.resolve("hevc.sdp");
        Files.writeString(sdp, sdpText);
        assertDecodes(List.of("-protocol_whitelist", "file,udp,rtp", "-i", sdp.toString()), "hevc", "the H.265 camera's SDP");
        TestSupport.waitUntil("a finished recording segment of the H.265 camera", Duration.ofSeconds(40), () -> {
            JsonValue list = request0("/streams/hevc/recordings").get("recordings");
            return list != null && list.asArray().size() >= 2;
        });
        String first = request0("/streams/hevc/recordings").get("recordings").asArray().get(0).asObject().getString("name", "");
        assertPlays(probe(List.of(dir.resolve("state/media-0/hevc/recordings").resolve(first).toString())), "hevc",
                "a recording of the H.265 camera");
        TestSupport.Response whep = TestSupport.request(java.net.InetAddress.getLoopbackAddress(), port, "POST", "/streams/hevc/whep",
                Map.of("Content-Type", "application/sdp"), "v=0\r\n".getBytes(StandardCharsets.US_ASCII));
        assertEquals(409, whep.code(), whep.body());
        assertTrue(whep.body().contains("H.265") && whep.body().contains("RTSP"), "names the codec and what plays it: " + whep.body());
        TestSupport.Response snapshot = request(port, "GET", "/streams/hevc/snapshot.jpg", null);
        assertEquals(200, snapshot.code(), snapshot.body());
        assertEquals("image/jpeg", snapshot.headers().getOrDefault("content-type", ""), snapshot.headers().toString());
        // and it is the camera's picture (the ball pattern: mostly black), not the grey of frames decoded without their keyframe
        byte[] gray = grayPicture("http://127.0.0.1:" + port + "/streams/hevc/snapshot.jpg");
        assertEquals(320 * 240, gray.length, "a 320x240 snapshot");
        long dark = 0;
        for (byte b : gray) if ((b & 0xFF) < 60) dark++;
        assertTrue(dark > 0.7 * gray.length, "the snapshot shows the ball pattern: " + dark + " dark pixels of " + gray.length);
        request(port, "POST", "/streams/hevc/control", "{\"action\":\"stop\"}");
    }

    /**
     * audio camera: a camera's AAC sound (an 880 Hz sine) reaches the SDP, our RTSP output and a
     * recording as Opus, and what a decoder makes of the recording is that tone.
     */
    @Test
    void aCamerasOwnSoundReachesRtpRtspAndRecordings() throws Exception {
        IpCamera cam = camera("sound", null, null, "h264+aac", "basic");
        define("sound", cam.url(), ",\"audio\":\"camera\",\"record\":true,\"record-segment\":3");
        startStream("sound");
        TestSupport.waitUntil("the camera stream with sound runs: " + entry("sound"), Duration.ofSeconds(40), () -> running("sound"));
        String sdp = request(port, "GET", "/streams/sound/stream.sdp", null).body();
        assertTrue(sdp.contains("m=audio") && sdp.contains("opus/48000/2"), sdp);
        awaitServed("sound");
        JsonObject rtspAudio = probeAudio(List.of("-rtsp_transport", "tcp", "rtsp://127.0.0.1:" + rtsp + "/sound"));
        assertEquals("opus", rtspAudio.getString("codec_name", ""), "our RTSP output carries the camera's sound: " + rtspAudio);
        TestSupport.waitUntil("a finished recording segment with sound", Duration.ofSeconds(40), () -> {
            JsonValue list = request0("/streams/sound/recordings").get("recordings");
            return list != null && list.asArray().size() >= 2;
        });
        String first = request0("/streams/sound/recordings").get("recordings").asArray().get(0).asObject().getString("name", "");
        Path segment = dir.resolve("state/media-0/sound/recordings").resolve(first);
        assertEquals("opus", probeAudio(List.of(segment.toString())).getString("codec_name", ""), "the recording has the sound");
        double hz = toneFrequency(segment);
        System.out.printf("MEASURED the camera's 880 Hz tone in a recording: %.1f Hz%n", hz);
        assertTrue(Math.abs(hz - 880) < 20, "the recorded sound is the camera's 880 Hz tone, not " + hz + " Hz");
        request(port, "POST", "/streams/sound/control", "{\"action\":\"stop\"}");
    }

    /** ffprobe's first audio stream of a URL or file. */
    private static JsonObject probeAudio(List<String> input) throws Exception {
        List<String> cmd = new ArrayList<>(List.of("ffprobe", "-v", "error", "-select_streams", "a:0",
                "-show_entries", "stream=codec_name,sample_rate,channels", "-of", "json"));
        cmd.addAll(input);
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        try {
            if (!p.waitFor(60, TimeUnit.SECONDS)) fail("ffprobe " + input + " did not end within 60 s");
            String text = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertEquals(0, p.exitValue(), "ffprobe " + input + ": " + text);
            var streams = Json.parse(text).asObject().get("streams").asArray();
            assertFalse(streams.isEmpty(), "ffprobe " + input + " found no audio: " + text);
            return streams.get(0).asObject();
        } finally {
            p.destroyForcibly();
        }
    }

    /** The frequency of the sound of a file, from ffmpeg's decoded mono 48 kHz samples: rising zero crossings per second of sound. */
    private static double toneFrequency(Path file) throws Exception {
        Process p = new ProcessBuilder("ffmpeg", "-v", "error", "-nostdin", "-i", file.toString(), "-vn", "-ac", "1", "-ar", "48000",
                "-f", "s16le", "-").redirectError(ProcessBuilder.Redirect.DISCARD).start();
        byte[] pcm;
        try {
            pcm = p.getInputStream().readAllBytes();
            if (!p.waitFor(60, TimeUnit.SECONDS)) fail("ffmpeg did not decode " + file + " within 60 s");
        } finally {
            p.destroyForcibly();
        }
        int n = pcm.length / 2, crossings = 0, loud = 0, prev = 0;
        for (int i = 0; i < n; i++) {
            int v = (short) ((pcm[2 * i] & 0xFF) | (pcm[2 * i + 1] << 8));
            if (Math.abs(v) > 1000) loud++;
            if (prev < 0 && v >= 0) crossings++;
            prev = v;
        }
        assertTrue(n > 48000 && loud > n / 2, "a second or more of sound, most of it loud: " + n + " samples, " + loud + " loud");
        return crossings / (n / 48000.0);
    }

    /**
     * The encoder: an unknown one is refused; a hardware one this machine lacks (it has no encoder
     * hardware, so only the fallback can be tested here) gives way to x264, and the status says why.
     */
    @Test
    void anUnknownEncoderIsRefusedAndAMissingHardwareEncoderFallsBackToX264() throws Exception {
        TestSupport.Response bad = request(port, "PUT", "/streams/enc", "{\"source\":\"test\",\"encoder\":\"h264_nvenc\"}");
        assertEquals(400, bad.code(), bad.body());
        assertTrue(bad.body().contains("vah264enc") && bad.body().contains("x264"), "names what is allowed: " + bad.body());
        define("enc", "test", ",\"encoder\":\"vah264enc\"");
        assertEquals(200, startStream("enc").code());
        TestSupport.waitUntil("the stream runs with x264: " + entry("enc"), Duration.ofSeconds(40), () -> running("enc"));
        JsonObject encoder = entry("enc").get("encoder").asObject();
        assertEquals("x264enc", encoder.getString("element", ""), encoder.toString());
        assertFalse(encoder.getBoolean("hardware", true));
        assertTrue(encoder.getString("reason", "").startsWith("encoder vah264enc ") && encoder.getString("reason", "").endsWith("x264 instead"),
                encoder.toString());
        assertTrue(entry("enc").get("command").toString().contains("\"x264enc\""), entry("enc").toString());
        request(port, "POST", "/streams/enc/control", "{\"action\":\"stop\"}");
    }

    /** Credentials in the URL: 400 naming the two settings, the password not echoed; the same from the command line. */
    @Test
    void credentialsInTheUrlAreRefused() throws Exception {
        TestSupport.Response r = request(port, "PUT", "/streams/bad", "{\"source\":\"rtsp://admin:" + PASSWORD + "@127.0.0.1:554/cam\"}");
        assertEquals(400, r.code(), r.body());
        assertTrue(r.body().contains("source-user") && r.body().contains("source-password"), r.body());
        assertFalse(r.body().contains(PASSWORD), r.body());
        for (List<String> args : List.of(List.of("--source", "rtsp://admin:" + PASSWORD + "@127.0.0.1/cam"),
                List.of("--source", "rtsp://127.0.0.1/cam", "--source-user", "admin", "--source-password", PASSWORD))) {
            List<String> all = new ArrayList<>(List.of("--port", "0", "--bind", "127.0.0.1", "--state-dir", dir.resolve("cli").toString()));
            all.addAll(args);
            try (var p = new TestSupport.ServerProcess(all, Map.of())) {
                p.awaitExit(); // the server refuses args (fails after 60 s otherwise); its stderr read to the end
                String err = String.join("\n", p.stderr);
                assertEquals(2, p.process.exitValue(), err);
                assertFalse(err.contains(PASSWORD), err);
                assertTrue(err.contains("source-password") || err.contains("STREAM_SOURCE_PASSWORD"), err);
            }
        }
    }
}
