package bench;

import static bench.Stats.fmt;
import static stream.testkit.Ports.freeUdpAndTcp;

import java.io.IOException;
import java.util.List;

/**
 * Time to first frame: stream-client start until a waiting viewer decodes a frame, beside the same
 * pipeline started by hand, interleaved; split at the server's spawn of its child.
 */
final class FirstFramePhase implements Phase {
    @Override public String id() { return "ttff"; }
    @Override public String title() { return "time to first frame"; }

    @Override
    public void run(Context ctx) throws Exception {
        Config cfg = ctx.config();
        int udp = freeUdpAndTcp();
        Server s = ctx.server(udp, null, "ttff");
        List<String> rawArgv = ctx.baseline().rawArgv(udp);
        Figure f = ctx.fig("ttff", "1 Time to first frame", "stream-client start until the waiting viewer decodes a frame", "s",
                "stream-client start", "gst-launch-1.0 by hand (same pipeline)", "ratio<=1.2");
        Figure spawn = ctx.fig("ttff_spawn", "1 Time to first frame", "  of which: until the server spawns gst-launch-1.0", "s",
                "stream-client start (JVM, POST) + server", "");
        Figure afterSpawn = ctx.fig("ttff_after_spawn", "1 Time to first frame", "  of which: spawn until the first decoded frame", "s",
                "our child", "gst-launch-1.0 by hand, exec until first frame");
        Figure client = ctx.fig("ttff_client", "1 Time to first frame", "  stream-client start until it exits (no viewer)", "s",
                "stream-client start", "");
        for (int i = 0; i < cfg.runs(); i++) {
            for (int side = 0; side < 2; side++) {
                boolean ours = (i + side) % 2 == 0; // alternate which goes first
                Proc v = ctx.receiver("ttff-" + (ours ? "ours" : "raw") + i, udp, 1, 30, true);
                double t;
                if (ours) {
                    long t0 = Proc.nowNs();
                    Proc c = Proc.start("client-start", List.of(ctx.bin("stream-client"), "start", "--server", s.url), null, cfg.logs());
                    Proc.Line first = v.await(Context.FIRST_FRAME, 20_000);
                    c.waitFor(20_000);
                    if (first == null) throw new IOException("no first frame with our server: " + v.tail(3) + " / client: " + c.tail(3));
                    t = (first.epochNs() - t0) / 1e9;
                    for (Proc.Line l : s.proc.lines()) {
                        if (l.epochNs() >= t0 && l.text().contains("-> starting")) {
                            spawn.ours.add((l.epochNs() - t0) / 1e9);
                            afterSpawn.ours.add((first.epochNs() - l.epochNs()) / 1e9);
                            break;
                        }
                    }
                    s.stopStream();
                } else {
                    long t0 = Proc.nowNs();
                    Proc g = ctx.gst("ttff-raw", rawArgv);
                    Proc.Line first = v.await(Context.FIRST_FRAME, 20_000);
                    if (first == null) throw new IOException("no first frame from the raw pipeline: " + v.tail(3) + " / gst: " + g.tail(3));
                    t = (first.epochNs() - t0) / 1e9;
                    afterSpawn.counter.add(t);
                    g.stop();
                }
                (ours ? f.ours : f.counter).add(t);
                v.stop();
                System.out.printf("   run %d %s: %.3f s%n", i + 1, ours ? "ours" : "raw ", t);
            }
        }
        f.runsNote = cfg.runs() + " each, alternating";
        spawn.runsNote = afterSpawn.runsNote = cfg.runs() + " (same runs; the server's log line arrival)";
        // the client's own share: the JVM start plus the HTTP round trip
        client.ours.clear();
        for (int i = 0; i < cfg.runs(); i++) {
            long t0 = System.nanoTime();
            Proc c = Proc.start("client-start-only", List.of(ctx.bin("stream-client"), "start", "--server", s.url), null, cfg.logs());
            c.waitFor(20_000);
            client.ours.add((System.nanoTime() - t0) / 1e9);
            s.stopStream();
        }
        client.runsNote = cfg.runs() + " (separate runs, no viewer)";
        f.profile.add("until the server spawns gst-launch-1.0 (client JVM start, POST, server): median " + fmt(spawn.oursMedian(), 3)
                + " s; from the spawn to the first decoded frame: " + fmt(afterSpawn.oursMedian(), 3) + " s against " + fmt(afterSpawn.counterMedian(), 3)
                + " s for gst-launch-1.0 started by hand");
        f.profile.add("stream-client start alone (JVM start, POST, the server starting gst-launch-1.0 and waiting for it to report caps): median "
                + fmt(client.oursMedian(), 3) + " s");
        s.stop();
    }
}
