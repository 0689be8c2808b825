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
        Config cfg = ctx.config();
        List<String> sender = new ArrayList<>(prefix);
        sender.addAll(List.of(cfg.helperJava(), "--enable-native-access=ALL-UNNAMED", "-cp", cfg.helperCp(), "bench.Stamper", String.valueOf(width(ctx))));
        // the probe port only makes discovery's raw argv complete; its udpsink is replaced below
        List<String> raw = ctx.baseline().rawArgv(Ports.freeUdpAndTcp());
        int sink = raw.lastIndexOf("udpsink");
        List<String> sinkSettings = raw.subList(sink + 1, raw.size()).stream().filter(a -> a.startsWith("sync=") || a.startsWith("async=")).toList();
        raw = new ArrayList<>(raw.subList(1, sink));
        raw.addAll(List.of("multiudpsink", "clients=" + String.join(",", clients)));
        raw.addAll(sinkSettings); // the server's udpsink sends as it does
        sender.addAll(raw);
        ctx.results().details.add(detailsKey, String.join(" ", raw));
        Proc stamper = Proc.start(name, sender, null, cfg.logs());
        if (stamper.await(Pattern.compile("^stamping"), 30_000) == null) throw new IOException("the stamping sender did not start: " + stamper.tail(3));
        return stamper;
    }
}
