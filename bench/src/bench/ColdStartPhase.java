package bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import stream.testkit.Ports;

/**
 * Cold starts of the image's launchers (each with the AOT cache build.sh made for it) beside the
 * image's bare {@code java -version} and curl, the same launcher without its cache, and what a
 * cold {@code stream-client} loads.
 */
final class ColdStartPhase implements Phase {
    @Override public String id() { return "coldstart"; }
    @Override public String title() { return "cold start"; }

    @Override
    public void run(Context ctx) throws Exception {
        Server s = ctx.server(Ports.freeUdpAndTcp(), null, "cold");
        try {
            measure(ctx, s);
        } finally {
            s.stop();
        }
    }

    private void measure(Context ctx, Server s) throws Exception {
        String statusArgs = " status --server " + s.url;
        String status = ctx.bin("stream-client") + statusArgs;
        List<String[]> cmds = List.of(
            new String[] {"cold_server", ctx.bin("stream-server") + " --version"},
            new String[] {"cold_client", ctx.bin("stream-client") + " --version"},
            new String[] {"cold_viewer", ctx.bin("stream-viewer") + " --version"},
            new String[] {"cold_status", status},
            new String[] {"cold_status_no_aot", ctx.launcherWithoutAotCache("stream-client") + statusArgs},
            new String[] {"floor_jvm_gc", ctx.bin("java") + " -XX:+UseSerialGC -Xshare:auto -version"},
            new String[] {"floor_jvm_c1", ctx.bin("java") + " -XX:+UseSerialGC -XX:TieredStopAtLevel=1 -Xshare:auto -version"},
            new String[] {"floor_curl", Util.which("curl") + " -s -o /dev/null " + s.url + "/control"});
        Timing timing = new Timing(ctx);
        Map<String, Double> cpu = new HashMap<>();
        Map<String, List<Double>> times = timing.time(cmds, cpu);
        String[][] rows = {
            {"cold_server", "Cold start: stream-server --version", "cold_server", "stream-server --version", "floor_jvm_gc", "image's java -version, same GC (JVM floor)", ""},
            {"cold_client", "Cold start: stream-client --version", "cold_client", "stream-client --version", "floor_jvm_c1", "image's java -version, same flags (JVM floor)", ""},
            {"cold_viewer", "Cold start: stream-viewer --version", "cold_viewer", "stream-viewer --version", "floor_jvm_c1", "image's java -version, same flags (JVM floor)", ""},
            {"cold_status", "Cold start: stream-client status (server running)", "cold_status", "stream-client status (server running)", "floor_curl", "curl GET /control", "ours<=0.090"},
            {"cold_status_jvm", "  stream-client status against the JVM floor", "cold_status", "stream-client status", "floor_jvm_c1", "image's java -version, same flags", "ratio<=1.5"},
            {"cold_status_aot", "  stream-client status: what the image's AOT cache buys", "cold_status", "with its AOT cache (the launcher)", "cold_status_no_aot", "the same launcher without it (default CDS archive only)", ""},
        };
        for (String[] r : rows) {
            Figure f = ctx.fig(r[0], "5 Cost", r[1], "s", r[3], r[5], r[6].isEmpty() ? new String[0] : new String[] {r[6]});
            f.ours.addAll(times.getOrDefault(r[2], List.of()));
            f.counter.addAll(times.getOrDefault(r[4], List.of()));
            f.runsNote = f.ours.size() + " (" + timing.how() + ", 2 warm-ups)";
            if (f.ours.isEmpty()) f.failure = "not measured";
        }
        Figure vsJvm = ctx.results().get("cold_status_jvm"), version = ctx.results().get("cold_client");
        if (!vsJvm.ours.isEmpty() && !version.ours.isEmpty()) {
            vsJvm.profile.add(String.format(Locale.ROOT, "`stream-client --version` alone takes %.3f s (%.2fx the floor: the launcher"
                    + " script, the module system, mapping its AOT cache); the connection, the server's answer and the JSON take the"
                    + " other %.3f s", version.oursMedian(), version.ratio(), vsJvm.oursMedian() - version.oursMedian()));
        }
        Figure aot = ctx.results().get("cold_status_aot");
        if (cpu.containsKey("cold_status") && cpu.containsKey("cold_status_no_aot")) {
            aot.profile.add(String.format(Locale.ROOT, "CPU time (user + system, mean) %.3f s with the cache against %.3f s without",
                    cpu.get("cold_status"), cpu.get("cold_status_no_aot")));
        }
        Map<String, Double> sizes = new LinkedHashMap<>();
        // server-viewer: one cache for stream-server, stream-viewer and the media processes (older images: one per launcher)
        for (String l : List.of("server-viewer", "stream-client", "stream-server", "stream-viewer")) {
            Path p = ctx.config().image().resolve("lib/" + l + ".aot");
            if (Files.exists(p)) sizes.put(l, Files.size(p) / 1048576.0);
        }
        if (sizes.isEmpty()) {
            aot.profile.add("the image has no AOT caches (build.sh makes them with JDK 25 or newer)");
        } else {
            StringBuilder b = new StringBuilder("the image's AOT caches (lib/*.aot, made by build.sh from training runs):");
            sizes.forEach((k, v) -> b.append(String.format(Locale.ROOT, " %s %.1f MiB;", k, v)));
            aot.profile.add(b.substring(0, b.length() - 1));
        }
        // the profile: which classes a cold `stream-client status` loads, and how many come from the archive
        try {
            ctx.results().get("cold_status").profile.add(ClassProfile.of(ctx, List.of(ctx.bin("stream-client"), "status", "--server", s.url), "status"));
            ctx.results().get("cold_client").profile.add(ClassProfile.of(ctx, List.of(ctx.bin("stream-client"), "--version"), "version"));
        } catch (Exception e) {
            ctx.results().failures.add("class-loading profile of stream-client: " + e.getMessage());
        }
    }
}
