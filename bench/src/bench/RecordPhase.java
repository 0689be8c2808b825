package bench;

import static stream.testkit.Ports.freeUdpAndTcp;
import static bench.Util.sleep;

import com.eclipsesource.json.Json;
import com.eclipsesource.json.JsonObject;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

/**
 * What recording costs (issue 11), through the real server: CPU per streaming minute of the server
 * JVM and all its children (the stream's gst-launch child and the recording's mp4mux child) with
 * recording on against off, switched live on the same running stream (same child) in interleaved
 * windows; then how long GET /streams/main/snapshot.jpg takes to answer at the stream's size.
 * The standalone bench.RecordCost splits the same cost by process.
 */
final class RecordPhase implements Phase {
    @Override public String id() { return "record"; }
    @Override public String title() { return "cost of recording, snapshot answer time"; }

    @Override
    public void run(Context ctx) throws Exception {
        Config cfg = ctx.config();
        Figure cpu = ctx.fig("cpu_record", "5 Cost", "CPU per streaming minute, recording on vs off (server JVM + all its children)",
                "CPU s/min", "record on", "record off", "ratio<=1.05");
        cpu.digits = 2;
        cpu.runsNote = cfg.costRounds() + " windows of " + cfg.costSeconds() + " s each, interleaved, one running child";
        Figure snap = ctx.fig("snapshot_ms", "5 Cost", "Snapshot answer time, GET /streams/main/snapshot.jpg at 1280x720", "ms",
                "stream-server", "");
        snap.digits = 0;
        Server s = ctx.server(freeUdpAndTcp(), null, "record");
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(3)).build();
        try {
            s.startStream();
            long child = s.childPid();
            sleep(3);
            for (int round = 0; round < cfg.costRounds(); round++) {
                for (boolean on : new boolean[] {false, true}) {
                    record(http, s, on);
                    sleep(3);
                    (on ? cpu.ours : cpu.counter).add(window(cfg, s.proc.pid()));
                }
            }
            if (s.childPid() != child) cpu.failure = "the stream's child changed while recording was switched (" + child + " -> " + s.childPid() + ")";
            cpu.profile.add("recording switched with POST /control {\"action\":\"start\",\"record\":true|false} on the running stream;"
                    + " segments of 60 s, written by one gst-launch-1.0 mp4mux child (no second encode)");
            record(http, s, false);
            int requests = Math.max(5, cfg.runs() * 2);
            snap.runsNote = requests + " requests, one at a time";
            for (int i = 0; i < requests; i++) {
                sleep(0.137 * (i % 7)); // land anywhere in the keyframe interval
                long t0 = System.nanoTime();
                HttpResponse<byte[]> r = http.send(HttpRequest.newBuilder(URI.create(s.url + "/streams/main/snapshot.jpg"))
                        .timeout(Duration.ofSeconds(10)).GET().build(), HttpResponse.BodyHandlers.ofByteArray());
                double ms = (System.nanoTime() - t0) / 1e6;
                if (r.statusCode() != 200 || r.body().length < 1000)
                    throw new IOException("snapshot answered " + r.statusCode() + " with " + r.body().length + " bytes");
                snap.ours.add(ms);
            }
            snap.profile.add("decodes the latest keyframe and what follows it (gst-launch-1.0 avdec_h264 ! jpegenc) on demand; no viewer connected");
            s.stopStream();
        } finally {
            s.stop();
        }
    }

    private static void record(HttpClient http, Server s, boolean on) throws Exception {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(s.url + "/control"))
                .timeout(Duration.ofSeconds(20)).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"action\":\"start\",\"record\":" + on + "}")).build(),
                HttpResponse.BodyHandlers.ofString());
        JsonObject o = r.statusCode() == 200 ? Json.parse(r.body()).asObject() : null;
        if (o == null || o.get("recording").asObject().getBoolean("enabled", !on) != on)
            throw new IOException("record " + on + " answered " + r.statusCode() + ": " + r.body());
    }

    /** CPU seconds per minute of a process and everything below it over one window. */
    private static double window(Config cfg, long root) throws InterruptedException {
        Map<Long, Double> before = tree(root);
        long t0 = System.nanoTime();
        sleep(cfg.costSeconds());
        Map<Long, Double> after = tree(root);
        double dt = (System.nanoTime() - t0) / 1e9, sum = 0;
        for (var e : after.entrySet()) sum += e.getValue() - before.getOrDefault(e.getKey(), 0.0);
        return sum / dt * 60;
    }

    private static Map<Long, Double> tree(long root) {
        Map<Long, Double> m = new HashMap<>();
        m.put(root, ProcStat.cpuSeconds(root));
        ProcessHandle.of(root).ifPresent(h -> h.descendants().forEach(d -> m.put(d.pid(), ProcStat.cpuSeconds(d.pid()))));
        m.values().removeIf(v -> v.isNaN());
        return m;
    }
}
