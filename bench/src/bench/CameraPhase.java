package bench;

import com.eclipsesource.json.JsonArray;
import com.eclipsesource.json.JsonValue;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * IP camera rows (issue "IP cameras as sources"): a stand-in camera ({@code bench/camera.py},
 * GStreamer's RTSP server library under Debian's python3-gi, H.264 at the baseline's size) read by
 * our server as {@code --source rtsp://...}.
 * <ul>
 * <li>CPU: the camera relay (the stream's child, a JVM passing the H.264 through without decoding)
 *     against our own encoding pipeline at the same size (the baseline's gst-launch-1.0 argv), one
 *     window each; the camera itself runs only during the relay's window.</li>
 * <li>Back after a camera restart: the camera killed, started again 3 s later on its port; the time
 *     from its listening again to the first RTP packet at the stream's destination. Ours: the relay
 *     as the server runs it (it asks the camera again itself, every 0.25 s doubling to 1 s). Against:
 *     the relay as it was before, ending at the camera's loss and started again as the supervisor did
 *     (0.5 s doubling to 2 s, a new JVM each time), emulated here with the same relay and
 *     {@code --reconnect off}.</li>
 * </ul>
 */
final class CameraPhase implements Phase {
    static final String PYTHON = "/usr/bin/python3";
    private static final Pattern PORT = Pattern.compile("^port \\d+");

    @Override public String id() { return "camera"; }
    @Override public String title() { return "IP camera (the camera relay's CPU; frames again after the camera comes back)"; }

    private Figure cpu, back;

    @Override
    public void run(Context ctx) throws Exception {
        int seconds = Integer.getInteger("bench.camera.seconds", 10);
        int rounds = Integer.getInteger("bench.camera.rounds", 3);
        String caps = ctx.baseline().sourceCaps();
        String what = caps.replace("video/x-raw,", "");
        cpu = ctx.fig("camera_relay_cpu", "10 IP camera", "CPU of an IP camera's child (H.264 passed through, " + what
                + ") against an encoding pipeline at the same size", "cores", "the camera relay (stream.viewer CameraRelay)",
                "our gst-launch-1.0 encoding pipeline", "ratio<=0.25");
        cpu.runsNote = "1 window of " + seconds + " s each";
        back = ctx.fig("camera_back_ms", "10 IP camera", "Camera killed and started again: its listening again to the first RTP"
                + " packet at the destination", "ms", "the relay asks again itself (0.25 s doubling to 1 s)",
                "the relay restarted by the supervisor (0.5 s doubling to 2 s, a new JVM each time)");
        back.digits = 0;
        back.runsNote = rounds + " camera restarts each";
        try {
            measure(ctx, caps, seconds, rounds);
        } finally {
            for (Figure f : List.of(cpu, back)) if (f.ours.isEmpty() && f.failure == null) f.failure = "not measured (see Failures)";
        }
    }

    private void measure(Context ctx, String caps, int seconds, int rounds) throws Exception {
        Config cfg = ctx.config();
        if (!Files.isExecutable(Path.of(PYTHON))) throw new IOException("no " + PYTHON + " (Debian's python3 with python3-gi)");
        Path script = cfg.root().resolve("bench/camera.py");
        int camPort = stream.testkit.Ports.freeTcp();

        // the encoding pipeline alone, no camera running
        int encUdp = stream.testkit.Ports.freeUdp();
        Proc enc = ctx.gst("camera-encoder", ctx.baseline().rawArgv(encUdp));
        Util.sleep(2);
        cpu.counter.add(cores(enc.pid(), seconds));
        enc.stop();

        Proc cam = camera(cfg, script, camPort, caps);
        try (DatagramChannel dest = DatagramChannel.open()) {
            dest.bind(new InetSocketAddress("127.0.0.1", 0));
            int udp = ((InetSocketAddress) dest.getLocalAddress()).getPort();
            dest.configureBlocking(false);
            Server server = ctx.server(udp, null, "camera", "--source", "rtsp://127.0.0.1:" + camPort + "/cam",
                    "--width", width(caps), "--height", height(caps));
            List<String> relayArgv;
            try {
                server.post("start");
                server.awaitStatus("running", System.nanoTime(), 60);
                JsonValue pid = server.get().get("pid");
                long relay = pid != null && pid.isNumber() ? pid.asLong() : -1;
                if (relay < 0) throw new IOException("no camera relay under the server");
                Util.sleep(2);
                double c = cores(relay, seconds);
                cpu.ours.add(c);
                cpu.profile.add(String.format(Locale.ROOT, "relay %.4f cores, RSS %.0f MiB; the camera (python3, x264) %.3f cores meanwhile"
                        + " is not counted; load average %s", c, ProcStat.statusMiB(relay, "VmRSS"), cores(cam.pid(), 2), Util.loadavg()));
                relayArgv = new ArrayList<>();
                for (JsonValue v : server.get().get("command").asArray()) relayArgv.add(v.asString());
                for (int i = 0; i < rounds; i++) {
                    cam = restart(cfg, script, camPort, caps, cam);
                    back.ours.add(firstPacketMs(dest, 20));
                }
            } finally {
                server.stop();
            }

            // the relay as it was: it ends when the camera goes, and is started again with the supervisor's camera backoff
            int i = relayArgv.indexOf("--reconnect");
            if (i >= 0) relayArgv.set(i + 1, "off");
            List<String> argv = new ArrayList<>();
            for (int k = 0; k < relayArgv.size(); k++) { // to the destination alone, not the gone server's tap
                if (relayArgv.get(k).equals("--target") && !relayArgv.get(k + 1).equals("127.0.0.1:" + udp)) { k++; continue; }
                argv.add(relayArgv.get(k));
            }
            Restarter old = new Restarter(cfg, argv);
            Thread loop = Thread.ofPlatform().daemon().start(old);
            try {
                drain(dest);
                firstPacketMs(dest, 30); // it runs
                for (int r = 0; r < rounds; r++) {
                    cam = restart(cfg, script, camPort, caps, cam);
                    back.counter.add(firstPacketMs(dest, 30));
                }
            } finally {
                old.stop = true;
                loop.interrupt();
                old.end();
            }
        } finally {
            cam.stop();
        }
        JsonArray runs = new JsonArray();
        back.ours.forEach(runs::add);
        ctx.results().details.add("camera_back_ms_ours", runs);
        JsonArray before = new JsonArray();
        back.counter.forEach(before::add);
        ctx.results().details.add("camera_back_ms_restarted", before);
        back.profile.add("each figure includes the camera's own session set-up and its first keyframe (key-int-max=30 at 30 fps"
                + " at most 1 s, a new shared media starts with one); load average " + Util.loadavg());
    }

    private static Proc camera(Config cfg, Path script, int port, String caps) throws Exception {
        Proc p = Proc.start("camera", List.of(PYTHON, script.toString(), String.valueOf(port), caps), null, cfg.logs());
        if (p.await(PORT, 30_000) == null) throw new IOException("the stand-in camera (" + script + ") did not start: " + p.tail(3));
        return p;
    }

    /** Kills the camera, waits 3 s (the relay finds it gone), starts it again and returns once it listens. */
    private static Proc restart(Config cfg, Path script, int port, String caps, Proc cam) throws Exception {
        cam.stop();
        Util.sleep(3);
        return camera(cfg, script, port, caps);
    }

    private static void drain(DatagramChannel ch) throws IOException {
        ByteBuffer b = ByteBuffer.allocate(65536);
        while (ch.receive(b) != null) b.clear();
    }

    /** Drops what came before, then the milliseconds to the next datagram. */
    private static double firstPacketMs(DatagramChannel ch, int timeoutSeconds) throws Exception {
        drain(ch);
        long t0 = System.nanoTime(), deadline = t0 + timeoutSeconds * 1_000_000_000L;
        ByteBuffer b = ByteBuffer.allocate(65536);
        while (System.nanoTime() < deadline) {
            if (ch.receive(b) != null) return (System.nanoTime() - t0) / 1e6;
            Thread.sleep(2);
        }
        throw new IOException("no RTP within " + timeoutSeconds + " s after the camera came back");
    }

    private static double cores(long pid, int seconds) throws InterruptedException {
        double a = ProcStat.cpuSeconds(pid);
        long t0 = System.nanoTime();
        Util.sleep(seconds);
        double b = ProcStat.cpuSeconds(pid);
        return (b - a) / ((System.nanoTime() - t0) / 1e9);
    }

    private static String width(String caps) { return caps.replaceAll(".*width=(\\d+).*", "$1"); }
    private static String height(String caps) { return caps.replaceAll(".*height=(\\d+).*", "$1"); }

    /** The relay started again each time it ends, after the supervisor's camera delay: 0.5 s doubling to 2 s, reset after 10 s of running. */
    private static final class Restarter implements Runnable {
        private final Config cfg;
        private final List<String> argv;
        volatile boolean stop;
        private volatile Proc current;

        Restarter(Config cfg, List<String> argv) {
            this.cfg = cfg;
            this.argv = argv;
        }

        @Override
        public void run() {
            long delay = 500;
            while (!stop) {
                try {
                    long t0 = System.nanoTime();
                    Proc p = Proc.start("camera-relay-restarted", argv, null, cfg.logs());
                    current = p;
                    try (OutputStream in = p.process.getOutputStream()) {
                        in.write("{\"user\":null,\"password\":null}\n".getBytes(StandardCharsets.UTF_8));
                        in.flush();
                        p.process.waitFor(); // stdin stays open until the relay ends
                    }
                    if (System.nanoTime() - t0 > 10_000_000_000L) delay = 500;
                    if (stop) return;
                    Thread.sleep(delay);
                    delay = Math.min(delay * 2, 2000);
                } catch (IOException e) {
                    return;
                } catch (InterruptedException e) {
                    return;
                }
            }
        }

        void end() {
            Proc p = current;
            if (p != null) p.stop();
        }
    }
}
