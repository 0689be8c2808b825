package bench;

import static bench.Stats.fmt;
import static stream.testkit.Ports.freeUdpAndTcp;
import static bench.Util.sleep;

import java.io.IOException;
import java.util.List;
import java.util.Map;

/**
 * Late join: viewers started into a running stream at different points of its keyframe interval,
 * ours beside the original design's sender; then, on one stream, the viewer with and without the
 * image's AOT cache, and the server with a shorter keyframe interval.
 */
final class LateJoinPhase implements Phase {
    @Override public String id() { return "latejoin"; }
    @Override public String title() { return "late join"; }

    @Override
    public void run(Context ctx) throws Exception {
        Config cfg = ctx.config();
        Figure f = ctx.fig("late_join", "2 Late join", "Viewer started while streaming, until its first frame", "s",
                "ours (server defaults)", "original design's encoder (x264enc tune=zerolatency, auto keyint)", "ours<=0.7");
        Figure startup = ctx.fig("late_join_startup", "2 Late join", "  of which: viewer start until it waits for the stream", "s",
                "stream-viewer", "", "ours<=0.15");
        double[] offsets = new double[cfg.runs()];
        for (int i = 0; i < cfg.runs(); i++) offsets[i] = 1.0 + (i * 0.73) % 2.2; // join at different points of the GOP
        for (int side = 0; side < 2; side++) {
            boolean ours = side == 0;
            int udp = freeUdpAndTcp();
            Server s = null;
            Proc g = null;
            if (ours) { s = ctx.server(udp, null, "late"); s.startStream(); } else { g = ctx.gst("late-original", ctx.baseline().originalArgv(cfg.gstLaunch(), udp)); }
            sleep(2.5);
            for (int i = 0; i < cfg.runs(); i++) {
                sleep(offsets[i]);
                Proc v = ctx.receiver("late-" + (ours ? "ours" : "orig") + i, udp, 1, 30, false);
                Proc.Line first = v.await(Context.FIRST_FRAME, 30_000);
                if (first == null) { v.stop(); throw new IOException("late join: no first frame: " + v.tail(3)); }
                double t = (first.epochNs() - v.startEpochNs) / 1e9;
                (ours ? f.ours : f.counter).add(t);
                Proc.Line ready = null;
                for (Proc.Line l : v.lines()) if (Context.VIEWER_READY.matcher(l.text()).find()) { ready = l; break; }
                if (ours && ready != null) startup.ours.add((ready.epochNs() - v.startEpochNs) / 1e9);
                System.out.printf("   join %d %s: %.3f s%n", i + 1, ours ? "ours    " : "original", t);
                v.stop();
            }
            if (s != null) s.stop();
            if (g != null) g.stop();
        }
        f.runsNote = cfg.runs() + " joins each, 1.0-3.2 s apart into one running stream";
        startup.runsNote = String.valueOf(cfg.runs());
        f.profile.add("viewer start-up until it waits for the stream (JVM + Gst.init + pipeline): median "
                + fmt(startup.oursMedian(), 3) + " s; the rest is the first packets, the viewer's keyframe request (a PLI to the port"
                + " after the video's source port, passed on by the server to the encoder) and the keyframe's decoding;"
                + " the original design's receiver has no way to ask and waits for its encoder's next periodic keyframe");
        variants(ctx, offsets);
        Figure a = ctx.results().get("late_join_aot"), au = ctx.results().get("late_join_aot_startup");
        if (a != null && au != null) {
            f.profile.add("measured in the same run, joins interleaved on one stream: with the image's AOT cache the viewer joins in "
                    + fmt(a.oursMedian(), 3) + " s against " + fmt(a.counterMedian(), 3) + " s without (its start-up "
                    + fmt(au.oursMedian(), 3) + " s against " + fmt(au.counterMedian(), 3) + " s)");
        }
        Figure k = ctx.results().get("late_join_keyint");
        if (k != null) f.profile.add("with the server's --keyint 0.5s: " + fmt(k.oursMedian(), 3) + " s");
    }

    /** Joins a running stream on udp once per offset with the given viewer launcher; adds join times and start-up times. */
    private static void joins(Context ctx, String viewer, String label, int udp, double[] offsets, List<Double> join, List<Double> startup)
            throws Exception {
        for (int i = 0; i < offsets.length; i++) {
            sleep(offsets[i]);
            Proc v = Proc.start("viewer-" + label + i, List.of(viewer, "--port", String.valueOf(udp), "--sink", "none",
                    "--frames", "1", "--timeout", "30"), Map.of("STREAM_JAVA_OPTS", ""), ctx.config().logs());
            Proc.Line first = v.await(Context.FIRST_FRAME, 30_000);
            if (first == null) { v.stop(); throw new IOException(label + ": no first frame: " + v.tail(3)); }
            join.add((first.epochNs() - v.startEpochNs) / 1e9);
            for (Proc.Line l : v.lines()) {
                if (Context.VIEWER_READY.matcher(l.text()).find()) { if (startup != null) startup.add((l.epochNs() - v.startEpochNs) / 1e9); break; }
            }
            System.out.printf("   join %d %-16s %.3f s%n", i + 1, label + ":", join.get(join.size() - 1));
            v.stop();
        }
    }

    /** The same joins with and without the image's AOT cache for the viewer, and with a shorter keyframe interval. */
    private static void variants(Context ctx, double[] offsets) throws Exception {
        if (!ctx.baseline().viewerUsable()) return;
        Figure base = ctx.results().get("late_join");
        int udp = freeUdpAndTcp();
        Server s = ctx.server(udp, null, "late-aot");
        try {
            s.startStream();
            sleep(1);
            String without = ctx.launcherWithoutAotCache("stream-viewer");
            Figure a = ctx.fig("late_join_aot", "2 Late join", "  the viewer's AOT cache: joins with it", "s",
                    "with the image's AOT cache", "the same launcher without it, joins interleaved on the same stream");
            Figure au = ctx.fig("late_join_aot_startup", "2 Late join", "  the viewer's AOT cache: start until it waits for the stream", "s",
                    "with the image's AOT cache", "without, interleaved");
            for (double offset : offsets) {
                double[] one = {offset};
                joins(ctx, without, "late-no-aot", udp, one, a.counter, au.counter);
                joins(ctx, ctx.bin("stream-viewer"), "late-aot", udp, one, a.ours, au.ours);
            }
            a.runsNote = au.runsNote = offsets.length + " joins each, interleaved";
        } catch (Exception e) {
            ctx.results().failures.add("late join with and without the AOT cache: " + e.getMessage());
        } finally {
            s.stop();
        }
        String help = ctx.run(List.of(ctx.bin("stream-server"), "--help"), 20_000);
        if (!help.contains("--keyint")) return;
        Server k = null;
        try {
            int udp2 = freeUdpAndTcp();
            k = ctx.server(udp2, null, "late-keyint", "--keyint", "0.5s");
            k.startStream();
            sleep(1);
            Figure kf = ctx.fig("late_join_keyint", "2 Late join", "  proposal: the server with --keyint 0.5s", "s", "--keyint 0.5s",
                    "default keyint (the row above)");
            joins(ctx, ctx.bin("stream-viewer"), "late-keyint", udp2, offsets, kf.ours, null);
            kf.counter.addAll(base.ours);
            kf.runsNote = offsets.length + " joins";
        } catch (Exception e) {
            ctx.results().failures.add("late join with --keyint 0.5s: " + e.getMessage());
        } finally {
            if (k != null) k.stop();
        }
    }
}
