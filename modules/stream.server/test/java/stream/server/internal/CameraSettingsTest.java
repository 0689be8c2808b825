package stream.server.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.eclipsesource.json.Json;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import stream.server.internal.settings.RestartPolicy;
import stream.server.internal.settings.SettingsGrammar.Invalid;
import stream.server.internal.settings.SettingsGrammar.Restart;
import stream.server.internal.settings.StreamSettings;
import stream.server.internal.sources.Encoders;
import stream.server.internal.sources.RtspCamera;
import stream.server.internal.sources.Source;
import stream.server.internal.sources.Sources;
import stream.server.internal.supervisor.StreamPlan;

/** The settings of an IP camera: its URL's grammar, the write-only password, the restart default, the relay's command. */
class CameraSettingsTest {
    private static final String PASSWORD = "Zq9-very-secret";
    private static final StreamSettings D = StreamSettings.defaults();

    private static StreamSettings camera() {
        return D.withJson(Json.parse("{\"source\":\"rtsp://cam.local:8554/cam/realmonitor?channel=1&subtype=0\","
                + "\"source-user\":\"admin\",\"source-password\":\"" + PASSWORD + "\"}").asObject());
    }

    @Test
    void cameraUrlsAreSourcesAndBadOnesAreRefused() {
        for (String ok : List.of("rtsp://192.168.1.10/stream1", "rtsp://cam.local:8554/live", "rtsp://[fd00::5]:554/h264",
                "rtsp://cam/cam/realmonitor?channel=1&subtype=0", "rtsp://10.0.0.2"))
            assertEquals(ok, D.with("source", ok).get(StreamSettings.SOURCE), ok);
        for (String bad : List.of("rtsp://", "rtsp://host name/x", "rtsp://h:99999/x", "rtsp://h/a\"b", "rtsp://h/a b",
                "rtsp://h/../x", "rtsp://[zz::1]/x", "http://h/x"))
            assertThrows(Invalid.class, () -> D.with("source", bad), bad);
    }

    @Test
    void credentialsInTheUrlAreRefusedWithoutEchoingThem() {
        Invalid e = assertThrows(Invalid.class, () -> D.with("source", "rtsp://admin:" + PASSWORD + "@cam/live"));
        assertEquals("source", e.field());
        assertFalse(e.getMessage().contains(PASSWORD), e.getMessage());
        assertTrue(e.getMessage().contains("source-user") && e.getMessage().contains("source-password"), e.getMessage());
        Invalid p = assertThrows(Invalid.class, () -> D.with("source-password", "tab\there" + PASSWORD));
        assertFalse(p.getMessage().contains(PASSWORD), p.getMessage());
        assertThrows(Invalid.class, () -> D.with("source-user", "a:b"));
        assertThrows(Invalid.class, () -> D.with("source-password", PASSWORD), "a password without a user");
    }

    @Test
    void thePasswordIsWriteOnly() {
        StreamSettings s = camera();
        assertEquals(PASSWORD, s.get(StreamSettings.SOURCE_PASSWORD));
        assertNull(s.toJson().get("source-password"), "not in the status or any answer: " + s.toJson());
        assertFalse(s.toString().contains(PASSWORD), s.toString());
        assertEquals(PASSWORD, s.toStoredJson().getString("source-password", ""), "the definitions file keeps it");
        assertEquals(s, StreamSettings.fromJson(s.toStoredJson()));
        assertFalse(s.sameChild(s.with("source-password", "another")), "a new password makes a new child");
        assertEquals("tcp", s.toJson().getString("source-transport", ""));
        assertEquals("udp", s.with("source-transport", "udp").toJson().getString("source-transport", ""));
        assertThrows(Invalid.class, () -> s.with("source-transport", "http"));
    }

    @Test
    void aCameraRestartsOnFailureByDefaultAndBacksOffLittle() {
        assertEquals(Restart.NEVER, D.restart());
        assertEquals(Restart.ON_FAILURE, camera().restart());
        assertEquals(Restart.NEVER, camera().with("restart", "never").restart(), "unless told otherwise");
        assertEquals("on-failure", camera().toJson().getString("restart", ""));
        RestartPolicy p = RestartPolicy.of(camera());
        Duration longest = Duration.ZERO;
        for (int i = 0; i < 20; i++) {
            Duration d = p.onEnd(RestartPolicy.End.FAILED, Duration.ofMillis(100)).orElseThrow();
            if (d.compareTo(longest) > 0) longest = d;
        }
        assertEquals(Duration.ofSeconds(2), longest, "retried forever, capped at 2 s");
    }

    /** This machine has no encoder hardware: what can be tested is the refusal and the fallback to x264 with its reason. */
    @Test
    void encodersFallBackToX264AndSayWhy() {
        assertThrows(Invalid.class, () -> D.with("encoder", "openh264enc"));
        assertEquals("auto", D.get(StreamSettings.ENCODER));
        assertEquals(new Encoders.Choice("x264enc", "encoder x264"), Encoders.choose("x264"));
        Encoders.Choice auto = Encoders.choose("auto");
        assertEquals("x264enc", auto.element(), "no hardware encoder works on this machine: " + auto.reason());
        for (String hw : Encoders.HARDWARE) assertTrue(auto.reason().contains(hw), "the reason names every encoder tried: " + auto.reason());
        Encoders.Choice va = Encoders.choose("vah264enc");
        assertEquals("x264enc", va.element());
        assertTrue(va.reason().contains("vah264enc") && va.reason().endsWith("x264 instead"), va.reason());
        List<String> command = new StreamPlan(D.with("source", "test").with("encoder", "nvh264enc"), Sources.choose("test"))
                .command("gst-launch-1.0", 0);
        assertTrue(command.contains("x264enc") && !command.contains("nvh264enc"), command.toString());
        assertEquals(List.of("vah264enc", "rate-control=cbr", "bitrate=2000", "key-int-max=30"),
                new Encoders.Choice("vah264enc", "").arguments(2000, 30, "ultrafast"));
        assertEquals("NV12", new Encoders.Choice("vah264enc", "").rawFormat());
    }

    @Test
    void theRelaysCommandLineHoldsNoCredentialsItsStdinDoes() {
        String property = stream.server.internal.process.MediaCommand.MODULE_PATH_PROPERTY;
        String was = System.getProperty(property);
        System.setProperty(property, System.getProperty("jdk.module.path"));
        try {
            relayCommand();
        } finally {
            if (was == null) System.clearProperty(property);
            else System.setProperty(property, was);
        }
    }

    private void relayCommand() {
        StreamPlan plan = new StreamPlan(camera(), Sources.choose(camera().get(StreamSettings.SOURCE)));
        assertEquals(Source.Kind.RTSP, plan.source().kind());
        List<String> command = RtspCamera.command(camera(), 40000);
        String joined = String.join(" ", plan.command("/usr/bin/gst-launch-1.0", 40000));
        assertEquals(String.join(" ", command), joined);
        assertTrue(joined.contains(RtspCamera.MAIN) && joined.contains("--target 127.0.0.1:40000"), joined);
        assertFalse(joined.contains(PASSWORD) || joined.contains("admin"), joined);
        assertTrue(plan.stdin().contains(PASSWORD) && plan.stdin().endsWith("\n"), "the credentials go on stdin");
        assertNull(new StreamPlan(D.with("source", "test"), Sources.choose("test")).stdin(), "gst-launch reads no stdin");
        assertEquals(RtspCamera.Problem.REFUSED_CREDENTIALS, RtspCamera.Problem.ofExit(11));
        assertTrue(RtspCamera.Problem.REFUSED_CREDENTIALS.retrySeldom());
        assertFalse(RtspCamera.Problem.UNREACHABLE.retrySeldom());
        assertTrue(joined.contains("--reconnect on --stall-timeout 5"), "the relay asks a lost camera again itself: " + joined);
        assertFalse(joined.contains("--audio-target"), "no sound unless audio camera: " + joined);
        // audio camera: Opus to each destination's port + 2 and to the audio tap
        StreamSettings withSound = camera().with("audio", "camera").with("destinations", "10.0.0.2:6000");
        String sound = String.join(" ", new StreamPlan(withSound, Sources.choose(withSound.get(StreamSettings.SOURCE)))
                .command("/usr/bin/gst-launch-1.0", 40000, 40002));
        assertTrue(sound.contains("--target 10.0.0.2:6000 --target 127.0.0.1:40000 --audio-target 10.0.0.2:6002"
                + " --audio-target 127.0.0.1:40002"), sound);
        assertEquals(RtspCamera.Problem.NO_VIDEO, RtspCamera.reported("{\"problem\":15,\"message\":\"no video for 5 s\"}").orElseThrow());
        assertEquals(RtspCamera.Problem.UNREACHABLE, RtspCamera.reported("{\"problem\":10,\"message\":\"x\"}").orElseThrow());
        assertTrue(RtspCamera.reported("caps = application/x-rtp").isEmpty());
    }

    @Test
    void aCamerasSoundIsItsOwnAndOnlyACameraHasOne() {
        assertEquals("camera", camera().with("audio", "camera").get(StreamSettings.AUDIO));
        assertTrue(camera().with("audio", "camera").hasAudio());
        var microphone = assertThrows(Invalid.class, () -> camera().with("audio", "test"));
        assertTrue(microphone.getMessage().contains("none or camera"), microphone.getMessage());
        var notACamera = assertThrows(Invalid.class, () -> D.with("source", "test").with("audio", "camera"));
        assertTrue(notACamera.getMessage().contains("rtsp://"), notACamera.getMessage());
    }
}
