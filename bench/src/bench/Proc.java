package bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

/**
 * A process the bench started: every line it prints (stdout and stderr) is kept with the
 * wall-clock time it arrived, and copied to a log file. {@link #stop()} ends it and its descendants.
 */
final class Proc {
    /** One line of output and when it arrived (epoch ns). */
    record Line(long epochNs, String text) {}

    private static final List<Proc> ALL = new ArrayList<>();
    static {
        Runtime.getRuntime().addShutdownHook(new Thread(Proc::stopAll, "bench-cleanup"));
    }

    final String name;
    final Process process;
    final long startEpochNs;
    private final List<Line> lines = new ArrayList<>();
    private final PrintWriter log;

    private Proc(String name, Process process, long startEpochNs, PrintWriter log) {
        this.name = name;
        this.process = process;
        this.startEpochNs = startEpochNs;
        this.log = log;
    }

    static long nowNs() {
        Instant now = Instant.now();
        return now.getEpochSecond() * 1_000_000_000L + now.getNano();
    }

    /** Starts cmd; env entries are added to (or, with a null value, removed from) the environment. */
    static Proc start(String name, List<String> cmd, Map<String, String> env, Path logDir) throws IOException {
        ProcessBuilder pb = new ProcessBuilder(cmd);
        if (env != null) {
            env.forEach((k, v) -> { if (v == null) pb.environment().remove(k); else pb.environment().put(k, v); });
        }
        Files.createDirectories(logDir);
        Path logFile = logDir.resolve(name.replaceAll("[^A-Za-z0-9._-]", "_") + ".log");
        PrintWriter log = new PrintWriter(Files.newBufferedWriter(logFile, StandardCharsets.UTF_8,
                java.nio.file.StandardOpenOption.CREATE, java.nio.file.StandardOpenOption.APPEND), true);
        log.println("# " + Instant.now() + " " + String.join(" ", cmd));
        long t0 = nowNs();
        Process p = pb.start();
        Proc proc = new Proc(name, p, t0, log);
        synchronized (ALL) { ALL.add(proc); }
        proc.pump(p.getInputStream(), "out");
        proc.pump(p.getErrorStream(), "err");
        return proc;
    }

    private void pump(InputStream in, String stream) {
        Thread t = new Thread(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
                String s;
                while ((s = r.readLine()) != null) {
                    long t1 = nowNs();
                    synchronized (lines) { lines.add(new Line(t1, s)); lines.notifyAll(); }
                    synchronized (log) { log.println(stream + " " + s); }
                }
            } catch (IOException e) {
                // the process ended
            }
            synchronized (lines) { lines.notifyAll(); }
        }, name + "-" + stream);
        t.setDaemon(true);
        t.start();
    }

    long pid() { return process.pid(); }

    boolean alive() { return process.isAlive(); }

    /** Waits for a line matching regex (searched, not matched whole); null on timeout or when the process ended. */
    Line await(Pattern regex, long timeoutMs) throws InterruptedException {
        long deadline = System.nanoTime() + timeoutMs * 1_000_000L;
        int seen = 0;
        synchronized (lines) {
            while (true) {
                for (; seen < lines.size(); seen++) {
                    if (regex.matcher(lines.get(seen).text()).find()) return lines.get(seen);
                }
                long left = (deadline - System.nanoTime()) / 1_000_000L;
                if (left <= 0) return null;
                if (!process.isAlive()) {
                    lines.wait(Math.min(left, 200)); // let the pumps drain what is left
                    if (seen == lines.size()) return null;
                    continue;
                }
                lines.wait(Math.min(left, 100));
            }
        }
    }

    /** All output so far. */
    List<Line> lines() { synchronized (lines) { return new ArrayList<>(lines); } }

    String tail(int n) {
        List<Line> all = lines();
        StringBuilder b = new StringBuilder();
        for (Line l : all.subList(Math.max(0, all.size() - n), all.size())) b.append(l.text()).append(" | ");
        return b.toString();
    }

    /** Waits for exit; returns the exit code or -1 on timeout. */
    int waitFor(long timeoutMs) throws InterruptedException {
        if (process.waitFor(timeoutMs, TimeUnit.MILLISECONDS)) return process.exitValue();
        return -1;
    }

    /** SIGTERM to the process and its descendants, SIGKILL after 3 s. */
    void stop() {
        List<ProcessHandle> tree = new ArrayList<>();
        process.toHandle().descendants().forEach(tree::add);
        tree.add(process.toHandle());
        for (ProcessHandle h : tree) h.destroy();
        long deadline = System.nanoTime() + 3_000_000_000L;
        for (ProcessHandle h : tree) {
            while (h.isAlive() && System.nanoTime() < deadline) {
                try { Thread.sleep(20); } catch (InterruptedException e) { Thread.currentThread().interrupt(); break; }
            }
            if (h.isAlive()) h.destroyForcibly();
        }
        synchronized (log) { log.flush(); }
    }

    /** Ends every process the bench started, all at once (SIGTERM, then SIGKILL after 3 s), descendants too. */
    static void stopAll() {
        List<Proc> copy;
        synchronized (ALL) { copy = new ArrayList<>(ALL); }
        List<ProcessHandle> tree = new ArrayList<>();
        for (Proc p : copy) {
            p.process.toHandle().descendants().forEach(tree::add);
            tree.add(p.process.toHandle());
        }
        for (ProcessHandle h : tree) if (h.isAlive()) h.destroy();
        long deadline = System.nanoTime() + 3_000_000_000L;
        for (ProcessHandle h : tree) {
            while (h.isAlive() && System.nanoTime() < deadline) {
                try { Thread.sleep(20); } catch (InterruptedException e) { Thread.currentThread().interrupt(); break; }
            }
            if (h.isAlive()) h.destroyForcibly();
        }
    }
}
