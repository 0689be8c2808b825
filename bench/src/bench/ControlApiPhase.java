package bench;

import static bench.Stats.fmt;
import static stream.testkit.Ports.freeTcp;
import static stream.testkit.Ports.freeUdpAndTcp;
import static bench.Util.sleep;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The control API under load (wrk, or bench.HttpLoad) beside a bare jdk.httpserver answering the
 * same body, and how long POST start and stop take until GET /control says so.
 */
final class ControlApiPhase implements Phase {
    @Override public String id() { return "http"; }
    @Override public String title() { return "control API"; }

    @Override
    public void run(Context ctx) throws Exception {
        Config cfg = ctx.config();
        int runs = cfg.runs(), loadRuns = cfg.loadRuns(), loadSeconds = cfg.loadSeconds();
        String wrk = cfg.wrk();
        int udp = freeUdpAndTcp();
        Server s = ctx.server(udp, null, "control");
        int rawPort = freeTcp();
        Path body = cfg.work().resolve("control-body.json");
        Files.writeString(body, ctx.baseline().controlBody() == null ? s.getBody() : ctx.baseline().controlBody());
        Proc raw = Proc.start("raw-http", List.of(ctx.bin("java"), "-XX:+UseSerialGC", "-Xmx96m", "-cp", cfg.work().resolve("classes").toString(),
                "bench.RawHttp", String.valueOf(rawPort), body.toString()), null, cfg.logs());
        if (raw.await(Pattern.compile("^listening"), 15_000) == null) throw new IOException("bench.RawHttp did not start: " + raw.tail(3));
        Figure rps = ctx.fig("control_rps", "4 Control API", "GET /control throughput (server stopped)", "req/s",
                "stream-server", "bare jdk.httpserver, fixed body", "ours>=20000");
        Figure p50 = ctx.fig("control_p50", "4 Control API", "GET /control latency p50", "ms", "stream-server", "bare jdk.httpserver");
        Figure p99 = ctx.fig("control_p99", "4 Control API", "GET /control latency p99", "ms", "stream-server", "bare jdk.httpserver", "ours<=2", "ratio<=1.2");
        rps.digits = 0;
        for (String[] target : new String[][] {{"ours", s.url}, {"raw", "http://127.0.0.1:" + rawPort}}) {
            load(ctx, target[1], 2); // warm-up (JIT)
        }
        double[] closed = new double[2], requests = new double[2];
        for (int i = 0; i < loadRuns; i++) {
            for (String[] target : new String[][] {{"ours", s.url}, {"raw", "http://127.0.0.1:" + rawPort}}) {
                double[] r = load(ctx, target[1], loadSeconds);
                boolean ours = target[0].equals("ours");
                closed[ours ? 0 : 1] += r[3];
                requests[ours ? 0 : 1] += r[4];
                (ours ? rps.ours : rps.counter).add(r[0]);
                (ours ? p50.ours : p50.counter).add(r[1]);
                (ours ? p99.ours : p99.counter).add(r[2]);
            }
        }
        String how = (wrk.isEmpty() ? "bench.HttpLoad, 16 connections" : "wrk -t2 -c16 --latency") + ", " + loadSeconds + " s each";
        for (Figure f : List.of(rps, p50, p99)) f.runsNote = loadRuns + " (" + how + ")";
        rps.profile.add(String.format(Locale.ROOT, "connections the server closed under the load generator (socket read errors, each a reconnect): "
                + "%.0f of %.0f requests for ours, %.0f of %.0f for the bare jdk.httpserver", closed[0], requests[0], closed[1], requests[1]));
        if (closed[0] > requests[0] * 0.1) {
            rps.profile.add("so our server closes keep-alive connections after most answers (a known cause: jdk.httpserver closes the connection when a handler "
                    + "leaves the request body unread and sun.net.httpserver.drainAmount is 0; reading the empty body first keeps it open)");
        }
        rps.profile.add(String.format(Locale.ROOT, "server VmHWM after the load: %.1f MiB", ProcStat.statusMiB(s.proc.pid(), "VmHWM")));
        p99.profile.add("the bare jdk.httpserver in the same runs: p99 " + fmt(p99.counterMedian(), 2) + " ms at " + fmt(rps.counterMedian(), 0)
                + " req/s" + (p99.ratio() <= 1.2 ? ", so the tail is mostly the machine and the JDK's HTTP server, not our handler"
                        : ", so our server adds to the tail (its handler, or its executor: a virtual thread per exchange)")
                + "; load average after the runs: " + Util.loadavg() + " (wrk's threads and the server share 2 cores)");
        raw.stop();

        Figure up = ctx.fig("start_to_running", "4 Control API", "POST start until GET says running", "s", "stream-server", "");
        Figure down = ctx.fig("stop_to_stopped", "4 Control API", "POST stop until GET says stopped", "s", "stream-server", "");
        for (int i = 0; i < runs; i++) {
            long t0 = System.nanoTime();
            s.post("start");
            up.ours.add(s.awaitStatus("running", t0, 20));
            sleep(1);
            t0 = System.nanoTime();
            s.post("stop");
            down.ours.add(s.awaitStatus("stopped", t0, 20));
            sleep(0.3);
        }
        up.runsNote = down.runsNote = runs + " (HTTP from the bench, GET polled every 2 ms)";
        s.stop();
    }

    /** Runs the load generator for seconds against base; returns {rps, p50 ms, p99 ms, socket errors, requests}. */
    private static double[] load(Context ctx, String base, int seconds) throws Exception {
        String wrk = ctx.config().wrk();
        if (!wrk.isEmpty()) {
            String out = ctx.run(List.of(wrk, "-t2", "-c16", "-d" + seconds + "s", "--latency", base + "/control"), (seconds + 30) * 1000L);
            Matcher m = Pattern.compile("Requests/sec:\\s*([0-9.]+)").matcher(out);
            if (!m.find()) throw new IOException("cannot read wrk's output: " + out);
            double rps = Double.parseDouble(m.group(1));
            Matcher e = Pattern.compile("Socket errors: connect (\\d+), read (\\d+), write (\\d+), timeout (\\d+)").matcher(out);
            double errors = e.find() ? Double.parseDouble(e.group(1)) + Double.parseDouble(e.group(2)) + Double.parseDouble(e.group(3)) : 0;
            Matcher n = Pattern.compile("(\\d+) requests in").matcher(out);
            double requests = n.find() ? Double.parseDouble(n.group(1)) : Double.NaN;
            return new double[] {rps, wrkPct(out, "50%"), wrkPct(out, "99%"), errors, requests};
        }
        URI u = URI.create(base);
        String out = ctx.run(List.of(ctx.config().helperJava(), "-XX:+UseSerialGC", "-cp", ctx.config().helperCp(), "bench.HttpLoad", u.getHost(),
                String.valueOf(u.getPort()), "/control", "16", String.valueOf(seconds)), (seconds + 30) * 1000L);
        Matcher m = Pattern.compile("requests=(\\d+) .*rps=([0-9.]+) p50_ms=([0-9.]+) p99_ms=([0-9.]+) .*errors=(\\d+)").matcher(out);
        if (!m.find()) throw new IOException("cannot read HttpLoad's output: " + out);
        return new double[] {Double.parseDouble(m.group(2)), Double.parseDouble(m.group(3)), Double.parseDouble(m.group(4)),
                Double.parseDouble(m.group(5)), Double.parseDouble(m.group(1))};
    }

    private static double wrkPct(String out, String pct) {
        Matcher m = Pattern.compile("^\\s*" + Pattern.quote(pct) + "\\s+([0-9.]+)(us|ms|s)\\s*$", Pattern.MULTILINE).matcher(out);
        if (!m.find()) return Double.NaN;
        double v = Double.parseDouble(m.group(1));
        return switch (m.group(2)) { case "us" -> v / 1000; case "s" -> v * 1000; default -> v; };
    }
}
