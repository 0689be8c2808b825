package bench;

import static bench.Stats.fmt;

import com.eclipsesource.json.JsonArray;
import com.eclipsesource.json.JsonObject;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.regex.Pattern;
import stream.testkit.NetNs;

/**
 * Fan-out rows (issue 23): how many WebRTC viewers one server feeds per core, every viewer receiving
 * every frame, our gateway against Janus's streaming plugin on the same frames. The viewers are
 * light receivers ({@link LightViewers}: webrtcbin, SRTP, jitter buffer and depayloader, no decoder),
 * N of them in one process, so the ramp reaches past what Chromium tabs allow.
 *
 * <p>Two namespaces of the bench's own joined by a veth with test addresses, as {@link JanusPhase}:
 * "c" holds the sender, the gateway and the receivers (ICE on loopback, as the browser rows), "j"
 * holds Janus (its ICE skips loopback; the receivers reach it over the veth). One
 * {@link StampedSender} sends every packet to both servers all along. The gateway's ramp runs first,
 * then Janus's, each with a fresh receiver process. Per step: the server's CPU over the window less
 * its idle CPU (the stream arriving, no viewer), divided by N.
 */
final class FanoutPhase implements Phase {
    static final String C_ADDR = "10.78.2.1", J_ADDR = "10.78.2.2";
    static final int[] STEPS = {10, 25, 50, 100, 150};

    @Override public String id() { return "fanout"; }
    @Override public String title() { return "fan-out (light WebRTC receivers, our gateway against Janus)"; }

    private Figure perCore, perViewer, capacity;
    private int refPort;
    private final List<String> capacityNote = new ArrayList<>();

    @Override
    public void run(Context ctx) throws Exception {
        int seconds = Integer.getInteger("bench.fanout.seconds", 8);
        String what = ctx.baseline().sourceCaps().replace("video/x-raw,", "");
        perCore = ctx.fig("fanout_viewers_per_core", "7 Browser", "WebRTC viewers one server feeds on one core, every viewer receiving every frame"
                + " (light receivers that do not decode, not Chromium tabs; 1 / the CPU per viewer at the largest step where all did), " + what,
                "viewers", "our WHEP gateway", "Janus 1.1, same frames", "ours>=100");
        perViewer = ctx.fig("fanout_cpu_viewer", "7 Browser", "&nbsp;&nbsp;CPU per WebRTC viewer (the server process, idle subtracted, scaled to the nominal frame rate when the sender fell behind)",
                "cores", "our WHEP gateway", "Janus, same frames", "ratio<=1.0");
        capacity = ctx.fig("fanout_capacity", "7 Browser", "&nbsp;&nbsp;light WebRTC viewers held with every frame at every viewer (tried "
                + Arrays.toString(steps()) + ")", "viewers", "our WHEP gateway", "Janus");
        perCore.digits = 0; perViewer.digits = 5; capacity.digits = 0;
        perCore.runsNote = perViewer.runsNote = capacity.runsNote = "1 ramp each, " + seconds + " s window per step";
        try {
            measure(ctx, seconds);
        } catch (Exception e) {
            for (Figure f : List.of(perCore, perViewer, capacity)) if (f.ours.isEmpty() || f.counter.isEmpty()) f.failure = e.getMessage();
            throw e;
        }
    }

    static int[] steps() {
        String p = System.getProperty("bench.fanout.steps", "");
        return p.isBlank() ? STEPS : Arrays.stream(p.split(",")).mapToInt(x -> Integer.parseInt(x.strip())).toArray();
    }

    private void measure(Context ctx, int seconds) throws Exception {
        Config cfg = ctx.config();
        boolean haveJanus = Files.isExecutable(Path.of(Util.which("janus")));
        String tag = "fo" + ProcessHandle.current().pid() % 100000;
        double rate = ctx.baseline().frameRate();
        JsonObject details = new JsonObject();
        ctx.results().details.add("fanout", details);
        try (NetNs c = NetNs.create("fanc"); NetNs j = NetNs.create("fanj")) {
            c.veth(tag + "c", C_ADDR, j, tag + "j", J_ADDR);
            JanusProc janus = haveJanus ? new JanusProc(cfg, j.prefix(), cfg.work().resolve("janus-fanout"), J_ADDR, tag + "j") : null;
            int most = Arrays.stream(steps()).max().orElse(150);
            GatewayProc gateway = new GatewayProc(cfg, c.prefix(), List.of("--max-viewers", String.valueOf(Math.min(1000, most + 10)), "--idle-timeout", "30"));
            int port = gateway.call(new JsonObject().add("op", "addStream").add("name", BrowserPhase.STREAM)).getInt("rtpPort", 0);
            if (port <= 0) throw new IOException("the gateway gave no RTP port");
            refPort = stream.testkit.Ports.freeUdpAndTcp();
            // the plain copy in the receivers' process: the frames the sender actually sent in each window
            List<String> clients = new ArrayList<>(List.of("127.0.0.1:" + port, "127.0.0.1:" + refPort));
            if (haveJanus) clients.add(J_ADDR + ":" + JanusProc.RTP_PORT);
            Proc sender = StampedSender.start(ctx, "fanout-sender", c.prefix(), clients, "fanout_sender_pipeline");
            try {
                Util.sleep(2);
                Ramp ours = ramp(ctx, c, "gateway", gateway.pid(), List.of("gateway", "127.0.0.1"), seconds, rate, (rx, i) -> {
                    rx.send("add " + i);
                    String offer = rx.await("^(offer|failed) " + i + " ", "an offer from viewer " + i).substring(("offer " + i + " ").length());
                    JsonObject a = gateway.call(new JsonObject().add("op", "offer").add("stream", BrowserPhase.STREAM)
                            .add("sdp", new String(Base64.getDecoder().decode(offer), StandardCharsets.UTF_8)));
                    rx.send("answer " + i + " " + Base64.getEncoder().encodeToString(a.getString("sdp", "").getBytes(StandardCharsets.UTF_8)));
                    rx.await("^(answered " + i + "$|failed " + i + " )", "viewer " + i + " to take the answer");
                });
                details.add("gateway", ours.json);
                gateway.proc.stop();
                ours.into(perCore, capacity, true);
                if (!haveJanus) throw new IOException("no janus on PATH (Debian package janus): the Janus column needs it");
                Ramp theirs = ramp(ctx, c, "janus", janus.pid(),
                        List.of("janus", C_ADDR, "http://" + J_ADDR + ":" + JanusProc.HTTP_PORT + "/janus", String.valueOf(JanusProc.MOUNTPOINT)), seconds, rate,
                        (rx, i) -> {
                            rx.send("janus " + i);
                            rx.await("^(joined " + i + "$|failed " + i + " )", "viewer " + i + " to join through Janus");
                        });
                details.add("janus", theirs.json);
                theirs.into(perCore, capacity, false);
                compare(perViewer, ours, theirs);
            } finally {
                sender.stop();
                gateway.proc.stop();
                if (janus != null) janus.proc.stop();
            }
        }
        if (!capacityNote.isEmpty()) capacity.profile.add("where the ramp stopped: " + String.join("; ", capacityNote)
                + ". The light receivers (a webrtcbin each: SRTP, jitter buffer, depayloader) and the 720p30 encoder share this machine's cores with the"
                + " server: when the server is far from a core and the sender falls below its rate, the receivers and the machine's load, not the server, ended the ramp");
        perCore.profile.add("each viewer is a webrtcbin in one light-receiver process (bench.LightViewers: ICE, DTLS, SRTP, jitter buffer,"
                + " rtph264depay, a fakesink counting access units; nothing decoded); a step holds when every viewer received at least 95% of the"
                + " frames the sender sent over the window (" + fmt(rate, 0) + " fps nominal; counted by a plain RTP copy in the receivers' process); the receivers share this machine's cores with the server measured"
                + " (their CPU per step is in results.json under fanout); load average " + Util.loadavg());
    }

    private interface Join { void join(Receivers rx, int i) throws Exception; }

    /** The light-receiver process and its line protocol. */
    private static final class Receivers {
        final Proc proc;
        final OutputStream in;

        Receivers(Proc proc) { this.proc = proc; this.in = proc.process.getOutputStream(); }

        void send(String line) throws IOException {
            in.write((line + "\n").getBytes(StandardCharsets.UTF_8));
            in.flush();
        }

        String await(String regex, String what) throws Exception {
            Proc.Line l = proc.await(Pattern.compile(regex), 30_000);
            if (l == null) throw new IOException("the light receivers gave no " + what + " in 30 s: " + proc.tail(3));
            if (l.text().startsWith("failed")) throw new IOException("light receiver: " + l.text());
            return l.text();
        }

        private int asked;

        long[] counts(int n) throws Exception {
            int t = ++asked;
            send("counts " + t + " " + n);
            String[] f = await("^counts " + t + " ", "frame counts").split(" ");
            long[] out = new long[n + 1]; // the plain copy's, then each viewer's
            for (int k = 0; k <= n; k++) out[k] = Long.parseLong(f[k + 2]);
            return out;
        }
    }

    /** One server's ramp: per step its CPU per viewer and whether every viewer got every frame. */
    private static final class Ramp {
        final JsonArray json = new JsonArray();
        int held;
        double coresPerViewer = Double.NaN;
        /** CPU per viewer of every step every viewer held. */
        final java.util.Map<Integer, Double> perStep = new java.util.TreeMap<>();

        void into(Figure perCore, Figure capacity, boolean ours) {
            (ours ? capacity.ours : capacity.counter).add((double) held);
            if (!Double.isNaN(coresPerViewer)) (ours ? perCore.ours : perCore.counter).add(1 / coresPerViewer);
        }
    }

    /** CPU per viewer of both at the largest step both held (the same N: per-viewer costs fall as N grows). */
    private static void compare(Figure perViewer, Ramp ours, Ramp theirs) {
        int common = Math.min(ours.held, theirs.held);
        Double a = ours.perStep.get(common), b = theirs.perStep.get(common);
        if (a == null || b == null) { perViewer.failure = "no step both servers held"; return; }
        perViewer.ours.add(a);
        perViewer.counter.add(b);
        perViewer.profile.add("compared at " + common + " viewers, the largest step both servers held (the cost per viewer falls as N grows);"
                + " every step of each is in results.json under fanout");
    }

    private Ramp ramp(Context ctx, NetNs ns, String label, long serverPid, List<String> args, int seconds, double rate, Join join) throws Exception {
        Config cfg = ctx.config();
        Ramp ramp = new Ramp();
        double idle = ProcStat.cores(List.of(List.of(serverPid)), 3)[0];
        List<String> cmd = new ArrayList<>(ns.prefix());
        cmd.addAll(List.of(cfg.helperJava(), "-XX:+UseSerialGC", "--enable-native-access=ALL-UNNAMED", "-cp", cfg.helperCp(), "bench.LightViewers", String.valueOf(refPort)));
        cmd.addAll(args);
        Proc p = Proc.start("fanout-receivers-" + label, cmd, null, cfg.logs());
        try {
            Receivers rx = new Receivers(p);
            rx.await("^ready", "ready line");
            int n = 0;
            for (int target : steps()) {
                long t0 = System.nanoTime();
                try {
                    while (n < target) join.join(rx, n++);
                } catch (IOException e) {
                    // a viewer that cannot join ends the ramp; the steps held so far stand
                    capacityNote.add(label + " at " + n + " viewers: " + e.getMessage());
                    System.out.println("   " + label + ": " + e.getMessage());
                    break;
                }
                double joinSeconds = (System.nanoTime() - t0) / 1e9;
                // every viewer receiving (each waits for the next keyframe), then a settle
                long deadline = System.nanoTime() + 20_000_000_000L;
                long[] first = rx.counts(n);
                while (true) {
                    Util.sleep(0.5);
                    long[] now = rx.counts(n);
                    int moving = 0;
                    for (int k = 1; k <= n; k++) if (now[k] > first[k]) moving++;
                    if (moving == n) break;
                    if (System.nanoTime() > deadline) {
                        capacityNote.add(label + ": only " + moving + " of " + n + " light viewers received frames 20 s after joining");
                        return ramp;
                    }
                }
                Util.sleep(2);
                long[] before = rx.counts(n);
                long w0 = System.nanoTime();
                double[] cpu = ProcStat.cores(List.of(List.of(serverPid), List.of(p.pid())), seconds);
                long[] after = rx.counts(n);
                double dt = (System.nanoTime() - w0) / 1e9;
                double sent = after[0] - before[0], worst = Double.MAX_VALUE;
                if (sent < 0.5 * rate * dt) throw new IOException(label + ": the sender sent only " + (long) sent + " frames in " + fmt(dt, 1)
                        + " s (" + fmt(rate, 0) + " fps expected): the machine is too loaded to measure");
                double expected = sent;
                int ok = 0;
                for (int k = 1; k <= n; k++) {
                    double got = (after[k] - before[k]) / expected;
                    worst = Math.min(worst, got);
                    if (got >= 0.95) ok++;
                }
                // per viewer, at the nominal frame rate: on a loaded machine the 720p30 encoder falls behind, and a server
                // relaying fewer frames spends less; the cost scales with the packets relayed (raw figure in results.json)
                double rawPerViewer = (cpu[0] - idle) / n;
                double perViewer = rawPerViewer * rate / (sent / dt);
                ramp.json.add(new JsonObject().add("viewers", n).add("server_cores", cpu[0]).add("server_idle_cores", idle).add("per_viewer", perViewer).add("per_viewer_raw", rawPerViewer)
                        .add("receivers_cores", cpu[1]).add("sender_fps", sent / dt).add("worst_frame_fraction", worst).add("at_every_frame", ok).add("join_seconds", joinSeconds)
                        .add("loadavg", Util.loadavg()));
                System.out.printf("   %s %3d viewers: server %.3f cores (idle %.3f; %.5f per viewer at %.0f fps = %.0f per core), receivers %.2f cores,"
                        + " sender %.1f fps, worst viewer %.1f%% of its frames, %d at every frame, joined in %.1f s, load %s%n",
                        label, n, cpu[0], idle, perViewer, rate, 1 / perViewer, cpu[1], sent / dt, 100 * worst, ok, joinSeconds, Util.loadavg());
                if (ok < n) {
                    capacityNote.add(String.format(java.util.Locale.ROOT, "%s at %d viewers: %d of them got every frame (worst %.1f%%) while the server used"
                            + " %.2f cores, the receivers %.2f and the sender made %.1f fps, load %s", label, n, ok, 100 * worst, cpu[0], cpu[1], sent / dt, Util.loadavg()));
                    break;
                }
                ramp.held = n;
                ramp.coresPerViewer = perViewer;
                ramp.perStep.put(n, perViewer);
            }
        } finally {
            p.stop();
        }
        return ramp;
    }


}
