package bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import stream.server.internal.rtp.RtpTap;
import stream.server.internal.record.RecordSettings;
import stream.server.internal.record.StreamCapture;

/**
 * What recording costs (issue 11): CPU seconds per window of a 720p30 stream at the server's
 * encoder settings, sent to a real {@link RtpTap} in this process, in three set-ups, interleaved:
 * the tap alone (streaming as today), the tap with a {@link StreamCapture} (pre-roll in memory),
 * and the same with continuous recording on. CPU is utime+stime from /proc of this JVM, the
 * sender and every recording child. Then the time a snapshot takes to answer, at the stream's
 * size and at width 320. Runs on the class path against the server's jar (internal classes):
 *
 * <pre>
 * javac -d out/bench-record -cp "out/mods/stream.server.jar:out/lib/*" bench/src/bench/RecordCost.java
 * java -cp "out/bench-record:out/mods/stream.server.jar:out/lib/*" bench.RecordCost [SECONDS [ROUNDS]]   (ROUNDS 0: snapshots only)
 * </pre>
 */
public final class RecordCost {
    private RecordCost() {}

    public static void main(String[] args) throws Exception {
        int seconds = args.length > 0 ? Integer.parseInt(args[0]) : 15;
        int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 2;
        Path dir = Files.createTempDirectory("record-cost-");
        Map<String, List<Double>> cpu = new HashMap<>();
        List<String> modes = List.of("stream", "stream+preroll", "stream+preroll+record");
        try {
            if (rounds == 0) {
                snapshots(dir);
                return;
            }
            for (int r = 0; r < rounds; r++) {
                for (String mode : modes) cpu.computeIfAbsent(mode, k -> new ArrayList<>()).add(window(mode, seconds, dir));
            }
            for (String mode : modes) {
                List<Double> v = cpu.get(mode);
                System.out.printf("cpu %-22s %s s per %d s (median %.2f)%n", mode, v, seconds, median(v));
            }
            System.out.printf("ratio record/stream: %.3f%n", median(cpu.get(modes.get(2))) / median(cpu.get(modes.get(0))));
            snapshots(dir);
        } finally {
            try (var s = Files.walk(dir)) {
                s.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    private static Process sender(int port) throws IOException {
        return new ProcessBuilder("gst-launch-1.0", "-q", "videotestsrc", "is-live=true", "pattern=ball", "!",
                "video/x-raw,format=I420,width=1280,height=720,framerate=30/1", "!",
                "x264enc", "tune=zerolatency", "speed-preset=ultrafast", "key-int-max=30", "bitrate=2000", "!",
                "video/x-h264,profile=constrained-baseline", "!", "rtph264pay", "config-interval=1", "pt=96", "!",
                "udpsink", "host=127.0.0.1", "port=" + port)
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
    }

    /** CPU seconds of everything involved over one window, after 4 s of warm-up. */
    private static double window(String mode, int seconds, Path dir) throws Exception {
        try (RtpTap tap = RtpTap.open()) {
            StreamCapture capture = null;
            if (!mode.equals("stream")) {
                capture = new StreamCapture("gst-launch-1.0", StreamCapture.CaptureSettings.defaults(dir));
                tap.addListener(capture);
                if (mode.endsWith("record"))
                    capture.record(new RecordSettings(dir.resolve("rec"), Duration.ofMinutes(10), Duration.ZERO, 0, 0));
            }
            Process s = sender(tap.port());
            try {
                Thread.sleep(4000);
                Map<Long, Double> before = cpuOfAll();
                Thread.sleep(seconds * 1000L);
                Map<Long, Double> after = cpuOfAll();
                double sum = 0, jvm = 0, send = 0;
                for (var e : after.entrySet()) {
                    double d = e.getValue() - before.getOrDefault(e.getKey(), 0.0);
                    sum += d;
                    if (e.getKey() == ProcessHandle.current().pid()) jvm += d;
                    else if (e.getKey() == s.pid()) send += d;
                }
                System.out.printf("  %-22s %.2f s: jvm %.2f, sender %.2f, recording children %.2f (packets %d)%n",
                        mode, sum, jvm, send, sum - jvm - send, tap.snapshot().packets());
                return sum;
            } finally {
                s.destroyForcibly().waitFor();
                if (capture != null) {
                    tap.removeListener(capture);
                    capture.close();
                }
            }
        }
    }

    private static void snapshots(Path dir) throws Exception {
        try (RtpTap tap = RtpTap.open();
             StreamCapture capture = new StreamCapture("gst-launch-1.0", StreamCapture.CaptureSettings.defaults(dir))) {
            tap.addListener(capture);
            Process s = sender(tap.port());
            try {
                Thread.sleep(3000);
                for (int width : new int[] {0, 320}) {
                    List<Double> ms = new ArrayList<>();
                    for (int i = 0; i < 10; i++) {
                        Thread.sleep(137 * (i % 7)); // land anywhere in the keyframe interval
                        long t = System.nanoTime();
                        int n = capture.snapshot(width).length;
                        ms.add((System.nanoTime() - t) / 1e6);
                        if (n < 1000) throw new IllegalStateException("tiny JPEG: " + n);
                    }
                    ms.sort(null);
                    System.out.printf("snapshot width=%s: median %.0f ms, max %.0f ms over %d%n",
                            width == 0 ? "1280 (stream)" : width, median(ms), ms.get(ms.size() - 1), ms.size());
                }
            } finally {
                s.destroyForcibly().waitFor();
                tap.removeListener(capture);
            }
        }
    }

    private static Map<Long, Double> cpuOfAll() {
        Map<Long, Double> m = new HashMap<>();
        ProcessHandle self = ProcessHandle.current();
        m.put(self.pid(), cpu(self.pid()));
        self.descendants().forEach(h -> m.put(h.pid(), cpu(h.pid())));
        m.values().removeIf(v -> v.isNaN());
        return m;
    }

    private static double cpu(long pid) {
        try {
            String s = Files.readString(Path.of("/proc/" + pid + "/stat"));
            String[] f = s.substring(s.lastIndexOf(')') + 2).split(" ");
            return (Long.parseLong(f[11]) + Long.parseLong(f[12])) / 100.0;
        } catch (IOException | RuntimeException e) {
            return Double.NaN;
        }
    }

    private static double median(List<Double> v) {
        List<Double> s = new ArrayList<>(v);
        s.sort(null);
        int n = s.size();
        return n % 2 == 1 ? s.get(n / 2) : (s.get(n / 2 - 1) + s.get(n / 2)) / 2;
    }
}
