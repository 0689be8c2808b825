package bench;

import static bench.Stats.fmt;
import static bench.Stats.num;
import static bench.Stats.percentile;
import static bench.Stats.toJson;
import static stream.testkit.Ports.freeUdpAndTcp;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Glass-to-glass latency: RFC 6051 NTP-64 capture timestamps in an RTP header extension, read by
 * bench.Probe for every decoded frame; ours (through a gst-launch-1.0 shim on the server's PATH)
 * beside the raw pipeline and the original design's, then two short diagnostic runs.
 */
final class GlassToGlassPhase implements Phase {
    @Override public String id() { return "g2g"; }
    @Override public String title() { return "glass-to-glass latency"; }

    /** Starts or stops a sender. */
    private interface Action { void run() throws Exception; }

    /** One glass-to-glass run: the probe receives while start runs the sender; returns the latencies in ms. */
    private static double[] g2gRun(Context ctx, String label, int udp, Action start, Action stop, int g2gSeconds) throws Exception {
        Config cfg = ctx.config();
        Path out = cfg.work().resolve("g2g-" + label + ".txt");
        Proc probe = Proc.start("probe-g2g-" + label, List.of(cfg.helperJava(), "--enable-native-access=ALL-UNNAMED", "-cp", cfg.helperCp(),
                "bench.Probe", "latency", String.valueOf(udp), String.valueOf(g2gSeconds + cfg.g2gWarmup()), out.toString()), null, cfg.logs());
        if (probe.await(Pattern.compile("^ready"), 20_000) == null) throw new IOException("the latency probe did not start: " + probe.tail(3));
        start.run();
        int rc = probe.waitFor((g2gSeconds + cfg.g2gWarmup() + 40) * 1000L);
        stop.run();
        if (rc != 0) throw new IOException(label + ": the probe got no NTP-64 timestamps (exit " + rc + "): " + probe.tail(3));
        List<Double> ms = new ArrayList<>();
        long firstNs = -1;
        for (String line : Files.readAllLines(out)) {
            if (line.startsWith("#")) { ctx.results().details.add("g2g_" + label + "_frames", line.substring(2)); continue; }
            String[] p = line.split(" ");
            long at = Long.parseLong(p[0]);
            if (firstNs < 0) firstNs = at;
            if (at - firstNs < cfg.g2gWarmup() * 1_000_000_000L) continue; // start-up transient
            ms.add(Long.parseLong(p[1]) / 1e6);
        }
        double[] a = ms.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        System.out.printf("   %-9s frames %d: p50 %.1f ms, p95 %.1f ms, max %.1f ms%n", label, a.length,
                percentile(a, 0.5), percentile(a, 0.95), a.length == 0 ? Double.NaN : a[a.length - 1]);
        return a;
    }

    @Override
    public void run(Context ctx) throws Exception {
        Config cfg = ctx.config();
        int g2gSeconds = cfg.g2gSeconds();
        String what = "capture to decoded frame, " + ctx.baseline().sourceCaps().replace("video/x-raw,", "") + ", " + g2gSeconds + " s";
        Figure p50 = ctx.fig("g2g_p50", "3 Glass-to-glass", "p50, " + what, "ms", "ours (server defaults)",
                "raw gst-launch-1.0, same pipeline", "ratio<=1.1", "ours<=50");
        Figure p95 = ctx.fig("g2g_p95", "3 Glass-to-glass", "p95", "ms", "ours", "raw, same pipeline");
        Figure max = ctx.fig("g2g_max", "3 Glass-to-glass", "max", "ms", "ours", "raw, same pipeline");
        Figure o50 = ctx.fig("g2g_orig_p50", "3 Glass-to-glass", "p50: ours vs the original design's settings", "ms", "ours",
                "original (videoconvert ! x264enc tune=zerolatency)");
        Figure o95 = ctx.fig("g2g_orig_p95", "3 Glass-to-glass", "p95: ours vs the original design's settings", "ms", "ours", "original");
        Figure omax = ctx.fig("g2g_orig_max", "3 Glass-to-glass", "max: ours vs the original design's settings", "ms", "ours", "original");
        for (Figure f : List.of(p50, p95, max, o50, o95, omax)) { f.digits = 1; f.runsNote = "1 run, " + g2gSeconds + " s of frames"; }
        String ntpNote;

        // ours: the server starts its own child; a gst-launch-1.0 shim first on PATH adds the header extension
        Path shimDir = cfg.work().resolve("shim");
        Files.createDirectories(shimDir);
        Path shim = shimDir.resolve("gst-launch-1.0");
        Path mark = cfg.work().resolve("shim-used");
        Files.deleteIfExists(mark);
        Files.writeString(shim, Pipelines.shimScript(cfg.gstLaunch(), mark));
        Files.setPosixFilePermissions(shim, PosixFilePermissions.fromString("rwxr-xr-x"));
        int udp = freeUdpAndTcp();
        Map<String, String> env = Map.of("PATH", shimDir + ":" + System.getenv().getOrDefault("PATH", "/usr/bin:/bin"));
        Server s = ctx.server(udp, env, "g2g");
        double[] cpu = new double[2];
        double[] ours;
        List<String> oursArgv = null;
        try {
            final Server srv = s;
            Action start = srv::startStream;
            ours = g2gRun(ctx, "ours", udp, start, srv::stopStream, g2gSeconds);
            List<String> ran = Files.exists(mark) ? Files.readAllLines(mark) : List.of();
            if (ran.isEmpty()) throw new IOException("the server did not run the shim");
            oursArgv = ran;
            ntpNote = "ours: the server started its own child; a gst-launch-1.0 shim first on PATH (the server finds gst-launch-1.0 on PATH) "
                    + "added rtpbin + the NTP-64 header extension right after the payloader and exec'd the real gst-launch-1.0";
        } catch (Exception e) {
            ctx.results().failures.add("glass-to-glass, ours through the server: " + e.getMessage());
            ours = null;
            ntpNote = "ours could not be measured through the server";
        } finally {
            s.stop();
        }
        ctx.results().details.add("g2g_method", ntpNote);
        ctx.results().notes.add("Glass-to-glass: " + ntpNote + ".");
        // raw: exactly the same argv, started by hand
        int udp2 = freeUdpAndTcp();
        List<String> rawArgv = Pipelines.withNtp64(ctx.baseline().rawArgv(udp2));
        ctx.results().details.add("g2g_raw_pipeline", String.join(" ", rawArgv));
        final Proc[] g = new Proc[1];
        double[] raw = g2gRun(ctx, "raw", udp2, () -> { g[0] = ctx.gst("g2g-raw", rawArgv); }, () -> g[0].stop(), g2gSeconds);
        int udp3 = freeUdpAndTcp();
        List<String> origArgv = Pipelines.withNtp64(ctx.baseline().originalArgv(cfg.gstLaunch(), udp3));
        ctx.results().details.add("g2g_original_pipeline", String.join(" ", origArgv));
        double[] orig = g2gRun(ctx, "original", udp3, () -> { g[0] = ctx.gst("g2g-original", origArgv); }, () -> g[0].stop(), g2gSeconds);
        if (oursArgv != null) ctx.results().details.add("g2g_ours_pipeline", String.join(" ", oursArgv));
        // diagnostics for the profile: our pipeline with videorate drop-only=true (it then never holds a frame back),
        // and the same at twice the frame rate, which separates what scales with the frame period
        try {
            int diagSeconds = cfg.g2gDiagSeconds();
            List<String> drop = new ArrayList<>();
            boolean hadPlainVideorate = false;
            List<String> base = Pipelines.withNtp64(ctx.baseline().rawArgv(freeUdpAndTcp()));
            for (int i = 0; i < base.size(); i++) {
                String a = base.get(i);
                drop.add(a);
                boolean dropOnly = i + 1 < base.size() && base.get(i + 1).startsWith("drop-only=");
                if (a.equals("videorate") && !dropOnly) { drop.add("drop-only=true"); hadPlainVideorate = true; }
            }
            final boolean plainVideorate = hadPlainVideorate;
            int udp4 = Integer.parseInt(drop.stream().filter(a -> a.matches("port=\\d+|clients=[^,]*")).reduce((a, b) -> b).orElseThrow()
                    .replaceAll(".*[=:]", ""));
            double[] d30 = g2gRun(ctx, plainVideorate ? "diag-dropOnly" : "diag-same", udp4, () -> { g[0] = ctx.gst("g2g-diag30", drop); }, () -> g[0].stop(), diagSeconds);
            List<String> drop60 = new ArrayList<>();
            int udp5 = freeUdpAndTcp();
            for (String a : drop) {
                String b = a.matches("port=\\d+") ? "port=" + udp5 : a.startsWith("clients=") ? a.replaceAll(":\\d+$", ":" + udp5) : a;
                if (b.startsWith("video/x-raw") && b.contains("framerate=")) {
                    Matcher m = Pattern.compile("framerate=(\\d+)/(\\d+)").matcher(b);
                    if (m.find()) b = b.replace(m.group(), "framerate=" + 2 * Integer.parseInt(m.group(1)) + "/" + m.group(2));
                }
                drop60.add(b);
            }
            double[] d60 = g2gRun(ctx, "diag-double-rate", udp5, () -> { g[0] = ctx.gst("g2g-diag60", drop60); }, () -> g[0].stop(), diagSeconds);
            double q30 = percentile(d30, 0.5), q60 = percentile(d60, 0.5);
            ctx.results().details.add("g2g_diag_drop_only_pipeline", String.join(" ", drop));
            ctx.results().details.add("g2g_diag_drop_only_p50_ms", num(q30));
            ctx.results().details.add("g2g_diag_double_rate_p50_ms", num(q60));
            p50.profile.add("measured in the same run (" + diagSeconds + " s each): "
                    + (plainVideorate ? "our pipeline with `videorate drop-only=true` gives p50 " + fmt(q30, 1) + " ms (" + fmt(percentile(raw, 0.5) - q30, 1)
                            + " ms less: plain videorate holds each frame until the next one arrives); the same"
                            : "the raw pipeline again: p50 " + fmt(q30, 1) + " ms; the same")
                    + " at twice the frame rate " + fmt(q60, 1) + " ms, so about " + fmt(2 * (q30 - q60), 1)
                    + " ms of p50 is one frame period of the live source and about " + fmt(2 * q60 - q30, 1) + " ms is convert, encode, send, receive and decode");
        } catch (Exception e) {
            ctx.results().failures.add("glass-to-glass diagnostics: " + e.getMessage());
        }
        if (ours != null) {
            p50.ours.add(percentile(ours, 0.5)); p95.ours.add(percentile(ours, 0.95)); max.ours.add(ours[ours.length - 1]);
            o50.ours.add(percentile(ours, 0.5)); o95.ours.add(percentile(ours, 0.95)); omax.ours.add(ours[ours.length - 1]);
        } else {
            p50.failure = "ours not measured";
        }
        if (raw.length > 0) { p50.counter.add(percentile(raw, 0.5)); p95.counter.add(percentile(raw, 0.95)); max.counter.add(raw[raw.length - 1]); }
        if (orig.length > 0) { o50.counter.add(percentile(orig, 0.5)); o95.counter.add(percentile(orig, 0.95)); omax.counter.add(orig[orig.length - 1]); }
        ctx.results().details.add("g2g_ours_ms", toJson(ours));
        ctx.results().details.add("g2g_raw_ms", toJson(raw));
        ctx.results().details.add("g2g_original_ms", toJson(orig));
        String frame = ctx.baseline().sourceCaps().replaceAll(".*framerate=(\\d+)/(\\d+).*", "$1/$2");
        String[] fr = frame.split("/");
        double frameMs = fr.length == 2 ? 1000.0 * Integer.parseInt(fr[1]) / Integer.parseInt(fr[0]) : Double.NaN;
        p50.profile.add(0, "the raw pipeline with the same settings is the floor here: " + fmt(p50.counterMedian(), 1)
                + " ms. The capture timestamp is the live test source's buffer time; one frame lasts " + fmt(frameMs, 1)
                + " ms at this rate, and the frame only exists once that period is over, so about one frame period of every figure is the source's");
    }
}
