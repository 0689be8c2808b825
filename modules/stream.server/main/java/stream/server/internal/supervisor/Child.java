package stream.server.internal.supervisor;

import stream.server.internal.process.ChildEnvironment;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.lang.System.Logger.Level;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * One spawned gst-launch-1.0: its pipes drained continuously (so a full pipe never stalls it),
 * the last stderr lines kept, its exit watched by a thread of its own, and the signals that end it.
 * Whoever owns it hears about its stdout lines and its exit through a {@link Listener}.
 */
final class Child {
    private static final System.Logger LOG = System.getLogger("stream.server");
    private static final int TAIL_LINES = 20;

    /** What the owner of a child hears from it; called on the child's own threads. */
    interface Listener {
        /** @param child the child @param line a line it printed on stdout */
        void stdout(Child child, String line);

        /** @param child the child, gone @param code its exit code (128+N for signal N) */
        void exited(Child child, int code);
    }

    final Process process;
    final long pid;
    final Instant startedAt = Instant.now();
    private final ArrayDeque<String> stderrTail = new ArrayDeque<>();
    private Thread stderrDrain; // set before any other thread sees the child
    volatile boolean stopRequested;
    // Set when the child is killed for a stall; guarded by the owner's lock.
    boolean killedForStall;
    // Set when it reached running; guarded by the owner's lock.
    boolean ran;
    Duration restartDelay;

    private Child(Process process) {
        this.process = process;
        this.pid = process.pid();
    }

    /**
     * Starts draining the pipes and watching the exit of a just launched process.
     * @param process the process
     * @param listener told about stdout lines and the exit
     * @return the child
     */
    static Child watch(Process process, Listener listener) {
        Child child = new Child(process);
        child.stderrDrain = child.drain(process.getErrorStream(), true, null);
        child.drain(process.getInputStream(), false, listener);
        Thread.ofPlatform().daemon().name("gst-watch-" + child.pid).start(() -> listener.exited(child, child.awaitExit()));
        return child;
    }

    /** @return the last stderr lines */
    List<String> tail() {
        synchronized (stderrTail) {
            return List.copyOf(stderrTail);
        }
    }

    /** @return the seconds it has run */
    double uptimeSeconds() {
        return Duration.between(startedAt, Instant.now()).toMillis() / 1000.0;
    }

    /** @return its exit code, or -1 while it runs */
    int exitCode() {
        return process.isAlive() ? -1 : process.exitValue();
    }

    /** Waits until it ended and its stderr is read to the end (so the last lines are in the tail). */
    private int awaitExit() {
        int code;
        while (true) {
            try {
                code = process.waitFor();
                break;
            } catch (InterruptedException e) {
                // keep waiting: this thread exists only to notice the exit
            }
        }
        joinDrain();
        return code;
    }

    /** Waits (bounded) for the stderr drain to reach the end of the pipe. */
    void joinDrain() {
        try {
            stderrDrain.join(1000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** SIGINT so gst-launch -e sends EOS and ends cleanly; SIGTERM where there is no kill(1). */
    void interrupt() {
        if (!System.getProperty("os.name", "").startsWith("Windows")) {
            for (String kill : List.of("/bin/kill", "/usr/bin/kill")) {
                if (Files.isExecutable(Path.of(kill))) {
                    try {
                        Process k = ChildEnvironment.builder(kill, "-INT", Long.toString(pid))
                                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
                        if (k.waitFor(2, TimeUnit.SECONDS) && k.exitValue() == 0) return;
                        k.destroyForcibly();
                    } catch (IOException e) {
                        LOG.log(Level.DEBUG, "kill -INT failed: {0}", e.getMessage());
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                    break;
                }
            }
        }
        process.toHandle().destroy(); // SIGTERM; unlike Process.destroy it leaves the pipes open for the drains
    }

    /** SIGKILL; unlike Process.destroyForcibly it leaves the pipes open for the drains. */
    void kill() {
        process.toHandle().destroyForcibly();
    }

    /** @param d how long to wait @return whether it ended within that time */
    boolean waitFor(Duration d) {
        try {
            return process.waitFor(d.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return !process.isAlive();
        }
    }

    /** Drains one of the pipes continuously: stderr into the tail and the log, stdout to the listener. */
    private Thread drain(InputStream in, boolean stderr, Listener listener) {
        return Thread.ofPlatform().daemon().name("gst-" + (stderr ? "err-" : "out-") + pid).start(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
                String line;
                while ((line = r.readLine()) != null) {
                    if (line.length() > 1000) line = line.substring(0, 1000) + "...";
                    if (stderr) {
                        synchronized (stderrTail) {
                            if (stderrTail.size() == TAIL_LINES) stderrTail.removeFirst();
                            stderrTail.addLast(line);
                        }
                        LOG.log(Level.WARNING, "gst-launch-1.0[{0}] {1}", Long.toString(pid), line);
                    } else {
                        LOG.log(Level.DEBUG, "gst-launch-1.0[{0}] {1}", Long.toString(pid), line);
                        listener.stdout(this, line);
                    }
                }
            } catch (IOException e) {
                LOG.log(Level.DEBUG, "pipe of pid {0} closed: {1}", Long.toString(pid), e.getMessage());
            }
        });
    }
}
