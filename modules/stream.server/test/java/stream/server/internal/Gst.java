package stream.server.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.eclipsesource.json.Json;
import com.eclipsesource.json.JsonObject;
import com.eclipsesource.json.JsonValue;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import stream.testkit.Processes;

/** Real gst-launch-1.0 (and other) child processes for tests, with their output kept, killed with descendants. */
final class Gst implements AutoCloseable {
    final Process process;
    final List<String> lines = new CopyOnWriteArrayList<>();
    private final Thread reader;

    private Gst(List<String> command) throws IOException {
        process = new ProcessBuilder(command).redirectErrorStream(true).start();
        reader = Processes.pump(process.getInputStream(), lines::add);
    }

    /** Waits for the process to end and its last line to be read; false if it did not end in time. */
    boolean awaitEnd(long seconds) throws InterruptedException {
        if (!process.waitFor(seconds, TimeUnit.SECONDS)) return false;
        reader.join(10_000);
        return true;
    }

    static Gst start(List<String> command) throws IOException {
        return new Gst(command);
    }

    /**
     * Runs ffprobe on an SDP file for 3 s of video and checks what a player would see: H.264 of the
     * given size, at least 15 decoded frames, each of that width.
     * @param sdp the SDP file
     * @param frameEntries the frame fields to show besides width and height, e.g. "key_frame"
     * @return the decoded frames, as ffprobe describes them
     */
    static List<JsonValue> ffprobeH264(Path sdp, String frameEntries, int width, int height) throws Exception {
        try (Gst probe = start(List.of("ffprobe", "-v", "error", "-protocol_whitelist", "file,udp,rtp",
                "-select_streams", "v:0", "-read_intervals", "%+3", "-show_frames",
                "-show_entries", "stream=codec_name,width,height:frame=width,height," + frameEntries, "-of", "json",
                "-i", sdp.toString()))) {
            assertTrue(probe.awaitEnd(60), "ffprobe did not finish: " + probe.output());
            String out = probe.output();
            int json = out.indexOf('{');
            assertTrue(json >= 0, out);
            JsonObject o = Json.parse(out.substring(json)).asObject();
            JsonObject stream = o.get("streams").asArray().get(0).asObject();
            assertEquals("h264", stream.getString("codec_name", ""), out);
            assertEquals(width, stream.getInt("width", 0), out);
            assertEquals(height, stream.getInt("height", 0), out);
            List<JsonValue> frames = o.get("frames").asArray().values();
            assertTrue(frames.size() >= 15, "decoded frames: " + frames.size() + "\n" + out);
            for (JsonValue f : frames) assertEquals(width, f.asObject().getInt("width", 0), out);
            return frames;
        }
    }

    /**
     * A live test-pattern H.264/RTP sender, as the server's pipeline sends it.
     * @param clients HOST:PORT,... for multiudpsink
     */
    static Gst sender(int width, int height, int fps, String clients) throws IOException {
        List<String> c = new ArrayList<>(List.of("gst-launch-1.0", "-e", "-v", "videotestsrc", "is-live=true", "pattern=ball",
                "!", "video/x-raw,format=I420,width=" + width + ",height=" + height + ",framerate=" + fps + "/1",
                "!", "x264enc", "tune=zerolatency", "speed-preset=ultrafast", "key-int-max=" + fps,
                "!", "video/x-h264,profile=constrained-baseline",
                "!", "rtph264pay", "config-interval=1", "pt=96",
                "!", "multiudpsink", "clients=" + clients));
        return start(c);
    }

    String output() {
        return String.join("\n", lines);
    }

    void signal(String sig) throws IOException, InterruptedException {
        Process k = new ProcessBuilder("kill", "-" + sig, Long.toString(process.pid())).inheritIO().start();
        if (k.waitFor() != 0) throw new IOException("kill -" + sig + " failed");
    }

    @Override
    public void close() {
        Processes.killTree(process); // SIGKILL: also ends a SIGSTOPped process
    }
}
