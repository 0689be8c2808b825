package bench;

import com.eclipsesource.json.Json;
import com.eclipsesource.json.JsonObject;
import com.eclipsesource.json.JsonValue;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import stream.testkit.Ports;

/** Our stream-server from the image, on a free port with a state directory of its own, driven over HTTP. */
final class Server {
    final int port;
    final int udp;
    final Proc proc;
    final String url;
    // one client per server: a pooled connection to an earlier server on a reused port would fail the first request
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(3)).build();

    /** Starts stream-server --source test sending to 127.0.0.1:udp (unless extraArgs has a --dest) and waits until it answers (20 s). */
    Server(Config cfg, int udp, Map<String, String> env, String label, String... extraArgs) throws Exception {
        this.port = Ports.freeTcp();
        this.udp = udp;
        this.url = "http://127.0.0.1:" + port;
        Path state = Files.createTempDirectory(cfg.work(), "state");
        Map<String, String> e = new HashMap<>();
        if (env != null) e.putAll(env);
        e.put("STREAM_STATE_DIR", state.toString());
        List<String> cmd = new ArrayList<>(List.of(cfg.bin("stream-server"), "--port", String.valueOf(port),
                "--bind", "127.0.0.1", "--source", "test"));
        // extraArgs with a --dest of their own (several destinations) replace the default one
        if (!List.of(extraArgs).contains("--dest")) cmd.addAll(List.of("--dest", "127.0.0.1:" + udp));
        cmd.addAll(List.of(extraArgs));
        proc = Proc.start("server-" + label, cmd, e, cfg.logs());
        long deadline = System.nanoTime() + 20_000_000_000L;
        while (true) {
            try {
                if (get().get("status") != null) break;
            } catch (IOException ex) {
                // not yet
            }
            if (!proc.alive()) throw new IOException("stream-server exited at start: " + proc.tail(3));
            if (System.nanoTime() > deadline) throw new IOException("stream-server did not answer within 20 s");
            Util.sleep(0.05);
        }
    }

    JsonObject get() throws IOException, InterruptedException {
        return Json.parse(getBody()).asObject();
    }

    String getBody() throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(URI.create(url + "/control")).timeout(Duration.ofSeconds(5)).GET().build(),
                HttpResponse.BodyHandlers.ofString()).body();
    }

    JsonObject post(String action) throws IOException, InterruptedException {
        // a fresh connection: the server may have closed the pooled one after a GET without saying so,
        // and the JDK client does not retry a POST (it fails with "header parser received no bytes")
        HttpClient once = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(3)).build();
        HttpResponse<String> r = once.send(HttpRequest.newBuilder(URI.create(url + "/control"))
                .timeout(Duration.ofSeconds(20)).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"action\":\"" + action + "\"}")).build(),
                HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() / 100 != 2) throw new IOException("POST " + action + " answered " + r.statusCode() + ": " + r.body());
        return Json.parse(r.body()).asObject();
    }

    String status() throws IOException, InterruptedException {
        JsonValue s = get().get("status");
        return s == null || !s.isString() ? "?" : s.asString();
    }

    /** Polls GET /control every 2 ms until the status is the one wanted; returns the seconds waited from t0. */
    double awaitStatus(String want, long t0Nano, double timeoutS) throws Exception {
        long deadline = t0Nano + (long) (timeoutS * 1e9);
        while (System.nanoTime() < deadline) {
            String s = status();
            if (s.equals(want)) return (System.nanoTime() - t0Nano) / 1e9;
            if (s.equals("failed")) throw new IOException("the stream failed: " + get());
            Thread.sleep(2);
        }
        throw new IOException("status did not become " + want + " within " + timeoutS + " s");
    }

    void startStream() throws Exception { post("start"); awaitStatus("running", System.nanoTime(), 20); }

    void stopStream() throws Exception { post("stop"); awaitStatus("stopped", System.nanoTime(), 20); }

    long childPid() {
        return proc.process.toHandle().children().filter(h -> h.info().command().map(c -> c.contains("gst-launch")).orElse(false))
                .mapToLong(ProcessHandle::pid).findFirst().orElse(-1);
    }

    /** The running child's argv, from /proc/PID/cmdline. */
    List<String> childArgv() throws IOException {
        long pid = childPid();
        if (pid < 0) throw new IOException("no gst-launch-1.0 child under the server");
        byte[] raw = Files.readAllBytes(Path.of("/proc/" + pid + "/cmdline"));
        List<String> argv = new ArrayList<>();
        int s = 0;
        for (int i = 0; i < raw.length; i++) {
            if (raw[i] == 0) { argv.add(new String(raw, s, i - s, StandardCharsets.UTF_8)); s = i + 1; }
        }
        return argv;
    }

    void stop() { proc.stop(); }
}
