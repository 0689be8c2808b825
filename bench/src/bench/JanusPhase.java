package bench;

import static bench.Stats.percentile;
import static bench.Stats.toJson;

import com.eclipsesource.json.JsonArray;
import com.eclipsesource.json.JsonObject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import stream.testkit.Chromium;
import stream.testkit.NetNs;

/**
 * Janus row (issue 12): glass-to-glass through Debian's Janus (its streaming plugin, an RTP
 * mountpoint as our server creates it) beside our own WHEP gateway, on the same stamped frames, in
 * the same headless Chromium at the same time. One {@link StampedSender} sends every packet to both;
 * one page per path (both in front, each in its window) reads the stamps ({@link BrowserPage}).
 *
 * <p>Janus's ICE skips loopback, so there are two namespaces of the bench's own: "c" (the sender,
 * the gateway, Chromium) and "j" (Janus), joined by a veth pair with test addresses
 * ({@value #C_ADDR}, {@value #J_ADDR}) that exist only inside them. The Janus page is served by
 * the JDK's {@code jwebserver} on the veth address of "c", as a person's page comes from a web
 * server of its own: a page the bench answered through DevTools would have no address, and
 * Chromium refuses its requests to a private address (Janus's) from it.
 */
final class JanusPhase implements Phase {
    static final String C_ADDR = "10.78.1.1", J_ADDR = "10.78.1.2";
    static final int PAGE_PORT = 19502;
    static final double SETTLE_SECONDS = Double.parseDouble(System.getProperty("bench.janus.settle", "3"));
    static final String JANUS_API = "http://" + J_ADDR + ":" + JanusProc.HTTP_PORT + "/janus";

    @Override public String id() { return "janus"; }
    @Override public String title() { return "Janus against our WHEP (headless Chromium, same frames)"; }

    private Figure g2g50, g2g95, cpu;

    @Override
    public void run(Context ctx) throws Exception {
        int seconds = Integer.getInteger("bench.browser.seconds", 10);
        int rounds = Integer.getInteger("bench.browser.rounds", 3);
        String what = ctx.baseline().sourceCaps().replace("video/x-raw,", "");
        g2g50 = ctx.fig("janus_g2g_p50", "8 Janus", "Glass-to-glass p50 through Janus's streaming plugin against our WHEP gateway, same stamped frames, same Chromium, "
                + what, "ms", "Chromium through Janus 1.1", "Chromium over our WHEP");
        g2g95 = ctx.fig("janus_g2g_p95", "8 Janus", "Glass-to-glass p95 through Janus against our WHEP", "ms", "Janus", "WHEP");
        cpu = ctx.fig("janus_cpu", "8 Janus", "CPU of the media server process feeding one browser viewer (the whole process over the glass-to-glass window)",
                "cores", "Janus", "our WHEP gateway");
        g2g50.digits = 1; g2g95.digits = 1; cpu.digits = 4;
        cpu.runsNote = "one window per round, both at once";
        g2g50.runsNote = g2g95.runsNote = rounds + " rounds of " + seconds + " s, both pages open at once on the same frames";
        try {
            measure(ctx, seconds, rounds);
        } catch (Exception e) {
            for (Figure f : List.of(g2g50, g2g95, cpu)) if (f.ours.isEmpty() || f.counter.isEmpty()) f.failure = e.getMessage();
            throw e;
        }
    }

    private void measure(Context ctx, int seconds, int rounds) throws Exception {
        Config cfg = ctx.config();
        if (!Files.isExecutable(Path.of(Util.which("chromium")))) {
            throw new IOException("no chromium on PATH (Debian package chromium): the Janus row needs it");
        }
        if (!Files.isExecutable(Path.of(Util.which("janus")))) {
            throw new IOException("no janus on PATH (Debian package janus): the Janus row needs it");
        }
        String tag = "jb" + ProcessHandle.current().pid() % 100000;
        try (NetNs c = NetNs.create("janusc"); NetNs j = NetNs.create("janusj")) {
            c.veth(tag + "c", C_ADDR, j, tag + "j", J_ADDR);
            JanusProc janus = new JanusProc(cfg, j.prefix(), cfg.work().resolve("janus"), J_ADDR, tag + "j");
            String page = servePage(cfg, c);
            GatewayProc gateway = new GatewayProc(cfg, c.prefix());
            int gatewayPort = gateway.call(new JsonObject().add("op", "addStream").add("name", BrowserPhase.STREAM)).getInt("rtpPort", 0);
            if (gatewayPort <= 0) throw new IOException("the gateway gave no RTP port");
            // one sender, every packet to both: the gateway on loopback, Janus's mountpoint over the veth
            Proc stamper = StampedSender.start(ctx, "janus-stamper", c.prefix(),
                    List.of("127.0.0.1:" + gatewayPort, J_ADDR + ":" + JanusProc.RTP_PORT), "janus_sender_pipeline");
            try (Chromium chromium = Chromium.start(c.prefix(), cfg.logs().resolve("chromium-janus.log"))) {
                glassToGlass(ctx, chromium, gateway, janus, page, seconds, rounds);
            } finally {
                stamper.stop();
                gateway.proc.stop();
                janus.proc.stop();
            }
        }
    }

    private Chromium.Tab openWhep(Chromium chromium, GatewayProc gateway) throws Exception {
        Chromium.Tab tab = chromium.newWindow();
        tab.route(BrowserPhase.ORIGIN, r -> BrowserPhase.handle(gateway, r));
        tab.navigate(BrowserPhase.ORIGIN + "/");
        return tab;
    }

    /** Starts jwebserver (the helpers' JDK's) in c on its veth address with the Janus page; the page's URL. */
    private static String servePage(Config cfg, NetNs c) throws Exception {
        Path dir = Files.createDirectories(cfg.work().resolve("janus-page"));
        Files.writeString(dir.resolve("index.html"), BrowserPage.JANUS_HTML);
        Path jwebserver = Path.of(cfg.helperJava()).resolveSibling("jwebserver");
        if (!Files.isExecutable(jwebserver)) throw new IOException("no jwebserver beside " + cfg.helperJava() + " (JDK 18+) to serve the Janus page");
        List<String> cmd = new ArrayList<>(c.prefix());
        cmd.addAll(List.of(jwebserver.toString(), "-b", C_ADDR, "-p", String.valueOf(PAGE_PORT), "-d", dir.toString(), "-o", "none"));
        Proc p = Proc.start("janus-page-server", cmd, null, cfg.logs());
        if (p.await(Pattern.compile("Serving"), 30_000) == null) throw new IOException("jwebserver did not start: " + p.tail(3));
        return "http://" + C_ADDR + ":" + PAGE_PORT + "/?id=" + JanusProc.MOUNTPOINT + "&janus=" + JANUS_API;
    }

    private Chromium.Tab openJanus(Chromium chromium, String page) throws Exception {
        Chromium.Tab tab = chromium.newWindow();
        tab.navigate(page);
        return tab;
    }

    private void glassToGlass(Context ctx, Chromium chromium, GatewayProc gateway, JanusProc janusProc, String page, int seconds, int rounds) throws Exception {
        JsonArray all = new JsonArray();
        for (int round = 0; round < rounds; round++) {
            Chromium.Tab whep = null, janus = null;
            try {
                // the page opened second is in front: alternate, so neither path always has it
                if (round % 2 == 0) { whep = openWhep(chromium, gateway); janus = openJanus(chromium, page); }
                else { janus = openJanus(chromium, page); whep = openWhep(chromium, gateway); }
                BrowserTabs.awaitFrames(whep, 30);
                BrowserTabs.awaitFrames(janus, 30);
                // both settle before the window: a page that has just started plays frames that waited for ICE and DTLS late for a while
                Util.sleep(SETTLE_SECONDS);
                JsonObject whepBefore = whep.evaluate("stats()").asObject(), janusBefore = janus.evaluate("stats()").asObject();
                whep.evaluate("reset()");
                janus.evaluate("reset()");
                double janus0 = ProcStat.cpuSeconds(janusProc.pid()), gateway0 = ProcStat.cpuSeconds(gateway.pid());
                long t0 = System.nanoTime();
                Util.sleep(seconds);
                double dt = (System.nanoTime() - t0) / 1e9;
                double janusCores = (ProcStat.cpuSeconds(janusProc.pid()) - janus0) / dt, gatewayCores = (ProcStat.cpuSeconds(gateway.pid()) - gateway0) / dt;
                BrowserTabs.Samples j = BrowserTabs.samples(janus), w = BrowserTabs.samples(whep);
                // packets lost in the window (Chromium's getStats): a loss the page waits out (NACK, a frozen frame) shows in p95
                long janusLost = janus.evaluate("stats()").asObject().getLong("packetsLost", 0) - janusBefore.getLong("packetsLost", 0);
                long whepLost = whep.evaluate("stats()").asObject().getLong("packetsLost", 0) - whepBefore.getLong("packetsLost", 0);
                if (j.ms().length < 20) throw new IOException("the Janus page read only " + j.ms().length + " stamps (" + j.unreadable() + " unreadable)");
                if (w.ms().length < 20) throw new IOException("the WHEP page read only " + w.ms().length + " stamps (" + w.unreadable() + " unreadable)");
                g2g50.ours.add(percentile(j.ms(), 0.5));
                g2g95.ours.add(percentile(j.ms(), 0.95));
                g2g50.counter.add(percentile(w.ms(), 0.5));
                g2g95.counter.add(percentile(w.ms(), 0.95));
                cpu.ours.add(janusCores);
                cpu.counter.add(gatewayCores);
                System.out.printf("   round %d: Janus %d samples p50 %.1f p95 %.1f ms (%d unreadable); WHEP %d samples p50 %.1f p95 %.1f ms (%d unreadable); packets lost Janus %d, WHEP %d; CPU Janus %.3f, gateway %.3f cores%n",
                        round, j.ms().length, percentile(j.ms(), 0.5), percentile(j.ms(), 0.95), j.unreadable(),
                        w.ms().length, percentile(w.ms(), 0.5), percentile(w.ms(), 0.95), w.unreadable(), janusLost, whepLost, janusCores, gatewayCores);
                all.add(new JsonObject().add("janus_ms", toJson(j.ms())).add("whep_ms", toJson(w.ms()))
                        .add("janus_unreadable", j.unreadable()).add("whep_unreadable", w.unreadable()).add("janus_packets_lost", janusLost).add("whep_packets_lost", whepLost).add("janus_cores", janusCores).add("gateway_cores", gatewayCores).add("loadavg", Util.loadavg()));
                if (round == 0) janus.screenshot(ctx.config().work().resolve("janus-viewer.png"));
            } finally {
                if (whep != null) BrowserTabs.close(whep);
                if (janus != null) BrowserTabs.close(janus);
            }
        }
        ctx.results().details.add("janus_g2g_rounds", all);
        g2g50.profile.add("one sender (our child's pipeline, stamped) sends every packet to both: to the gateway on loopback and to Janus's RTP mountpoint"
                + " (pt 96, H.264, the fmtp our server gives it) over a veth; Chromium plays both at once, each page reading the stamps at"
                + " requestVideoFrameCallback; the difference is the media server (Janus's relay and its ICE/DTLS on the veth against the gateway's"
                + " repacketising on loopback); load average " + Util.loadavg());
    }

}
