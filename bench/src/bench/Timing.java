package bench;

import com.eclipsesource.json.Json;
import com.eclipsesource.json.JsonArray;
import com.eclipsesource.json.JsonObject;
import com.eclipsesource.json.JsonValue;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Cold-start timing of whole commands: hyperfine -N when it is there (2 warm-ups, coldRuns runs),
 * otherwise a loop of our own. Command lines are split on spaces, no shell.
 */
final class Timing {
    private final Context ctx;

    Timing(Context ctx) { this.ctx = ctx; }

    String how() { return ctx.config().hyperfine().isEmpty() ? "timing loop" : "hyperfine -N"; }

    /**
     * Times named command lines ({name, cmdline} pairs); seconds per name. With hyperfine, cpu gets
     * each name's mean user + system seconds.
     */
    Map<String, List<Double>> time(List<String[]> named, Map<String, Double> cpu) throws Exception {
        Config cfg = ctx.config();
        Map<String, List<Double>> times = new LinkedHashMap<>();
        if (!cfg.hyperfine().isEmpty()) {
            Path json = cfg.work().resolve("hyperfine.json");
            List<String> cmd = new ArrayList<>(List.of(cfg.hyperfine(), "-N", "--style", "basic", "--warmup", "2",
                    "--runs", String.valueOf(cfg.coldRuns()), "--export-json", json.toString()));
            for (String[] c : named) { cmd.add("-n"); cmd.add(c[0]); cmd.add(c[1]); }
            ctx.run(cmd, 60_000L + 30_000L * named.size());
            JsonArray results = Json.parse(Files.readString(json)).asObject().get("results").asArray();
            for (JsonValue v : results) {
                JsonObject r = v.asObject();
                List<Double> ts = new ArrayList<>();
                for (JsonValue t : r.get("times").asArray()) ts.add(t.asDouble());
                String name = r.getString("command", "?");
                times.put(name, ts);
                if (cpu != null && r.get("user") != null && r.get("system") != null) {
                    cpu.put(name, r.get("user").asDouble() + r.get("system").asDouble());
                }
            }
            return times;
        }
        for (String[] c : named) times.put(c[0], new ArrayList<>());
        for (int i = 0; i < cfg.coldRuns() + 2; i++) {
            for (String[] c : named) { // alternating, so the machine's load is alike for all
                ProcessBuilder pb = new ProcessBuilder(Arrays.asList(c[1].split(" "))).redirectErrorStream(true)
                        .redirectOutput(ProcessBuilder.Redirect.DISCARD);
                long t0 = System.nanoTime();
                Process p = pb.start();
                if (!p.waitFor(20, TimeUnit.SECONDS)) { p.destroyForcibly(); throw new IOException(c[1] + " hung"); }
                if (i >= 2) times.get(c[0]).add((System.nanoTime() - t0) / 1e9);
            }
        }
        return times;
    }
}
