package stream.server.internal;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/** Real gst-launch-1.0 (and other) child processes for tests, with their output kept, killed with descendants. */
final class Gst implements AutoCloseable {
    final Process process;
    final List<String> lines = new CopyOnWriteArrayList<>();

    private Gst(List<String> command) throws IOException {
        process = new ProcessBuilder(command).redirectErrorStream(true).start();
        Thread.ofPlatform().daemon().start(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                for (String l; (l = r.readLine()) != null; ) lines.add(l);
            } catch (IOException e) {
                // process ended
            }
        });
    }

    static Gst start(List<String> command) throws IOException {
        return new Gst(command);
    }

    /**
     * A live test-pattern H.264/RTP sender, as the server's pipeline sends it.
     * @param clients HOST:PORT,... for multiudpsink
     */
    static Gst sender(int width, int height, int fps, String clients) throws IOException {
        List<String> c = new ArrayList<>(List.of("gst-launch-1.0", "-e", "-v", "videotestsrc", "is-live=true", "pattern=ball",
                "!", "video/x-raw,format=I420,width=" + width + ",height=" + height + ",framerate=" + fps + "/1",
                "!", "x264enc", "tune=zerolatency", "speed-preset=ultrafast", "key-int-max=" + fps,
                "!", "video/x-h264,profile=constrained-baseline",
                "!", "rtph264pay", "config-interval=1", "pt=96",
                "!", "multiudpsink", "clients=" + clients));
        return start(c);
    }

    String output() {
        return String.join("\n", lines);
    }

    void signal(String sig) throws IOException, InterruptedException {
        Process k = new ProcessBuilder("kill", "-" + sig, Long.toString(process.pid())).inheritIO().start();
        if (k.waitFor() != 0) throw new IOException("kill -" + sig + " failed");
    }

    @Override
    public void close() {
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly(); // SIGKILL: also ends a SIGSTOPped process
        try {
            process.waitFor(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** A UDP port that was free a moment ago on 127.0.0.1. */
    static int freeUdpPort() throws IOException {
        try (DatagramSocket s = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))) {
            return s.getLocalPort();
        }
    }

    /** Polls until the condition holds or the deadline passes. */
    static boolean waitFor(long seconds, BooleanSupplier condition) throws InterruptedException {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        while (System.nanoTime() < end) {
            if (condition.getAsBoolean()) return true;
            Thread.sleep(100);
        }
        return condition.getAsBoolean();
    }
}
