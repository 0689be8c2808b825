package stream.server.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.eclipsesource.json.JsonObject;
import com.eclipsesource.json.JsonValue;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Sound through a real stream-server process: a stream with audio=test is read by decoders
 * nobody here wrote (ffprobe, ffmpeg) from its SDP, over RTSP, and from a recorded segment and a
 * clip; each time the audio is decoded to PCM and the tone's frequency is measured from its zero
 * crossings. A microphone that is not here is refused with 400 naming it.
 */
class AudioTest {
    /** The test tone, AudioSource.TONE_HZ. */
    private static final double TONE_HZ = 1000;
    private static final int RATE = 48_000;

    @TempDir
    static Path dir;
    static TestSupport.ServerProcess server;
    static int http, rtsp, dest;
    static final List<Process> clients = new ArrayList<>();

    @BeforeAll
    static void start() throws Exception {
        Path state = Files.createDirectory(dir.resolve("state"),
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        Path out = Path.of(System.getProperty("stream.build.dir"));
        rtsp = TestSupport.freeTcpPort();
        dest = stream.testkit.Ports.freeUdpQuad(); // receivers bind the four ports of a stream with sound
        server = new TestSupport.ServerProcess(List.of(), List.of("-Xmx64m",
                "-Dstream.webrtc.module-path=" + out.resolve("mods/stream.viewer.jar") + ":" + out.resolve("lib")),
                List.of("--bind", "127.0.0.1", "--port", "0", "--rtsp-port", String.valueOf(rtsp),
                        "--source", "test", "--width", "320", "--height", "240", "--framerate", "15", "--keyint", "1s",
                        "--dest", "127.0.0.1:" + dest, "--state-dir", state.toString(),
                        "--audio", "test", "--record", "true", "--record-segment", "2", "--start"), Map.of());
        http = server.awaitPort();
        TestSupport.waitUntil("main running with audio packets on its audio tap", Duration.ofSeconds(30), () -> {
            try {
                JsonObject s = TestSupport.status(http);
                JsonValue audio = s.get("audio");
                return "running".equals(s.getString("status", "")) && audio != null && audio.asObject().get("rtp") != null
                        && audio.asObject().get("rtp").asObject().getLong("packets", 0) > 50;
            } catch (IOException e) {
                return false;
            }
        });
    }

    @AfterAll
    static void stop() {
        clients.forEach(p -> TestSupport.killTree(p.toHandle()));
        if (server != null) server.close();
    }

    /** Runs a decoder to its end; fails with its stderr when it fails. */
    private static String run(List<String> cmd) throws Exception {
        Process p = new ProcessBuilder(cmd).redirectOutput(ProcessBuilder.Redirect.PIPE).start();
        clients.add(p);
        p.getOutputStream().close();
        byte[] stdout = p.getInputStream().readAllBytes();
        String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(60, TimeUnit.SECONDS)) fail(cmd.get(0) + " did not end: " + err);
        assertEquals(0, p.exitValue(), () -> String.join(" ", cmd) + ":\n" + err);
        return new String(stdout, StandardCharsets.UTF_8);
    }

    private static List<String> input(String... args) {
        return new ArrayList<>(List.of(args));
    }

    /** ffprobe's streams of an input, sorted: e.g. ["audio opus 48000", "video h264"]. */
    private static List<String> streams(List<String> in) throws Exception {
        List<String> cmd = input("ffprobe", "-v", "error");
        cmd.addAll(in);
        cmd.addAll(List.of("-show_entries", "stream=codec_type,codec_name,sample_rate", "-of", "compact=p=0"));
        List<String> found = new ArrayList<>();
        for (String line : run(cmd).lines().filter(l -> !l.isBlank()).toList()) {
            Map<String, String> f = new java.util.HashMap<>();
            for (String kv : line.strip().split("\\|")) {
                int eq = kv.indexOf('=');
                if (eq > 0) f.put(kv.substring(0, eq), kv.substring(eq + 1));
            }
            String rate = f.getOrDefault("sample_rate", "");
            found.add(f.get("codec_type") + " " + f.get("codec_name") + (rate.isEmpty() || rate.equals("N/A") ? "" : " " + rate));
        }
        return found.stream().sorted().toList();
    }

    private static final List<String> VIDEO_AND_OPUS = List.of("audio opus 48000", "video h264");

    /** @return the stream main's folder of recordings or clips in the state directory */
    private static Path media(String kind) throws IOException {
        try (Stream<Path> s = Files.walk(dir.resolve("state"))) {
            return s.filter(p -> p.endsWith(Path.of("main", kind))).findFirst().orElse(dir.resolve("state").resolve("none"));
        }
    }

    /** Decodes seconds of the input's audio to 48 kHz mono PCM and returns the tone's frequency measured in it. */
    private static double toneOf(List<String> in, double seconds, Path pcm) throws Exception {
        List<String> cmd = input("ffmpeg", "-hide_banner", "-nostdin", "-v", "error");
        cmd.addAll(in);
        cmd.addAll(List.of("-t", String.valueOf(seconds), "-map", "0:a:0", "-f", "s16le", "-ac", "1", "-ar", String.valueOf(RATE),
                "-y", pcm.toString()));
        run(cmd);
        return frequency(pcm);
    }

    /**
     * The frequency of the beeps in 16-bit PCM: zero crossings counted inside each beep (the span
     * where the signal is loud, its first and last 10 ms left out), over the time they span.
     */
    static double frequency(Path pcm) throws IOException {
        ByteBuffer b = ByteBuffer.wrap(Files.readAllBytes(pcm)).order(ByteOrder.LITTLE_ENDIAN);
        short[] s = new short[b.remaining() / 2];
        b.asShortBuffer().get(s);
        int loud = 2000, gap = RATE / 20, margin = RATE / 100;
        long crossings = 0, samples = 0;
        int beeps = 0;
        int i = 0;
        while (i < s.length) {
            while (i < s.length && Math.abs(s[i]) < loud) i++;
            int first = i, last = i;
            while (i < s.length && i - last < gap) { // the beep goes on until 50 ms of quiet
                if (Math.abs(s[i]) >= loud) last = i;
                i++;
            }
            if (last - first < RATE / 10) continue; // cut by the start or end of the decode
            int from = first + margin, to = last - margin, n = 0;
            for (int k = from + 1; k <= to; k++) if ((s[k - 1] < 0) != (s[k] < 0)) n++;
            crossings += n;
            samples += to - from;
            beeps++;
        }
        assertTrue(beeps >= 1, "no whole beep in " + s.length + " samples of decoded audio (" + pcm + ")");
        return crossings / 2.0 / (samples / (double) RATE);
    }

    private static void assertTone(double hz, String where) {
        assertTrue(Math.abs(hz - TONE_HZ) / TONE_HZ < 0.03, where + ": the tone measured " + hz + " Hz, not " + TONE_HZ + " Hz");
    }

    @Test
    void theSdpDescribesVideoAndOpusAndTheAudioDecodesToTheTone() throws Exception {
        TestSupport.Response r = TestSupport.request(http, "GET", "/stream.sdp", null);
        assertEquals(200, r.code(), r.body());
        assertTrue(r.body().contains("m=audio " + (dest + 2) + " RTP/AVP 97\r\na=rtpmap:97 opus/48000/2"), r.body());
        Path sdp = dir.resolve("stream.sdp");
        Files.writeString(sdp, r.body());
        List<String> in = input("-protocol_whitelist", "file,udp,rtp", "-i", sdp.toString());
        assertEquals(VIDEO_AND_OPUS, streams(in));
        assertTone(toneOf(in, 3, dir.resolve("sdp.pcm")), "from the SDP");

        // The flash beside the beep: the top-left corner of the picture is white in some frames and dark in others.
        Path gray = dir.resolve("frames.gray");
        List<String> cmd = input("ffmpeg", "-hide_banner", "-nostdin", "-v", "error");
        cmd.addAll(in);
        cmd.addAll(List.of("-t", "3", "-map", "0:v:0", "-f", "rawvideo", "-pix_fmt", "gray", "-y", gray.toString()));
        run(cmd);
        byte[] frames = Files.readAllBytes(gray);
        int size = 320 * 240, white = 0, dark = 0;
        for (int f = 0; f + size <= frames.length; f += size) {
            int corner = frames[f + 5 * 320 + 5] & 0xFF;
            if (corner > 200) white++;
            else if (corner < 60) dark++;
        }
        assertTrue(white > 0 && dark > 0, "the corner flashes: " + white + " white and " + dark + " dark frames");
    }

    @Test
    void rtspCarriesH264AndOpusAndTheAudioDecodesToTheTone() throws Exception {
        TestSupport.waitUntil("main served over RTSP", Duration.ofSeconds(30), () -> {
            try {
                return TestSupport.status(http).get("rtsp").asObject().getBoolean("served", false);
            } catch (IOException e) {
                return false;
            }
        });
        List<String> in = input("-rtsp_transport", "tcp", "-i", "rtsp://127.0.0.1:" + rtsp + "/main");
        assertEquals(VIDEO_AND_OPUS, streams(in));
        assertTone(toneOf(in, 3, dir.resolve("rtsp.pcm")), "over RTSP");
    }

    @Test
    void aRecordedSegmentAndAClipCarryTheTone() throws Exception {
        TestSupport.waitUntil("a finished recording segment", Duration.ofSeconds(30), () -> {
            try {
                return !mp4s(media("recordings")).isEmpty();
            } catch (IOException e) {
                return false;
            }
        });
        Path segment = mp4s(media("recordings")).get(0);
        List<String> in = input("-i", segment.toString());
        assertEquals(VIDEO_AND_OPUS, streams(in));
        assertTone(toneOf(in, 10, dir.resolve("segment.pcm")), "in segment " + segment.getFileName());
        // The listing's duration is the video's, not the sum of both tracks.
        JsonObject listed = TestSupport.request(http, "GET", "/streams/main/recordings", null).json();
        for (JsonValue v : listed.get("recordings").asArray()) {
            double d = v.asObject().getDouble("duration", -1);
            assertTrue(d > 0 && d < 10, "a 2 s segment (cut at the next keyframe) lasts " + d + " s: " + v);
        }

        TestSupport.Response r = TestSupport.request(http, "POST", "/streams/main/clips", "{\"before\":2,\"after\":1}");
        assertEquals(202, r.code(), r.body());
        Path clip = media("clips").resolve(r.json().getString("name", ""));
        TestSupport.waitUntil("clip " + clip.getFileName() + " finished", Duration.ofSeconds(30), () -> Files.exists(clip));
        List<String> clipIn = input("-i", clip.toString());
        assertEquals(VIDEO_AND_OPUS, streams(clipIn));
        assertTone(toneOf(clipIn, 10, dir.resolve("clip.pcm")), "in the clip");

        // The writers' FIFOs are unlinked once their children have them open: none is left in the temporary folder.
        TestSupport.waitUntil("no stream-mp4-audio folder left in " + System.getProperty("java.io.tmpdir"), Duration.ofSeconds(10), () -> {
            try (Stream<Path> s = Files.list(Path.of(System.getProperty("java.io.tmpdir")))) {
                return s.noneMatch(p -> p.getFileName().toString().startsWith("stream-mp4-audio"));
            } catch (IOException e) {
                return false;
            }
        });
    }

    private static List<Path> mp4s(Path folder) {
        if (!Files.isDirectory(folder)) return List.of();
        try (Stream<Path> s = Files.list(folder)) {
            return s.filter(p -> p.getFileName().toString().endsWith(".mp4")).sorted().toList();
        } catch (IOException e) {
            return List.of();
        }
    }

    @Test
    void aMicrophoneThatIsNotHereIsRefusedNamingIt() throws Exception {
        for (String device : List.of("hw:9,9", "pulse:no-such-source")) {
            TestSupport.Response r = TestSupport.request(http, "PUT", "/streams/mic",
                    "{\"source\":\"test\",\"audio\":\"" + device + "\",\"destinations\":[\"127.0.0.1:" + TestSupport.freeUdpPort() + "\"]}");
            assertEquals(400, r.code(), r.body());
            assertTrue(r.body().contains(device), r.body());
        }
        TestSupport.Response bad = TestSupport.request(http, "PUT", "/streams/mic",
                "{\"source\":\"test\",\"audio\":\"/dev/dsp; rm\",\"destinations\":[\"127.0.0.1:" + TestSupport.freeUdpPort() + "\"]}");
        assertEquals(400, bad.code(), bad.body());
        assertTrue(bad.body().contains("pulse:SOURCE"), "says what is allowed: " + bad.body());
        assertFalse(TestSupport.request(http, "GET", "/streams", null).body().contains("\"mic\""), "nothing was defined");
    }
}
