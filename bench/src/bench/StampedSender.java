package bench;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import stream.testkit.Ports;

/**
 * The browser phases' sender: our server's child pipeline (its exact argv up to the payloader) run
 * by {@link Stamper}, with the wall clock burnt into every frame before the encoder, sent by one
 * {@code multiudpsink} to every receiver given, with the {@code sync}/{@code async} of the server's
 * own udpsink.
 */
final class StampedSender {
    private StampedSender() {}

    /** The frame width of our default pipeline (the stamp needs it). */
    static int width(Context ctx) {
        return Integer.parseInt(ctx.baseline().sourceCaps().replaceAll(".*width=(\\d+).*", "$1"));
    }

    /**
     * Starts the sender through prefix (ip netns exec NAME) and waits until it stamps.
     * @param name its name in the logs
     * @param clients host:port of every receiver
     * @param detailsKey where results.json keeps the pipeline
     */
    static Proc start(Context ctx, String name, List<String> prefix, List<String> clients, String detailsKey) throws Exception {
        return start(ctx, name, prefix, clients, detailsKey, 0);
    }

    /**
     * Like {@link #start(Context, String, List, List, String)}, and when our child takes keyframe requests (its argv
     * has the rtpsession between payloader and tee), this sender does too, by RTCP on keyframePort, as the child does.
     * @param keyframePort the loopback UDP port for the RTCP (PLI) of the gateway, or 0 for none
     */
    static Proc start(Context ctx, String name, List<String> prefix, List<String> clients, String detailsKey, int keyframePort)
            throws Exception {
        Config cfg = ctx.config();
        List<String> sender = new ArrayList<>(prefix);
        sender.addAll(List.of(cfg.helperJava(), "--enable-native-access=ALL-UNNAMED", "-cp", cfg.helperCp(), "bench.Stamper", String.valueOf(width(ctx))));
        // the probe port only makes discovery's raw argv complete; its udpsink is replaced below
        List<String> raw = ctx.baseline().rawArgv(Ports.freeUdpAndTcp());
        int sink = raw.lastIndexOf("udpsink");
        List<String> sinkSettings = raw.subList(sink + 1, raw.size()).stream().filter(a -> a.startsWith("sync=") || a.startsWith("async=")).toList();
        raw = new ArrayList<>(raw.subList(1, sink));
        boolean keyframes = keyframePort > 0 && takesKeyframeRequests(ctx);
        if (keyframes) raw.addAll(List.of("rs.send_rtp_sink", "rtpsession", "name=rs", "rs.send_rtp_src", "!"));
        raw.addAll(List.of("multiudpsink", "clients=" + String.join(",", clients)));
        raw.addAll(sinkSettings); // the server's udpsink sends as it does
        if (keyframes) {
            raw.addAll(List.of("udpsrc", "address=127.0.0.1", "port=" + keyframePort, "caps=application/x-rtcp", "!", "rs.recv_rtcp_sink"));
        }
        sender.addAll(raw);
        ctx.results().details.add(detailsKey, String.join(" ", raw));
        Proc stamper = Proc.start(name, sender, null, cfg.logs());
        if (stamper.await(Pattern.compile("^stamping"), 30_000) == null) throw new IOException("the stamping sender did not start: " + stamper.tail(3));
        return stamper;
    }

    /** @return whether our server's child reads RTCP for keyframe requests (issue 23; a server before it does not) */
    static boolean takesKeyframeRequests(Context ctx) {
        return ctx.baseline().serverArgv().contains("rs.recv_rtcp_sink");
    }
}
