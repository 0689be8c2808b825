package bench;

import com.eclipsesource.json.JsonValue;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import stream.testkit.Ports;

/**
 * Runs before every phase: records the machine and tools, and learns from one real server what the
 * later phases compare against (the {@link Baseline}); on the way it measures the idle server's RSS.
 */
final class Discovery {
    private Discovery() {}

    static void machineInfo(Context ctx) {
        Config cfg = ctx.config();
        Results r = ctx.results();
        r.machine.add("date_utc", Instant.now().toString());
        r.machine.add("nproc", Runtime.getRuntime().availableProcessors());
        try {
            for (String l : Files.readAllLines(Path.of("/proc/cpuinfo"))) {
                if (l.startsWith("model name")) { r.machine.add("cpu", l.substring(l.indexOf(':') + 1).trim()); break; }
            }
            r.machine.add("kernel", Files.readString(Path.of("/proc/sys/kernel/osrelease")).trim());
            r.machine.add("loadavg_at_start", Files.readString(Path.of("/proc/loadavg")).trim());
        } catch (IOException e) { /* not Linux */ }
        try {
            r.machine.add("gstreamer", ctx.run(List.of(cfg.gstLaunch(), "--version"), 10_000).lines()
                    .filter(l -> l.startsWith("GStreamer")).findFirst().orElse("?"));
        } catch (Exception e) { r.machine.add("gstreamer", "unknown: " + e.getMessage()); }
        try {
            Path release = cfg.image().resolve("release");
            String v = Files.readAllLines(release).stream().filter(l -> l.startsWith("JAVA_VERSION=")).findFirst().orElse("?");
            r.machine.add("image_jdk", v.replace("JAVA_VERSION=", "").replace("\"", ""));
        } catch (IOException e) { r.machine.add("image_jdk", "unknown"); }
        r.machine.add("helper_jdk", System.getProperty("java.vm.name") + " " + System.getProperty("java.runtime.version"));
        r.tools.add("hyperfine", cfg.hyperfine().isEmpty() ? "missing: timing loop in bench.Bench" : cfg.hyperfine());
        r.tools.add("load_generator", cfg.wrk().isEmpty() ? "bench.HttpLoad (Java, keep-alive, closed loop)" : cfg.wrk());
    }

    /** Starts one server, reads its child's argv while it streams, and returns what the phases need. */
    static Baseline discover(Context ctx) throws Exception {
        Config cfg = ctx.config();
        Results res = ctx.results();
        String help = ctx.run(List.of(ctx.bin("stream-viewer"), "--help"), 20_000);
        boolean viewerUsable = help.contains("--frames") && help.contains("--sink");
        int udp = Ports.freeUdpAndTcp();
        Server s = ctx.server(udp, null, "discover");
        Util.sleep(3);
        // idle RSS: a fresh server that has answered a few requests and never streamed
        Figure rss = ctx.fig("rss_idle", "5 Cost", "Server RSS, idle (fresh, never streamed)", "MiB",
                "stream-server", "", "ours<=64");
        rss.ours.add(ProcStat.statusMiB(s.proc.pid(), "VmRSS"));
        rss.profile.add(String.format(Locale.ROOT, "RssAnon %.1f MiB, RssFile %.1f MiB (JVM code, CDS archive, jimage); heap limit -Xmx96m",
                ProcStat.statusMiB(s.proc.pid(), "RssAnon"), ProcStat.statusMiB(s.proc.pid(), "RssFile")));
        rss.digits = 1;
        rss.runsNote = "1 (3 s after start)";
        String controlBody = s.getBody();
        List<String> serverArgv;
        // the child's real argv while it streams (/proc/PID/cmdline); GET /control's "command" if that fails
        try {
            s.startStream();
            serverArgv = s.childArgv();
            s.stopStream();
        } catch (IOException e) {
            JsonValue cmd = s.get().get("command");
            if (cmd == null || !cmd.isArray()) throw e;
            serverArgv = new ArrayList<>();
            for (JsonValue v : cmd.asArray()) serverArgv.add(v.asString());
            res.notes.add("The raw pipeline is GET /control's \"command\" (the child's argv could not be read: " + e.getMessage() + ").");
        }
        String sourceCaps = "video/x-raw,width=1280,height=720,framerate=30/1";
        for (String a : serverArgv) {
            if (a.startsWith("video/x-raw") && a.contains("width=")) {
                Matcher w = Pattern.compile("width=(\\d+)").matcher(a), h = Pattern.compile("height=(\\d+)").matcher(a),
                        f = Pattern.compile("framerate=(\\d+/\\d+)").matcher(a);
                if (w.find() && h.find() && f.find()) {
                    sourceCaps = "video/x-raw,width=" + w.group(1) + ",height=" + h.group(1) + ",framerate=" + f.group(1);
                }
            }
        }
        Baseline b = new Baseline(serverArgv, udp, sourceCaps, controlBody, viewerUsable);
        res.tools.add("receiver", b.receiverName());
        String original = String.join(" ", b.originalArgv(cfg.gstLaunch(), 5000));
        res.details.add("server_pipeline", String.join(" ", serverArgv));
        res.details.add("original_pipeline", original);
        System.out.println("   ours:     " + String.join(" ", serverArgv));
        System.out.println("   original: " + original);
        System.out.println("   receiver: " + b.receiverName());
        s.stop();
        return b;
    }
}
