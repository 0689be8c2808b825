package stream.server.internal;

import stream.server.internal.settings.InvalidValueException;
import stream.server.internal.settings.SettingsGrammar;
import stream.server.internal.settings.StreamSettings;
import stream.server.internal.settings.Validation;
import stream.server.internal.sources.Source;
import stream.server.internal.sources.Sources;
import stream.server.internal.supervisor.StreamPlan;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.eclipsesource.json.Json;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import stream.server.ServerConfig;
import stream.server.StreamServer;

/** Values that try to add pipeline elements are rejected at every entry point, and named. */
class ValidationTest {
    @ParameterizedTest
    @ValueSource(strings = {"127.0.0.1 ! filesink location=/tmp/x", "127.0.0.1\t!\tfakesink", "host=evil", "a b",
            "1.2.3.4;rm -rf /", "\"127.0.0.1\"", "127.0.0.1,port=1", "example.com/x", "", "-e", "..", "a..b", "[::1]",
            "256.1.1.1", "::1 ! fakesink", "-leading.example", "exa_mple.com"})
    void hostGrammarRejects(String bad) {
        var e = assertThrows(InvalidValueException.class, () -> Validation.host("destination host", bad));
        assertTrue(e.getMessage().startsWith("destination host '"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new SettingsGrammar.Endpoint(bad, 5000));
    }

    @ParameterizedTest
    @ValueSource(strings = {"127.0.0.1", "10.0.0.255", "::1", "fe80::1", "2001:db8::1:2", "::ffff:192.0.2.1", "localhost",
            "camera-1.example.com", "0.0.0.0"})
    void hostGrammarAccepts(String good) {
        assertEquals(good, Validation.host("h", good));
    }

    @Test
    void destinationParsesHostPortAndIpv6() {
        assertEquals(List.of(new SettingsGrammar.Endpoint("::1", 5000)), SettingsGrammar.destinations("[::1]:5000"));
        assertEquals(List.of(new SettingsGrammar.Endpoint("127.0.0.1", 1)), SettingsGrammar.destinations("127.0.0.1:1"));
        for (String bad : List.of("127.0.0.1", "127.0.0.1:", "127.0.0.1:0", "127.0.0.1:65536", "127.0.0.1:50 00",
                "127.0.0.1:5000 ! fakesink", "::1:5000", "[127.0.0.1]:5000", "127.0.0.1:+5000", "127.0.0.1:-1"))
            assertThrows(SettingsGrammar.Invalid.class, () -> SettingsGrammar.destinations(bad), bad);
    }

    @Test
    void deviceGrammar(@TempDir Path dir) throws Exception {
        assertEquals("/dev/video3", Validation.devicePath("--source", "/dev/video3"));
        // One grammar: a path outside /dev is refused even when it exists (SettingsGrammar refused it already).
        Path cam = Files.createFile(dir.resolve("cam0"));
        for (String bad : List.of("/dev/video0 ! fakesink", "video0", "/dev/../etc/passwd", "/dev/video0,x=1",
                "/dev/video0 device=/dev/video1", "/nonexistent/device", "/dev/video0\n", "/dev/no-such-camera",
                cam.toString(), "/dev/null", "/dev/zero")) {
            assertThrows(InvalidValueException.class, () -> Validation.devicePath("--source", bad), bad);
            assertThrows(IllegalArgumentException.class, () -> Sources.choose(bad), bad);
        }
    }

    @Test
    void aSourceMustBeAVideoCaptureDevice(@TempDir Path dir) throws Exception {
        // A character device with V4L2's major number 81 is one, wherever its node is (mknod: CI runs as root).
        Path node = dir.resolve("video0");
        Process mknod = new ProcessBuilder("mknod", node.toString(), "c", "81", "0").redirectErrorStream(true).start();
        assertEquals(0, mknod.waitFor(), new String(mknod.getInputStream().readAllBytes()));
        assertTrue(Validation.isVideoDevice(node));
        Path other = dir.resolve("other");
        Process mknod2 = new ProcessBuilder("mknod", other.toString(), "c", "1", "5").redirectErrorStream(true).start();
        assertEquals(0, mknod2.waitFor());
        assertFalse(Validation.isVideoDevice(other), "major 1 (mem) is not a camera");
        for (String notCamera : List.of("/dev/null", "/dev/zero", "/dev/urandom")) {
            assertFalse(Validation.isVideoDevice(Path.of(notCamera)), notCamera);
            var e = assertThrows(InvalidValueException.class, () -> Validation.devicePath("--source", notCamera));
            assertTrue(e.getMessage().contains("not a video capture device") && e.getMessage().contains("video4linux")
                    && e.getMessage().contains("81"), e.getMessage());
        }
        // A flag says so with its name, before the server starts.
        var flag = assertThrows(InvalidValueException.class, () -> Main.toConfig(Main.parse(new String[] {"--source", "/dev/zero"}, Map.of())));
        assertTrue(flag.getMessage().startsWith("--source '/dev/zero': not a video capture device"), flag.getMessage());
    }

    @Test
    void streamSettingsRefuseBadValuesWhicheverWayTheyCome() {
        // Typed values given in code pass the same checks as text.
        var d = StreamSettings.defaults().with(StreamSettings.SOURCE, "test");
        assertThrows(SettingsGrammar.Invalid.class, () -> d.with(StreamSettings.WIDTH, 321));
        assertThrows(SettingsGrammar.Invalid.class, () -> d.with(StreamSettings.FRAMERATE, 0));
        assertThrows(SettingsGrammar.Invalid.class, () -> d.with(StreamSettings.PRESET, "fast ! fakesink"));
        assertThrows(SettingsGrammar.Invalid.class, () -> d.with(StreamSettings.DESTINATIONS, List.of()));
        assertThrows(InvalidValueException.class,
                () -> new Source(Source.Kind.V4L2, "/dev/video0 ! fakesink", "x"));
    }

    @Test
    void theProgrammaticApiRejectsInjectionNamingTheField(@TempDir Path dir) {
        ServerConfig base = ServerConfig.defaults().withBind("127.0.0.1").withPort(0).withSource("test").withStateDir(dir);
        var e = assertThrows(IllegalArgumentException.class,
                () -> StreamServer.start(base.withDestination("127.0.0.1 ! filesink location=/tmp/x:5000")).close());
        assertTrue(e.getMessage().contains("destination") && e.getMessage().contains("filesink"), e.getMessage());
        var s = assertThrows(IllegalArgumentException.class,
                () -> StreamServer.start(base.withSource("/dev/video0 ! filesink location=/tmp/x")).close());
        assertTrue(s.getMessage().startsWith("source '"), s.getMessage());
        assertThrows(IllegalArgumentException.class, () -> StreamServer.start(base.withBind("0.0.0.0 ! x")).close());
        assertThrows(IllegalArgumentException.class, () -> StreamServer.start(base.withSize(320, 241, 15)).close());
        assertThrows(IllegalArgumentException.class, () -> StreamServer.start(base.withToken("a b")).close());
    }

    @Test
    void commandLineFlagsAndEnvironmentAreCheckedTheSameWay() throws Exception {
        var e = assertThrows(InvalidValueException.class, () -> Main.toConfig(Main.parse(new String[0],
                Map.of("STREAM_DEST", "127.0.0.1 ! fakesink:5000"))));
        assertTrue(e.getMessage().startsWith("--dest (from STREAM_DEST) '"), e.getMessage());
        // The flag wins over the environment.
        var c = Main.toConfig(Main.parse(new String[] {"--dest=10.0.0.1:6000"}, Map.of("STREAM_DEST", "bad value")));
        assertEquals("10.0.0.1:6000", Json.parse(c.settingsJson()).asObject().get("destinations").asArray().get(0).asString());
        assertEquals(7000, Main.toConfig(Main.parse(new String[] {"--port", "7000"}, Map.of())).port());
    }

    @Test
    void pipelineArgumentsAreOneTokenEachWithTheEncoderSettingsFromGround() {
        var s = StreamSettings.defaults().with("destinations", "[::1]:5004");
        List<String> cmd = new StreamPlan(s, new Source(Source.Kind.TEST, null, "t")).command("/usr/bin/gst-launch-1.0", 0);
        assertEquals(List.of("/usr/bin/gst-launch-1.0", "-e", "-v", "videotestsrc", "is-live=true", "pattern=ball"), cmd.subList(0, 6));
        for (String a : cmd) assertTrue(!a.isEmpty() && !a.contains(" "), "one token: '" + a + "'");
        String joined = String.join(" ", cmd);
        // A videorate that may duplicate holds each frame for one frame period: it must only drop.
        assertTrue(joined.contains("! videoscale ! videorate drop-only=true ! video/x-raw,format=I420,"), joined);
        assertTrue(joined.contains("! video/x-raw,format=I420,width=1280,height=720,framerate=30/1 ! x264enc tune=zerolatency "
                + "speed-preset=ultrafast key-int-max=30 bitrate=2000 ! video/x-h264,profile=constrained-baseline ! "
                + "rtph264pay config-interval=1 pt=96 ! tee name=t t. ! queue ! udpsink name=out host=::1 port=5004 sync=false"), joined);
        assertTrue(joined.endsWith("udpsink name=out host=::1 port=5004 sync=false"), joined);
    }

    @Test
    void everyUdpsinkSendsAtOnceWithoutWaitingForTheClock() {
        // A synchronising sink holds each packet for the live source's declared latency (a frame period).
        var s = StreamSettings.defaults().with("destinations", "[::1]:5004,10.0.0.2:5006");
        List<String> cmd = new StreamPlan(s, new Source(Source.Kind.TEST, null, "t")).command("/usr/bin/gst-launch-1.0", 40000);
        long sinks = cmd.stream().filter("udpsink"::equals).count();
        assertEquals(3, sinks, String.join(" ", cmd));
        assertEquals(sinks, cmd.stream().filter("sync=false"::equals).count(), String.join(" ", cmd));
    }

    @Test
    void autoSourcePicksTheFirstCameraOrTheTestPattern(@TempDir Path dev) throws Exception {
        assertEquals(Source.Kind.TEST, Sources.auto("Linux", dev).kind());
        assertTrue(Sources.auto("Linux", dev).reason().contains("no /dev/video"));
        assertEquals(Source.Kind.AVFOUNDATION, Sources.auto("Mac OS X", dev).kind());
        assertEquals(Source.Kind.MEDIA_FOUNDATION, Sources.auto("Windows 11", dev).kind());
        assertEquals(Source.Kind.TEST, Sources.auto("FreeBSD", dev).kind());
    }

    @Test
    void accessAndLimitOptions() throws Exception {
        ServerConfig c = Main.toConfig(Main.parse(new String[] {"--allow-origin", "https://a.example", "--allow-origin=http://b.example:8080,http://[::1]:9"},
                Map.of("STREAM_TRUST_LOOPBACK", "1", "STREAM_MAX_CONNECTIONS", "300")));
        assertEquals(List.of("https://a.example", "http://b.example:8080", "http://[::1]:9"), c.access().allowedOrigins());
        assertTrue(c.access().trustLoopback());
        assertEquals(300, c.limits().maxConnections());
        assertEquals(ServerConfig.HttpLimits.DEFAULTS.requestSeconds(), c.limits().requestSeconds());
        ServerConfig d = Main.toConfig(Main.parse(new String[0], Map.of()));
        assertFalse(d.access().trustLoopback(), "loopback is not trusted unless the operator says so");
        assertEquals(ServerConfig.HttpLimits.DEFAULTS, d.limits());
        assertTrue(Main.toConfig(Main.parse(new String[] {"--trust-loopback"}, Map.of())).access().trustLoopback());

        var origin = assertThrows(InvalidValueException.class, () -> Main.toConfig(Main.parse(new String[] {"--allow-origin", "evil.example"}, Map.of())));
        assertTrue(origin.getMessage().contains("--allow-origin 'evil.example'") && origin.getMessage().contains("scheme://host[:port]"), origin.getMessage());
        assertThrows(InvalidValueException.class, () -> Main.toConfig(Main.parse(new String[] {"--allow-origin", "https://x.example/path"}, Map.of())));
        var max = assertThrows(InvalidValueException.class, () -> Main.toConfig(Main.parse(new String[] {"--max-connections", "5"}, Map.of())));
        assertTrue(max.getMessage().contains("16 to 100000"), max.getMessage());
        assertThrows(InvalidValueException.class, () -> Main.toConfig(Main.parse(new String[] {"--request-timeout", "0"}, Map.of())));
        var sw = assertThrows(Main.UsageException.class, () -> Main.toConfig(Main.parse(new String[] {"--trust-loopback=maybe"}, Map.of())));
        assertTrue(sw.getMessage().contains("--trust-loopback 'maybe'"), sw.getMessage());
    }

    /** A /dev/videoN that is not on this machine. */
    static String missingCamera() {
        for (int n = 9; ; n++) if (!Files.exists(Path.of("/dev/video" + n))) return "/dev/video" + n;
    }

    @Test
    void aCameraThatIsNotThereIs400NamingItAtPutAndStart(@TempDir Path dir) throws Exception {
        String camera = missingCamera();
        try (StreamServer server = StreamServer.start(TestSupport.smallTestServer(dir, TestSupport.freeUdpPort()))) {
            int port = server.port();
            var put = TestSupport.request(port, "PUT", "/streams/cam9", "{\"source\":\"" + camera + "\",\"destinations\":[\"127.0.0.1:"
                    + TestSupport.freeUdpPort() + "\"]}");
            assertEquals(400, put.code(), put.body());
            assertNoSuchCamera(camera, put);
            assertEquals(404, TestSupport.request(port, "GET", "/streams/cam9", null).code(), "nothing was defined");
            var start = TestSupport.request(port, "POST", "/control", "{\"action\":\"start\",\"source\":\"" + camera + "\"}");
            assertEquals(400, start.code(), start.body());
            assertNoSuchCamera(camera, start);
            assertEquals("stopped", TestSupport.status(port).getString("status", ""), "no child was started");
            // test and auto still start; a device outside the grammar keeps its own answer (field, value, allowed).
            var bad = TestSupport.request(port, "POST", "/control", "{\"action\":\"start\",\"source\":\"/dev/../etc/passwd\"}");
            assertEquals(400, bad.code(), bad.body());
            assertTrue(bad.json().getString("allowed", "").contains("device"), bad.body());
        }
    }

    private static void assertNoSuchCamera(String camera, TestSupport.Response r) {
        var o = r.json();
        assertEquals("source", o.getString("field", null), r.body());
        assertEquals(camera, o.getString("value", null), r.body());
        String error = o.getString("error", "");
        assertTrue(error.startsWith("source '" + camera + "': no such device") && error.contains("connect"), r.body());
        assertTrue(error.contains(Validation.cameras(Path.of("/dev")).isEmpty() ? "use source test" : "/dev/video"),
                "names the cameras that are here, or that there is none: " + r.body());
        assertTrue(o.getString("hint", "").contains("auto, test"), r.body());
    }

    @Test
    void aSourceFlagNamingNoDeviceIsExit2WithTheMessage() throws Exception {
        var out = new java.io.ByteArrayOutputStream();
        var err = new java.io.ByteArrayOutputStream();
        int code = Main.run(new String[] {"--source", "/dev/nope"}, Map.of(), new java.io.PrintStream(out, true),
                new java.io.PrintStream(err, true));
        assertEquals(Main.USAGE, code);
        String text = err.toString();
        assertTrue(text.startsWith("stream-server: --source '/dev/nope': no such device; "), text);
        assertTrue(text.contains("connect it, or use"), "says what to do: " + text);
        assertEquals("", out.toString());
    }

    @Test
    void aSourceFlagNamingACameraNotYetThereServesWithAWarning(@TempDir Path dir) throws Exception {
        String camera = missingCamera();
        try (var s = new TestSupport.ServerProcess(List.of("--port", "0", "--bind", "127.0.0.1", "--state-dir", dir.toString(),
                "--source", camera), Map.of())) {
            s.awaitPort(); // a camera plugged in after the server (at boot) is no usage error
            TestSupport.waitUntil("the warning on stderr", java.time.Duration.ofSeconds(10),
                    () -> s.stderrText().contains("warning: --source '" + camera + "': no such device yet"));
        }
    }

    @Test
    void theReadmesCurlExamplesStillWork(@TempDir Path dir) throws Exception {
        // curl -d sends application/x-www-form-urlencoded, no Origin and no Sec-Fetch-*: not a browser's cross-site request.
        try (StreamServer server = StreamServer.start(TestSupport.smallTestServer(dir, TestSupport.freeUdpPort()))) {
            var r = TestSupport.request(java.net.InetAddress.getLoopbackAddress(), server.port(), "POST", "/control",
                    Map.of("Content-Type", "application/x-www-form-urlencoded", "User-Agent", "curl/7.88.1"),
                    "{\"action\":\"start\"}".getBytes(java.nio.charset.StandardCharsets.UTF_8));
            assertEquals(200, r.code(), r.body());
            assertEquals("Stream started", r.json().getString("message", null));
        }
    }
}
