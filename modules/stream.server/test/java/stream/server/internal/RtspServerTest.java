package stream.server.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.eclipsesource.json.Json;
import com.eclipsesource.json.JsonObject;
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
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import stream.server.internal.access.SelfSigned;
import org.junit.jupiter.api.io.TempDir;

/**
 * RTSP output through a real server process: every stream at rtsp://127.0.0.1:PORT/NAME, read by
 * clients nobody here wrote (ffmpeg over TCP and UDP), a stream that stops ends its clients, the
 * RTSP process killed with SIGKILL comes back, and with a token only admin:TOKEN plays.
 */
class RtspServerTest {
    @TempDir
    Path dir;
    private final List<TestSupport.ServerProcess> servers = new ArrayList<>();
    private final List<Process> clients = new ArrayList<>();

    @AfterEach
    void end() {
        clients.forEach(p -> TestSupport.killTree(p.toHandle()));
        for (TestSupport.ServerProcess s : servers) TestSupport.killTree(s.process.toHandle());
    }

    private record Server(TestSupport.ServerProcess process, int http, int rtsp) {}

    private Server server(String... extra) throws Exception {
        return server(Map.of(), extra);
    }

    private Server server(Map<String, String> env, String... extra) throws Exception {
        Path state = Files.createDirectory(dir.resolve("state" + servers.size()),
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        Path out = Path.of(System.getProperty("stream.build.dir"));
        int rtsp = TestSupport.freeTcpPort();
        List<String> args = new ArrayList<>(List.of("--bind", "127.0.0.1", "--port", "0", "--rtsp-port", String.valueOf(rtsp),
                "--source", "test", "--width", "320", "--height", "240", "--framerate", "15",
                "--dest", "127.0.0.1:" + TestSupport.freeUdpPort(), "--state-dir", state.toString()));
        args.addAll(List.of(extra));
        var p = new TestSupport.ServerProcess(List.of(), List.of("-Xmx64m",
                "-Dstream.webrtc.module-path=" + out.resolve("mods/stream.viewer.jar") + ":" + out.resolve("lib")), args, env);
        servers.add(p);
        return new Server(p, p.awaitPort(), rtsp);
    }

    /** ffmpeg decoding a few frames of an RTSP URL, as a player would. */
    private Process ffmpeg(String url, String transport, int frames) throws IOException {
        List<String> cmd = new ArrayList<>(List.of("ffmpeg", "-hide_banner", "-nostdin", "-rtsp_transport", transport,
                "-timeout", "5000000", "-i", url));
        if (frames > 0) cmd.addAll(List.of("-frames:v", String.valueOf(frames)));
        cmd.addAll(List.of("-f", "null", "-"));
        Process p = new ProcessBuilder(cmd).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        clients.add(p);
        return p;
    }

    private static String stderr(Process p) throws IOException {
        return new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
    }

    /** Decodes {@code frames} frames and returns ffmpeg's report, failing with it when ffmpeg fails. */
    private String decode(String url, String transport) throws Exception {
        Process p = ffmpeg(url, transport, 10);
        String err = stderr(p);
        if (!p.waitFor(60, TimeUnit.SECONDS)) fail("ffmpeg did not end: " + err);
        assertEquals(0, p.exitValue(), () -> "ffmpeg over " + transport + " of " + url + ":\n" + err);
        return err;
    }

    /** The token the HTTP requests of a test carry, or null (an open server). */
    private String bearer;

    private TestSupport.Response get(int port, String path) throws IOException {
        return TestSupport.request(java.net.InetAddress.getLoopbackAddress(), port, "GET", path,
                bearer == null ? Map.of() : Map.of("Authorization", "Bearer " + bearer), null);
    }

    private JsonObject rtsp(int port, String stream) throws IOException {
        return get(port, "/streams/" + stream + "/control").json().get("rtsp").asObject();
    }

    /** @return the RTSP server's pid in a stream's status, or -1 while none runs */
    private long serverPid(int port) throws IOException {
        var pid = rtsp(port, "main").get("server").asObject().get("pid");
        return pid != null && pid.isNumber() ? pid.asLong() : -1;
    }

    private void served(int port, String stream) {
        TestSupport.waitUntil("stream " + stream + " served over RTSP (status rtsp.served)", Duration.ofSeconds(30), () -> {
            try {
                return rtsp(port, stream).getBoolean("served", false);
            } catch (IOException e) {
                return false;
            }
        });
    }

    @Test
    void everyStreamPlaysAtItsUrlEndsWithItsStreamAndSurvivesTheRtspProcessBeingKilled() throws Exception {
        Server s = server();
        assertEquals(201, TestSupport.request(s.http, "PUT", "/streams/cam2", "{\"source\":\"test\",\"width\":480,\"height\":272,"
                + "\"framerate\":15,\"destinations\":[\"127.0.0.1:" + TestSupport.freeUdpPort() + "\"]}").code());
        assertEquals("Stream started", TestSupport.post(s.http, "start").getString("message", ""));
        assertEquals(200, TestSupport.request(s.http, "POST", "/streams/cam2/control", "{\"action\":\"start\"}").code());
        served(s.http, "main");
        served(s.http, "cam2");
        String main = "rtsp://127.0.0.1:" + s.rtsp + "/main", cam2 = "rtsp://127.0.0.1:" + s.rtsp + "/cam2";
        assertEquals("rtsp://127.0.0.1:" + s.rtsp + "/main", rtsp(s.http, "main").getString("url", ""));

        // Each stream at its own size, over RTP in the RTSP connection (as Frigate asks) and over UDP.
        assertTrue(decode(main, "tcp").contains("320x240"), "main is 320x240");
        assertTrue(decode(cam2, "tcp").contains("480x272"), "cam2 is 480x272");
        assertTrue(decode(main, "udp").contains("320x240"), "main over UDP");

        // Frigate records the RTSP URL exactly so (its rtsp preset, then segments); Home Assistant's still image is snapshot.jpg.
        Path segments = Files.createDirectory(dir.resolve("frigate"));
        Process frigate = new ProcessBuilder("ffmpeg", "-hide_banner", "-loglevel", "warning", "-rtsp_transport", "tcp",
                "-timeout", "5000000", "-i", main, "-t", "5", "-c", "copy", "-f", "segment", "-segment_time", "2",
                "-reset_timestamps", "1", segments.resolve("out%03d.mp4").toString()).redirectErrorStream(true).start();
        clients.add(frigate);
        String frigateLog = new String(frigate.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(frigate.waitFor(60, TimeUnit.SECONDS) && frigate.exitValue() == 0, () -> "ffmpeg as Frigate runs it: " + frigateLog);
        Process probe = new ProcessBuilder("ffprobe", "-v", "error", "-count_frames", "-select_streams", "v:0", "-show_entries",
                "stream=codec_name,width,height,nb_read_frames", "-of", "csv=p=0", segments.resolve("out000.mp4").toString())
                .redirectErrorStream(true).start();
        String probed = new String(probe.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        assertTrue(probe.waitFor(30, TimeUnit.SECONDS));
        String[] f = probed.split(",");
        assertTrue(f.length == 4 && f[0].equals("h264") && f[1].equals("320") && f[2].equals("240") && Integer.parseInt(f[3]) >= 15,
                () -> "the first segment plays: h264 320x240 with frames: " + probed);
        var still = TestSupport.request(s.http, "GET", "/streams/main/snapshot.jpg", null);
        assertEquals(200, still.code(), still.body());
        assertEquals("image/jpeg", still.header("Content-Type"));

        // A client that watches when the stream stops sees the end instead of hanging.
        Process watching = ffmpeg(main, "tcp", 0);
        TestSupport.waitUntil("the RTSP status counting the client", Duration.ofSeconds(20), () -> {
            try {
                return rtsp(s.http, "main").getInt("clients", 0) >= 1;
            } catch (IOException e) {
                return false;
            }
        });
        assertEquals("Stream stopped", TestSupport.post(s.http, "stop").getString("message", ""));
        assertTrue(watching.waitFor(20, TimeUnit.SECONDS), "a client of a stopped stream ends (within 20 s), it does not hang");
        // Started again, it is served again at the same URL.
        TestSupport.post(s.http, "start");
        served(s.http, "main");
        decode(main, "tcp");

        // The RTSP process killed: the API and the streams go on, the status says how it ended, a new one serves.
        long pid = serverPid(s.http);
        assertTrue(pid > 0, "the RTSP server's pid is in the status");
        ProcessHandle.of(pid).orElseThrow().destroyForcibly();
        TestSupport.waitUntil("the status reporting the RTSP server's death by SIGKILL", Duration.ofSeconds(20), () -> {
            try {
                var last = rtsp(s.http, "main").get("server").asObject().get("lastExit");
                return last != null && last.isObject() && last.asObject().getString("description", "").contains("signal 9");
            } catch (IOException e) {
                return false;
            }
        });
        assertEquals("running", TestSupport.status(s.http).getString("status", ""), "main kept running");
        TestSupport.waitUntil("a new RTSP server serving main", Duration.ofSeconds(30), () -> {
            try {
                long now = serverPid(s.http);
                return now > 0 && now != pid && rtsp(s.http, "main").getBoolean("served", false);
            } catch (IOException e) {
                return false;
            }
        });
        assertNotEquals(pid, serverPid(s.http));
        decode(main, "tcp");
        decode(cam2, "tcp");
    }

    @Test
    void withATokenOnlyAdminAndTheTokenPlayAndTheTokenIsShownNowhere() throws Exception {
        String token = "rtsp-secret-" + Long.toHexString(System.nanoTime());
        Server s = server(Map.of("STREAM_TOKEN", token), "--start"); // from the environment: a command line is public
        bearer = token;
        served(s.http, "main");
        String url = "rtsp://127.0.0.1:" + s.rtsp + "/main";
        Process anonymous = ffmpeg(url, "tcp", 5);
        String err = stderr(anonymous);
        assertTrue(anonymous.waitFor(30, TimeUnit.SECONDS));
        assertNotEquals(0, anonymous.exitValue(), "no credentials: refused");
        assertTrue(err.contains("401"), () -> "no credentials: 401\n" + err);
        Process wrong = ffmpeg("rtsp://admin:nope@127.0.0.1:" + s.rtsp + "/main", "tcp", 5);
        String wrongErr = stderr(wrong);
        assertTrue(wrong.waitFor(30, TimeUnit.SECONDS));
        assertTrue(wrongErr.contains("401"), () -> "wrong password: 401\n" + wrongErr);
        decode("rtsp://admin:" + token + "@127.0.0.1:" + s.rtsp + "/main", "tcp");

        long pid = serverPid(s.http);
        String cmdline = Files.readString(Path.of("/proc/" + pid + "/cmdline")).replace('\0', ' ');
        assertTrue(cmdline.contains("RtspGateway"), cmdline);
        assertFalse(cmdline.contains(token), "the token is not on the RTSP server's command line");
        byte[] environ = Files.readAllBytes(Path.of("/proc/" + pid + "/environ"));
        assertFalse(new String(environ, StandardCharsets.ISO_8859_1).contains(token), "nor in its environment");
        String status = get(s.http, "/streams/main").body();
        assertFalse(status.contains(token), "nor in the status");
        assertFalse(String.join("\n", s.process.stderr).contains(token), "nor in the server's log");
        assertFalse(String.join("\n", s.process.stdout).contains(token), "nor on its stdout");
    }

    @Test
    void eachCredentialPlaysOnlyItsStreamsOverRtspAndADeleteRevokesIt() throws Exception {
        String token = "rtsp-admin-" + Long.toHexString(System.nanoTime());
        Server s = server(Map.of("STREAM_TOKEN", token));
        bearer = token;
        String cam = "{\"source\":\"test\",\"width\":320,\"height\":240,\"framerate\":15,\"destinations\":[\"127.0.0.1:%d\"]}";
        for (String name : List.of("cam-a", "cam-b")) {
            assertEquals(201, TestSupport.request(java.net.InetAddress.getLoopbackAddress(), s.http, "PUT", "/streams/" + name,
                    Map.of("Authorization", "Bearer " + token), cam.formatted(TestSupport.freeUdpPort()).getBytes(StandardCharsets.UTF_8)).code());
        }
        TestSupport.Response made = TestSupport.request(java.net.InetAddress.getLoopbackAddress(), s.http, "POST", "/users",
                Map.of("Authorization", "Bearer " + token), "{\"name\":\"garden\",\"role\":\"viewer\",\"streams\":[\"cam-a\"]}".getBytes(StandardCharsets.UTF_8));
        assertEquals(201, made.code(), made.body());
        String viewer = made.json().getString("token", null);
        for (String name : List.of("cam-a", "cam-b")) {
            assertEquals(200, TestSupport.request(java.net.InetAddress.getLoopbackAddress(), s.http, "POST", "/streams/" + name + "/control",
                    Map.of("Authorization", "Bearer " + token), "{\"action\":\"start\"}".getBytes(StandardCharsets.UTF_8)).code());
            served(s.http, name);
        }
        String base = "rtsp://garden:" + viewer + "@127.0.0.1:" + s.rtsp + "/";
        // ffprobe, as a camera app or Frigate would check the stream first.
        Process probe = new ProcessBuilder("ffprobe", "-v", "error", "-rtsp_transport", "tcp", "-timeout", "5000000", "-show_entries",
                "stream=codec_name,width,height", "-of", "csv=p=0", base + "cam-a").redirectErrorStream(true).start();
        clients.add(probe);
        String probed = new String(probe.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(probe.waitFor(60, TimeUnit.SECONDS));
        assertEquals(0, probe.exitValue(), probed);
        assertTrue(probed.contains("h264,320,240"), probed);
        decode(base + "cam-a", "tcp");
        Process other = ffmpeg(base + "cam-b", "tcp", 5);
        String otherErr = stderr(other);
        assertTrue(other.waitFor(30, TimeUnit.SECONDS));
        assertNotEquals(0, other.exitValue(), "a viewer of cam-a may not play cam-b");
        // gst-rtsp-server answers a mount the credential may not access with 404 (it does not tell it exists);
        // the admin plays the same URL right after.
        assertTrue(otherErr.contains("404 Not Found"), () -> "cam-b: 404\n" + otherErr);
        decode("rtsp://admin:" + token + "@127.0.0.1:" + s.rtsp + "/cam-b", "tcp");

        assertEquals(200, TestSupport.request(java.net.InetAddress.getLoopbackAddress(), s.http, "DELETE", "/users/garden",
                Map.of("Authorization", "Bearer " + token), null).code());
        TestSupport.waitUntil("the deleted credential is refused over RTSP", Duration.ofSeconds(30), () -> {
            try {
                Process p = ffmpeg(base + "cam-a", "tcp", 1);
                String e = stderr(p);
                return p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() != 0 && e.contains("401");
            } catch (IOException | InterruptedException e) {
                return false;
            }
        });
        long pid = serverPid(s.http);
        String cmdline = Files.readString(Path.of("/proc/" + pid + "/cmdline")).replace('\0', ' ');
        assertFalse(cmdline.contains(viewer), "the viewer's token is not on the RTSP server's command line");
        assertFalse(new String(Files.readAllBytes(Path.of("/proc/" + pid + "/environ")), StandardCharsets.ISO_8859_1).contains(viewer), "nor in its environment");
        assertFalse(String.join("\n", s.process.stderr).contains(viewer), "nor in the server's log");
        assertFalse(Files.readString(dir.resolve("state0").resolve("users.json")).contains(viewer), "nor in the users file");
    }

    /** @return what {@code openssl s_client} says of the certificate served on the port, checked against ca only */
    private String verifyWith(Path ca, int port) throws Exception {
        Process p = new ProcessBuilder("openssl", "s_client", "-connect", "127.0.0.1:" + port, "-CAfile", ca.toString(), "-verify_return_error",
                "-verify_ip", "127.0.0.1").redirectErrorStream(true).start();
        clients.add(p);
        p.getOutputStream().close();
        // Bounded: a TLS server that never completes the handshake must fail the test, not hang the suite
        // (its few lines of output fit in the pipe, so waiting before reading cannot block openssl).
        boolean ended = p.waitFor(30, TimeUnit.SECONDS);
        if (!ended) p.destroyForcibly();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(ended, "openssl ended within 30 s (the RTSPS handshake did not complete): " + out);
        return out;
    }

    @Test
    void withTlsRtspIsRtspsWithTheSameCertificateAndSighupReloadsIt() throws Exception {
        Path first = Files.createDirectories(dir.resolve("first")), second = Files.createDirectories(dir.resolve("second"));
        SelfSigned.write(first, List.of("127.0.0.1"), Duration.ofDays(1));
        SelfSigned.write(second, List.of("127.0.0.1"), Duration.ofDays(1));
        Path live = Files.createDirectories(dir.resolve("live"));
        for (String f : List.of(SelfSigned.CERT, SelfSigned.KEY)) Files.copy(first.resolve(f), live.resolve(f));
        String token = "rtsps-admin-" + Long.toHexString(System.nanoTime());
        Server s = server(Map.of("STREAM_TOKEN", token, "STREAM_TLS_CERT", live.resolve(SelfSigned.CERT).toString(),
                "STREAM_TLS_KEY", live.resolve(SelfSigned.KEY).toString()), "--start");
        Path ca = first.resolve(SelfSigned.CERT);
        TestSupport.waitUntil("main served over RTSPS, its status says rtsps://", Duration.ofSeconds(30), () -> {
            try {
                JsonObject r = Json.parse(TlsServerTest.curl("--cacert", ca.toString(), "-H", "Authorization: Bearer " + token,
                        "https://127.0.0.1:" + s.http + "/streams/main/control")[2]).asObject().get("rtsp").asObject();
                return r.getBoolean("served", false) && r.getString("url", "").equals("rtsps://127.0.0.1:" + s.rtsp + "/main");
            } catch (Exception e) {
                return false;
            }
        });
        String verified = verifyWith(ca, s.rtsp);
        assertTrue(verified.contains("Verify return code: 0 (ok)"), "the RTSP port serves the test's certificate, valid for 127.0.0.1:\n" + verified);

        // ffprobe plays rtsps:// with the credential (its TLS does not check the certificate: openssl did above).
        Process probe = new ProcessBuilder("ffprobe", "-v", "error", "-rtsp_transport", "tcp", "-timeout", "5000000", "-show_entries",
                "stream=codec_name,width,height", "-of", "csv=p=0", "rtsps://admin:" + token + "@127.0.0.1:" + s.rtsp + "/main").redirectErrorStream(true).start();
        clients.add(probe);
        String probed = new String(probe.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(probe.waitFor(60, TimeUnit.SECONDS));
        assertEquals(0, probe.exitValue(), probed);
        assertTrue(probed.contains("h264,320,240"), probed);
        Process plain = ffmpeg("rtsp://admin:" + token + "@127.0.0.1:" + s.rtsp + "/main", "tcp", 1);
        String plainErr = stderr(plain);
        assertTrue(plain.waitFor(30, TimeUnit.SECONDS));
        assertNotEquals(0, plain.exitValue(), "no RTSP in clear on the RTSPS port: " + plainErr);

        for (String f : List.of(SelfSigned.CERT, SelfSigned.KEY))
            Files.copy(second.resolve(f), live.resolve(f), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        ChildLifetimeTest.signal("HUP", s.process.process.pid());
        TestSupport.waitUntil("RTSPS serves the new certificate after SIGHUP", Duration.ofSeconds(30),
                () -> {
                    try {
                        return verifyWith(second.resolve(SelfSigned.CERT), s.rtsp).contains("Verify return code: 0 (ok)");
                    } catch (Exception e) {
                        return false;
                    }
                });
        assertTrue(s.process.process.isAlive(), "the server goes on");
        assertFalse(String.join("\n", s.process.stderr).contains(token), "the token is not in the log");
    }
}
