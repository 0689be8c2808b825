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

    private Figure g2g50, g2g95, ttff, cpuViewer, capacity, over50, over95, live, liveError;
    /** Page variants measured in the glass-to-glass rounds, interleaved; the first gives the main rows. */
    private final Map<String, Figure[]> variants = new java.util.LinkedHashMap<>();

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
        over50 = ctx.fig("browser_g2g_over_native_p50", "7 Browser", "Browser glass-to-glass p50 minus the native viewer's, same frames (issue 23)",
                "ms", "Chromium p50 - native p50, per round", "", "ours<=10");
        over95 = ctx.fig("browser_g2g_over_native_p95", "7 Browser", "Browser glass-to-glass p95 minus the native viewer's, same frames",
                "ms", "Chromium p95 - native p95, per round", "", "ours<=20");
        live = ctx.fig("browser_live_latency", "7 Browser", "Live latency the page shows (dashboard/latency.js: each frame's RTP timestamp on the"
                + " gateway's Rtp-Clock against requestVideoFrameCallback's expectedDisplayTime), median of its per-second figures over the window", "ms", "the page's figure", "the bench's stamp glass-to-glass of the same viewer (p50)");
        liveError = ctx.fig("browser_live_latency_error", "7 Browser", "&nbsp;&nbsp;|the page's figure - the bench's measurement|, same viewer, same window",
                "ms", "per round", "", "ours<=10");
        g2g50.digits = 1; g2g95.digits = 1; ttff.digits = 3; cpuViewer.digits = 4; capacity.digits = 0;
        over50.digits = over95.digits = live.digits = liveError.digits = 1;
        g2g50.runsNote = g2g95.runsNote = over50.runsNote = over95.runsNote = live.runsNote = liveError.runsNote =
                rounds + " rounds of " + seconds + " s, browser and native on the same frames";
        String[] pages = System.getProperty("bench.browser.variants", "default,jbt=0").split(",");
        for (int i = 1; i < pages.length; i++) {
            Figure a = ctx.fig("browser_g2g_p50_" + pages[i].replaceAll("\\W", ""), "7 Browser", "&nbsp;&nbsp;variant ?" + pages[i]
                    + ": browser glass-to-glass p50 (rounds interleaved with the main rows)", "ms", "Chromium, ?" + pages[i], "native, same frames");
            Figure b = ctx.fig("browser_g2g_p95_" + pages[i].replaceAll("\\W", ""), "7 Browser", "&nbsp;&nbsp;variant ?" + pages[i]
                    + ": p95", "ms", "Chromium, ?" + pages[i], "native, same frames");
            a.digits = b.digits = 1;
            a.runsNote = b.runsNote = g2g50.runsNote;
            variants.put(pages[i], new Figure[] {a, b});
        }
        variants.put("", new Figure[] {g2g50, g2g95});
        mainPage = pages[0].equals("default") ? "" : pages[0];
        if (!mainPage.isEmpty()) variants.put(mainPage, new Figure[] {g2g50, g2g95});
        try {
            measure(ctx, cfg, seconds, rounds);
        } catch (Exception e) {
            for (Figure f : List.of(g2g50, g2g95, ttff, cpuViewer, capacity)) if (f.ours.isEmpty()) f.failure = e.getMessage();
            throw e;
        }
    }

    private String mainPage = "";
    private final List<Double> splitGateway = new ArrayList<>(), splitTransit = new ArrayList<>(), splitChromium = new ArrayList<>();

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
            // keyframes on request: the gateway's PLIs go to the sender as the server tells the gateway of its child's port
            int keyframePort = StampedSender.takesKeyframeRequests(ctx) ? Ports.freeUdp() : 0;
            Proc stamper = StampedSender.start(ctx, "browser-stamper", ns.prefix(),
                    List.of("127.0.0.1:" + gatewayPort, "127.0.0.1:" + probePort), "browser_sender_pipeline", keyframePort);
            if (keyframePort > 0) gateway.call(new JsonObject().add("op", "keyframes").add("name", STREAM).add("port", keyframePort));
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
                JsonObject clock = a.get("rtpClock") == null ? new JsonObject() : a.get("rtpClock").asObject();
                // as the server's WhepRoutes answers: the viewer's RTP clock against the wall clock
                return new Chromium.Response(201, Map.of("Content-Type", "application/sdp", "Location", "/whep/" + a.getString("viewer", ""),
                        "Rtp-Clock", "rtp=" + clock.getLong("rtp", 0) + "; unix-ms=" + String.format(java.util.Locale.ROOT, "%.3f", clock.getDouble("unixMs", 0))), a.getString("sdp", ""));
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
        List<String> order = new ArrayList<>();
        order.add(mainPage);
        for (String v : variants.keySet()) if (!v.isEmpty() && !v.equals(mainPage)) order.add(v);
        for (int step = 0; step < rounds * order.size(); step++) {
            int round = step / order.size();
            // interleaved, the order turning every round
            String variant = order.get((step + round) % order.size());
            Figure f50 = variants.get(variant)[0], f95 = variants.get(variant)[1];
            boolean main = variant.equals(mainPage);
            Chromium.Tab tab = open(chromium, gateway, variant.isEmpty() ? "" : "?" + variant);
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
                double[] liveMs = BrowserTabs.sorted(tab.evaluate("state.live").asArray());
                JsonObject split = tab.evaluate("state.split").asObject();
                double[] toGateway = BrowserTabs.sorted(split.get("gateway").asArray()), transit = BrowserTabs.sorted(split.get("transit").asArray()),
                        inChromium = BrowserTabs.sorted(split.get("chromium").asArray());
                double b50 = percentile(browser, 0.5), b95 = percentile(browser, 0.95), n50 = percentile(nativeMs, 0.5), n95 = percentile(nativeMs, 0.95);
                f50.ours.add(b50);
                f95.ours.add(b95);
                f50.counter.add(n50);
                f95.counter.add(n95);
                if (main) {
                    over50.ours.add(b50 - n50);
                    over95.ours.add(b95 - n95);
                }
                double liveMedian = liveMs.length == 0 ? Double.NaN : percentile(liveMs, 0.5);
                if (liveMs.length > 0) {
                    live.ours.add(liveMedian);
                    live.counter.add(b50);
                    liveError.ours.add(Math.abs(liveMedian - b50));
                }
                System.out.printf("   round %d %s: browser %d samples p50 %.1f p95 %.1f ms (%d unreadable); native %d samples p50 %.1f p95 %.1f ms;"
                        + " the page's live figure %.1f ms (%d readings)%n",
                        round, variant.isEmpty() ? "default" : "?" + variant, browser.length, b50, b95, page.unreadable(),
                        nativeMs.length, n50, n95, liveMedian, liveMs.length);
                all.add(new JsonObject().add("variant", variant).add("browser_ms", toJson(browser)).add("native_ms", toJson(nativeMs))
                        .add("browser_unreadable", page.unreadable()).add("live_ms", toJson(liveMs))
                        .add("stamp_to_gateway_output_ms", toJson(toGateway)).add("gateway_to_chromium_receipt_ms", toJson(transit))
                        .add("chromium_receipt_to_display_ms", toJson(inChromium))
                        .add("canvas_stale_callbacks", split.getInt("stale", 0)).add("callbacks", split.getInt("callbacks", 0)));
                if (toGateway.length > 0) System.out.printf("     per frame p50: stamp to the gateway's output %.1f ms, gateway to Chromium's receipt %.1f ms,"
                        + " Chromium's receipt to display %.1f ms; %d of %d callbacks read the previous frame's stamp from the canvas%n",
                        percentile(toGateway, 0.5), percentile(transit, 0.5), percentile(inChromium, 0.5), split.getInt("stale", 0), split.getInt("callbacks", 0));
                if (main && toGateway.length > 0) {
                    splitGateway.add(percentile(toGateway, 0.5));
                    splitTransit.add(percentile(transit, 0.5));
                    splitChromium.add(percentile(inChromium, 0.5));
                }
                if (step == 0) tab.screenshot(cfg.work().resolve("browser-viewer.png"));
            } finally {
                BrowserTabs.close(tab);
            }
        }
        ctx.results().details.add("browser_g2g_rounds", all);
        if (!splitGateway.isEmpty()) g2g50.profile.add(String.format(java.util.Locale.ROOT, "where the browser's time goes (medians over rounds of each round's"
                + " per-frame p50, from requestVideoFrameCallback's rtpTimestamp, receiveTime and expectedDisplayTime against the gateway's Rtp-Clock):"
                + " the stamp before the encoder to the gateway's output %.1f ms, the gateway to Chromium's receipt %.1f ms, Chromium's receipt to display %.1f ms",
                Stats.median(splitGateway), Stats.median(splitTransit), Stats.median(splitChromium)));
        g2g50.profile.add("the clock is read where each is: the page at requestVideoFrameCallback (the frame handed to the compositor, then drawn to a canvas),"
                + " the native pipeline at its appsink (decoded, not displayed); the difference is WebRTC (the gateway's repacketising, SRTP, Chromium's"
                + " jitter buffer) and the browser's render path; load average " + Util.loadavg());
    }

    private void firstFrame(Context ctx, Chromium chromium, GatewayProc gateway) throws Exception {
        int runs = Integer.getInteger("bench.browser.ttff.runs", ctx.config().runs());
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
                + "), and a new viewer waits for the next one"
                + (StampedSender.takesKeyframeRequests(ctx) ? " unless it asks for one: as our child, the sender reads the gateway's RTCP"
                        + " and makes a keyframe for its PLI (issue 23)" : ""));
        System.out.printf("   time to first frame: %s s (runs %s)%n", fmt(ttff.oursMedian(), 3), ttff.ours);
    }

    private void viewers(Context ctx, Chromium chromium, GatewayProc gateway) throws Exception {
        double window = Double.parseDouble(System.getProperty("bench.browser.window", "6"));
        double idle = ProcStat.coresOfLiving(List.of(List.of(gateway.pid())), window)[0];
        List<Chromium.Tab> tabs = new ArrayList<>();
        int held = 0;
        JsonArray steps = new JsonArray();
        try {
            for (int n : steps()) {
                while (tabs.size() < n) tabs.add(open(chromium, gateway, "?mode=plain"));
                for (Chromium.Tab t : tabs) BrowserTabs.awaitFrames(t, 30, "framesDecoded");
                Util.sleep(1);
                List<JsonObject> before = new ArrayList<>();
                for (Chromium.Tab t : tabs) before.add(t.evaluate("stats()").asObject());
                List<Long> browserPids = new ArrayList<>(chromium.process().descendants().map(ProcessHandle::pid).toList());
                browserPids.add(chromium.process().pid());
                long t0 = System.nanoTime();
                double[] cpu = ProcStat.coresOfLiving(List.of(List.of(gateway.pid()), browserPids), window);
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
                    if (fps >= 0.95 * ctx.baseline().frameRate() && l == 0) ok++;
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

    /** The ramp: VIEWER_STEPS, or -Dbench.browser.steps=1,2 (a short run on a loaded machine). */
    private static int[] steps() {
        String p = System.getProperty("bench.browser.steps", "");
        return p.isBlank() ? VIEWER_STEPS : java.util.Arrays.stream(p.split(",")).mapToInt(x -> Integer.parseInt(x.strip())).toArray();
    }



}
