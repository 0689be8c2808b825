package bench;

import static bench.Stats.fmt;
import static bench.Stats.percentile;
import static bench.Stats.toJson;

import com.eclipsesource.json.JsonArray;
import com.eclipsesource.json.JsonObject;
import com.eclipsesource.json.JsonValue;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import stream.testkit.Chromium;
import stream.testkit.NetNs;
import stream.testkit.Ports;

/**
 * Browser rows (issue 10): Debian's Chromium, headless, watching our stream over WHEP through the
 * image's WebRTC gateway, all inside a network namespace with only loopback. The sender is our
 * server's child pipeline (its exact argv up to the payloader) with the wall clock burnt into every
 * frame before the encoder ({@link Stamper}); the page reads it back from the presented frames
 * ({@link BrowserPage}), and at the same time our native viewer's decoding pipeline
 * ({@code bench.Probe stamps}) reads the same frames: glass-to-glass of both, the browser's time to
 * first frame, the gateway's CPU per browser viewer and how many browsers the machine holds.
 */
final class BrowserPhase implements Phase {
    /** Where the page is served from: answered by the bench through DevTools, nothing listens on it. */
    static final String ORIGIN = "http://localhost:19401";
    static final String STREAM = "main";
    static final int[] VIEWER_STEPS = {1, 2, 4, 6, 8, 12, 16};

    @Override public String id() { return "browser"; }
    @Override public String title() { return "browser (WebRTC over WHEP, headless Chromium)"; }

    private Figure g2g50, g2g95, ttff, cpuViewer, capacity;

    @Override
    public void run(Context ctx) throws Exception {
        Config cfg = ctx.config();
        int seconds = Integer.getInteger("bench.browser.seconds", 10);
        int rounds = Integer.getInteger("bench.browser.rounds", 3);
        String what = ctx.baseline().sourceCaps().replace("video/x-raw,", "");
        g2g50 = ctx.fig("browser_g2g_p50", "7 Browser", "Browser glass-to-glass p50, wall clock burnt into the frame before encoding to the page's clock, "
                + what, "ms", "Chromium over WHEP (presented frame)", "our native viewer's pipeline, same frames (decoded)", "ours<=80", "ratio<=1.2");
        g2g95 = ctx.fig("browser_g2g_p95", "7 Browser", "Browser glass-to-glass p95", "ms", "Chromium", "native, same frames");
        ttff = ctx.fig("browser_ttff", "7 Browser", "Browser time to first frame after the page opens (WHEP offer, ICE, DTLS, next keyframe)",
                "s", "Chromium over WHEP", "", "ours<=1.0");
        cpuViewer = ctx.fig("browser_cpu_viewer", "7 Browser", "CPU per browser viewer (the gateway process)", "cores",
                "gateway, per viewer", "");
        capacity = ctx.fig("browser_capacity", "7 Browser", "Browser viewers this machine holds before frames drop (tried "
                + java.util.Arrays.toString(VIEWER_STEPS) + ")", "viewers", "Chromium tabs at full rate", "");
        g2g50.digits = 1; g2g95.digits = 1; ttff.digits = 3; cpuViewer.digits = 4; capacity.digits = 0;
        g2g50.runsNote = g2g95.runsNote = rounds + " rounds of " + seconds + " s, browser and native on the same frames";
        try {
            measure(ctx, cfg, seconds, rounds);
        } catch (Exception e) {
            for (Figure f : List.of(g2g50, g2g95, ttff, cpuViewer, capacity)) if (f.ours.isEmpty()) f.failure = e.getMessage();
            throw e;
        }
    }

    private void measure(Context ctx, Config cfg, int seconds, int rounds) throws Exception {
        if (!Files.isExecutable(Path.of(Util.which("chromium")))) {
            throw new IOException("no chromium on PATH (Debian package chromium): the browser rows need it");
        }
        try (NetNs ns = NetNs.create("browser")) {
            GatewayProc gateway = new GatewayProc(cfg, ns.prefix());
            int gatewayPort = gateway.call(new JsonObject().add("op", "addStream").add("name", STREAM)).getInt("rtpPort", 0);
            if (gatewayPort <= 0) throw new IOException("the gateway gave no RTP port");
            int probePort = Ports.freeUdpAndTcp();
            int width = StampedSender.width(ctx);
            // to the gateway (as the server's tap forwards it) and to the native receiver
            Proc stamper = StampedSender.start(ctx, "browser-stamper", ns.prefix(),
                    List.of("127.0.0.1:" + gatewayPort, "127.0.0.1:" + probePort), "browser_sender_pipeline");
            try (Chromium chromium = Chromium.start(ns.prefix(), cfg.logs().resolve("chromium.log"))) {
                glassToGlass(ctx, cfg, ns, chromium, gateway, probePort, width, seconds, rounds);
                firstFrame(ctx, chromium, gateway);
                viewers(ctx, chromium, gateway);
            } finally {
                stamper.stop();
                gateway.proc.stop();
            }
        }
    }

    private Chromium.Tab open(Chromium chromium, GatewayProc gateway, String query) throws Exception {
        Chromium.Tab tab = chromium.newWindow();
        tab.route(ORIGIN, r -> handle(gateway, r));
        tab.navigate(ORIGIN + "/" + query);
        return tab;
    }

    /** Serves the WHEP page and answers its WHEP requests through the gateway (the JanusPhase shares it). */
    static Chromium.Response handle(GatewayProc gateway, Chromium.Request r) {
        String path = r.url().substring(ORIGIN.length()).replaceAll("\\?.*", "");
        try {
            if (path.equals("/") && r.method().equals("GET")) return new Chromium.Response(200, Map.of("Content-Type", "text/html; charset=utf-8"), BrowserPage.HTML);
            if (path.equals("/whep") && r.method().equals("POST")) {
                JsonObject a = gateway.call(new JsonObject().add("op", "offer").add("stream", STREAM).add("sdp", r.body()));
                return new Chromium.Response(201, Map.of("Content-Type", "application/sdp", "Location", "/whep/" + a.getString("viewer", "")), a.getString("sdp", ""));
            }
            if (path.startsWith("/whep/") && r.method().equals("DELETE")) {
                gateway.call(new JsonObject().add("op", "delete").add("viewer", path.substring(6)));
                return new Chromium.Response(200, Map.of(), "");
            }
            return new Chromium.Response(404, Map.of(), "");
        } catch (IOException e) {
            return new Chromium.Response(503, Map.of("Content-Type", "application/json"), new JsonObject().add("error", e.getMessage()).toString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Chromium.Response(503, Map.of(), "");
        }
    }

    private void glassToGlass(Context ctx, Config cfg, NetNs ns, Chromium chromium, GatewayProc gateway, int probePort, int width,
                              int seconds, int rounds) throws Exception {
        JsonArray all = new JsonArray();
        for (int round = 0; round < rounds; round++) {
            Chromium.Tab tab = open(chromium, gateway, "");
            try {
                BrowserTabs.awaitFrames(tab, 30);
                Path out = cfg.work().resolve("browser-native-" + round + ".txt");
                List<String> probe = new ArrayList<>(ns.prefix());
                probe.addAll(List.of(cfg.helperJava(), "--enable-native-access=ALL-UNNAMED", "-cp", cfg.helperCp(), "bench.Probe", "stamps",
                        String.valueOf(probePort), String.valueOf(seconds), out.toString(), String.valueOf(width)));
                Proc p = Proc.start("browser-native-probe-" + round, probe, null, cfg.logs());
                if (p.await(Pattern.compile("^ready"), 20_000) == null) throw new IOException("the native probe did not start: " + p.tail(3));
                tab.evaluate("reset()");
                int rc = p.waitFor((seconds + 40) * 1000L);
                BrowserTabs.Samples page = BrowserTabs.samples(tab);
                p.stop();
                if (rc != 0) throw new IOException("the native probe read no stamps (exit " + rc + "): " + p.tail(3));
                double[] browser = page.ms();
                List<Double> nat = new ArrayList<>();
                for (String line : Files.readAllLines(out)) if (!line.startsWith("#")) nat.add(Double.parseDouble(line.split(" ")[1]));
                double[] nativeMs = nat.stream().mapToDouble(Double::doubleValue).sorted().toArray();
                if (browser.length < 20) throw new IOException("the browser read only " + browser.length + " stamps (" + page.unreadable() + " unreadable)");
                g2g50.ours.add(percentile(browser, 0.5));
                g2g95.ours.add(percentile(browser, 0.95));
                g2g50.counter.add(percentile(nativeMs, 0.5));
                g2g95.counter.add(percentile(nativeMs, 0.95));
                System.out.printf("   round %d: browser %d samples p50 %.1f p95 %.1f ms (%d unreadable); native %d samples p50 %.1f p95 %.1f ms%n",
                        round, browser.length, percentile(browser, 0.5), percentile(browser, 0.95), page.unreadable(),
                        nativeMs.length, percentile(nativeMs, 0.5), percentile(nativeMs, 0.95));
                all.add(new JsonObject().add("browser_ms", toJson(browser)).add("native_ms", toJson(nativeMs))
                        .add("browser_unreadable", page.unreadable()));
                if (round == 0) tab.screenshot(cfg.work().resolve("browser-viewer.png"));
            } finally {
                BrowserTabs.close(tab);
            }
        }
        ctx.results().details.add("browser_g2g_rounds", all);
        g2g50.profile.add("the clock is read where each is: the page at requestVideoFrameCallback (the frame handed to the compositor, then drawn to a canvas),"
                + " the native pipeline at its appsink (decoded, not displayed); the difference is WebRTC (the gateway's repacketising, SRTP, Chromium's"
                + " jitter buffer) and the browser's render path; load average " + Util.loadavg());
    }

    private void firstFrame(Context ctx, Chromium chromium, GatewayProc gateway) throws Exception {
        int runs = ctx.config().runs();
        ttff.runsNote = runs + " fresh tabs, one after another";
        for (int i = 0; i < runs; i++) {
            Chromium.Tab tab = open(chromium, gateway, "?mode=plain");
            try {
                BrowserTabs.awaitFrames(tab, 1);
                JsonValue ms = tab.evaluate("state.firstFrameMs");
                ttff.ours.add(ms.asDouble() / 1000);
            } finally {
                BrowserTabs.close(tab);
            }
            Util.sleep(0.37 * (i + 1)); // join at different places in the keyframe interval
        }
        ttff.profile.add("from the navigation's start (performance.timeOrigin) to the first presented frame; the sender makes a keyframe every "
                + "key-int-max frames of our child (" + ctx.baseline().serverArgv().stream().filter(a -> a.startsWith("key-int-max=")).findFirst().orElse("?")
                + "), and a new viewer waits for the next one");
        System.out.printf("   time to first frame: %s s (runs %s)%n", fmt(ttff.oursMedian(), 3), ttff.ours);
    }

    private void viewers(Context ctx, Chromium chromium, GatewayProc gateway) throws Exception {
        double window = Double.parseDouble(System.getProperty("bench.browser.window", "6"));
        double idle = cores(List.of(List.of(gateway.pid())), window)[0];
        List<Chromium.Tab> tabs = new ArrayList<>();
        int held = 0;
        JsonArray steps = new JsonArray();
        try {
            for (int n : VIEWER_STEPS) {
                while (tabs.size() < n) tabs.add(open(chromium, gateway, "?mode=plain"));
                for (Chromium.Tab t : tabs) BrowserTabs.awaitFrames(t, 30, "framesDecoded");
                Util.sleep(1);
                List<JsonObject> before = new ArrayList<>();
                for (Chromium.Tab t : tabs) before.add(t.evaluate("stats()").asObject());
                List<Long> browserPids = new ArrayList<>(chromium.process().descendants().map(ProcessHandle::pid).toList());
                browserPids.add(chromium.process().pid());
                long t0 = System.nanoTime();
                double[] cpu = cores(List.of(List.of(gateway.pid()), browserPids), window);
                double dt = (System.nanoTime() - t0) / 1e9;
                int ok = 0;
                double minFps = Double.MAX_VALUE, minShown = Double.MAX_VALUE;
                long lost = 0;
                for (int i = 0; i < tabs.size(); i++) {
                    JsonObject a = tabs.get(i).evaluate("stats()").asObject();
                    double fps = (a.getInt("framesDecoded", 0) - before.get(i).getInt("framesDecoded", 0)) / dt;
                    double shown = (a.getInt("frames", 0) - before.get(i).getInt("frames", 0)) / dt;
                    minShown = Math.min(minShown, shown);
                    long l = a.getInt("packetsLost", 0) - before.get(i).getInt("packetsLost", 0);
                    lost += l;
                    minFps = Math.min(minFps, fps);
                    if (fps >= 0.95 * frameRate(ctx) && l == 0) ok++;
                }
                double perViewer = (cpu[0] - idle) / n;
                cpuViewer.ours.add(perViewer);
                steps.add(new JsonObject().add("viewers", n).add("gateway_cores", cpu[0]).add("per_viewer", perViewer)
                        .add("min_fps_decoded", minFps).add("min_fps_presented", minShown).add("packets_lost", lost).add("at_full_rate", ok).add("loadavg", Util.loadavg())
                        .add("chromium_cores", cpu[1]));
                System.out.printf("   %2d viewers: gateway %.3f cores (%.4f per viewer), Chromium %.2f cores, slowest tab %.1f fps decoded, %.1f presented, %d packets lost, %d at full rate%n",
                        n, cpu[0], perViewer, cpu[1], minFps, minShown, lost, ok);
                if (ok < n) break;
                held = n;
            }
        } finally {
            for (Chromium.Tab t : tabs) BrowserTabs.close(t);
        }
        capacity.ours.add((double) held);
        capacity.runsNote = "1 ramp, " + fmt(window, 0) + " s per step";
        cpuViewer.runsNote = "one " + fmt(window, 0) + " s window per step of the ramp (gateway idle " + fmt(idle, 3) + " cores subtracted)";
        ctx.results().details.add("browser_viewer_steps", steps);
        capacity.profile.add("a viewer holds when its page (a window of its own) decodes at least 95% of the frame rate with no packet lost over the window"
                + " (the frames each page presented, which headless Chromium's compositor paces on a loaded machine, are in results.json);"
                + " every tab decodes 720p30 H.264 in software in the same Chromium on this machine's cores, so the browser's decoding,"
                + " not the gateway, sets the limit here (the gateway's cores per step are in results.json); load average " + Util.loadavg());
    }

    private static double frameRate(Context ctx) {
        String f = ctx.baseline().sourceCaps().replaceAll(".*framerate=(\\d+)/(\\d+).*", "$1/$2");
        String[] p = f.split("/");
        return p.length == 2 ? Double.parseDouble(p[0]) / Double.parseDouble(p[1]) : 30;
    }

    /** Cores used by each group of pids over the same window of seconds. */
    private static double[] cores(List<List<Long>> groups, double seconds) throws InterruptedException {
        double[] before = new double[groups.size()], out = new double[groups.size()];
        for (int g = 0; g < groups.size(); g++) for (long p : groups.get(g)) before[g] += nz(ProcStat.cpuSeconds(p));
        long t0 = System.nanoTime();
        Util.sleep(seconds);
        double dt = (System.nanoTime() - t0) / 1e9;
        for (int g = 0; g < groups.size(); g++) {
            double after = 0;
            for (long p : groups.get(g)) after += nz(ProcStat.cpuSeconds(p));
            out[g] = (after - before[g]) / dt;
        }
        return out;
    }

    private static double nz(double d) { return Double.isNaN(d) ? 0 : d; }
}
