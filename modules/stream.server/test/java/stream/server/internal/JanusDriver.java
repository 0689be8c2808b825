package stream.server.internal;


import com.eclipsesource.json.Json;
import com.eclipsesource.json.JsonArray;
import com.eclipsesource.json.JsonObject;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import java.time.Duration;
import stream.testkit.Await;

/**
 * The {@link JanusFeedDriver} JVM in a {@link JanusLab}'s server namespace, seen from the test:
 * it is given the stream's settings, answers status and stop, and is fed by a real gst-launch
 * encoder in the same namespace. Also the polling helpers the Janus tests share.
 */
final class JanusDriver {
    final Gst process;
    private final OutputStream in;
    final int tapPort;
    final int feedPort;

    /** A check that may throw (an HTTP request, a command to the driver). */
    @FunctionalInterface
    interface Probe<T> {
        T get() throws Exception;
    }

    JanusDriver(JanusLab lab, JsonObject settings) throws Exception {
        process = lab.inServerNs(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-XX:+UseSerialGC", "-Xmx64m", "-XX:TieredStopAtLevel=1", "-p", System.getProperty("jdk.module.path"),
                "-m", "stream.server/stream.server.internal.JanusFeedDriver"));
        in = process.process.getOutputStream();
        send(settings.toString()); // secrets go through stdin, never the command line
        Await.until(() -> "process.lines.stream().anyMatch(l -> l.startsWith(\"PORTS \")): " + process.output(), Duration.ofSeconds(60), () -> process.lines.stream().anyMatch(l -> l.startsWith("PORTS ")));
        String[] ports = process.lines.stream().filter(l -> l.startsWith("PORTS ")).findFirst().orElseThrow().split(" ");
        tapPort = Integer.parseInt(ports[1]);
        feedPort = Integer.parseInt(ports[2]);
    }

    /** Starts a real encoder in the server namespace sending to the tap and to the feed (the tap's listener, in the server). */
    Gst sender(JanusLab lab, int width, int height, int fps) throws IOException {
        return sender(lab, width, height, fps, "ball", 2048);
    }

    /** The same with another test pattern (snow: incompressible, so the stream runs at the bitrate) and bitrate in kbit/s. */
    Gst sender(JanusLab lab, int width, int height, int fps, String pattern, int bitrate) throws IOException {
        return lab.inServerNs(List.of("gst-launch-1.0", "-e", "videotestsrc", "is-live=true", "pattern=" + pattern,
                "!", "video/x-raw,format=I420,width=" + width + ",height=" + height + ",framerate=" + fps + "/1",
                "!", "x264enc", "tune=zerolatency", "speed-preset=ultrafast", "key-int-max=" + fps, "bitrate=" + bitrate,
                "!", "video/x-h264,profile=constrained-baseline", "!", "rtph264pay", "config-interval=1", "pt=96",
                "!", "multiudpsink", "clients=127.0.0.1:" + tapPort + ",127.0.0.1:" + feedPort));
    }

    private void send(String line) throws IOException {
        in.write((line + "\n").getBytes(StandardCharsets.UTF_8));
        in.flush();
    }

    /** Sends a command and returns the rest of the first new line that starts with the prefix. */
    String answer(String command, String prefix) throws Exception {
        int before = process.lines.size();
        send(command);
        AtomicReference<String> found = new AtomicReference<>();
        Await.until(() -> "the condition at JanusDriver.java:69: " + "no answer to " + command + ":\n" + process.output(), Duration.ofSeconds(60), () -> {
            List<String> l = process.lines;
            for (int i = before; i < l.size(); i++)
                if (l.get(i).startsWith(prefix)) {
                    found.set(l.get(i).substring(prefix.length()));
                    return true;
                }
            return false;
        });
        return found.get();
    }

    /** @return the feed's status: one object per Janus, in the settings' order */
    JsonArray status() throws Exception {
        return Json.parse(answer("status", "STATUS ")).asObject().get("janus").asArray();
    }

    /** @return the feed's /metrics text */
    String metrics() throws Exception {
        return Json.parse(answer("status", "STATUS ")).asObject().getString("metrics", "");
    }

    /** Stops the stream's feed; returns the final status. */
    JsonArray stop() throws Exception {
        return Json.parse(answer("stop", "STOPPED ")).asObject().get("janus").asArray();
    }

    /** @return Janus number n's status (1-based) */
    JsonObject of(int n) throws Exception {
        return status().get(n - 1).asObject();
    }

    static JsonObject of(JsonArray status, int n) {
        return status.get(n - 1).asObject();
    }

    /** @return whether Janus n's mountpoint is ready and has been sent packets */
    boolean ready(int n) throws Exception {
        JsonObject s = of(n);
        return s.getString("state", "").equals("ready") && s.getLong("packets", 0) > 0;
    }

    /** A failure message computed only when needed. */
    static Supplier<String> show(Probe<?> p) {
        return () -> {
            try {
                return String.valueOf(p.get());
            } catch (Exception e) {
                return e.toString();
            }
        };
    }
}
