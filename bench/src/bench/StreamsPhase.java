package bench;

import static bench.Stats.fmt;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import stream.testkit.Ports;

/**
 * Several streams in one server (issues 9 and 23): CPU of 1, 2, 4 and 8 named streams (1280x720 at 30 fps
 * each, {@code -Dbench.streams.size}) in one stream-server
 * (the JVM and its children) against the same number of raw gst-launch-1.0 pipelines, each the
 * children's own argv up to the payloader and one udpsink. Ours' windows first, then ours stopped
 * (SIGSTOP, so both get the same machine) while the raw pipelines run theirs.
 */
final class StreamsPhase implements Phase {
    static final int[] COUNTS = {1, 2, 4, 8};
    private static final Path SETSID = Path.of("/usr/bin/setsid");
    private static final java.util.regex.Pattern SENDING = java.util.regex.Pattern.compile("GstUDPSink:[^.]*\\.GstPad:sink: caps = ");

    @Override public String id() { return "streams"; }
    @Override public String title() { return "several streams in one server"; }

    @Override
    public void run(Context ctx) throws Exception {
        Config cfg = ctx.config();
        String size = System.getProperty("bench.streams.size", "1280x720@30");
        String[] wh = size.split("[x@]");
        if (wh.length != 3) throw new IllegalArgumentException("bench.streams.size must be WxH@FPS, not " + size);
        for (int n : COUNTS) {
            Figure f = ctx.fig("streams_cpu_" + n, "6 Several streams", n + " stream" + (n > 1 ? "s" : "") + " at " + size
                    + ": CPU, server JVM + children", "cores", "ours (one stream-server)", n + " raw gst-launch-1.0 pipeline" + (n > 1 ? "s" : ""),
                    "ratio<=1.05");
            f.runsNote = cfg.costRounds() + " windows of " + seconds() + " s each, ours then raw (ours stopped)";
            try {
                measure(ctx, n, wh, f);
            } catch (Exception e) {
                f.failure = e.getMessage();
                ctx.results().failures.add("several streams, " + n + ": " + e.getMessage());
                System.out.println("   FAILED (" + n + " streams): " + e.getMessage());
            } finally {
                Proc.stopAll();
            }
        }
    }

    private static void measure(Context ctx, int n, String[] wh, Figure f) throws Exception {
        Config cfg = ctx.config();
        // stream main from the flags, s2..sN from a definitions file, all started with the server
        StringBuilder defs = new StringBuilder("{");
        for (int i = 2; i <= n; i++) {
            if (i > 2) defs.append(',');
            defs.append("\"s").append(i).append("\":{\"source\":\"test\",\"width\":").append(wh[0]).append(",\"height\":").append(wh[1])
                .append(",\"framerate\":").append(wh[2]).append(",\"destinations\":[\"127.0.0.1:").append(Ports.freeUdpAndTcp())
                .append("\"],\"autostart\":true}");
        }
        Path file = cfg.work().resolve("streams-" + n + ".json");
        Files.writeString(file, defs.append('}').toString(), StandardCharsets.UTF_8);
        Server s = ctx.server(Ports.freeUdpAndTcp(), null, "streams-" + n, "--width", wh[0], "--height", wh[1], "--framerate", wh[2],
                "--start", "--streams", file.toString());
        List<Long> children = awaitChildren(s, n);
        for (int i = 1; i <= n; i++) { // each stream sending (RTP seen by the server), however loaded the machine
            String name = i == 1 ? "main" : "s" + i;
            if (s.proc.await(java.util.regex.Pattern.compile("stream " + name + ": starting -> running"), 60_000) == null) {
                throw new IOException("stream " + name + " did not run within 60 s: " + s.proc.tail(4));
            }
        }
        Util.sleep(3); // past the children's start-up
        List<List<String>> raw = new ArrayList<>();
        for (long c : children) raw.add(Pipelines.withPort(argv(c), Ports.freeUdpAndTcp(), -1));
        ctx.results().details.add("streams_" + n + "_raw_pipeline", String.join(" ", raw.get(0)));
        List<Double> jvm = new ArrayList<>();
        List<Long> ours = new ArrayList<>(List.of(s.proc.pid()));
        ours.addAll(children);
        // All of ours' windows first, then the raw pipelines' with ours stopped (SIGSTOP, so that both get the same
        // machine). Not alternated: a live source stopped for a while catches up when it goes on, its encoder burning
        // through the frames of the stopped time, which inflated every window of ours after the first (measured by
        // hand at 4 streams: 0.64 cores before a 15 s stop, 1.2 cores in the 10 s after it; the raw copies 0.65).
        for (int round = 0; round < cfg.costRounds(); round++) {
            double[] w = window(ours);
            f.ours.add(w[0]);
            jvm.add(w[1]);
            if (!children.equals(childPids(s))) {
                throw new IOException("a child of ours was restarted during the window (now " + childPids(s) + ", was " + children + ")");
            }
        }
        signal("STOP", ours);
        List<Proc> started = new ArrayList<>();
        try {
            for (int i = 0; i < raw.size(); i++) {
                // Each in a session of its own, as the server's children are (setsid): with the kernel's
                // autogroup scheduling each session is one group sharing the CPU fairly with the others, and
                // on a loaded machine the raw pipelines of one session got a fraction of what eight got.
                List<String> cmd = new ArrayList<>(raw.get(i));
                cmd.set(0, cfg.gstLaunch());
                if (Files.isExecutable(SETSID)) cmd.add(0, SETSID.toString());
                started.add(Proc.start("gst-streams-" + n + "-raw-" + i, cmd, null, cfg.logs()));
            }
            // each streaming (its udpsink has caps: -v, as the children), then past the start-up as ours was;
            // a loaded machine takes seconds to start eight encoders
            for (Proc p : started) {
                if (p.await(SENDING, 60_000) == null) throw new IOException("a raw pipeline did not start sending within 60 s: " + p.tail(3));
            }
            Util.sleep(3);
            List<Long> pids = started.stream().map(Proc::pid).toList();
            for (int round = 0; round < cfg.costRounds(); round++) f.counter.add(window(pids)[0]);
        } finally {
            for (Proc p : started) p.stop();
            signal("CONT", ours);
        }
        f.digits = 3;
        double childCores = f.oursMedian() - Stats.median(jvm);
        f.profile.add("of ours, the server JVM takes " + fmt(Stats.median(jvm), 3) + " cores (its RTP taps, statistics and stall watch) and its children "
                + fmt(childCores, 3) + " (" + fmt(childCores / f.counterMedian(), 3) + "x the raw pipelines); "
                + "each raw pipeline is a child's argv up to the payloader and one udpsink (the tee and the loopback copy to the server's tap are ours); "
                + "load average " + Util.loadavg());
        System.out.printf("   %d stream(s): ours %s cores (JVM %s), raw %s cores, ratio %sx%n", n, fmt(f.oursMedian(), 3),
                fmt(Stats.median(jvm), 3), fmt(f.counterMedian(), 3), fmt(f.ratio(), 3));
        s.stop();
    }

    /** @return the window of each measurement, s ({@code -Dbench.streams.seconds}, BENCH_STREAMS_SECONDS: 4 counts fit the budget) */
    static int seconds() {
        return Integer.getInteger("bench.streams.seconds", 10);
    }

    /** Waits (30 s) until the server runs n gst-launch-1.0 children. */
    private static List<Long> awaitChildren(Server s, int n) throws Exception {
        long deadline = System.nanoTime() + 30_000_000_000L;
        List<Long> c = childPids(s);
        while (c.size() != n) {
            if (System.nanoTime() > deadline) throw new IOException("expected " + n + " children, the server runs " + c.size() + ": " + s.proc.tail(4));
            if (!s.proc.alive()) throw new IOException("stream-server exited: " + s.proc.tail(4));
            Util.sleep(0.2);
            c = childPids(s);
        }
        return c;
    }

    private static List<Long> childPids(Server s) {
        return s.proc.process.toHandle().children().filter(h -> h.info().command().map(x -> x.contains("gst-launch")).orElse(false))
                .map(ProcessHandle::pid).sorted().toList();
    }

    private static List<String> argv(long pid) throws IOException {
        byte[] raw = Files.readAllBytes(Path.of("/proc/" + pid + "/cmdline"));
        List<String> out = new ArrayList<>();
        int start = 0;
        for (int i = 0; i < raw.length; i++) {
            if (raw[i] == 0) { out.add(new String(raw, start, i - start, StandardCharsets.UTF_8)); start = i + 1; }
        }
        return out;
    }

    private static void signal(String sig, List<Long> pids) throws Exception {
        List<String> cmd = new ArrayList<>(List.of("kill", "-" + sig));
        for (long p : pids) cmd.add(String.valueOf(p));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        p.getInputStream().readAllBytes();
        p.waitFor();
    }

    /** Cores used (CPU seconds per second) over one window: [all pids together, the first pid alone]. */
    private static double[] window(List<Long> pids) throws InterruptedException {
        Map<Long, Double> before = new TreeMap<>();
        long t0 = System.nanoTime();
        for (long p : pids) before.put(p, ProcStat.cpuSeconds(p));
        Util.sleep(seconds());
        double dt = (System.nanoTime() - t0) / 1e9;
        double all = 0, first = 0;
        for (long p : pids) {
            double d = (ProcStat.cpuSeconds(p) - before.get(p)) / dt;
            if (Double.isNaN(d)) continue;
            all += d;
            if (p == pids.get(0)) first = d;
        }
        return new double[] {all, first};
    }
}
