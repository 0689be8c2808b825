package bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * What a phase is given: the settings and tools ({@link Config}), the collector it adds its figures
 * to ({@link Results}) and what discovery learnt ({@link Baseline}, null while discovery runs), with
 * the few ways of starting processes that every phase uses.
 */
record Context(Config config, Results results, Baseline baseline) {
    static final Pattern FIRST_FRAME = Pattern.compile("first frame after|^first \\d+");
    static final Pattern VIEWER_READY = Pattern.compile("waiting for the stream|^ready \\d+");

    Context withBaseline(Baseline b) { return new Context(config, results, b); }

    /** Shorthand for {@link Results#fig}. */
    Figure fig(String id, String section, String title, String unit, String oursLabel, String counterLabel, String... targets) {
        return results.fig(id, section, title, unit, oursLabel, counterLabel, targets);
    }

    String bin(String name) { return config.bin(name); }

    /** Runs cmd to its end (at most timeoutMs); its output, or an IOException naming the exit code. */
    String run(List<String> cmd, long timeoutMs) throws Exception {
        Proc p = Proc.start("cmd-" + Path.of(cmd.get(0)).getFileName(), cmd, null, config.logs());
        int rc = p.waitFor(timeoutMs);
        p.stop();
        StringBuilder b = new StringBuilder();
        Thread.sleep(30);
        for (Proc.Line l : p.lines()) b.append(l.text()).append('\n');
        if (rc != 0) throw new IOException(String.join(" ", cmd) + " exited " + rc + ": " + p.tail(3));
        return b.toString();
    }

    /** Starts a gst-launch-1.0 argv (its first element replaced by the gst-launch-1.0 found on PATH). */
    Proc gst(String label, List<String> argv) throws IOException {
        List<String> cmd = new ArrayList<>(argv);
        cmd.set(0, config.gstLaunch());
        return Proc.start("gst-" + label, cmd, null, config.logs());
    }

    /** Our stream-server on a free port, sending to 127.0.0.1:udp. */
    Server server(int udp, Map<String, String> env, String label, String... extraArgs) throws Exception {
        return new Server(config, udp, env, label, extraArgs);
    }

    /** Starts the waiting receiver (stream-viewer --sink none, or the probe) and, if asked, waits until it waits. */
    Proc receiver(String label, int udp, int frames, double timeoutS, boolean awaitReady) throws Exception {
        Proc p;
        if (baseline.viewerUsable()) {
            p = Proc.start("viewer-" + label, List.of(bin("stream-viewer"), "--port", String.valueOf(udp), "--sink", "none",
                    "--frames", String.valueOf(frames), "--timeout", Stats.fmt(timeoutS, 1)), null, config.logs());
        } else {
            p = Proc.start("probe-" + label, List.of(config.helperJava(), "--enable-native-access=ALL-UNNAMED", "-cp", config.helperCp(),
                    "bench.Probe", "first", String.valueOf(udp), Stats.fmt(timeoutS, 1)), null, config.logs());
        }
        if (awaitReady) {
            if (p.await(VIEWER_READY, 20_000) == null) {
                p.stop();
                throw new IOException(label + ": the receiver did not get ready within 20 s: " + p.tail(3));
            }
            Util.sleep(0.3); // the message comes just before the pipeline plays
        }
        return p;
    }

    /**
     * A copy of the image's launcher beside a link to the image's java, where no lib/NAME.aot is:
     * the same launcher without its AOT cache (the image's default CDS archive only).
     */
    String launcherWithoutAotCache(String name) throws IOException {
        Path bin = config.work().resolve("no-aot-cache/bin");
        Files.createDirectories(bin);
        Path link = bin.resolve("java");
        if (!Files.exists(link, LinkOption.NOFOLLOW_LINKS)) Files.createSymbolicLink(link, config.image().resolve("bin/java"));
        Path launcher = bin.resolve(name);
        Files.copy(config.image().resolve("bin").resolve(name), launcher, StandardCopyOption.REPLACE_EXISTING);
        launcher.toFile().setExecutable(true);
        return launcher.toString();
    }
}
