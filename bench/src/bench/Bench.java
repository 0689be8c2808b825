package bench;

import com.eclipsesource.json.Json;
import com.eclipsesource.json.JsonArray;
import com.eclipsesource.json.JsonObject;
import com.eclipsesource.json.JsonValue;
import com.eclipsesource.json.WriterConfig;
import java.io.IOException;
import java.net.DatagramSocket;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Runs every measurement of bench/ (see bench/README.md) and writes bench/RESULTS.md and
 * bench/results.json. A failed measurement is recorded as such; the bench itself never fails.
 *
 * <p>System properties (set by bench/run.sh): bench.root, bench.image, bench.work, bench.helper.java,
 * bench.helper.cp, bench.runs, bench.g2g.seconds, bench.cost.seconds, bench.hyperfine, bench.wrk,
 * bench.budget.seconds.
 */
public final class Bench {
    // ------------------------------------------------------------------ configuration
    final Path root = Path.of(System.getProperty("bench.root", ".")).toAbsolutePath();
    final Path image = Path.of(System.getProperty("bench.image", root.resolve("out/image").toString()));
    final Path work = Path.of(System.getProperty("bench.work", "/tmp/bench-work"));
    final Path logs = work.resolve("logs");
    final String helperJava = System.getProperty("bench.helper.java", "java");
    final String helperCp = System.getProperty("bench.helper.cp", "");
    final int runs = Integer.getInteger("bench.runs", 5);
    final int coldRuns = Integer.getInteger("bench.cold.runs", 10);
    final int g2gSeconds = Integer.getInteger("bench.g2g.seconds", 30);
    final int g2gWarmup = Integer.getInteger("bench.g2g.warmup", 2);
    final int costSeconds = Integer.getInteger("bench.cost.seconds", 15);
    final int loadSeconds = Integer.getInteger("bench.load.seconds", 5);
    final int loadRuns = Integer.getInteger("bench.load.runs", 3);
    final String hyperfine = System.getProperty("bench.hyperfine", "");
    final String wrk = System.getProperty("bench.wrk", "");
    final long budgetNs = Long.getLong("bench.budget.seconds", 540) * 1_000_000_000L;
    final long startedNs = System.nanoTime();

    static final String NTP_EXT = "urn:ietf:params:rtp-hdrext:ntp-64";
    static final Pattern FIRST_FRAME = Pattern.compile("first frame after|^first \\d+");
    static final Pattern VIEWER_READY = Pattern.compile("waiting for the stream|^ready \\d+");

    final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(3)).build();
    final Map<String, Figure> figures = new LinkedHashMap<>();
    final List<String> notes = new ArrayList<>();
    final List<String> failures = new ArrayList<>();
    final JsonObject machine = new JsonObject();
    final JsonObject tools = new JsonObject();
    final JsonObject extra = new JsonObject();
    final String gstLaunch = which("gst-launch-1.0");

    /** The server's own gst-launch-1.0 argv (from GET /control "command"); the raw pipeline runs exactly this. */
    List<String> serverArgv;
    /** The JSON body of GET /control when stopped, for the bare HTTP counterpart. */
    String controlBody;
    /** The source caps of our default pipeline, used for the original design's pipeline too. */
    String sourceCaps = "video/x-raw,width=1280,height=720,framerate=30/1";

    // ------------------------------------------------------------------ figures
    /** One row of the table: our runs beside the counterpart's runs. */
    static final class Figure {
        final String id, section, title, unit, oursLabel, counterLabel;
        final List<Double> ours = new ArrayList<>(), counter = new ArrayList<>();
        final List<String> targets = new ArrayList<>(); // "ratio<=1.2", "ours<=1.0", "ours>=20000", "ratio<=0.333"
        final List<String> profile = new ArrayList<>();
        String failure;
        int digits = 3;
        String runsNote;

        Figure(String id, String section, String title, String unit, String oursLabel, String counterLabel) {
            this.id = id; this.section = section; this.title = title; this.unit = unit;
            this.oursLabel = oursLabel; this.counterLabel = counterLabel;
        }

        double oursMedian() { return median(ours); }
        double counterMedian() { return median(counter); }
        double ratio() {
            double a = oursMedian(), b = counterMedian();
            return Double.isNaN(a) || Double.isNaN(b) || b == 0 ? Double.NaN : a / b;
        }
    }

    Figure fig(String id, String section, String title, String unit, String oursLabel, String counterLabel, String... targets) {
        if (figures.containsKey(id)) return figures.get(id); // a phase run more than once adds to its figures
        Figure f = new Figure(id, section, title, unit, oursLabel, counterLabel);
        f.targets.addAll(Arrays.asList(targets));
        figures.put(id, f);
        return f;
    }

    static double median(List<Double> xs) {
        double[] a = xs.stream().filter(d -> !Double.isNaN(d)).mapToDouble(Double::doubleValue).sorted().toArray();
        if (a.length == 0) return Double.NaN;
        return a.length % 2 == 1 ? a[a.length / 2] : (a[a.length / 2 - 1] + a[a.length / 2]) / 2;
    }

    static double percentile(double[] sorted, double q) {
        if (sorted.length == 0) return Double.NaN;
        int i = (int) Math.ceil(q * sorted.length) - 1;
        return sorted[Math.max(0, Math.min(sorted.length - 1, i))];
    }

    // ------------------------------------------------------------------ main
    public static void main(String[] args) {
        Bench b = new Bench();
        int rc = 0;
        try {
            b.runAll();
        } catch (Throwable t) {
            b.failures.add("bench aborted: " + t);
            rc = 1;
        } finally {
            Proc.stopAll();
            try {
                b.writeResults();
            } catch (IOException e) {
                System.err.println("bench: cannot write the results: " + e.getMessage());
                rc = 1;
            }
        }
        System.exit(rc);
    }

    interface Phase { void run() throws Exception; }

    void phase(String name, Phase p) {
        long left = budgetNs - (System.nanoTime() - startedNs);
        if (left <= 0) {
            failures.add(name + ": skipped, the time budget of the bench was used up");
            return;
        }
        System.out.printf("%n== %s (%.0f s into the bench)%n", name, (System.nanoTime() - startedNs) / 1e9);
        try {
            p.run();
        } catch (Exception e) {
            failures.add(name + ": " + e.getClass().getSimpleName() + ": " + e.getMessage());
            System.out.println("   FAILED: " + e.getMessage());
        } finally {
            Proc.stopAll();
        }
        try { writeResults(); } catch (IOException e) { System.err.println("bench: " + e.getMessage()); }
    }

    void runAll() throws Exception {
        Files.createDirectories(logs);
        machineInfo();
        phase("discover our default pipeline", this::discover);
        phase("cold start", this::coldStart);
        phase("control API", this::controlApi);
        phase("time to first frame", this::timeToFirstFrame);
        phase("late join", this::lateJoin);
        phase("glass-to-glass latency", this::glassToGlass);
        phase("image size", this::imageSize);
        phase("cost of streaming", this::cost);
    }

    // ------------------------------------------------------------------ helpers
    static int freeTcpPort() throws IOException { try (ServerSocket s = new ServerSocket(0)) { return s.getLocalPort(); } }

    static int freeUdpPort() throws IOException {
        // a port free for both, so nothing else of ours collides with it
        for (int i = 0; i < 50; i++) {
            int p;
            try (DatagramSocket s = new DatagramSocket(0)) { p = s.getLocalPort(); }
            try (ServerSocket t = new ServerSocket(p)) { return p; } catch (IOException e) { /* next */ }
        }
        throw new IOException("no free UDP port");
    }

    static String which(String exe) {
        for (String dir : System.getenv().getOrDefault("PATH", "/usr/bin").split(":")) {
            Path p = Path.of(dir, exe);
            if (Files.isExecutable(p)) return p.toString();
        }
        return exe;
    }

    static void sleep(double seconds) throws InterruptedException { Thread.sleep((long) (seconds * 1000)); }

    String bin(String name) { return image.resolve("bin").resolve(name).toString(); }

    static String fmt(double v, int digits) {
        if (Double.isNaN(v)) return "n/a";
        return String.format(Locale.ROOT, "%." + digits + "f", v);
    }

    String run(List<String> cmd, long timeoutMs) throws Exception {
        Proc p = Proc.start("cmd-" + Path.of(cmd.get(0)).getFileName(), cmd, null, logs);
        int rc = p.waitFor(timeoutMs);
        p.stop();
        StringBuilder b = new StringBuilder();
        Thread.sleep(30);
        for (Proc.Line l : p.lines()) b.append(l.text()).append('\n');
        if (rc != 0) throw new IOException(String.join(" ", cmd) + " exited " + rc + ": " + p.tail(3));
        return b.toString();
    }

    // ---------------------------------------------------------------- server control over HTTP
    final class Server {
        final int port;
        final int udp;
        final Proc proc;
        final String url;
        // one client per server: a pooled connection to an earlier server on a reused port would fail the first request
        final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(3)).build();

        Server(int udp, Map<String, String> env, String label) throws Exception {
            this.port = freeTcpPort();
            this.udp = udp;
            this.url = "http://127.0.0.1:" + port;
            Path state = Files.createTempDirectory(work, "state");
            Map<String, String> e = new HashMap<>();
            if (env != null) e.putAll(env);
            e.put("STREAM_STATE_DIR", state.toString());
            proc = Proc.start("server-" + label, List.of(bin("stream-server"), "--port", String.valueOf(port),
                    "--bind", "127.0.0.1", "--source", "test", "--dest", "127.0.0.1:" + udp), e, logs);
            long deadline = System.nanoTime() + 20_000_000_000L;
            while (true) {
                try {
                    if (get().get("status") != null) break;
                } catch (IOException ex) {
                    // not yet
                }
                if (!proc.alive()) throw new IOException("stream-server exited at start: " + proc.tail(3));
                if (System.nanoTime() > deadline) throw new IOException("stream-server did not answer within 20 s");
                sleep(0.05);
            }
        }

        JsonObject get() throws IOException, InterruptedException {
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(url + "/control"))
                    .timeout(Duration.ofSeconds(5)).GET().build(), HttpResponse.BodyHandlers.ofString());
            return Json.parse(r.body()).asObject();
        }

        String getBody() throws IOException, InterruptedException {
            return http.send(HttpRequest.newBuilder(URI.create(url + "/control")).timeout(Duration.ofSeconds(5)).GET().build(),
                    HttpResponse.BodyHandlers.ofString()).body();
        }

        JsonObject post(String action) throws IOException, InterruptedException {
            // a fresh connection: the server may have closed the pooled one after a GET without saying so,
            // and the JDK client does not retry a POST (it fails with "header parser received no bytes")
            HttpClient once = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(3)).build();
            HttpResponse<String> r = once.send(HttpRequest.newBuilder(URI.create(url + "/control"))
                    .timeout(Duration.ofSeconds(20)).header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString("{\"action\":\"" + action + "\"}")).build(),
                    HttpResponse.BodyHandlers.ofString());
            if (r.statusCode() / 100 != 2) throw new IOException("POST " + action + " answered " + r.statusCode() + ": " + r.body());
            return Json.parse(r.body()).asObject();
        }

        String status() throws IOException, InterruptedException {
            JsonValue s = get().get("status");
            return s == null || !s.isString() ? "?" : s.asString();
        }

        /** Polls GET /control every 2 ms until the status is the one wanted; returns the seconds waited from t0. */
        double awaitStatus(String want, long t0Nano, double timeoutS) throws Exception {
            long deadline = t0Nano + (long) (timeoutS * 1e9);
            while (System.nanoTime() < deadline) {
                String s = status();
                if (s.equals(want)) return (System.nanoTime() - t0Nano) / 1e9;
                if (s.equals("failed")) throw new IOException("the stream failed: " + get());
                Thread.sleep(2);
            }
            throw new IOException("status did not become " + want + " within " + timeoutS + " s");
        }

        void startStream() throws Exception { post("start"); awaitStatus("running", System.nanoTime(), 20); }

        void stopStream() throws Exception { post("stop"); awaitStatus("stopped", System.nanoTime(), 20); }

        long childPid() {
            return proc.process.toHandle().children().filter(h -> h.info().command().map(c -> c.contains("gst-launch")).orElse(false))
                    .mapToLong(ProcessHandle::pid).findFirst().orElse(-1);
        }

        List<String> childArgv() throws IOException {
            long pid = childPid();
            if (pid < 0) throw new IOException("no gst-launch-1.0 child under the server");
            byte[] raw = Files.readAllBytes(Path.of("/proc/" + pid + "/cmdline"));
            List<String> argv = new ArrayList<>();
            int s = 0;
            for (int i = 0; i < raw.length; i++) {
                if (raw[i] == 0) { argv.add(new String(raw, s, i - s, StandardCharsets.UTF_8)); s = i + 1; }
            }
            return argv;
        }
    }

    // ---------------------------------------------------------------- receivers
    boolean viewerUsable;

    /** Starts the waiting receiver (stream-viewer --sink none, or the probe) and waits until it waits. */
    Proc receiver(String label, int udp, int frames, double timeoutS, boolean awaitReady) throws Exception {
        Proc p;
        if (viewerUsable) {
            p = Proc.start("viewer-" + label, List.of(bin("stream-viewer"), "--port", String.valueOf(udp), "--sink", "none",
                    "--frames", String.valueOf(frames), "--timeout", fmt(timeoutS, 1)), null, logs);
        } else {
            p = Proc.start("probe-" + label, List.of(helperJava, "--enable-native-access=ALL-UNNAMED", "-cp", helperCp,
                    "bench.Probe", "first", String.valueOf(udp), fmt(timeoutS, 1)), null, logs);
        }
        if (awaitReady) {
            if (p.await(VIEWER_READY, 20_000) == null) {
                p.stop();
                throw new IOException(label + ": the receiver did not get ready within 20 s: " + p.tail(3));
            }
            sleep(0.3); // the message comes just before the pipeline plays
        }
        return p;
    }

    String receiverName() {
        return viewerUsable ? "stream-viewer --sink none (our viewer, decoding without a window)"
                : "bench.Probe (GStreamer through JNA: udpsrc ! rtph264depay ! h264parse ! avdec_h264 ! appsink)";
    }

    Proc gst(String label, List<String> argv) throws IOException {
        List<String> cmd = new ArrayList<>(argv);
        cmd.set(0, gstLaunch);
        return Proc.start("gst-" + label, cmd, null, logs);
    }

    /** The UDP port the discovery server sent to: the one to replace in the server's argv. */
    int discoverUdp = -1;

    /**
     * The server's argv sending to udp instead: the pipeline up to and with the payloader, then one
     * udpsink to udp. What the server adds after the payloader (a tee with a loopback copy to its own
     * RTP tap) is ours and not part of the raw pipeline. Without a payloader, the ports are replaced.
     */
    List<String> withPort(List<String> argv, int udp) {
        int pay = argv.indexOf("rtph264pay");
        if (pay >= 0) {
            int bang = argv.subList(pay, argv.size()).indexOf("!");
            if (bang >= 0) {
                // everything up to the payloader, then one udpsink: no tee, no copy to the server's tap
                List<String> out = new ArrayList<>(argv.subList(0, pay + bang + 1));
                out.addAll(List.of("udpsink", "host=127.0.0.1", "port=" + udp));
                return out;
            }
        }
        List<String> out = new ArrayList<>();
        for (String a : argv) {
            if (a.matches("port=\\d+")) {
                out.add("port=" + udp);
            } else if (a.startsWith("clients=")) {
                String dest = null;
                for (String c : a.substring(8).split(",")) if (c.endsWith(":" + discoverUdp)) dest = c;
                if (dest == null) dest = a.substring(8).split(",")[0];
                out.add("clients=" + dest.substring(0, dest.lastIndexOf(':') + 1) + udp);
            } else {
                out.add(a);
            }
        }
        return out;
    }

    /** The original design's sender: no caps before the encoder, x264enc tune=zerolatency, auto keyint. */
    List<String> originalArgv(int udp) {
        List<String> a = new ArrayList<>(List.of(gstLaunch, "-e", "videotestsrc", "is-live=true", "pattern=ball", "!"));
        a.addAll(List.of(sourceCaps, "!", "videoconvert", "!", "x264enc", "tune=zerolatency", "!",
                "rtph264pay", "config-interval=1", "pt=96", "!", "udpsink", "host=127.0.0.1", "port=" + udp));
        return a;
    }

    /** The same rewrite as the PATH shim: rtpbin with RFC 6051 NTP-64 capture timestamps before udpsink. */
    static List<String> withNtp64(List<String> argv) {
        List<String> out = new ArrayList<>();
        boolean inserted = false;
        int pay = 0; // 1 after rtph264pay, 2 once the extension is in
        for (String a : argv) {
            if (!inserted && out.size() > 0 && !a.startsWith("-")) {
                out.addAll(List.of("rtpbin", "name=rbntp", "rtcp-sync-send-time=false"));
                inserted = true;
            }
            out.add(a);
            if (a.equals("rtph264pay") && pay == 0) pay = 1;
            if (a.equals("!") && pay == 1) {
                out.addAll(List.of("application/x-rtp,extmap-1=(string)" + NTP_EXT, "!", "rbntp.send_rtp_sink_0",
                        "rbntp.send_rtp_src_0", "!"));
                pay = 2;
            }
        }
        return out;
    }

    // ================================================================== phases
    void machineInfo() {
        machine.add("date_utc", Instant.now().toString());
        machine.add("nproc", Runtime.getRuntime().availableProcessors());
        try {
            for (String l : Files.readAllLines(Path.of("/proc/cpuinfo"))) {
                if (l.startsWith("model name")) { machine.add("cpu", l.substring(l.indexOf(':') + 1).trim()); break; }
            }
            machine.add("kernel", Files.readString(Path.of("/proc/sys/kernel/osrelease")).trim());
            machine.add("loadavg_at_start", Files.readString(Path.of("/proc/loadavg")).trim());
        } catch (IOException e) { /* not Linux */ }
        try {
            machine.add("gstreamer", run(List.of(gstLaunch, "--version"), 10_000).lines()
                    .filter(l -> l.startsWith("GStreamer")).findFirst().orElse("?"));
        } catch (Exception e) { machine.add("gstreamer", "unknown: " + e.getMessage()); }
        try {
            Path release = image.resolve("release");
            String v = Files.readAllLines(release).stream().filter(l -> l.startsWith("JAVA_VERSION=")).findFirst().orElse("?");
            machine.add("image_jdk", v.replace("JAVA_VERSION=", "").replace("\"", ""));
        } catch (IOException e) { machine.add("image_jdk", "unknown"); }
        machine.add("helper_jdk", System.getProperty("java.vm.name") + " " + System.getProperty("java.runtime.version"));
        tools.add("hyperfine", hyperfine.isEmpty() ? "missing: timing loop in bench.Bench" : hyperfine);
        tools.add("load_generator", wrk.isEmpty() ? "bench.HttpLoad (Java, keep-alive, closed loop)" : wrk);
    }

    void discover() throws Exception {
        String help = run(List.of(bin("stream-viewer"), "--help"), 20_000);
        viewerUsable = help.contains("--frames") && help.contains("--sink");
        tools.add("receiver", receiverName());
        int udp = freeUdpPort();
        discoverUdp = udp;
        Server s = new Server(udp, null, "discover");
        sleep(3);
        // idle RSS: a fresh server that has answered a few requests and never streamed
        Figure rss = fig("rss_idle", "5 Cost", "Server RSS, idle (fresh, never streamed)", "MiB",
                "stream-server", "", "ours<=64");
        rss.ours.add(ProcStat.statusMiB(s.proc.pid(), "VmRSS"));
        rss.profile.add(String.format(Locale.ROOT, "RssAnon %.1f MiB, RssFile %.1f MiB (JVM code, CDS archive, jimage); heap limit -Xmx96m",
                ProcStat.statusMiB(s.proc.pid(), "RssAnon"), ProcStat.statusMiB(s.proc.pid(), "RssFile")));
        rss.digits = 1;
        rss.runsNote = "1 (3 s after start)";
        controlBody = s.getBody();
        // the child's real argv while it streams (/proc/PID/cmdline); GET /control's "command" if that fails
        try {
            s.startStream();
            serverArgv = s.childArgv();
            s.stopStream();
        } catch (IOException e) {
            JsonValue cmd = s.get().get("command");
            if (cmd == null || !cmd.isArray()) throw e;
            serverArgv = new ArrayList<>();
            for (JsonValue v : cmd.asArray()) serverArgv.add(v.asString());
            notes.add("The raw pipeline is GET /control's \"command\" (the child's argv could not be read: " + e.getMessage() + ").");
        }
        for (String a : serverArgv) {
            if (a.startsWith("video/x-raw") && a.contains("width=")) {
                Matcher w = Pattern.compile("width=(\\d+)").matcher(a), h = Pattern.compile("height=(\\d+)").matcher(a),
                        f = Pattern.compile("framerate=(\\d+/\\d+)").matcher(a);
                if (w.find() && h.find() && f.find()) {
                    sourceCaps = "video/x-raw,width=" + w.group(1) + ",height=" + h.group(1) + ",framerate=" + f.group(1);
                }
            }
        }
        extra.add("server_pipeline", String.join(" ", serverArgv));
        extra.add("original_pipeline", String.join(" ", originalArgv(5000)));
        System.out.println("   ours:     " + String.join(" ", serverArgv));
        System.out.println("   original: " + String.join(" ", originalArgv(5000)));
        System.out.println("   receiver: " + receiverName());
        s.proc.stop();
    }

    void coldStart() throws Exception {
        int udp = freeUdpPort();
        Server s = new Server(udp, null, "cold");
        String status = bin("stream-client") + " status --server " + s.url;
        String[][] cmds = {
            {"cold_server", bin("stream-server") + " --version"},
            {"cold_client", bin("stream-client") + " --version"},
            {"cold_viewer", bin("stream-viewer") + " --version"},
            {"cold_status", status},
            {"floor_jvm_gc", bin("java") + " -XX:+UseSerialGC -Xshare:auto -version"},
            {"floor_jvm_c1", bin("java") + " -XX:+UseSerialGC -XX:TieredStopAtLevel=1 -Xshare:auto -version"},
            {"floor_curl", which("curl") + " -s -o /dev/null " + s.url + "/control"},
        };
        Map<String, List<Double>> times = new LinkedHashMap<>();
        if (!hyperfine.isEmpty()) {
            Path json = work.resolve("hyperfine.json");
            List<String> cmd = new ArrayList<>(List.of(hyperfine, "-N", "--style", "basic", "--warmup", "2",
                    "--runs", String.valueOf(coldRuns), "--export-json", json.toString()));
            for (String[] c : cmds) { cmd.add("-n"); cmd.add(c[0]); cmd.add(c[1]); }
            run(cmd, 240_000);
            JsonArray results = Json.parse(Files.readString(json)).asObject().get("results").asArray();
            for (JsonValue r : results) {
                List<Double> ts = new ArrayList<>();
                for (JsonValue t : r.asObject().get("times").asArray()) ts.add(t.asDouble());
                times.put(r.asObject().getString("command", "?"), ts);
            }
        } else {
            for (String[] c : cmds) {
                List<String> argv = Arrays.asList(c[1].split(" "));
                List<Double> ts = new ArrayList<>();
                for (int i = 0; i < coldRuns + 2; i++) {
                    ProcessBuilder pb = new ProcessBuilder(argv).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD);
                    long t0 = System.nanoTime();
                    Process p = pb.start();
                    if (!p.waitFor(20, java.util.concurrent.TimeUnit.SECONDS)) { p.destroyForcibly(); throw new IOException(c[1] + " hung"); }
                    if (i >= 2) ts.add((System.nanoTime() - t0) / 1e9);
                }
                times.put(c[0], ts);
            }
        }
        String how = hyperfine.isEmpty() ? "timing loop" : "hyperfine -N";
        String[][] rows = {
            {"cold_server", "stream-server --version", "floor_jvm_gc", "image's java -version, same GC (JVM floor)", ""},
            {"cold_client", "stream-client --version", "floor_jvm_c1", "image's java -version, same flags (JVM floor)", ""},
            {"cold_viewer", "stream-viewer --version", "floor_jvm_c1", "image's java -version, same flags (JVM floor)", ""},
            {"cold_status", "stream-client status (server running)", "floor_curl", "curl GET /control", "ours<=0.150"},
        };
        for (String[] r : rows) {
            Figure f = fig(r[0], "5 Cost", "Cold start: " + r[1], "s", r[1], r[3], r[4].isEmpty() ? new String[0] : new String[] {r[4]});
            f.ours.addAll(times.getOrDefault(r[0], List.of()));
            f.counter.addAll(times.getOrDefault(r[2], List.of()));
            f.runsNote = f.ours.size() + " (" + how + ", 2 warm-ups)";
            if (f.ours.isEmpty()) f.failure = "not measured";
        }
        // a proposal, measured: the same with a JDK 25 AOT cache (JEP 483/514) made by one training run
        try {
            Path aot = work.resolve("client.aot");
            Files.deleteIfExists(aot);
            Proc train = Proc.start("aot-train-client", List.of(bin("stream-client"), "status", "--server", s.url),
                    Map.of("STREAM_JAVA_OPTS", "-XX:AOTCacheOutput=" + aot), logs);
            train.waitFor(60_000);
            train.stop();
            if (!Files.exists(aot)) throw new IOException("no AOT cache made: " + train.tail(2));
            Figure a = fig("cold_status_aot", "5 Cost", "  proposal: stream-client status with a JDK 25 AOT cache", "s",
                    "with -XX:AOTCache", "without, measured right before");
            // both in one hyperfine call, one right after the other, so the machine's load is alike
            double[][] cpu = new double[2][];
            List<List<Double>> both = timeCommands(List.of("env STREAM_JAVA_OPTS= " + status,
                    "env STREAM_JAVA_OPTS=-XX:AOTCache=" + aot + " " + status), cpu);
            a.counter.addAll(both.get(0));
            a.ours.addAll(both.get(1));
            a.runsNote = a.ours.size() + " each (" + how + ", through env)";
            if (cpu[0] != null && cpu[1] != null) {
                a.profile.add(String.format(Locale.ROOT, "CPU time (user + system, mean) %.3f s with the cache against %.3f s without",
                        cpu[1][0], cpu[0][0]));
            }
            a.profile.add(String.format(Locale.ROOT, "cache made by one `stream-client status` run with -XX:AOTCacheOutput: %.1f MiB",
                    Files.size(aot) / 1048576.0));
        } catch (Exception e) {
            failures.add("AOT cache diagnostic of stream-client: " + e.getMessage());
        }
        // the profile: which classes a cold `stream-client status` loads, and how many the CDS archive serves
        try {
            figures.get("cold_status").profile.add(classProfile(List.of(bin("stream-client"), "status", "--server", s.url), "status"));
            figures.get("cold_client").profile.add(classProfile(List.of(bin("stream-client"), "--version"), "version"));
        } catch (Exception e) {
            failures.add("class-loading profile of stream-client: " + e.getMessage());
        }
        s.proc.stop();
    }

    /** Times command lines (no shell) coldRuns times each after 2 warm-ups; seconds. cpu[i] gets {user+system mean} with hyperfine. */
    List<List<Double>> timeCommands(List<String> cmdlines, double[][] cpu) throws Exception {
        List<List<Double>> all = new ArrayList<>();
        if (!hyperfine.isEmpty()) {
            Path json = work.resolve("hyperfine-pair.json");
            List<String> cmd = new ArrayList<>(List.of(hyperfine, "-N", "--style", "basic", "--warmup", "2",
                    "--runs", String.valueOf(coldRuns), "--export-json", json.toString()));
            cmd.addAll(cmdlines);
            run(cmd, 240_000);
            JsonArray results = Json.parse(Files.readString(json)).asObject().get("results").asArray();
            for (int i = 0; i < results.size(); i++) {
                JsonObject r = results.get(i).asObject();
                List<Double> ts = new ArrayList<>();
                for (JsonValue t : r.get("times").asArray()) ts.add(t.asDouble());
                all.add(ts);
                if (r.get("user") != null && r.get("system") != null) cpu[i] = new double[] {r.get("user").asDouble() + r.get("system").asDouble()};
            }
            return all;
        }
        for (String c : cmdlines) all.add(new ArrayList<>());
        for (int i = 0; i < coldRuns + 2; i++) {
            for (int k = 0; k < cmdlines.size(); k++) { // alternating
                ProcessBuilder pb = new ProcessBuilder(Arrays.asList(cmdlines.get(k).split(" "))).redirectErrorStream(true)
                        .redirectOutput(ProcessBuilder.Redirect.DISCARD);
                long t0 = System.nanoTime();
                Process p = pb.start();
                if (!p.waitFor(20, java.util.concurrent.TimeUnit.SECONDS)) { p.destroyForcibly(); throw new IOException(cmdlines.get(k) + " hung"); }
                if (i >= 2) all.get(k).add((System.nanoTime() - t0) / 1e9);
            }
        }
        return all;
    }

    /** Times a command line (no shell) coldRuns times after 2 warm-ups, with extra environment; seconds. */
    List<Double> timeCommand(String cmdline, Map<String, String> env) throws Exception {
        List<Double> ts = new ArrayList<>();
        if (!hyperfine.isEmpty()) {
            Path json = work.resolve("hyperfine-one.json");
            Proc p = Proc.start("cmd-hyperfine-env", List.of(hyperfine, "-N", "--style", "basic", "--warmup", "2",
                    "--runs", String.valueOf(coldRuns), "--export-json", json.toString(), cmdline), env, logs);
            if (p.waitFor(120_000) != 0) { p.stop(); throw new IOException("hyperfine failed: " + p.tail(3)); }
            for (JsonValue t : Json.parse(Files.readString(json)).asObject().get("results").asArray().get(0).asObject().get("times").asArray()) {
                ts.add(t.asDouble());
            }
            return ts;
        }
        for (int i = 0; i < coldRuns + 2; i++) {
            ProcessBuilder pb = new ProcessBuilder(Arrays.asList(cmdline.split(" "))).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD);
            pb.environment().putAll(env);
            long t0 = System.nanoTime();
            Process p = pb.start();
            if (!p.waitFor(20, java.util.concurrent.TimeUnit.SECONDS)) { p.destroyForcibly(); throw new IOException(cmdline + " hung"); }
            if (i >= 2) ts.add((System.nanoTime() - t0) / 1e9);
        }
        return ts;
    }

    /** Runs cmd once with -Xlog:class+load and summarizes: classes loaded, from the CDS archive, top packages outside it. */
    String classProfile(List<String> cmd, String label) throws Exception {
        Path file = work.resolve("classload-" + label + ".txt");
        Files.deleteIfExists(file);
        Proc p = Proc.start("classload-" + label, cmd, Map.of("STREAM_JAVA_OPTS", "-Xlog:class+load=info:file=" + file), logs);
        p.waitFor(30_000);
        p.stop();
        List<String> lines = Files.readAllLines(file);
        int shared = 0;
        Map<String, Integer> pkgs = new HashMap<>();
        for (String l : lines) {
            if (l.contains("shared objects file")) { shared++; continue; }
            String[] w = l.split(" ");
            if (w.length < 2) continue;
            String cls = w[1];
            String[] parts = cls.split("\\.");
            String pkg = parts.length > 2 ? parts[0] + "." + parts[1] + "." + parts[2] : cls;
            pkgs.merge(pkg, 1, Integer::sum);
        }
        StringBuilder b = new StringBuilder(String.format(Locale.ROOT,
                "a cold `%s` loads %d classes, %d of them from the image's CDS archive; outside it, most from:", String.join(" ",
                        cmd.subList(0, Math.min(2, cmd.size()))).replace(image.resolve("bin") + "/", ""), lines.size(), shared));
        pkgs.entrySet().stream().sorted((x, y) -> y.getValue() - x.getValue()).limit(5)
                .forEach(e -> b.append(' ').append(e.getKey()).append(" (").append(e.getValue()).append(')'));
        return b.toString();
    }

    static String loadavg() {
        try {
            String[] f = Files.readString(Path.of("/proc/loadavg")).trim().split(" ");
            return f[0] + " " + f[1] + " " + f[2];
        } catch (IOException e) {
            return "?";
        }
    }

    void controlApi() throws Exception {
        int udp = freeUdpPort();
        Server s = new Server(udp, null, "control");
        int rawPort = freeTcpPort();
        Path body = work.resolve("control-body.json");
        Files.writeString(body, controlBody == null ? s.getBody() : controlBody);
        Proc raw = Proc.start("raw-http", List.of(bin("java"), "-XX:+UseSerialGC", "-Xmx96m", "-cp", work.resolve("classes").toString(),
                "bench.RawHttp", String.valueOf(rawPort), body.toString()), null, logs);
        if (raw.await(Pattern.compile("^listening"), 15_000) == null) throw new IOException("bench.RawHttp did not start: " + raw.tail(3));
        Figure rps = fig("control_rps", "4 Control API", "GET /control throughput (server stopped)", "req/s",
                "stream-server", "bare jdk.httpserver, fixed body", "ours>=20000");
        Figure p50 = fig("control_p50", "4 Control API", "GET /control latency p50", "ms", "stream-server", "bare jdk.httpserver");
        Figure p99 = fig("control_p99", "4 Control API", "GET /control latency p99", "ms", "stream-server", "bare jdk.httpserver", "ours<=2");
        rps.digits = 0;
        for (String[] target : new String[][] {{"ours", s.url}, {"raw", "http://127.0.0.1:" + rawPort}}) {
            load(target[1], 2); // warm-up (JIT)
        }
        double[] closed = new double[2], requests = new double[2];
        for (int i = 0; i < loadRuns; i++) {
            for (String[] target : new String[][] {{"ours", s.url}, {"raw", "http://127.0.0.1:" + rawPort}}) {
                double[] r = load(target[1], loadSeconds);
                boolean ours = target[0].equals("ours");
                closed[ours ? 0 : 1] += r[3];
                requests[ours ? 0 : 1] += r[4];
                (ours ? rps.ours : rps.counter).add(r[0]);
                (ours ? p50.ours : p50.counter).add(r[1]);
                (ours ? p99.ours : p99.counter).add(r[2]);
            }
        }
        String how = (wrk.isEmpty() ? "bench.HttpLoad, 16 connections" : "wrk -t2 -c16 --latency") + ", " + loadSeconds + " s each";
        for (Figure f : List.of(rps, p50, p99)) f.runsNote = loadRuns + " (" + how + ")";
        rps.profile.add(String.format(Locale.ROOT, "connections the server closed under the load generator (socket read errors, each a reconnect): "
                + "%.0f of %.0f requests for ours, %.0f of %.0f for the bare jdk.httpserver", closed[0], requests[0], closed[1], requests[1]));
        if (closed[0] > requests[0] * 0.1) {
            rps.profile.add("so our server closes keep-alive connections after most answers (a known cause: jdk.httpserver closes the connection when a handler "
                    + "leaves the request body unread and sun.net.httpserver.drainAmount is 0; reading the empty body first keeps it open)");
        }
        rps.profile.add(String.format(Locale.ROOT, "server VmHWM after the load: %.1f MiB", ProcStat.statusMiB(s.proc.pid(), "VmHWM")));
        p99.profile.add("the bare jdk.httpserver in the same runs: p99 " + fmt(p99.counterMedian(), 2) + " ms at " + fmt(rps.counterMedian(), 0)
                + " req/s" + (p99.ratio() <= 1.5 ? ", so the tail is mostly the machine and the JDK's HTTP server, not our handler"
                        : ", so our server adds to the tail (its handler, or its executor: a virtual thread per exchange)")
                + "; load average after the runs: " + loadavg() + " (wrk's threads and the server share 2 cores)");
        raw.stop();

        Figure up = fig("start_to_running", "4 Control API", "POST start until GET says running", "s", "stream-server", "");
        Figure down = fig("stop_to_stopped", "4 Control API", "POST stop until GET says stopped", "s", "stream-server", "");
        for (int i = 0; i < runs; i++) {
            long t0 = System.nanoTime();
            s.post("start");
            up.ours.add(s.awaitStatus("running", t0, 20));
            sleep(1);
            t0 = System.nanoTime();
            s.post("stop");
            down.ours.add(s.awaitStatus("stopped", t0, 20));
            sleep(0.3);
        }
        up.runsNote = down.runsNote = runs + " (HTTP from the bench, GET polled every 2 ms)";
        s.proc.stop();
    }

    /** Runs the load generator for seconds against base; returns {rps, p50 ms, p99 ms}. */
    double[] load(String base, int seconds) throws Exception {
        if (!wrk.isEmpty()) {
            String out = run(List.of(wrk, "-t2", "-c16", "-d" + seconds + "s", "--latency", base + "/control"), (seconds + 30) * 1000L);
            Matcher m = Pattern.compile("Requests/sec:\\s*([0-9.]+)").matcher(out);
            if (!m.find()) throw new IOException("cannot read wrk's output: " + out);
            double rps = Double.parseDouble(m.group(1));
            Matcher e = Pattern.compile("Socket errors: connect (\\d+), read (\\d+), write (\\d+), timeout (\\d+)").matcher(out);
            double errors = e.find() ? Double.parseDouble(e.group(1)) + Double.parseDouble(e.group(2)) + Double.parseDouble(e.group(3)) : 0;
            Matcher n = Pattern.compile("(\\d+) requests in").matcher(out);
            double requests = n.find() ? Double.parseDouble(n.group(1)) : Double.NaN;
            return new double[] {rps, wrkPct(out, "50%"), wrkPct(out, "99%"), errors, requests};
        }
        URI u = URI.create(base);
        String out = run(List.of(helperJava, "-XX:+UseSerialGC", "-cp", helperCp, "bench.HttpLoad", u.getHost(),
                String.valueOf(u.getPort()), "/control", "16", String.valueOf(seconds)), (seconds + 30) * 1000L);
        Matcher m = Pattern.compile("requests=(\\d+) .*rps=([0-9.]+) p50_ms=([0-9.]+) p99_ms=([0-9.]+) .*errors=(\\d+)").matcher(out);
        if (!m.find()) throw new IOException("cannot read HttpLoad's output: " + out);
        return new double[] {Double.parseDouble(m.group(2)), Double.parseDouble(m.group(3)), Double.parseDouble(m.group(4)),
                Double.parseDouble(m.group(5)), Double.parseDouble(m.group(1))};
    }

    static double wrkPct(String out, String pct) {
        Matcher m = Pattern.compile("^\\s*" + Pattern.quote(pct) + "\\s+([0-9.]+)(us|ms|s)\\s*$", Pattern.MULTILINE).matcher(out);
        if (!m.find()) return Double.NaN;
        double v = Double.parseDouble(m.group(1));
        return switch (m.group(2)) { case "us" -> v / 1000; case "s" -> v * 1000; default -> v; };
    }

    void timeToFirstFrame() throws Exception {
        int udp = freeUdpPort();
        Server s = new Server(udp, null, "ttff");
        List<String> rawArgv = withPort(serverArgv, udp);
        Figure f = fig("ttff", "1 Time to first frame", "stream-client start until the waiting viewer decodes a frame", "s",
                "stream-client start", "gst-launch-1.0 by hand (same pipeline)", "ratio<=1.2");
        Figure spawn = fig("ttff_spawn", "1 Time to first frame", "  of which: until the server spawns gst-launch-1.0", "s",
                "stream-client start (JVM, POST) + server", "");
        Figure afterSpawn = fig("ttff_after_spawn", "1 Time to first frame", "  of which: spawn until the first decoded frame", "s",
                "our child", "gst-launch-1.0 by hand, exec until first frame");
        Figure client = fig("ttff_client", "1 Time to first frame", "  stream-client start until it exits (no viewer)", "s",
                "stream-client start", "");
        for (int i = 0; i < runs; i++) {
            for (int side = 0; side < 2; side++) {
                boolean ours = (i + side) % 2 == 0; // alternate which goes first
                Proc v = receiver("ttff-" + (ours ? "ours" : "raw") + i, udp, 1, 30, true);
                double t;
                if (ours) {
                    long t0 = Proc.nowNs();
                    Proc c = Proc.start("client-start", List.of(bin("stream-client"), "start", "--server", s.url), null, logs);
                    Proc.Line first = v.await(FIRST_FRAME, 20_000);
                    c.waitFor(20_000);
                    if (first == null) throw new IOException("no first frame with our server: " + v.tail(3) + " / client: " + c.tail(3));
                    t = (first.epochNs() - t0) / 1e9;
                    for (Proc.Line l : s.proc.lines()) {
                        if (l.epochNs() >= t0 && l.text().contains("-> starting")) {
                            spawn.ours.add((l.epochNs() - t0) / 1e9);
                            afterSpawn.ours.add((first.epochNs() - l.epochNs()) / 1e9);
                            break;
                        }
                    }
                    s.stopStream();
                } else {
                    long t0 = Proc.nowNs();
                    Proc g = gst("ttff-raw", rawArgv);
                    Proc.Line first = v.await(FIRST_FRAME, 20_000);
                    if (first == null) throw new IOException("no first frame from the raw pipeline: " + v.tail(3) + " / gst: " + g.tail(3));
                    t = (first.epochNs() - t0) / 1e9;
                    afterSpawn.counter.add(t);
                    g.stop();
                }
                (ours ? f.ours : f.counter).add(t);
                v.stop();
                System.out.printf("   run %d %s: %.3f s%n", i + 1, ours ? "ours" : "raw ", t);
            }
        }
        f.runsNote = runs + " each, alternating";
        spawn.runsNote = afterSpawn.runsNote = runs + " (same runs; the server's log line arrival)";
        // the client's own share: the JVM start plus the HTTP round trip
        client.ours.clear();
        for (int i = 0; i < runs; i++) {
            long t0 = System.nanoTime();
            Proc c = Proc.start("client-start-only", List.of(bin("stream-client"), "start", "--server", s.url), null, logs);
            c.waitFor(20_000);
            client.ours.add((System.nanoTime() - t0) / 1e9);
            s.stopStream();
        }
        client.runsNote = runs + " (separate runs, no viewer)";
        f.profile.add("until the server spawns gst-launch-1.0 (client JVM start, POST, server): median " + fmt(spawn.oursMedian(), 3)
                + " s; from the spawn to the first decoded frame: " + fmt(afterSpawn.oursMedian(), 3) + " s against " + fmt(afterSpawn.counterMedian(), 3)
                + " s for gst-launch-1.0 started by hand");
        f.profile.add("stream-client start alone (JVM start, POST, the server starting gst-launch-1.0 and waiting for it to report caps): median "
                + fmt(client.oursMedian(), 3) + " s");
        s.proc.stop();
    }

    /** Joins a running stream on udp `runs` times (with env for the viewer); adds join times and start-up times. */
    void joins(String label, int udp, double[] offsets, Map<String, String> env, List<Double> join, List<Double> startup) throws Exception {
        for (int i = 0; i < offsets.length; i++) {
            sleep(offsets[i]);
            Proc v = Proc.start("viewer-" + label + i, List.of(bin("stream-viewer"), "--port", String.valueOf(udp), "--sink", "none",
                    "--frames", "1", "--timeout", "30"), env, logs);
            Proc.Line first = v.await(FIRST_FRAME, 30_000);
            if (first == null) { v.stop(); throw new IOException(label + ": no first frame: " + v.tail(3)); }
            join.add((first.epochNs() - v.startEpochNs) / 1e9);
            for (Proc.Line l : v.lines()) {
                if (VIEWER_READY.matcher(l.text()).find()) { if (startup != null) startup.add((l.epochNs() - v.startEpochNs) / 1e9); break; }
            }
            System.out.printf("   join %d %-16s %.3f s%n", i + 1, label + ":", join.get(join.size() - 1));
            v.stop();
        }
    }

    /** Proposals for the late join, measured: a JDK 25 AOT cache for the viewer, and a shorter keyframe interval. */
    void lateJoinProposals(double[] offsets) throws Exception {
        if (!viewerUsable) return;
        Figure base = figures.get("late_join");
        int udp = freeUdpPort();
        Server s = new Server(udp, null, "late-aot");
        try {
            s.startStream();
            sleep(1);
            Path aot = work.resolve("viewer.aot");
            Files.deleteIfExists(aot);
            Proc train = Proc.start("aot-train-viewer", List.of(bin("stream-viewer"), "--port", String.valueOf(udp), "--sink", "none",
                    "--frames", "30", "--timeout", "20"), Map.of("STREAM_JAVA_OPTS", "-XX:AOTCacheOutput=" + aot), logs);
            train.waitFor(60_000);
            train.stop();
            if (!Files.exists(aot)) throw new IOException("no AOT cache made: " + train.tail(2));
            Figure a = fig("late_join_aot", "2 Late join", "  proposal: the viewer with a JDK 25 AOT cache", "s",
                    "with -XX:AOTCache", "without, joins interleaved on the same stream");
            Figure au = fig("late_join_aot_startup", "2 Late join", "  proposal: its start until it waits for the stream", "s",
                    "with -XX:AOTCache", "without, interleaved");
            for (int i = 0; i < offsets.length; i++) {
                double[] one = {offsets[i]};
                joins("late-plain", udp, one, Map.of("STREAM_JAVA_OPTS", ""), a.counter, au.counter);
                joins("late-aot", udp, one, Map.of("STREAM_JAVA_OPTS", "-XX:AOTCache=" + aot), a.ours, au.ours);
            }
            a.runsNote = au.runsNote = offsets.length + " joins each, interleaved";
            a.profile.add(String.format(Locale.ROOT, "cache made by one viewer run of 30 frames with -XX:AOTCacheOutput: %.1f MiB",
                    Files.size(aot) / 1048576.0));
        } catch (Exception e) {
            failures.add("late join with an AOT cache: " + e.getMessage());
        } finally {
            s.proc.stop();
        }
        String help = run(List.of(bin("stream-server"), "--help"), 20_000);
        if (!help.contains("--keyint")) return;
        int udp2 = freeUdpPort();
        Proc srv = null;
        try {
            int port = freeTcpPort();
            Path state = Files.createTempDirectory(work, "state");
            srv = Proc.start("server-late-keyint", List.of(bin("stream-server"), "--port", String.valueOf(port), "--bind", "127.0.0.1",
                    "--source", "test", "--dest", "127.0.0.1:" + udp2, "--keyint", "0.5s"), Map.of("STREAM_STATE_DIR", state.toString()), logs);
            Proc c = null;
            for (int i = 0; i < 100; i++) {
                sleep(0.1);
                c = Proc.start("client-start-keyint", List.of(bin("stream-client"), "start", "--server", "http://127.0.0.1:" + port), null, logs);
                if (c.waitFor(20_000) == 0) break;
            }
            sleep(1);
            Figure k = fig("late_join_keyint", "2 Late join", "  proposal: the server with --keyint 0.5s", "s", "--keyint 0.5s",
                    "default keyint (the row above)");
            joins("late-keyint", udp2, offsets, null, k.ours, null);
            k.counter.addAll(base.ours);
            k.runsNote = offsets.length + " joins";
        } catch (Exception e) {
            failures.add("late join with --keyint 0.5s: " + e.getMessage());
        } finally {
            if (srv != null) srv.stop();
        }
    }

    void lateJoin() throws Exception {
        Figure f = fig("late_join", "2 Late join", "Viewer started while streaming, until its first frame", "s",
                "ours (server defaults)", "original design's encoder (x264enc tune=zerolatency, auto keyint)", "ours<=1.0");
        Figure startup = fig("late_join_startup", "2 Late join", "  of which: viewer start until it waits for the stream", "s",
                "stream-viewer", "");
        double[] offsets = new double[runs];
        for (int i = 0; i < runs; i++) offsets[i] = 1.0 + (i * 0.73) % 2.2; // join at different points of the GOP
        for (int side = 0; side < 2; side++) {
            boolean ours = side == 0;
            int udp = freeUdpPort();
            Server s = null;
            Proc g = null;
            if (ours) { s = new Server(udp, null, "late"); s.startStream(); } else { g = gst("late-original", originalArgv(udp)); }
            sleep(2.5);
            for (int i = 0; i < runs; i++) {
                sleep(offsets[i]);
                Proc v = receiver("late-" + (ours ? "ours" : "orig") + i, udp, 1, 30, false);
                Proc.Line first = v.await(FIRST_FRAME, 30_000);
                if (first == null) { v.stop(); throw new IOException("late join: no first frame: " + v.tail(3)); }
                double t = (first.epochNs() - v.startEpochNs) / 1e9;
                (ours ? f.ours : f.counter).add(t);
                Proc.Line ready = null;
                for (Proc.Line l : v.lines()) if (VIEWER_READY.matcher(l.text()).find()) { ready = l; break; }
                if (ours && ready != null) startup.ours.add((ready.epochNs() - v.startEpochNs) / 1e9);
                System.out.printf("   join %d %s: %.3f s%n", i + 1, ours ? "ours    " : "original", t);
                v.stop();
            }
            if (s != null) s.proc.stop();
            if (g != null) g.stop();
        }
        f.runsNote = runs + " joins each, 1.0-3.2 s apart into one running stream";
        startup.runsNote = String.valueOf(runs);
        f.profile.add("viewer start-up until it waits for the stream (JVM + Gst.init + pipeline): median "
                + fmt(startup.oursMedian(), 3) + " s; the rest is waiting for the next keyframe (key-int-max of our default) and decoding it");
        lateJoinProposals(offsets);
        if (figures.containsKey("late_join_aot")) {
            Figure a = figures.get("late_join_aot"), au = figures.get("late_join_aot_startup");
            f.profile.add("measured in the same run, joins interleaved on one stream: with a JDK 25 AOT cache the viewer joins in "
                    + fmt(a.oursMedian(), 3) + " s against " + fmt(a.counterMedian(), 3) + " s without (its start-up "
                    + fmt(au.oursMedian(), 3) + " s against " + fmt(au.counterMedian(), 3) + " s)");
        }
        if (figures.containsKey("late_join_keyint")) {
            f.profile.add("with the server's --keyint 0.5s: " + fmt(figures.get("late_join_keyint").oursMedian(), 3) + " s");
        }
    }

    /** One glass-to-glass run: the probe receives while start runs the sender; returns the latencies in ms. */
    double[] g2gRun(String label, int udp, Phase start, Phase stop, long[] cpuPids, double[] cpuOut) throws Exception {
        return g2gRun(label, udp, start, stop, cpuPids, cpuOut, g2gSeconds);
    }

    double[] g2gRun(String label, int udp, Phase start, Phase stop, long[] cpuPids, double[] cpuOut, int g2gSeconds) throws Exception {
        Path out = work.resolve("g2g-" + label + ".txt");
        Proc probe = Proc.start("probe-g2g-" + label, List.of(helperJava, "--enable-native-access=ALL-UNNAMED", "-cp", helperCp,
                "bench.Probe", "latency", String.valueOf(udp), String.valueOf(g2gSeconds + g2gWarmup), out.toString()), null, logs);
        if (probe.await(Pattern.compile("^ready"), 20_000) == null) throw new IOException("the latency probe did not start: " + probe.tail(3));
        start.run();
        if (cpuPids != null) {
            sleep(g2gWarmup + 1);
            double[] c0 = new double[cpuPids.length];
            long t0 = System.nanoTime();
            for (int i = 0; i < cpuPids.length; i++) c0[i] = ProcStat.cpuSeconds(cpuPids[i]);
            sleep(Math.min(g2gSeconds - 2, 20));
            double dt = (System.nanoTime() - t0) / 1e9;
            for (int i = 0; i < cpuPids.length; i++) cpuOut[i] = (ProcStat.cpuSeconds(cpuPids[i]) - c0[i]) / dt * 60;
        }
        int rc = probe.waitFor((g2gSeconds + g2gWarmup + 40) * 1000L);
        stop.run();
        if (rc != 0) throw new IOException(label + ": the probe got no NTP-64 timestamps (exit " + rc + "): " + probe.tail(3));
        List<Double> ms = new ArrayList<>();
        long firstNs = -1;
        for (String line : Files.readAllLines(out)) {
            if (line.startsWith("#")) { extra.add("g2g_" + label + "_frames", line.substring(2)); continue; }
            String[] p = line.split(" ");
            long at = Long.parseLong(p[0]);
            if (firstNs < 0) firstNs = at;
            if (at - firstNs < g2gWarmup * 1_000_000_000L) continue; // start-up transient
            ms.add(Long.parseLong(p[1]) / 1e6);
        }
        double[] a = ms.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        System.out.printf("   %-9s frames %d: p50 %.1f ms, p95 %.1f ms, max %.1f ms%n", label, a.length,
                percentile(a, 0.5), percentile(a, 0.95), a.length == 0 ? Double.NaN : a[a.length - 1]);
        return a;
    }

    void glassToGlass() throws Exception {
        String what = "capture to decoded frame, " + sourceCaps.replace("video/x-raw,", "") + ", " + g2gSeconds + " s";
        Figure p50 = fig("g2g_p50", "3 Glass-to-glass", "p50, " + what, "ms", "ours (server defaults)",
                "raw gst-launch-1.0, same pipeline", "ratio<=1.1", "ours<=50");
        Figure p95 = fig("g2g_p95", "3 Glass-to-glass", "p95", "ms", "ours", "raw, same pipeline");
        Figure max = fig("g2g_max", "3 Glass-to-glass", "max", "ms", "ours", "raw, same pipeline");
        Figure o50 = fig("g2g_orig_p50", "3 Glass-to-glass", "p50: ours vs the original design's settings", "ms", "ours",
                "original (videoconvert ! x264enc tune=zerolatency)");
        Figure o95 = fig("g2g_orig_p95", "3 Glass-to-glass", "p95: ours vs the original design's settings", "ms", "ours", "original");
        Figure omax = fig("g2g_orig_max", "3 Glass-to-glass", "max: ours vs the original design's settings", "ms", "ours", "original");
        for (Figure f : List.of(p50, p95, max, o50, o95, omax)) { f.digits = 1; f.runsNote = "1 run, " + g2gSeconds + " s of frames"; }
        String ntpNote;

        // ours: the server starts its own child; a gst-launch-1.0 shim first on PATH adds the header extension
        Path shimDir = work.resolve("shim");
        Files.createDirectories(shimDir);
        Path shim = shimDir.resolve("gst-launch-1.0");
        Path mark = work.resolve("shim-used");
        Files.deleteIfExists(mark);
        Files.writeString(shim, shimScript(gstLaunch, mark));
        Files.setPosixFilePermissions(shim, PosixFilePermissions.fromString("rwxr-xr-x"));
        int udp = freeUdpPort();
        Map<String, String> env = Map.of("PATH", shimDir + ":" + System.getenv().getOrDefault("PATH", "/usr/bin:/bin"));
        Server s = new Server(udp, env, "g2g");
        double[] cpu = new double[2];
        double[] ours;
        List<String> oursArgv = null;
        try {
            final Server srv = s;
            Phase start = () -> { srv.startStream(); };
            ours = g2gRun("ours", udp, start, srv::stopStream, null, null);
            List<String> ran = Files.exists(mark) ? Files.readAllLines(mark) : List.of();
            if (ran.isEmpty()) throw new IOException("the server did not run the shim");
            oursArgv = ran;
            ntpNote = "ours: the server started its own child; a gst-launch-1.0 shim first on PATH (the server finds gst-launch-1.0 on PATH) "
                    + "added rtpbin + the NTP-64 header extension right after the payloader and exec'd the real gst-launch-1.0";
        } catch (Exception e) {
            failures.add("glass-to-glass, ours through the server: " + e.getMessage());
            ours = null;
            ntpNote = "ours could not be measured through the server";
        } finally {
            s.proc.stop();
        }
        extra.add("g2g_method", ntpNote);
        notes.add("Glass-to-glass: " + ntpNote + ".");
        // raw: exactly the same argv, started by hand
        int udp2 = freeUdpPort();
        List<String> rawArgv = withNtp64(withPort(serverArgv, udp2));
        extra.add("g2g_raw_pipeline", String.join(" ", rawArgv));
        final Proc[] g = new Proc[1];
        double[] raw = g2gRun("raw", udp2, () -> { g[0] = gst("g2g-raw", rawArgv); }, () -> g[0].stop(), null, null);
        int udp3 = freeUdpPort();
        List<String> origArgv = withNtp64(originalArgv(udp3));
        extra.add("g2g_original_pipeline", String.join(" ", origArgv));
        double[] orig = g2gRun("original", udp3, () -> { g[0] = gst("g2g-original", origArgv); }, () -> g[0].stop(), null, null);
        if (oursArgv != null) extra.add("g2g_ours_pipeline", String.join(" ", oursArgv));
        // diagnostics for the profile: our pipeline with videorate drop-only=true (it then never holds a frame back),
        // and the same at twice the frame rate, which separates what scales with the frame period
        try {
            int diagSeconds = Integer.getInteger("bench.g2g.diag.seconds", 8);
            List<String> drop = new ArrayList<>();
            boolean hadPlainVideorate = false;
            List<String> base = withNtp64(withPort(serverArgv, freeUdpPort()));
            for (int i = 0; i < base.size(); i++) {
                String a = base.get(i);
                drop.add(a);
                boolean dropOnly = i + 1 < base.size() && base.get(i + 1).startsWith("drop-only=");
                if (a.equals("videorate") && !dropOnly) { drop.add("drop-only=true"); hadPlainVideorate = true; }
            }
            final boolean plainVideorate = hadPlainVideorate;
            int udp4 = Integer.parseInt(drop.stream().filter(a -> a.matches("port=\\d+|clients=[^,]*")).reduce((a, b) -> b).orElseThrow()
                    .replaceAll(".*[=:]", ""));
            double[] d30 = g2gRun(plainVideorate ? "diag-dropOnly" : "diag-same", udp4, () -> { g[0] = gst("g2g-diag30", drop); }, () -> g[0].stop(), null, null, diagSeconds);
            List<String> drop60 = new ArrayList<>();
            int udp5 = freeUdpPort();
            for (String a : drop) {
                String b = a.matches("port=\\d+") ? "port=" + udp5 : a.startsWith("clients=") ? a.replaceAll(":\\d+$", ":" + udp5) : a;
                if (b.startsWith("video/x-raw") && b.contains("framerate=")) {
                    Matcher m = Pattern.compile("framerate=(\\d+)/(\\d+)").matcher(b);
                    if (m.find()) b = b.replace(m.group(), "framerate=" + 2 * Integer.parseInt(m.group(1)) + "/" + m.group(2));
                }
                drop60.add(b);
            }
            double[] d60 = g2gRun("diag-double-rate", udp5, () -> { g[0] = gst("g2g-diag60", drop60); }, () -> g[0].stop(), null, null, diagSeconds);
            double q30 = percentile(d30, 0.5), q60 = percentile(d60, 0.5);
            extra.add("g2g_diag_drop_only_pipeline", String.join(" ", drop));
            extra.add("g2g_diag_drop_only_p50_ms", num(q30));
            extra.add("g2g_diag_double_rate_p50_ms", num(q60));
            p50.profile.add("measured in the same run (" + diagSeconds + " s each): "
                    + (plainVideorate ? "our pipeline with `videorate drop-only=true` gives p50 " + fmt(q30, 1) + " ms (" + fmt(percentile(raw, 0.5) - q30, 1)
                            + " ms less: plain videorate holds each frame until the next one arrives); the same"
                            : "the raw pipeline again: p50 " + fmt(q30, 1) + " ms; the same")
                    + " at twice the frame rate " + fmt(q60, 1) + " ms, so about " + fmt(2 * (q30 - q60), 1)
                    + " ms of p50 is one frame period of the live source and about " + fmt(2 * q60 - q30, 1) + " ms is convert, encode, send, receive and decode");
        } catch (Exception e) {
            failures.add("glass-to-glass diagnostics: " + e.getMessage());
        }
        if (ours != null) {
            p50.ours.add(percentile(ours, 0.5)); p95.ours.add(percentile(ours, 0.95)); max.ours.add(ours[ours.length - 1]);
            o50.ours.add(percentile(ours, 0.5)); o95.ours.add(percentile(ours, 0.95)); omax.ours.add(ours[ours.length - 1]);
        } else {
            p50.failure = "ours not measured";
        }
        if (raw.length > 0) { p50.counter.add(percentile(raw, 0.5)); p95.counter.add(percentile(raw, 0.95)); max.counter.add(raw[raw.length - 1]); }
        if (orig.length > 0) { o50.counter.add(percentile(orig, 0.5)); o95.counter.add(percentile(orig, 0.95)); omax.counter.add(orig[orig.length - 1]); }
        extra.add("g2g_ours_ms", toJson(ours));
        extra.add("g2g_raw_ms", toJson(raw));
        extra.add("g2g_original_ms", toJson(orig));
        String frame = sourceCaps.replaceAll(".*framerate=(\\d+)/(\\d+).*", "$1/$2");
        String[] fr = frame.split("/");
        double frameMs = fr.length == 2 ? 1000.0 * Integer.parseInt(fr[1]) / Integer.parseInt(fr[0]) : Double.NaN;
        p50.profile.add(0, "the raw pipeline with the same settings is the floor here: " + fmt(p50.counterMedian(), 1)
                + " ms. The capture timestamp is the live test source's buffer time; one frame lasts " + fmt(frameMs, 1)
                + " ms at this rate, and the frame only exists once that period is over, so about one frame period of every figure is the source's");
    }

    static JsonArray toJson(double[] a) {
        JsonArray j = new JsonArray();
        if (a != null) for (double d : a) j.add(Math.round(d * 100) / 100.0);
        return j;
    }

    static String shimScript(String realGst, Path mark) {
        return """
            #!/bin/bash
            # bench: adds RFC 6051 NTP-64 capture timestamps (rtpbin + rtphdrextntp64) before udpsink, then runs the real gst-launch-1.0
            # (the same rewrite as Bench.withNtp64: right after the payloader, so every branch after it carries the extension)
            out=(); inserted=0; pay=0
            for a in "$@"; do
              if [[ $inserted == 0 && ${#out[@]} -gt 0 && $a != -* ]]; then out+=(rtpbin name=rbntp rtcp-sync-send-time=false); inserted=1; fi
              out+=("$a")
              if [[ $a == rtph264pay && $pay == 0 ]]; then pay=1; fi
              if [[ $a == '!' && $pay == 1 ]]; then
                out+=('application/x-rtp,extmap-1=(string)urn:ietf:params:rtp-hdrext:ntp-64' '!' rbntp.send_rtp_sink_0 rbntp.send_rtp_src_0 '!')
                pay=2
              fi
            done
            printf '%s\\n' "REALGST" "${out[@]}" > 'MARK'
            exec REALGST "${out[@]}"
            """.replace("REALGST", realGst).replace("MARK", mark.toString());
    }

    final int costRounds = Integer.getInteger("bench.cost.rounds", 2);

    void cost() throws Exception {
        for (int round = 0; round < costRounds; round++) costRound();
        Figure cpu = figures.get("cpu_sender");
        cpu.profile.clear();
        cpu.profile.add("of ours, the server JVM takes " + fmt(figures.get("cpu_server").oursMedian(), 2)
                + " CPU s/min (its RTP tap included); our child against the raw pipeline: " + fmt(figures.get("cpu_sender_raw").ratio(), 2)
                + "x (the tee and loopback copy to the server's RTP tap); the raw pipeline alone would be " + fmt(figures.get("cpu_sender_raw").counterMedian()
                / cpu.counterMedian(), 3) + "x of the original; the rest of the difference is the encoder settings (the original's Y444 10-bit, preset medium, against I420 ultrafast)");
    }

    void costRound() throws Exception {
        Figure cpu = fig("cpu_sender", "5 Cost", "CPU per streaming minute, sender (ours: server JVM + its gst-launch child)", "CPU s/min",
                "ours at defaults", "original design's pipeline", "ratio<=0.333");
        Figure cpuRaw = fig("cpu_sender_raw", "5 Cost", "CPU per streaming minute, sender: ours vs the raw pipeline", "CPU s/min",
                "ours at defaults", "raw gst-launch-1.0, same pipeline");
        Figure cpuServer = fig("cpu_server", "5 Cost", "  of which the server JVM while streaming", "CPU s/min", "stream-server", "");
        Figure cpuViewer = fig("cpu_viewer", "5 Cost", "CPU per streaming minute, viewer (--sink none)", "CPU s/min",
                "stream-viewer", "gst-launch-1.0 receiver (udpsrc ! depay ! parse ! avdec_h264 ! fakesink)");
        Figure hwmServer = fig("rss_server_peak", "5 Cost", "Peak RSS (VmHWM), server while streaming", "MiB", "stream-server", "");
        Figure hwmChild = fig("rss_child_peak", "5 Cost", "Peak RSS (VmHWM), the gst-launch child", "MiB", "our child",
                "original design's pipeline");
        Figure hwmViewer = fig("rss_viewer_peak", "5 Cost", "Peak RSS (VmHWM), viewer", "MiB", "stream-viewer", "gst-launch-1.0 receiver");
        for (Figure f : List.of(cpu, cpuRaw, cpuServer, cpuViewer, hwmServer, hwmChild, hwmViewer)) {
            f.digits = f.unit.equals("MiB") ? 1 : 2;
            f.runsNote = costRounds + " windows of " + costSeconds + " s, interleaved";
        }
        // ours: server + child, with stream-viewer receiving
        int udp = freeUdpPort();
        Server s = new Server(udp, null, "cost");
        Proc v = Proc.start("viewer-cost", List.of(bin("stream-viewer"), "--port", String.valueOf(udp), "--sink", "none"), null, logs);
        s.startStream();
        long child = s.childPid();
        sleep(3);
        double[] w = window(new long[] {s.proc.pid(), child, v.pid()});
        cpu.ours.add(w[0] + w[1]);
        cpuRaw.ours.add(w[0] + w[1]);
        cpuServer.ours.add(w[0]);
        cpuViewer.ours.add(w[2]);
        hwmServer.ours.add(ProcStat.statusMiB(s.proc.pid(), "VmHWM"));
        hwmChild.ours.add(ProcStat.statusMiB(child, "VmHWM"));
        hwmViewer.ours.add(ProcStat.statusMiB(v.pid(), "VmHWM"));
        v.stop();
        // the raw receiver on our stream, for the viewer's counterpart
        Proc rr = Proc.start("gst-receiver-cost", List.of(gstLaunch, "udpsrc", "port=" + udp,
                "caps=application/x-rtp,media=video,clock-rate=90000,encoding-name=H264,payload=96", "!", "rtph264depay", "!",
                "h264parse", "!", "avdec_h264", "!", "fakesink", "sync=false"), null, logs);
        sleep(3);
        double[] wr = window(new long[] {rr.pid()});
        cpuViewer.counter.add(wr[0]);
        hwmViewer.counter.add(ProcStat.statusMiB(rr.pid(), "VmHWM"));
        rr.stop();
        s.stopStream();
        s.proc.stop();
        // raw: the same pipeline by hand
        int udp2 = freeUdpPort();
        Proc g = gst("cost-raw", withPort(serverArgv, udp2));
        sleep(3);
        cpuRaw.counter.add(window(new long[] {g.pid()})[0]);
        g.stop();
        // the original design's pipeline
        int udp3 = freeUdpPort();
        Proc o = gst("cost-original", originalArgv(udp3));
        sleep(3);
        cpu.counter.add(window(new long[] {o.pid()})[0]);
        hwmChild.counter.add(ProcStat.statusMiB(o.pid(), "VmHWM"));
        o.stop();
    }

    /** CPU seconds per minute of each pid over one window of costSeconds. */
    double[] window(long[] pids) throws InterruptedException {
        double[] c0 = new double[pids.length];
        long t0 = System.nanoTime();
        for (int i = 0; i < pids.length; i++) c0[i] = ProcStat.cpuSeconds(pids[i]);
        sleep(costSeconds);
        double dt = (System.nanoTime() - t0) / 1e9;
        double[] r = new double[pids.length];
        for (int i = 0; i < pids.length; i++) r[i] = (ProcStat.cpuSeconds(pids[i]) - c0[i]) / dt * 60;
        return r;
    }

    void imageSize() throws Exception {
        Figure f = fig("image_size", "5 Cost", "Image size (du -sb out/image)", "MiB", "out/image", "", "ours<=64");
        f.digits = 1;
        String out = run(List.of("du", "-sb", image.toString()), 30_000);
        f.ours.add(Long.parseLong(out.trim().split("\\s+")[0]) / 1048576.0);
        f.runsNote = "1";
        StringBuilder b = new StringBuilder("largest parts:");
        for (String part : List.of("lib/modules", "lib/server/libjvm.so", "lib/server/classes.jsa", "lib/server/classes_nocoops.jsa")) {
            Path p = image.resolve(part);
            if (Files.exists(p)) b.append(String.format(Locale.ROOT, " %s %.1f MiB;", part, Files.size(p) / 1048576.0));
        }
        f.profile.add(b.toString());
    }

    // ================================================================== report
    static String verdict(Figure f) {
        if (f.targets.isEmpty()) return "";
        List<String> parts = new ArrayList<>();
        for (String t : f.targets) {
            Matcher m = Pattern.compile("(ours|ratio)(<=|>=)([0-9.]+)").matcher(t);
            if (!m.matches()) continue;
            double limit = Double.parseDouble(m.group(3));
            double v = m.group(1).equals("ours") ? f.oursMedian() : f.ratio();
            String what = m.group(1).equals("ours") ? plain(limit) + " " + f.unit : plain(limit) + "x";
            if (Double.isNaN(v)) { parts.add("not measured (" + t + ")"); continue; }
            boolean le = m.group(2).equals("<=");
            boolean met = le ? v <= limit : v >= limit;
            double by = Math.abs(v - limit);
            double pct = 100 * by / limit;
            String byS = m.group(1).equals("ours") ? fmt(by, f.digits) + " " + f.unit : fmt(by, by < 0.1 ? 3 : 2) + "x";
            parts.add((met ? "**met** " : "**missed** ") + (le ? "≤ " : "≥ ") + what
                    + (met ? " (" + String.format(Locale.ROOT, "%.0f", pct) + "% margin)" : " by " + byS + " (" + String.format(Locale.ROOT, "%.0f", pct) + "%)"));
        }
        return String.join("; ", parts);
    }

    static String targetText(Figure f) {
        List<String> t = new ArrayList<>();
        for (String s : f.targets) {
            Matcher m = Pattern.compile("(ours|ratio)(<=|>=)([0-9.]+)").matcher(s);
            if (!m.matches()) continue;
            t.add((m.group(1).equals("ratio") ? "ratio " : "") + (m.group(2).equals("<=") ? "≤ " : "≥ ")
                    + plain(Double.parseDouble(m.group(3))) + (m.group(1).equals("ours") ? " " + f.unit : "x"));
        }
        return String.join(", ", t);
    }

    void writeResults() throws IOException {
        Path dir = root.resolve("bench");
        JsonObject j = new JsonObject();
        j.add("machine", machine);
        j.add("tools", tools);
        j.add("runs_default", runs);
        j.add("elapsed_seconds", Math.round((System.nanoTime() - startedNs) / 1e8) / 10.0);
        JsonObject figs = new JsonObject();
        for (Figure f : figures.values()) {
            JsonObject o = new JsonObject();
            o.add("section", f.section);
            o.add("title", f.title.trim());
            o.add("unit", f.unit);
            o.add("ours_label", f.oursLabel);
            o.add("counterpart_label", f.counterLabel);
            o.add("ours_runs", toJson(f.ours.stream().mapToDouble(Double::doubleValue).toArray()));
            o.add("counterpart_runs", toJson(f.counter.stream().mapToDouble(Double::doubleValue).toArray()));
            o.add("ours_median", num(f.oursMedian()));
            o.add("counterpart_median", num(f.counterMedian()));
            o.add("ratio", num(f.ratio()));
            JsonArray ts = new JsonArray();
            f.targets.forEach(ts::add);
            o.add("targets", ts);
            o.add("verdict", verdict(f).replace("**", ""));
            o.add("runs", f.runsNote == null ? "" : f.runsNote);
            if (f.failure != null) o.add("failure", f.failure);
            JsonArray pr = new JsonArray();
            f.profile.forEach(pr::add);
            o.add("profile", pr);
            figs.add(f.id, o);
        }
        j.add("figures", figs);
        j.add("details", extra);
        JsonArray fl = new JsonArray();
        failures.forEach(fl::add);
        j.add("failures", fl);
        Files.writeString(dir.resolve("results.json"), j.toString(WriterConfig.PRETTY_PRINT) + "\n");

        StringBuilder md = new StringBuilder();
        md.append("# Benchmark results\n\n");
        md.append("Written by `bench/run.sh` (`make bench`); how each figure is measured: [README.md](README.md). ")
          .append("Every figure with all its runs: [results.json](results.json).\n\n");
        md.append("- Date: ").append(machine.getString("date_utc", "?")).append("\n");
        md.append("- Machine: ").append(machine.get("nproc")).append(" CPUs, ").append(machine.getString("cpu", "?"))
          .append(", Linux ").append(machine.getString("kernel", "?")).append(", load average at start ")
          .append(machine.getString("loadavg_at_start", "?")).append("\n");
        md.append("- ").append(machine.getString("gstreamer", "GStreamer ?")).append("; image JDK ").append(machine.getString("image_jdk", "?"))
          .append("; bench helpers on ").append(machine.getString("helper_jdk", "?")).append("\n");
        md.append("- Tools: cold start by ").append(tools.getString("hyperfine", "?")).append("; HTTP load by ")
          .append(tools.getString("load_generator", "?")).append("; receiver for first-frame figures: ").append(tools.getString("receiver", "?")).append("\n");
        md.append("- Runs: ").append(runs).append(" per figure unless the Runs column says otherwise; each value is the median of its runs.")
          .append(" The bench took ").append(fmt((System.nanoTime() - startedNs) / 1e9, 0)).append(" s.\n");
        md.append("- Load average at the end: ").append(loadavg()).append("\n\n");
        String note = System.getProperty("bench.note", "");
        md.append("> ").append(note.isBlank() ? "" : note + " ")
          .append("Other work on the machine (the load average above) makes single figures noisy; ")
          .append("ours and its counterpart are measured in the same run, interleaved where the bench can, so their ratio is the steadier figure.\n\n");
        md.append("| Figure | Runs | Ours (median) | Counterpart | Counterpart (median) | Ratio | Target | Result |\n");
        md.append("|---|---|---|---|---|---|---|---|\n");
        String section = "";
        List<Figure> ordered = new ArrayList<>(figures.values());
        ordered.sort(java.util.Comparator.comparing(x -> x.section.substring(0, 1))); // stable: keeps the order within a section
        for (Figure f : ordered) {
            if (!f.section.equals(section)) {
                section = f.section;
                md.append("| **").append(section).append("** | | | | | | | |\n");
            }
            String ours = f.ours.isEmpty() ? (f.failure != null ? "failed: " + f.failure : "not measured")
                    : fmt(f.oursMedian(), f.digits) + " " + f.unit;
            String ctr = f.counter.isEmpty() ? (f.counterLabel.isEmpty() ? "" : "not measured") : fmt(f.counterMedian(), f.digits) + " " + f.unit;
            md.append("| ").append(f.title.startsWith("  ") ? "&nbsp;&nbsp;" + f.title.trim() : f.title)
              .append(" | ").append(f.runsNote == null ? "" : f.runsNote)
              .append(" | ").append(ours)
              .append(" | ").append(f.counterLabel)
              .append(" | ").append(ctr)
              .append(" | ").append(Double.isNaN(f.ratio()) ? "" : fmt(f.ratio(), f.ratio() < 1 ? 3 : 2) + "x")
              .append(" | ").append(targetText(f))
              .append(" | ").append(verdict(f)).append(" |\n");
        }
        md.append("\n## Where a target is missed: what the measurements show\n\n");
        boolean any = false;
        for (Figure f : figures.values()) {
            String v = verdict(f);
            if (v.contains("missed") || v.contains("not measured")) {
                any = true;
                md.append("- **").append(f.title.trim()).append("**: ").append(v.replace("**", "")).append(".");
                for (String p : f.profile) md.append(" ").append(p).append(".");
                md.append("\n");
            }
        }
        if (!any) md.append("- No target missed.\n");
        md.append("\n## Other profile notes\n\n");
        for (Figure f : figures.values()) {
            if (!verdict(f).contains("missed") && !f.profile.isEmpty()) {
                md.append("- ").append(f.title.trim()).append(": ").append(String.join("; ", f.profile)).append(".\n");
            }
        }
        md.append("\n## Pipelines\n\n");
        for (String k : List.of("server_pipeline", "g2g_ours_pipeline", "g2g_raw_pipeline", "g2g_original_pipeline", "original_pipeline")) {
            JsonValue v = extra.get(k);
            if (v != null && v.isString()) md.append("- ").append(k.replace('_', ' ')).append(": `").append(v.asString()).append("`\n");
        }
        for (String n : notes) md.append("\n").append(n).append("\n");
        md.append("\n## Failures\n\n");
        if (failures.isEmpty()) md.append("None: every measurement ran.\n");
        for (String f : failures) md.append("- ").append(f).append("\n");
        Files.writeString(dir.resolve("RESULTS.md"), md.toString());
    }

    /** 20000 as "20000", 0.150 as "0.15", 1.2 as "1.2". */
    static String plain(double d) {
        return java.math.BigDecimal.valueOf(d).stripTrailingZeros().toPlainString();
    }

    static JsonValue num(double d) { return Double.isNaN(d) ? Json.NULL : Json.value(Math.round(d * 10000) / 10000.0); }
}
