package stream.server.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

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
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A microphone that disappears while the stream runs, for real: the "microphone" is a source of a
 * PulseAudio server this test starts (module-sine-source, a 440 Hz sine, the only capture device
 * a machine without sound hardware can have), and it disappears when the test kills that server.
 * The stream's child (video) runs on, its state stays running and its status says
 * "microphone gone: pulse:testmic"; when the server is back, the capture child starts again and
 * the sine is heard again, decoded by ffmpeg from the stream's SDP.
 *
 * <p>Not tested here, for want of hardware: an ALSA device unplugged (hw:N); its alsasrc ends with
 * an error as pulsesrc does, and the same capture child handles it.
 */
class MicrophoneTest {
    private static final double SINE_HZ = 440;

    @TempDir
    Path dir;
    private Process pulse;
    private TestSupport.ServerProcess server;
    private final List<Process> clients = new ArrayList<>();

    @AfterEach
    void stop() {
        clients.forEach(p -> TestSupport.killTree(p.toHandle()));
        if (server != null) server.close();
        stopPulse();
    }

    /** A PulseAudio server of this test only: its socket in the test's folder, one source named testmic. */
    private void startPulse() throws Exception {
        Path home = dir.resolve("pulse");
        Files.createDirectories(home);
        var pb = new ProcessBuilder("pulseaudio", "-n", "--daemonize=no", "--exit-idle-time=-1", "--use-pid-file=no",
                "-F", "/dev/null", "--load=module-native-protocol-unix socket=" + home.resolve("native") + " auth-anonymous=1",
                "--load=module-sine-source source_name=testmic frequency=" + (int) SINE_HZ)
                .redirectErrorStream(true).redirectOutput(dir.resolve("pulseaudio.log").toFile());
        pb.environment().putAll(pulseEnv());
        pb.environment().put("HOME", home.toString());
        pb.environment().put("XDG_RUNTIME_DIR", home.toString());
        pulse = pb.start();
        TestSupport.waitUntil("PulseAudio answering on " + home.resolve("native") + " with source testmic", Duration.ofSeconds(20), () -> {
            try {
                var p = new ProcessBuilder("pactl", "list", "short", "sources").redirectErrorStream(true);
                p.environment().putAll(pulseEnv());
                Process q = p.start();
                String out = new String(q.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
                return q.waitFor(5, TimeUnit.SECONDS) && q.exitValue() == 0 && out.contains("testmic");
            } catch (IOException e) {
                return false;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        });
    }

    private void stopPulse() {
        if (pulse == null) return;
        pulse.destroyForcibly();
        try {
            pulse.waitFor(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        pulse = null;
    }

    private Map<String, String> pulseEnv() throws IOException {
        Path conf = dir.resolve("client.conf");
        if (!Files.exists(conf)) Files.writeString(conf, "autospawn = no\n");
        return Map.of("PULSE_SERVER", "unix:" + dir.resolve("pulse").resolve("native"), "PULSE_CLIENTCONFIG", conf.toString());
    }

    private JsonObject status(int http) {
        try {
            return TestSupport.status(http);
        } catch (IOException e) {
            return new JsonObject();
        }
    }

    private static String microphoneState(JsonObject s) {
        JsonValue audio = s.get("audio");
        if (audio == null || audio.asObject().get("microphone") == null) return "";
        return audio.asObject().get("microphone").asObject().getString("state", "");
    }

    private static long videoPackets(JsonObject s) {
        JsonValue stats = s.get("stats");
        return stats == null || !stats.isObject() ? 0 : stats.asObject().getLong("packets", 0);
    }

    private static long audioPackets(JsonObject s) {
        JsonValue audio = s.get("audio");
        if (audio == null || audio.asObject().get("rtp") == null) return 0;
        return audio.asObject().get("rtp").asObject().getLong("packets", 0);
    }

    @Test
    void theVideoRunsOnWhileTheMicrophoneIsGoneAndTheSoundComesBackWithIt() throws Exception {
        startPulse();
        Path state = Files.createDirectory(dir.resolve("state"),
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        int dest = stream.testkit.Ports.freeUdpQuad(); // ffmpeg binds the four ports of a stream with sound
        server = new TestSupport.ServerProcess(List.of("--bind", "127.0.0.1", "--port", "0", "--source", "test",
                "--width", "320", "--height", "240", "--framerate", "15", "--dest", "127.0.0.1:" + dest,
                "--state-dir", state.toString(), "--audio", "pulse:testmic", "--start"), pulseEnv());
        int http = server.awaitPort();
        TestSupport.waitUntil("main running and capturing pulse:testmic", Duration.ofSeconds(30), () -> {
            JsonObject s = status(http);
            return "running".equals(s.getString("status", "")) && microphoneState(s).equals("capturing") && audioPackets(s) > 20;
        });
        assertSine(http, "while the microphone is there");
        long pid = status(http).getLong("pid", -1);

        stopPulse(); // the microphone disappears
        TestSupport.waitUntil("the status saying the microphone is gone", Duration.ofSeconds(20),
                () -> microphoneState(status(http)).startsWith("microphone gone: pulse:testmic"));
        JsonObject gone = status(http);
        long video = videoPackets(gone), audio = audioPackets(gone);
        // The video and the (now silent) sound go on from the same child.
        TestSupport.waitUntil("video and audio packets going on without the microphone", Duration.ofSeconds(20), () -> {
            JsonObject s = status(http);
            return videoPackets(s) > video + 30 && audioPackets(s) > audio + 30;
        });
        JsonObject still = status(http);
        assertEquals("running", still.getString("status", ""), still.toString());
        assertEquals(pid, still.getLong("pid", -2), "the stream's child is the same: " + still);
        assertTrue(still.get("audio").asObject().getString("problem", "").startsWith("microphone gone: pulse:testmic"), still.toString());
        System.out.println("with the microphone gone: " + still.get("audio"));

        startPulse(); // it comes back
        TestSupport.waitUntil("capturing pulse:testmic again", Duration.ofSeconds(30),
                () -> microphoneState(status(http)).equals("capturing"));
        JsonObject back = status(http);
        assertEquals(pid, back.getLong("pid", -2), "the stream's child is still the same: " + back);
        assertTrue(back.get("audio").asObject().get("microphone").asObject().getInt("captureStarts", 0) >= 2, back.toString());
        assertTrue(back.get("audio").asObject().get("problem") == null, back.toString());
        assertSine(http, "after the microphone came back");
    }

    /**
     * ffmpeg decodes 2 s of the stream's audio from its SDP: the microphone's sine. A machine loaded
     * past its cores can deliver the capture child's blocks later than the mixer waits for them (30 ms),
     * which is silence for that while: up to three decodes are taken, and the sine must be in one.
     */
    private void assertSine(int http, String when) throws Exception {
        AssertionError last = null;
        for (int attempt = 1; attempt <= 3; attempt++) {
            try {
                decodeSine(http, when);
                return;
            } catch (AssertionError e) {
                last = e;
                System.out.println(when + ", decode " + attempt + ": " + e.getMessage());
            }
        }
        throw last;
    }

    private void decodeSine(int http, String when) throws Exception {
        TestSupport.Response r = TestSupport.request(http, "GET", "/stream.sdp", null);
        assertEquals(200, r.code(), r.body());
        Path sdp = dir.resolve("stream.sdp"), pcm = dir.resolve("mic.pcm");
        Files.writeString(sdp, r.body());
        List<String> cmd = List.of("ffmpeg", "-hide_banner", "-nostdin", "-v", "error", "-protocol_whitelist", "file,udp,rtp",
                "-i", sdp.toString(), "-t", "2", "-map", "0:a:0", "-f", "s16le", "-ac", "1", "-ar", "48000", "-y", pcm.toString());
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(dir.resolve("ffmpeg.log").toFile()).start();
        clients.add(p);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "ffmpeg did not end");
        assertEquals(0, p.exitValue(), () -> "ffmpeg: " + read(dir.resolve("ffmpeg.log")));
        double hz = AudioTest.frequency(pcm);
        assertTrue(Math.abs(hz - SINE_HZ) / SINE_HZ < 0.03, when + ": the microphone's sine measured " + hz + " Hz, not " + SINE_HZ);
    }

    private static String read(Path p) {
        try {
            return Files.readString(p);
        } catch (IOException e) {
            return e.toString();
        }
    }
}
