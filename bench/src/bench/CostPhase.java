package bench;

import static bench.Stats.fmt;
import static stream.testkit.Ports.freeUdpAndTcp;
import static bench.Util.sleep;

import java.util.List;

/**
 * What streaming costs: CPU seconds per streaming minute and peak RSS of the server JVM and its
 * child, the viewer, the raw pipeline, the original design's pipeline and a gst-launch-1.0
 * receiver, in interleaved windows.
 */
final class CostPhase implements Phase {
    @Override public String id() { return "cost"; }
    @Override public String title() { return "cost of streaming"; }

    @Override
    public void run(Context ctx) throws Exception {
        for (int round = 0; round < ctx.config().costRounds(); round++) round(ctx);
        Figure cpu = ctx.results().get("cpu_sender");
        cpu.profile.clear();
        cpu.profile.add("of ours, the server JVM takes " + fmt(ctx.results().get("cpu_server").oursMedian(), 2)
                + " CPU s/min (its RTP tap included); our child against the raw pipeline: " + fmt(ctx.results().get("cpu_sender_raw").ratio(), 2)
                + "x (the tee and loopback copy to the server's RTP tap); the raw pipeline alone would be " + fmt(ctx.results().get("cpu_sender_raw").counterMedian()
                / cpu.counterMedian(), 3) + "x of the original; the rest of the difference is the encoder settings (the original's Y444 10-bit, preset medium, against I420 ultrafast)");
    }

    private static void round(Context ctx) throws Exception {
        Config cfg = ctx.config();
        Figure cpu = ctx.fig("cpu_sender", "5 Cost", "CPU per streaming minute, sender (ours: server JVM + its gst-launch child)", "CPU s/min",
                "ours at defaults", "original design's pipeline", "ratio<=0.333");
        Figure cpuRaw = ctx.fig("cpu_sender_raw", "5 Cost", "CPU per streaming minute, sender: ours vs the raw pipeline", "CPU s/min",
                "ours at defaults", "raw gst-launch-1.0, same pipeline");
        Figure cpuServer = ctx.fig("cpu_server", "5 Cost", "  of which the server JVM while streaming", "CPU s/min", "stream-server", "");
        Figure cpuViewer = ctx.fig("cpu_viewer", "5 Cost", "CPU per streaming minute, viewer (--sink none)", "CPU s/min",
                "stream-viewer", "gst-launch-1.0 receiver (udpsrc ! depay ! parse ! avdec_h264 ! fakesink)", "ratio<=1.2");
        Figure hwmServer = ctx.fig("rss_server_peak", "5 Cost", "Peak RSS (VmHWM), server while streaming", "MiB", "stream-server", "");
        Figure hwmChild = ctx.fig("rss_child_peak", "5 Cost", "Peak RSS (VmHWM), the gst-launch child", "MiB", "our child",
                "original design's pipeline");
        Figure hwmViewer = ctx.fig("rss_viewer_peak", "5 Cost", "Peak RSS (VmHWM), viewer", "MiB", "stream-viewer", "gst-launch-1.0 receiver", "ratio<=1.5");
        for (Figure f : List.of(cpu, cpuRaw, cpuServer, cpuViewer, hwmServer, hwmChild, hwmViewer)) {
            f.digits = f.unit.equals("MiB") ? 1 : 2;
            f.runsNote = cfg.costRounds() + " windows of " + cfg.costSeconds() + " s, interleaved";
        }
        // ours: server + child, with stream-viewer receiving
        int udp = freeUdpAndTcp();
        Server s = ctx.server(udp, null, "cost");
        Proc v = Proc.start("viewer-cost", List.of(ctx.bin("stream-viewer"), "--port", String.valueOf(udp), "--sink", "none"), null, cfg.logs());
        s.startStream();
        long child = s.childPid();
        sleep(3);
        double[] w = window(cfg, new long[] {s.proc.pid(), child, v.pid()});
        cpu.ours.add(w[0] + w[1]);
        cpuRaw.ours.add(w[0] + w[1]);
        cpuServer.ours.add(w[0]);
        cpuViewer.ours.add(w[2]);
        hwmServer.ours.add(ProcStat.statusMiB(s.proc.pid(), "VmHWM"));
        hwmChild.ours.add(ProcStat.statusMiB(child, "VmHWM"));
        hwmViewer.ours.add(ProcStat.statusMiB(v.pid(), "VmHWM"));
        v.stop();
        // the raw receiver on our stream, for the viewer's counterpart
        Proc rr = Proc.start("gst-receiver-cost", List.of(cfg.gstLaunch(), "udpsrc", "port=" + udp,
                "caps=application/x-rtp,media=video,clock-rate=90000,encoding-name=H264,payload=96", "!", "rtph264depay", "!",
                "h264parse", "!", "avdec_h264", "!", "fakesink", "sync=false"), null, cfg.logs());
        sleep(3);
        double[] wr = window(cfg, new long[] {rr.pid()});
        cpuViewer.counter.add(wr[0]);
        hwmViewer.counter.add(ProcStat.statusMiB(rr.pid(), "VmHWM"));
        rr.stop();
        s.stopStream();
        s.stop();
        // raw: the same pipeline by hand
        int udp2 = freeUdpAndTcp();
        Proc g = ctx.gst("cost-raw", ctx.baseline().rawArgv(udp2));
        sleep(3);
        cpuRaw.counter.add(window(cfg, new long[] {g.pid()})[0]);
        g.stop();
        // the original design's pipeline
        int udp3 = freeUdpAndTcp();
        Proc o = ctx.gst("cost-original", ctx.baseline().originalArgv(cfg.gstLaunch(), udp3));
        sleep(3);
        cpu.counter.add(window(cfg, new long[] {o.pid()})[0]);
        hwmChild.counter.add(ProcStat.statusMiB(o.pid(), "VmHWM"));
        o.stop();
    }

    /** CPU seconds per minute of each pid over one window of the configured cost seconds. */
    private static double[] window(Config cfg, long[] pids) throws InterruptedException {
        double[] c0 = new double[pids.length];
        long t0 = System.nanoTime();
        for (int i = 0; i < pids.length; i++) c0[i] = ProcStat.cpuSeconds(pids[i]);
        sleep(cfg.costSeconds());
        double dt = (System.nanoTime() - t0) / 1e9;
        double[] r = new double[pids.length];
        for (int i = 0; i < pids.length; i++) r[i] = (ProcStat.cpuSeconds(pids[i]) - c0[i]) / dt * 60;
        return r;
    }
}
