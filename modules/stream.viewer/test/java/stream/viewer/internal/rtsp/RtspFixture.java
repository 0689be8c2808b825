package stream.viewer.internal.rtsp;

import static org.junit.jupiter.api.Assertions.fail;

import com.eclipsesource.json.Json;
import com.eclipsesource.json.JsonObject;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import stream.testkit.Await;
import java.time.Duration;

/**
 * Real parts for the RTSP gateway's tests: the gateway as a child process (java -m), senders
 * (gst-launch-1.0 with x264enc), and clients nobody here wrote (ffprobe, ffmpeg, rtspsrc). Every
 * process started is killed by {@link #close()}; commands may be prefixed (ip netns exec NS).
 */
final class RtspFixture implements AutoCloseable {
    private final List<Process> processes = new CopyOnWriteArrayList<>();
    private final Path dir;
    private final List<String> prefix;
    private final AtomicInteger files = new AtomicInteger();

    RtspFixture(Path dir, List<String> prefix) {
        this.dir = dir;
        this.prefix = List.copyOf(prefix);
    }

    /** The test JVM's module path with absolute entries (children run in other folders). */
    static String modulePath() {
        var entries = new ArrayList<String>();
        for (String e : System.getProperty("jdk.module.path").split(java.io.File.pathSeparator)) {
            if (!e.isEmpty()) entries.add(Path.of(e).toAbsolutePath().toString());
        }
        return String.join(java.io.File.pathSeparator, entries);
    }

    /** A started process with its output in files. */
    record Run(Process process, Path out, Path err) {
        String output() {
            return read(out) + read(err);
        }

        String errText() {
            return read(err);
        }

        private static String read(Path file) {
            try {
                return Files.readString(file, StandardCharsets.UTF_8);
            } catch (IOException e) {
                return "(cannot read " + file + ": " + e + ")";
            }
        }

        /** Waits for the exit; fails naming the command when it does not end in time. @return the exit code */
        int exit(double seconds, String what) throws InterruptedException {
            if (!process.waitFor((long) (seconds * 1000), TimeUnit.MILLISECONDS)) {
                fail(what + " did not end within " + seconds + " s; output so far:\n" + output());
            }
            return process.exitValue();
        }
    }

    Run start(List<String> command) throws IOException {
        var all = new ArrayList<>(prefix);
        all.addAll(command);
        int n = files.incrementAndGet();
        String base = Path.of(command.get(0)).getFileName() + "-" + n;
        Path out = dir.resolve(base + ".out");
        Path err = dir.resolve(base + ".err");
        var process = new ProcessBuilder(all).directory(dir.toFile()).redirectOutput(out.toFile())
                .redirectError(err.toFile()).redirectInput(ProcessBuilder.Redirect.PIPE).start();
        processes.add(process);
        process.getOutputStream().close();
        return new Run(process, out, err);
    }

    /** Runs to the end. @return the run, whose exit code is checked by the caller */
    Run run(double seconds, String... command) throws IOException, InterruptedException {
        Run r = start(List.of(command));
        r.exit(seconds, String.join(" ", command));
        return r;
    }

    /** A live test pattern at width x height, H.264 RTP (pt 96) to 127.0.0.1:port, a keyframe a second. */
    Run sender(int port, int width, int height) throws IOException {
        return start(List.of("gst-launch-1.0", "-q", "-e", "videotestsrc", "is-live=true", "pattern=ball",
                "!", "video/x-raw,width=" + width + ",height=" + height + ",framerate=30/1,format=I420",
                "!", "x264enc", "tune=zerolatency", "speed-preset=ultrafast", "key-int-max=30",
                "!", "video/x-h264,profile=constrained-baseline", "!", "rtph264pay", "config-interval=1", "pt=96",
                "!", "udpsink", "host=127.0.0.1", "port=" + port, "sync=false"));
    }

    /** The gateway process, talked to over its stdin/stdout. */
    final class Gateway {
        final Process process;
        final Path err;
        final int port;
        private final Writer in;
        private final List<JsonObject> lines = new CopyOnWriteArrayList<>();
        private final AtomicInteger ids = new AtomicInteger();

        Gateway(String... options) throws IOException, InterruptedException {
            var command = new ArrayList<>(prefix);
            command.addAll(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "--enable-native-access=com.sun.jna", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
                    "--module-path", modulePath(),
                    "-m", "stream.viewer/stream.viewer.internal.rtsp.RtspGateway"));
            command.addAll(List.of(options));
            err = dir.resolve("gateway-" + files.incrementAndGet() + ".err");
            process = new ProcessBuilder(command).redirectError(err.toFile()).start();
            processes.add(process);
            in = new OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8);
            Thread.ofPlatform().daemon().start(() -> {
                try (var reader = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                    String line;
                    while ((line = reader.readLine()) != null) lines.add(Json.parse(line).asObject());
                } catch (IOException | RuntimeException e) {
                    // the gateway ended
                }
            });
            Await.until("the gateway's ready event (stderr: " + err + ")", Duration.ofSeconds(30),
                    () -> event("ready") != null || !process.isAlive());
            if (event("ready") == null) fail("the gateway ended before it was ready:\n" + Run.read(err));
            port = event("ready").getInt("port", -1);
        }

        JsonObject event(String name) {
            return lines.stream().filter(l -> name.equals(l.getString("event", null))).findFirst().orElse(null);
        }

        /** Sends a request and waits for the line with its id. */
        JsonObject request(JsonObject request) throws IOException, InterruptedException {
            int id = ids.incrementAndGet();
            synchronized (in) {
                in.write(request.add("id", id).toString() + "\n");
                in.flush();
            }
            JsonObject[] reply = new JsonObject[1];
            Await.until("an answer to " + request.getString("op", "?"), Duration.ofSeconds(20), () -> {
                for (JsonObject l : lines) {
                    if (l.get("id") != null && l.get("id").isNumber() && l.get("id").asInt() == id) {
                        reply[0] = l;
                        return true;
                    }
                }
                return false;
            });
            return reply[0];
        }

        int addStream(String name) throws IOException, InterruptedException {
            JsonObject reply = request(new JsonObject().add("op", "addStream").add("name", name));
            if (reply.get("rtpPort") == null) fail("addStream " + name + " refused: " + reply);
            return reply.getInt("rtpPort", -1);
        }

        String url(String name) {
            return url("127.0.0.1", name);
        }

        String url(String host, String name) {
            return "rtsp://" + host + ":" + port + "/" + name;
        }

        String stderr() {
            return Run.read(err);
        }

        /** Closes stdin: the gateway must end by itself. @return its exit code */
        int closeStdin() throws IOException, InterruptedException {
            in.close();
            if (!process.waitFor(10, TimeUnit.SECONDS)) fail("the gateway did not end within 10 s of its stdin closing");
            return process.exitValue();
        }
    }

    @Override
    public void close() {
        for (Process p : processes) {
            p.descendants().forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly();
        }
        try {
            for (Process p : processes) p.waitFor(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
