package stream.server.internal.record;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.eclipsesource.json.Json;
import com.eclipsesource.json.JsonObject;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import stream.server.internal.rtp.RtpTap;
import stream.testkit.Await;

/**
 * A real stream for the recording tests: gst-launch-1.0 encoding the ball test pattern with the
 * server's encoder settings (key-int-max = fps, so one keyframe a second) as RTP over real UDP to
 * a real {@link RtpTap}, whose listener is a {@link StreamCapture}.
 */
final class Live implements AutoCloseable {
    static final int WIDTH = 320, HEIGHT = 240, FPS = 30;
    static final String GST = "gst-launch-1.0";

    final RtpTap tap;
    final StreamCapture capture;
    final Path dir;
    private Process sender;

    Live(Path dir) throws IOException {
        this.dir = dir;
        this.tap = RtpTap.open();
        this.capture = new StreamCapture(GST, new StreamCapture.CaptureSettings(dir.resolve("rec"), dir.resolve("clips"), 10, 16L << 20, dir));
        tap.addListener(capture);
        startSender();
    }

    void startSender() throws IOException {
        sender = new ProcessBuilder(GST, "-q", "videotestsrc", "is-live=true", "pattern=ball", "!",
                "video/x-raw,format=I420,width=" + WIDTH + ",height=" + HEIGHT + ",framerate=" + FPS + "/1", "!",
                "x264enc", "tune=zerolatency", "speed-preset=ultrafast", "key-int-max=" + FPS, "!",
                "video/x-h264,profile=constrained-baseline", "!", "rtph264pay", "config-interval=1", "pt=96", "!",
                "udpsink", "host=127.0.0.1", "port=" + tap.port())
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
    }

    void stopSender() {
        sender.destroyForcibly();
        sender.onExit().completeOnTimeout(null, 10, TimeUnit.SECONDS).join();
    }

    /** Waits until the capture has a picture (the first keyframe arrived). */
    void awaitPicture() {
        Await.until("the first keyframe", Duration.ofSeconds(30), capture::receiving);
    }

    @Override
    public void close() {
        stopSender();
        tap.removeListener(capture);
        capture.close();
        tap.close();
    }

    /** What ffprobe, an independent reader, makes of a file. */
    record Probe(String codec, int width, int height, double duration, int frames, boolean firstFrameKey, String raw) {}

    static Probe ffprobe(Path file) throws IOException, InterruptedException {
        String all = probeJson(file, "-count_frames", "-show_entries", "stream=codec_name,width,height,nb_read_frames:format=duration");
        JsonObject o = Json.parse(all).asObject();
        JsonObject s = o.get("streams").asArray().get(0).asObject();
        String first = probeJson(file, "-show_frames", "-show_entries", "frame=key_frame", "-read_intervals", "%+#1");
        var frames = Json.parse(first).asObject().get("frames").asArray();
        boolean key = !frames.isEmpty() && frames.get(0).asObject().getInt("key_frame", 0) == 1;
        String duration = o.get("format").asObject().getString("duration", "0");
        return new Probe(s.getString("codec_name", ""), s.getInt("width", 0), s.getInt("height", 0),
                Double.parseDouble(duration), Integer.parseInt(s.getString("nb_read_frames", "0")), key, all + first);
    }

    private static String probeJson(Path file, String... options) throws IOException, InterruptedException {
        List<String> c = new ArrayList<>(List.of("ffprobe", "-v", "error", "-select_streams", "v:0"));
        c.addAll(List.of(options));
        c.addAll(List.of("-of", "json", file.toString()));
        Process p = new ProcessBuilder(c).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "ffprobe hung on " + file);
        assertTrue(p.exitValue() == 0 && out.contains("{"), "ffprobe failed on " + file + ": " + out);
        return out.substring(out.indexOf('{'));
    }

    static long run(String... command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(60, TimeUnit.SECONDS)) fail(String.join(" ", command) + " hung");
        if (p.exitValue() != 0) fail(String.join(" ", command) + " failed: " + out);
        return p.exitValue();
    }

    static List<Path> files(Path dir, String glob) throws IOException {
        List<Path> out = new ArrayList<>();
        try (var s = Files.newDirectoryStream(dir, glob)) {
            s.forEach(out::add);
        }
        out.sort(null);
        return out;
    }
}
