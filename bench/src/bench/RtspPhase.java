package bench;

import static bench.Stats.fmt;
import static bench.Stats.percentile;
import static bench.Stats.toJson;

import com.eclipsesource.json.JsonArray;
import com.eclipsesource.json.JsonObject;
import com.eclipsesource.json.JsonValue;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * RTSP rows (issue "RTSP for NVRs and players"): our server's RTSP process (stream.viewer's
 * RtspGateway, GStreamer's RTSP server library driven by the server) beside the same library run
 * bare from a minimal program ({@code bench/rtsp_bare.py}: Debian's python3-gi, one shared factory
 * with the same launch line), both fed by the same sender at the same time.
 *
 * <p>The sender is our server's own stream child, run through a gst-launch-1.0 shim first on the
 * server's PATH that makes it {@link Stamper} (the same argv, the wall clock burnt into every frame
 * before the encoder; gst-launch-1.0's {@code -v} caps lines printed as the server expects). The
 * server sends it to two destinations, the native probe's port and the bare server's port, and
 * through its RTP tap to its RTSP process, as it does for every stream.
 * <ul>
 * <li>Glass-to-glass: {@code bench.Probe rtspstamps} (rtspsrc protocols=tcp latency=0 ! rtph264depay !
 *     h264parse ! avdec_h264 ! appsink) from our RTSP URL beside {@code bench.Probe stamps} (our
 *     viewer's udpsrc pipeline) on the destination port, over the same window: the same frames,
 *     the same stamps, read after decoding.</li>
 * <li>CPU per client: utime+stime of each RTSP process (ours: {@code rtsp.server.pid} from the
 *     stream's status; bare: the python process) over a window with N light clients
 *     ({@link RtspLoad}, RTP interleaved over TCP, not decoded), less the same process's CPU with no
 *     client, divided by N.</li>
 * <li>Clients per core: N ramps until a session misses a frame (a gap in its RTP sequence numbers,
 *     fewer frames than the server's child sent over the window less {@link #LAG_SECONDS} of them
 *     and 1%, or a closed session) or the process passes one core; the figure is the largest N held.</li>
 * </ul>
 */
final class RtspPhase implements Phase {
    static final String STREAM = "main";
    static final String BARE_PYTHON = "/usr/bin/python3";
    /** How far behind the sender a session may be at either end of a window and still count as receiving every frame. */
    static final double LAG_SECONDS = Double.parseDouble(System.getProperty("bench.rtsp.lag", "0.25"));

    @Override public String id() { return "rtsp"; }
    @Override public String title() { return "RTSP (our RTSP process against GStreamer's RTSP server run bare, same sender)"; }

    private Figure g2g50, g2g95, g2gBare, perCore, rampCpu;
    private final Map<Integer, Figure> cpuAt = new LinkedHashMap<>();
    private final JsonArray steps = new JsonArray();

    /** One RTSP server under load: ours or the bare one. */
    private record Target(String label, String url, long pid) {}

    /** What one window with N light clients showed. */
    private record Step(double cores, double perClient, boolean held, String why) {}

    @Override
    public void run(Context ctx) throws Exception {
        int seconds = Integer.getInteger("bench.rtsp.seconds", 5);
        int g2gSeconds = Integer.getInteger("bench.rtsp.g2g.seconds", 2 * seconds);
        int[] clients = ints(System.getProperty("bench.rtsp.clients", "1,10,50"));
        int[] ramp = ints(System.getProperty("bench.rtsp.ramp", "25,50,100,200,400"));
        String what = ctx.baseline().sourceCaps().replace("video/x-raw,", "");
        g2g50 = ctx.fig("rtsp_g2g_p50", "9 RTSP", "RTSP glass-to-glass p50, wall clock burnt into the frame before encoding, read after decoding, "
                + what, "ms", "rtspsrc (TCP, latency=0) from our RTSP process", "our native UDP receiver's pipeline, same frames", "ratio<=1.1");
        g2g95 = ctx.fig("rtsp_g2g_p95", "9 RTSP", "RTSP glass-to-glass p95", "ms", "rtspsrc from our RTSP process", "native UDP, same frames");
        g2gBare = ctx.fig("rtsp_g2g_bare_p50", "9 RTSP", "  RTSP glass-to-glass p50 against the same library run bare", "ms",
                "rtspsrc from our RTSP process", "rtspsrc from GStreamer's RTSP server run bare, same frames");
        g2g50.digits = 1; g2g95.digits = 1; g2gBare.digits = 1;
        g2g50.runsNote = g2g95.runsNote = g2gBare.runsNote = "1 window of " + g2gSeconds + " s, the three receivers at once on the same frames";
        for (int n : clients) {
            Figure f = ctx.fig("rtsp_cpu_client_" + n, "9 RTSP", "CPU per RTSP client, " + n + " light client" + (n == 1 ? "" : "s")
                    + " over TCP (the RTSP process less its idle CPU, / " + n + ")", "cores", "our RTSP process",
                    "GStreamer's RTSP server run bare (python3-gi)");
            f.digits = 4;
            f.runsNote = "1 window of " + seconds + " s each, interleaved";
            cpuAt.put(n, f);
        }
        perCore = ctx.fig("rtsp_clients_per_core", "9 RTSP", "RTSP clients per core: the largest N (tried " + Arrays.toString(ramp)
                + ") with every session receiving every frame and the RTSP process under one core", "clients",
                "our RTSP process", "GStreamer's RTSP server run bare", "ours>=200");
        perCore.digits = 0;
        perCore.runsNote = "1 ramp each, " + seconds + " s per step, interleaved";
        rampCpu = ctx.fig("rtsp_cpu_client_ramp", "9 RTSP", "  CPU per RTSP client at the largest N both held", "cores",
                "our RTSP process", "GStreamer's RTSP server run bare");
        rampCpu.digits = 5;
        try {
            measure(ctx, seconds, g2gSeconds, clients, ramp);
        } finally {
            ctx.results().details.add("rtsp_steps", steps);
            List<Figure> all = new ArrayList<>(List.of(g2g50, g2g95, g2gBare, perCore, rampCpu));
            all.addAll(cpuAt.values());
            for (Figure f : all) if (f.ours.isEmpty() && f.failure == null) f.failure = "not measured (see Failures)";
        }
    }

    private void measure(Context ctx, int seconds, int g2gSeconds, int[] clients, int[] ramp) throws Exception {
        Config cfg = ctx.config();
        Path script = cfg.root().resolve("bench/rtsp_bare.py");
        if (!Files.isExecutable(Path.of(BARE_PYTHON))) throw new IOException("no " + BARE_PYTHON + " (Debian's python3 with python3-gi)");
        int width = StampedSender.width(ctx);
        int probeUdp = stream.testkit.Ports.freeUdp(), bareUdp = stream.testkit.Ports.freeUdp(), bareRtsp = stream.testkit.Ports.freeTcp(), ourRtsp = stream.testkit.Ports.freeTcp();

        Proc bare = Proc.start("rtsp-bare", List.of(BARE_PYTHON, script.toString(), String.valueOf(bareRtsp), String.valueOf(bareUdp)),
                null, cfg.logs());
        if (bare.await(Pattern.compile("^ready"), 30_000) == null) {
            throw new IOException("the bare RTSP server (" + script + ") did not start; it needs Debian's python3-gi and "
                    + "gir1.2-gst-rtsp-server-1.0: " + bare.tail(3));
        }

        // the server's stream child becomes the stamping sender (same argv) through a gst-launch-1.0 shim first on its PATH
        Path shimDir = cfg.work().resolve("rtsp-shim");
        Files.createDirectories(shimDir);
        Path shim = shimDir.resolve("gst-launch-1.0");
        Path mark = cfg.work().resolve("rtsp-shim-used");
        Files.deleteIfExists(mark);
        Files.writeString(shim, shimScript(cfg, width, mark));
        Files.setPosixFilePermissions(shim, PosixFilePermissions.fromString("rwxr-xr-x"));
        Map<String, String> env = Map.of("PATH", shimDir + ":" + System.getenv().getOrDefault("PATH", "/usr/bin:/bin"));
        Server server = ctx.server(probeUdp, env, "rtsp", "--dest", "127.0.0.1:" + probeUdp + ",127.0.0.1:" + bareUdp,
                "--rtsp-port", String.valueOf(ourRtsp));
        server.post("start");
        server.awaitStatus("running", System.nanoTime(), 60); // the stamper is a JVM: give it time on a loaded machine
        if (!Files.exists(mark)) throw new IOException("the server's child did not go through the stamping shim");
        ctx.results().details.add("rtsp_sender_pipeline", String.join(" ", Files.readAllLines(mark)));
        long ourPid = awaitRtspServed(server);
        Target ours = new Target("ours", "rtsp://127.0.0.1:" + ourRtsp + "/" + STREAM, ourPid);
        Target bareT = new Target("bare", "rtsp://127.0.0.1:" + bareRtsp + "/main", bare.pid());
        ctx.results().details.add("rtsp_bare_server", BARE_PYTHON + " bench/rtsp_bare.py (shared factory: ( udpsrc port=P address=127.0.0.1 caps=\""
                + "application/x-rtp,media=video,clock-rate=90000,encoding-name=H264,payload=96\" ! rtph264depay ! h264parse ! "
                + "rtph264pay name=pay0 pt=96 config-interval=1 ))");
        Util.sleep(1);

        // idle: both processes, no client, the same window
        double[] idle = ProcStat.cores(List.of(List.of(ours.pid()), List.of(bareT.pid())), seconds);
        System.out.printf(Locale.ROOT, "   idle (no client): ours %.4f cores, bare %.4f cores%n", idle[0], idle[1]);
        ctx.results().details.add("rtsp_idle_cores", new JsonObject().add("ours", idle[0]).add("bare", idle[1]));

        glassToGlass(ctx, cfg, ours, bareT, probeUdp, width, g2gSeconds);

        // CPU per client at the brief's N, interleaved (the order alternates)
        double fps = ctx.baseline().frameRate();
        int k = 0;
        for (int n : clients) {
            Figure f = cpuAt.get(n);
            for (Target t : k++ % 2 == 0 ? List.of(ours, bareT) : List.of(bareT, ours)) {
                Step s = load(ctx, server, t, n, seconds, idle[t == ours ? 0 : 1], fps);
                (t == ours ? f.ours : f.counter).add(s.perClient());
            }
        }

        // the ramp: each side until a session misses a frame or the process passes one core
        int heldOurs = 0, heldBare = 0;
        boolean oursOn = true, bareOn = true;
        Map<Integer, double[]> perClientAt = new LinkedHashMap<>(); // N -> {ours, bare} per client, when both held
        String stopOurs = "held every step", stopBare = "held every step";
        for (int n : ramp) {
            if (!oursOn && !bareOn) break;
            double[] pc = {Double.NaN, Double.NaN};
            for (Target t : k++ % 2 == 0 ? List.of(ours, bareT) : List.of(bareT, ours)) {
                boolean isOurs = t == ours;
                if (isOurs ? !oursOn : !bareOn) continue;
                Step s = load(ctx, server, t, n, seconds, idle[isOurs ? 0 : 1], fps);
                if (s.held() && s.cores() <= 1.0) {
                    if (isOurs) heldOurs = n; else heldBare = n;
                    pc[isOurs ? 0 : 1] = s.perClient();
                } else {
                    String why = n + " clients: " + (s.held() ? String.format(Locale.ROOT, "%.2f cores (over one)", s.cores()) : s.why());
                    if (isOurs) { oursOn = false; stopOurs = why; } else { bareOn = false; stopBare = why; }
                }
            }
            if (!Double.isNaN(pc[0]) && !Double.isNaN(pc[1])) perClientAt.put(n, pc);
        }
        perCore.ours.add((double) heldOurs);
        perCore.counter.add((double) heldBare);
        perCore.profile.add("ours stopped at " + stopOurs + "; bare stopped at " + stopBare
                + "; a session holds when it lost no RTP packet (sequence numbers), was not closed and counted at least the frames the server's child sent"
                + " over the window less " + fmt(LAG_SECONDS, 2) + " s of them and 1% (at least 2); the light clients (one JVM, bench.RtspLoad) run on the same cores, their CPU per step is in"
                + " results.json (rtsp_steps); load average " + Util.loadavg());
        if (!perClientAt.isEmpty()) {
            int n = perClientAt.keySet().stream().mapToInt(Integer::intValue).max().getAsInt();
            rampCpu.ours.add(perClientAt.get(n)[0]);
            rampCpu.counter.add(perClientAt.get(n)[1]);
            rampCpu.runsNote = "1 window of " + seconds + " s at " + n + " clients";
            rampCpu.profile.add(String.format(Locale.ROOT, "at %d clients: ours %.2f clients per core, bare %.2f (1 / CPU per client, extrapolated)",
                    n, 1 / perClientAt.get(n)[0], 1 / perClientAt.get(n)[1]));
        } else {
            rampCpu.failure = "no step of the ramp held on both";
        }
        for (Figure f : cpuAt.values()) {
            f.profile.add("idle (no client) ours " + fmt(idle[0], 4) + " cores, bare " + fmt(idle[1], 4)
                    + "; the first client also starts the shared media (udpsrc ! rtph264depay ! h264parse ! rtph264pay), so at 1 client the figure is"
                    + " that media's cost plus one client's; ours receives the RTP from the server's tap (a loopback hop the bare server has not)");
        }
        double[] idleAfter = ProcStat.cores(List.of(List.of(ours.pid()), List.of(bareT.pid())), seconds);
        ctx.results().details.add("rtsp_idle_cores_after", new JsonObject().add("ours", idleAfter[0]).add("bare", idleAfter[1]));
        server.stop();
        bare.stop();
    }

    /** Waits (20 s) until the stream's status says the RTSP process serves it; its pid. */
    private static long awaitRtspServed(Server server) throws Exception {
        long deadline = System.nanoTime() + 20_000_000_000L;
        JsonValue last = null;
        while (System.nanoTime() < deadline) {
            JsonValue rtsp = server.get().get("rtsp");
            last = rtsp;
            if (rtsp != null && rtsp.isObject() && rtsp.asObject().getBoolean("served", false)) {
                JsonValue srv = rtsp.asObject().get("server");
                JsonValue pid = srv != null && srv.isObject() ? srv.asObject().get("pid") : null;
                if (pid != null && pid.isNumber()) return pid.asLong();
            }
            Thread.sleep(100);
        }
        throw new IOException("the stream's status did not say rtsp.served with an rtsp.server.pid within 20 s: " + last);
    }

    private void glassToGlass(Context ctx, Config cfg, Target ours, Target bare, int probeUdp, int width, int seconds) throws Exception {
        try {
            Path nativeOut = cfg.work().resolve("rtsp-g2g-native.txt"), rtspOut = cfg.work().resolve("rtsp-g2g-rtsp.txt"),
                    bareOut = cfg.work().resolve("rtsp-g2g-bare.txt");
            List<String> java = List.of(cfg.helperJava(), "--enable-native-access=ALL-UNNAMED", "-cp", cfg.helperCp(), "bench.Probe");
            List<String> a = new ArrayList<>(java);
            a.addAll(List.of("stamps", String.valueOf(probeUdp), String.valueOf(seconds), nativeOut.toString(), String.valueOf(width)));
            List<String> b = new ArrayList<>(java);
            b.addAll(List.of("rtspstamps", ours.url(), String.valueOf(seconds), rtspOut.toString(), String.valueOf(width)));
            List<String> c = new ArrayList<>(java);
            c.addAll(List.of("rtspstamps", bare.url(), String.valueOf(seconds), bareOut.toString(), String.valueOf(width)));
            Proc pn = Proc.start("rtsp-g2g-native", a, null, cfg.logs());
            Proc pr = Proc.start("rtsp-g2g-rtsp", b, null, cfg.logs());
            Proc pb = Proc.start("rtsp-g2g-bare", c, null, cfg.logs());
            for (Proc p : List.of(pn, pr, pb)) {
                if (p.await(Pattern.compile("^ready"), 30_000) == null) throw new IOException(p.name + " did not start: " + p.tail(3));
            }
            int rn = pn.waitFor((seconds + 45) * 1000L), rr = pr.waitFor((seconds + 45) * 1000L), rb = pb.waitFor((seconds + 45) * 1000L);
            pn.stop();
            pr.stop();
            pb.stop();
            if (rn != 0) throw new IOException("the native probe read no stamps (exit " + rn + "): " + pn.tail(3));
            if (rr != 0) throw new IOException("the RTSP probe read no stamps (exit " + rr + "): " + pr.tail(3));
            double[] nat = samples(nativeOut), rtsp = samples(rtspOut);
            if (nat.length < 10 || rtsp.length < 10) throw new IOException("too few stamps read: native " + nat.length + ", RTSP " + rtsp.length);
            g2g50.ours.add(percentile(rtsp, 0.5));
            g2g95.ours.add(percentile(rtsp, 0.95));
            g2g50.counter.add(percentile(nat, 0.5));
            g2g95.counter.add(percentile(nat, 0.95));
            double[] bareMs = rb == 0 ? samples(bareOut) : new double[0];
            g2gBare.ours.add(percentile(rtsp, 0.5));
            if (bareMs.length >= 10) {
                g2gBare.counter.add(percentile(bareMs, 0.5));
                g2gBare.profile.add(String.format(Locale.ROOT, "p95: ours %.1f ms, bare %.1f ms", percentile(rtsp, 0.95), percentile(bareMs, 0.95)));
            } else {
                g2gBare.failure = "the bare server's probe read " + bareMs.length + " stamps (exit " + rb + "): " + pb.tail(3);
            }
            System.out.printf(Locale.ROOT, "   glass-to-glass: RTSP %d frames p50 %.1f p95 %.1f ms; native UDP %d frames p50 %.1f p95 %.1f ms;"
                    + " bare RTSP %d frames p50 %.1f ms%n", rtsp.length, percentile(rtsp, 0.5), percentile(rtsp, 0.95), nat.length,
                    percentile(nat, 0.5), percentile(nat, 0.95), bareMs.length, bareMs.length == 0 ? Double.NaN : percentile(bareMs, 0.5));
            ctx.results().details.add("rtsp_g2g", new JsonObject().add("rtsp_ms", toJson(rtsp)).add("native_ms", toJson(nat))
                    .add("bare_rtsp_ms", toJson(bareMs))
                    .add("rtsp_probe", Probe.rtspReceiver(ours.url())).add("native_probe", Probe.receiver(probeUdp, false)));
            g2g50.profile.add("both read the stamp Stamper burnt into the frame before x264enc, after avdec_h264 (decoded, not displayed);"
                    + " the RTSP path is the server's RTP tap (a loopback hop through the server's JVM), our RTSP process (rtph264depay ! h264parse !"
                    + " rtph264pay, then RTP interleaved over its TCP connection) and rtspsrc; the native path is the server's udpsink to udpsrc; load average "
                    + Util.loadavg());
        } catch (Exception e) {
            g2g50.failure = g2g95.failure = g2gBare.failure = e.getMessage();
            ctx.results().failures.add("RTSP glass-to-glass: " + e.getMessage());
        }
    }

    private static double[] samples(Path file) throws IOException {
        List<Double> v = new ArrayList<>();
        for (String line : Files.readAllLines(file)) if (!line.startsWith("#")) v.add(Double.parseDouble(line.split(" ")[1]));
        return v.stream().mapToDouble(Double::doubleValue).sorted().toArray();
    }

    /**
     * N light clients on one server for a window: the process's cores, per client (less idle), and
     * whether every session received every frame the server's child sent meanwhile.
     */
    private Step load(Context ctx, Server server, Target t, int n, int seconds, double idle, double fps) throws Exception {
        Config cfg = ctx.config();
        Proc p = Proc.start("rtsp-load-" + t.label() + "-" + n, List.of(cfg.helperJava(), "-XX:+UseSerialGC", "-cp", cfg.helperCp(),
                "bench.RtspLoad", t.url(), String.valueOf(n)), null, cfg.logs());
        JsonObject step = new JsonObject().add("server", t.label()).add("clients", n);
        try {
            Proc.Line first = p.await(Pattern.compile("^(playing|failed)"), 90_000);
            if (first == null || first.text().startsWith("failed")) {
                String why = first == null ? "the clients did not all play within 90 s: " + p.tail(2) : first.text();
                steps.add(step.add("held", false).add("why", why));
                System.out.printf("   %s, %d clients: %s%n", t.label(), n, why);
                return new Step(Double.NaN, Double.NaN, false, why);
            }
            Util.sleep(1); // past the joins' first keyframe
            command(p, "mark");
            if (p.await(Pattern.compile("^marked"), 10_000) == null) throw new IOException("RtspLoad did not mark: " + p.tail(2));
            long frames0 = childFrames(server);
            double cpu0 = ProcStat.cpuSeconds(t.pid()), load0 = ProcStat.cpuSeconds(p.pid());
            long t0 = System.nanoTime();
            Util.sleep(seconds);
            double cpu1 = ProcStat.cpuSeconds(t.pid()), load1 = ProcStat.cpuSeconds(p.pid());
            double dt = (System.nanoTime() - t0) / 1e9;
            long frames1 = childFrames(server);
            command(p, "report");
            Proc.Line r = p.await(Pattern.compile("^report "), 10_000);
            if (r == null) throw new IOException("RtspLoad did not report: " + p.tail(2));
            Map<String, String> rep = fields(r.text());
            double cores = (cpu1 - cpu0) / dt, perClient = (cores - idle) / n;
            long sent = frames1 - frames0, min = Long.parseLong(rep.get("frames_min"));
            long lost = Long.parseLong(rep.get("lost")), closed = Long.parseLong(rep.get("closed"));
            // the window's two ends are read at the child's statistics and at the clients a moment apart, and a session may be
            // a little behind at either end: a session is short when it got fewer than the frames sent less LAG_SECONDS of them and 1%
            long tolerance = Math.max(2, Math.round(0.01 * sent)) + Math.round(LAG_SECONDS * fps);
            boolean held = closed == 0 && lost == 0 && min >= sent - tolerance && sent > 0.5 * fps * dt;
            String why = held ? "" : closed > 0 ? closed + " sessions closed" : lost > 0 ? lost + " RTP packets lost in "
                    + rep.get("sessions_lossy") + " sessions" : sent <= 0.5 * fps * dt ? "the sender made only " + sent + " frames"
                    : "a session got " + min + " frames of the " + sent + " the child sent (p10 " + rep.get("frames_p10")
                    + ", median " + rep.get("frames_p50") + ")";
            steps.add(step.add("cores", cores).add("per_client", perClient).add("idle", idle).add("seconds", dt)
                    .add("frames_sent", sent).add("frames_min", min).add("frames_p10", Long.parseLong(rep.get("frames_p10")))
                    .add("frames_p50", Long.parseLong(rep.get("frames_p50"))).add("frames_max", Long.parseLong(rep.get("frames_max")))
                    .add("lost", lost).add("sessions_lossy", Long.parseLong(rep.get("sessions_lossy"))).add("closed", closed)
                    .add("held", held).add("why", why).add("load_client_cores", (load1 - load0) / dt).add("loadavg", Util.loadavg()));
            System.out.printf(Locale.ROOT, "   %-4s %3d clients: %.3f cores (%.5f per client), frames min %d of %d sent, lost %d, closed %d, clients' JVM %.2f cores%s%n",
                    t.label(), n, cores, perClient, min, sent, lost, closed, (load1 - load0) / dt, held ? "" : " -> " + why);
            return new Step(cores, perClient, held, why);
        } finally {
            p.stop();
        }
    }

    private static void command(Proc p, String line) throws IOException {
        var out = p.process.getOutputStream();
        out.write((line + "\n").getBytes(StandardCharsets.UTF_8));
        out.flush();
    }

    /** Frames (RTP marker bits) the server's child has sent, from the stream's statistics. */
    private static long childFrames(Server server) throws Exception {
        JsonValue stats = server.get().get("stats");
        if (stats == null || !stats.isObject()) throw new IOException("the stream's status has no stats");
        return stats.asObject().getLong("frames", 0);
    }

    private static Map<String, String> fields(String line) {
        Map<String, String> m = new LinkedHashMap<>();
        Matcher x = Pattern.compile("(\\w+)=(\\S+)").matcher(line);
        while (x.find()) m.put(x.group(1), x.group(2));
        return m;
    }

    /** Cores used by each pid over the same window. */


    private static int[] ints(String csv) {
        return Arrays.stream(csv.split("\\s*,\\s*")).filter(s -> !s.isEmpty()).mapToInt(Integer::parseInt).toArray();
    }

    /** The PATH shim: the stream child (the argv with x264enc) runs as bench.Stamper, anything else as the real gst-launch-1.0. */
    static String shimScript(Config cfg, int width, Path mark) {
        return """
            #!/bin/bash
            # bench (RTSP phase): the server's stream child runs as bench.Stamper (the same argv, the wall clock burnt into
            # every frame before x264enc, -v caps lines as gst-launch-1.0 prints them); anything else is the real gst-launch-1.0
            for a in "$@"; do
              if [[ $a == x264enc ]]; then
                printf '%s\\n' "$@" > 'MARK'
                exec 'JAVA' --enable-native-access=ALL-UNNAMED -cp 'CP' bench.Stamper WIDTH "$@"
              fi
            done
            exec 'REALGST' "$@"
            """.replace("MARK", mark.toString()).replace("JAVA", cfg.helperJava()).replace("CP", cfg.helperCp())
                .replace("WIDTH", String.valueOf(width)).replace("REALGST", cfg.gstLaunch());
    }
}
