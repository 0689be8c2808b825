package stream.server.internal;

import com.eclipsesource.json.Json;
import com.eclipsesource.json.JsonArray;
import com.eclipsesource.json.JsonObject;
import com.eclipsesource.json.JsonValue;
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
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Starts, stops and watches the one gst-launch-1.0 child.
 *
 * <p>Concurrency: start and stop run one at a time under {@code opLock} (fair), so any number of
 * concurrent requests leave at most one child. The state fields are guarded by this object's
 * monitor, which status reads and the child's watcher threads take only briefly; status never
 * waits for a start or stop in progress and shows "starting" or "stopping" meanwhile.
 *
 * <p>States: stopped → starting (process spawned) → running (gst-launch -v reported caps on
 * the network sink's pad, i.e. the whole chain negotiated and data reaches the network) →
 * stopping (stop requested) → stopped. A child that exits without a stop request makes the
 * state failed, with its exit code or signal and its last stderr lines.
 *
 * <p>Signals: the server owns the child's lifecycle, so the child must not get the signals of the
 * server's terminal or process group (Ctrl+C, {@code timeout}, {@code kill -TERM -PGID}); else it
 * dies on its own at the moment the server's shutdown begins and looks like a failure. Where
 * util-linux {@code setsid} exists the child is started through it, in a session (and process
 * group) of its own. The JVM's child is never a group leader, so setsid does not fork: it execs
 * gst-launch-1.0 in place and the pid, the pid file and {@link #command()} stay gst-launch's own
 * ({@code command} shows the gst-launch-1.0 command line the child runs, without setsid, exactly as
 * {@code ps} shows it). Without setsid the child stays in the server's group; then a child that ends
 * while the server shuts down, or up to {@link #SHUTDOWN_GRACE} before the shutdown begins (the same
 * group signal reaches both), counts as stopped, not failed.
 */
public final class Supervisor {
    private static final System.Logger LOG = System.getLogger("stream.server");
    private static final int TAIL_LINES = 20;
    private static final Duration START_WAIT = Duration.ofSeconds(10);
    private static final Duration STOP_GRACE = Duration.ofSeconds(3);
    /** Without setsid: how long an unrequested exit waits for a server shutdown before it counts as a failure. */
    static final Duration SHUTDOWN_GRACE = Duration.ofMillis(1500);
    private static final String RUNNING_MARK = ":" + StreamPlan.SINK_NAME + ".GstPad:sink: caps = ";

    /** The stream's states, as shown in the status JSON. */
    public enum State {
        /** No child. */ STOPPED,
        /** Child spawned, pipeline not yet negotiated. */ STARTING,
        /** Child streaming. */ RUNNING,
        /** Stop requested, child not yet gone. */ STOPPING,
        /** Child ended without a stop request. */ FAILED,
        /** Child alive but no RTP packet left for the stall timeout, or killed for that and waiting for its restart. */ STALLED;

        /** @return the lower-case name used in JSON */
        public String json() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /** What a start or stop did. */
    public enum Outcome {
        /** A child was started and reached running (or is still starting). */ STARTED("Stream started"),
        /** A child was already there. */ ALREADY_RUNNING("Stream already running"),
        /** The child ended before it reached running. */ FAILED_TO_START("Stream failed to start"),
        /** The child was stopped and is gone. */ STOPPED("Stream stopped"),
        /** There was no child. */ NOT_RUNNING("Stream not running"),
        /** The server is shutting down. */ SHUTTING_DOWN("Server is shutting down");

        /** The message shown in the JSON "message" field. */
        public final String message;

        Outcome(String message) {
            this.message = message;
        }
    }

    /**
     * How a child ended.
     * @param code the exit code as Java reports it (128+N for signal N on Unix)
     * @param signal the signal number, or null
     * @param description e.g. "exit code 1" or "signal 9 (SIGKILL)"
     * @param at when the exit was noticed
     * @param requested whether a stop asked for it
     * @param stderr the child's last stderr lines
     */
    public record Exit(int code, Integer signal, String description, Instant at, boolean requested, List<String> stderr) {
        static Exit of(int code, boolean requested, List<String> stderr) {
            Integer signal = null;
            String description = "exit code " + code;
            boolean windows = System.getProperty("os.name", "").startsWith("Windows");
            if (!windows && code > 128 && code < 128 + 65) {
                signal = code - 128;
                description = "signal " + signal + " (" + signalName(signal) + ")";
            }
            return new Exit(code, signal, description, Instant.now(), requested, List.copyOf(stderr));
        }

        JsonObject toJson() {
            JsonArray lines = new JsonArray();
            stderr.forEach(lines::add);
            return Json.object().add("code", code).add("signal", signal == null ? Json.NULL : Json.value(signal))
                    .add("description", description).add("at", at.toString()).add("requested", requested)
                    .add("stderr", lines);
        }
    }

    static String signalName(int n) {
        return switch (n) {
            case 1 -> "SIGHUP"; case 2 -> "SIGINT"; case 3 -> "SIGQUIT"; case 4 -> "SIGILL"; case 6 -> "SIGABRT";
            case 7 -> "SIGBUS"; case 8 -> "SIGFPE"; case 9 -> "SIGKILL"; case 11 -> "SIGSEGV"; case 13 -> "SIGPIPE";
            case 14 -> "SIGALRM"; case 15 -> "SIGTERM";
            default -> "SIG" + n;
        };
    }

    /** One spawned gst-launch-1.0. */
    private static final class Child {
        final Process process;
        final long pid;
        final Instant startedAt = Instant.now();
        final ArrayDeque<String> stderrTail = new ArrayDeque<>();
        volatile boolean stopRequested;
        Thread stderrDrain;
        // Set by the watchdog when it kills the child for a stall; guarded by the Supervisor's monitor.
        boolean killedForStall;
        Duration restartDelay;

        Child(Process process) {
            this.process = process;
            this.pid = process.pid();
        }

        List<String> tail() {
            synchronized (stderrTail) {
                return List.copyOf(stderrTail);
            }
        }
    }

    private final String gstLaunch;
    private final ChildLauncher launcher; // without setsid the child shares the server's process group
    private final PidFile pidFile;
    private final RtpTap tap;
    private final ReentrantLock opLock = new ReentrantLock(true);
    private final Instant createdAt = Instant.now();
    private final StreamPlan defaults;
    private volatile SdpWriter.H264Params capsParams;

    // Guarded by this.
    private State state = State.STOPPED;
    private Child current;
    private Exit lastExit;
    private int starts;         // children started: by start requests, --start and the restart policy
    private boolean closing;
    private StreamPlan plan;
    private RestartPolicy policy;
    private int restarts;       // by the restart policy
    private int stalls;         // times a live child was found stalled
    private long epoch;         // bumped by every user start and stop: cancels a pending automatic restart
    private Instant restartAt;  // when a pending automatic restart is due, or null

    /**
     * @param gstLaunch path of gst-launch-1.0
     * @param defaults the stream used by a start without settings
     * @param pidFile where the child's pid is recorded for stale-child cleanup, or null
     * @param tap the RTP tap that receives a copy of the output, or null for none (no stats, no stall detection)
     */
    public Supervisor(String gstLaunch, StreamPlan defaults, PidFile pidFile, RtpTap tap) {
        this(gstLaunch, defaults, pidFile, tap, ChildLauncher.standard());
    }

    /**
     * @param launcher what starts the children (setsid, parent-death signal, environment)
     */
    Supervisor(String gstLaunch, StreamPlan defaults, PidFile pidFile, RtpTap tap, ChildLauncher launcher) {
        this.gstLaunch = gstLaunch;
        this.launcher = launcher;
        this.plan = defaults;
        this.defaults = defaults;
        this.policy = RestartPolicy.standard(defaults.settings().restart());
        this.pidFile = pidFile;
        this.tap = tap;
    }

    /** Starts the watchdog that finds stalled children; call once, after construction. */
    public void startWatchdog() {
        if (tap == null) return;
        Thread.ofPlatform().daemon().name("stream-watchdog").start(() -> {
            while (true) {
                synchronized (this) {
                    if (closing) return;
                }
                try {
                    checkStall();
                    Thread.sleep(200);
                } catch (InterruptedException e) {
                    return;
                } catch (RuntimeException e) {
                    LOG.log(Level.ERROR, "stall watchdog", e);
                }
            }
        });
    }

    /** @return whether children start in a session of their own (through setsid) */
    public boolean isolated() {
        return launcher.isolated();
    }

    /** @return the exact gst-launch-1.0 command line the child runs (or would run) with; without the launcher's setsid and setpriv */
    public synchronized List<String> command() {
        return plan.command(gstLaunch, tap == null ? 0 : tap.port());
    }

    /** @return the settings and source of the current (or next) child */
    public synchronized StreamPlan plan() {
        return plan;
    }

    /** @return the plan a start without settings uses: the server's flags */
    public StreamPlan defaults() {
        return defaults;
    }

    /** @return the RTP tap, or null */
    public RtpTap tap() {
        return tap;
    }

    /** @return restarts made by the restart policy since the server started */
    public synchronized int restarts() {
        return restarts;
    }

    /** @return when the server's supervisor was made */
    public Instant createdAt() {
        return createdAt;
    }

    /**
     * The H.264 parameter sets of the current child: the SPS/PPS seen in the RTP tap, else those
     * of its caps (gst-launch -v).
     * @return the parameters, when known
     */
    public Optional<SdpWriter.H264Params> h264Params() {
        // The bytes actually sent come first; the caps line is for a stream without a tap.
        Optional<SdpWriter.H264Params> sent = tap == null ? Optional.empty() : tap.h264Params();
        return sent.isPresent() ? sent : Optional.ofNullable(capsParams);
    }

    /** @return when the current child started, or null with no child */
    public synchronized Instant childStartedAt() {
        return current == null ? null : current.startedAt;
    }

    /** @return the seconds the current child has run, or -1 with no child */
    public synchronized double uptimeSeconds() {
        return current == null ? -1 : Duration.between(current.startedAt, Instant.now()).toMillis() / 1000.0;
    }

    /** @return the current state */
    public synchronized State state() {
        return state;
    }

    /** @return the pid of the current child, or -1 */
    public synchronized long childPid() {
        return current == null ? -1 : current.pid;
    }

    /**
     * Starts the child unless one is there; waits until it runs, fails, or a bound passes.
     * @return what happened
     */
    public Outcome start() {
        return start(null);
    }

    /**
     * Starts the child with the given settings unless one is there (then the settings are not
     * applied); waits until it runs, fails, or a bound passes.
     * @param requested the plan for this start, or null to use the last one
     * @return what happened
     */
    public Outcome start(StreamPlan requested) {
        opLock.lock();
        try {
            Child child;
            synchronized (this) {
                if (closing) return Outcome.SHUTTING_DOWN;
                if (state == State.STARTING || state == State.RUNNING || (state == State.STALLED && current != null))
                    return Outcome.ALREADY_RUNNING;
                if (requested != null) plan = requested;
                epoch++;
                restartAt = null;
                policy = RestartPolicy.standard(plan.settings().restart());
                child = spawnLocked();
                if (child == null) return Outcome.FAILED_TO_START;
            }
            synchronized (this) {
                long deadline = System.nanoTime() + START_WAIT.toNanos();
                while (current == child && state == State.STARTING && !closing) {
                    long left = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
                    if (left <= 0) break;
                    try {
                        wait(left);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        break;
                    }
                }
                return current == child || state != State.FAILED ? Outcome.STARTED : Outcome.FAILED_TO_START;
            }
        } finally {
            opLock.unlock();
        }
    }

    /**
     * Stops the child, if any, and returns only when it is gone: SIGINT (EOS), then after
     * 3 s SIGKILL.
     * @return what happened
     */
    public Outcome stop() {
        opLock.lock();
        try {
            return stopLocked();
        } finally {
            opLock.unlock();
        }
    }

    /** Spawns a child with the current plan; caller holds opLock and the monitor. @return it, or null when it could not */
    private Child spawnLocked() {
        List<String> command = command();
        if (tap != null) tap.reset();
        capsParams = null;
        ChildLauncher.Launched launched;
        try {
            launched = launcher.start(command); // on the launcher's long-lived thread: see ChildLauncher
        } catch (IOException e) {
            lastExit = new Exit(-1, null, "could not start " + gstLaunch + ": " + e.getMessage(), Instant.now(), false, List.of());
            transition(State.FAILED, lastExit.description());
            return null;
        }
        Child child = new Child(launched.process());
        current = child;
        starts++;
        transition(State.STARTING, "pid " + child.pid + ": " + String.join(" ", command));
        if (pidFile != null) pidFile.write(child.process.toHandle(), launched.childId());
        child.stderrDrain = drain(child, child.process.getErrorStream(), true);
        drain(child, child.process.getInputStream(), false);
        Thread.ofPlatform().daemon().name("gst-watch-" + child.pid).start(() -> watch(child));
        return child;
    }

    /** Looks at the tap: a live child that sent nothing for the stall timeout is stalled. */
    private void checkStall() {
        Child kill = null;
        synchronized (this) {
            Child c = current;
            if (c == null || c.stopRequested || closing) return;
            if (state != State.STARTING && state != State.RUNNING && state != State.STALLED) return;
            int timeout = plan.settings().stallTimeout();
            RtpTap.Stats st = tap.snapshot();
            if (state == State.STARTING && st.anyPacket()) {
                // The tap saw RTP: the stream runs, even if the caps line on stdout came garbled (with a tee,
                // several streaming threads print at once) or not yet.
                transition(State.RUNNING, "pid " + c.pid + " is streaming to " + destinations() + " (RTP seen)");
                notifyAll();
                return;
            }
            boolean quiet = st.secondsSinceLastPacket() >= timeout;
            if (quiet && state != State.STALLED) {
                stalls++;
                transition(State.STALLED, "pid " + c.pid + " is alive but sent no RTP packet for "
                        + Math.round(st.secondsSinceLastPacket()) + " s (stall timeout " + timeout + " s)");
                notifyAll();
                Optional<Duration> delay = policy.onEnd(RestartPolicy.End.STALLED, Duration.between(c.startedAt, Instant.now()));
                if (delay.isPresent()) {
                    c.killedForStall = true;
                    c.restartDelay = delay.get();
                    kill = c;
                }
            } else if (!quiet && state == State.STALLED) {
                transition(State.RUNNING, "pid " + c.pid + " sends again");
            }
        }
        if (kill != null) {
            // SIGKILL: a stopped (SIGSTOP) or hung process does not act on SIGINT or SIGTERM.
            LOG.log(Level.WARNING, "killing stalled gst-launch-1.0 pid {0} (SIGKILL); restart policy on-failure",
                    Long.toString(kill.pid));
            kill.process.toHandle().destroyForcibly(); // keeps the pipes open for the drains, as in stop
        }
    }

    /** Caller holds the monitor. */
    private void scheduleRestart(Duration delay) {
        long scheduled = epoch;
        restartAt = Instant.now().plus(delay);
        LOG.log(Level.INFO, "restart policy on-failure: starting the stream again in {0} s", delay.toMillis() / 1000.0);
        Thread.ofVirtual().name("stream-restart").start(() -> {
            try {
                Thread.sleep(delay);
            } catch (InterruptedException e) {
                return;
            }
            opLock.lock();
            try {
                synchronized (this) {
                    if (epoch != scheduled || current != null || closing) return;
                    if (state != State.FAILED && state != State.STALLED) return;
                    restartAt = null;
                    restarts++;
                    LOG.log(Level.INFO, "restart {0} by the restart policy", restarts);
                    spawnLocked();
                }
            } finally {
                opLock.unlock();
            }
        });
    }

    private Outcome stopLocked() {
        Child child;
        synchronized (this) {
            epoch++; // cancels a pending automatic restart
            restartAt = null;
            plan = defaults; // after a stop, the settings in force are those a plain start uses
            policy = RestartPolicy.standard(defaults.settings().restart());
            child = current;
            if (child == null) {
                if (state == State.FAILED || state == State.STALLED) transition(State.STOPPED, "failure acknowledged by stop");
                return Outcome.NOT_RUNNING;
            }
            child.stopRequested = true;
            transition(State.STOPPING, "pid " + child.pid);
        }
        interrupt(child.process);
        boolean gone = waitFor(child.process, STOP_GRACE);
        if (!gone) {
            LOG.log(Level.WARNING, "gst-launch-1.0 pid {0} did not end within {1} s of SIGINT; killing it",
                    Long.toString(child.pid), STOP_GRACE.toSeconds());
            child.process.toHandle().destroyForcibly(); // Process.destroyForcibly would also close the pipes we drain
            waitFor(child.process, Duration.ofSeconds(10));
        }
        joinQuietly(child.stderrDrain);
        synchronized (this) {
            if (current == child) {
                lastExit = Exit.of(child.process.isAlive() ? -1 : child.process.exitValue(), true, child.tail());
                current = null;
                transition(State.STOPPED, lastExit.description());
                if (pidFile != null) pidFile.delete();
            }
        }
        return Outcome.STOPPED;
    }

    /**
     * Marks the server as shutting down: refuses further starts, and a child exit from now on is an
     * orderly stop. The first thing the shutdown does, before anything that could take time.
     */
    public void beginClose() {
        synchronized (this) {
            closing = true;
            notifyAll();
        }
    }

    /** Stops the child (bounded) and refuses further starts; for server shutdown. */
    public void close() {
        beginClose();
        boolean locked = false;
        try {
            locked = opLock.tryLock(15, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        try {
            if (locked) {
                stopLocked();
            } else {
                Child c;
                synchronized (this) {
                    c = current;
                }
                if (c != null) {
                    c.process.toHandle().destroyForcibly();
                    waitFor(c.process, Duration.ofSeconds(5));
                }
            }
            if (pidFile != null) pidFile.delete();
        } finally {
            if (locked) opLock.unlock();
        }
    }

    /** SIGINT so gst-launch -e sends EOS and ends cleanly; SIGTERM where there is no kill(1). */
    private static void interrupt(Process p) {
        if (!System.getProperty("os.name", "").startsWith("Windows")) {
            for (String kill : List.of("/bin/kill", "/usr/bin/kill")) {
                if (Files.isExecutable(Path.of(kill))) {
                    try {
                        Process k = new ProcessBuilder(kill, "-INT", Long.toString(p.pid()))
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
        p.toHandle().destroy(); // SIGTERM; unlike Process.destroy it leaves the pipes open for the drains
    }

    private static boolean waitFor(Process p, Duration d) {
        try {
            return p.waitFor(d.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return !p.isAlive();
        }
    }

    private static void joinQuietly(Thread t) {
        if (t == null) return;
        try {
            t.join(1000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Waits for the child to exit; an exit nobody asked for makes the state failed at once. */
    private void watch(Child child) {
        int code;
        while (true) {
            try {
                code = child.process.waitFor();
                break;
            } catch (InterruptedException e) {
                // keep waiting: this thread exists only to notice the exit
            }
        }
        joinQuietly(child.stderrDrain); // so the last stderr lines are in the tail
        synchronized (this) {
            if (current != child || child.stopRequested) return;
            if (!launcher.isolated() && !closing && !child.killedForStall) {
                // Without setsid a signal to the server's process group (Ctrl+C, timeout) reaches the child
                // too and may end it before the JVM starts the shutdown hook: give the shutdown a moment.
                long deadline = System.nanoTime() + SHUTDOWN_GRACE.toNanos();
                long left;
                while (!closing && current == child && (left = deadline - System.nanoTime()) > 0) {
                    try {
                        TimeUnit.NANOSECONDS.timedWait(this, left);
                    } catch (InterruptedException e) {
                        break; // this thread exists only to notice the exit
                    }
                }
                if (current != child || child.stopRequested) return;
            }
            if (closing) {
                // The server is shutting down (without setsid the group's signal reaches the child too): not a failure.
                lastExit = Exit.of(code, true, child.tail());
                current = null;
                transition(State.STOPPED, "pid " + child.pid + " ended during server shutdown: " + lastExit.description());
                if (pidFile != null) pidFile.delete();
                notifyAll();
                return;
            }
            lastExit = Exit.of(code, false, child.tail());
            current = null;
            if (pidFile != null) pidFile.delete();
            notifyAll();
            if (child.killedForStall) {
                // State stays stalled until the restart, so a client sees why it happened.
                LOG.log(Level.INFO, "stalled pid {0} ended: {1}", Long.toString(child.pid), lastExit.description());
                scheduleRestart(child.restartDelay);
                return;
            }
            transition(State.FAILED, "pid " + child.pid + " ended on its own: " + lastExit.description()
                    + (lastExit.stderr().isEmpty() ? "" : "; last stderr: " + lastExit.stderr().get(lastExit.stderr().size() - 1)));
            // Any end nobody asked for is a failure of the stream, exit code 0 included.
            policy.onEnd(RestartPolicy.End.FAILED,
                    Duration.between(child.startedAt, Instant.now())).ifPresent(this::scheduleRestart);
        }
    }

    /** Drains one of the child's pipes continuously, so a full pipe never stalls it. */
    private Thread drain(Child child, InputStream in, boolean stderr) {
        return Thread.ofPlatform().daemon().name("gst-" + (stderr ? "err-" : "out-") + child.pid).start(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
                String line;
                while ((line = r.readLine()) != null) {
                    if (line.length() > 1000) line = line.substring(0, 1000) + "...";
                    if (stderr) {
                        synchronized (child.stderrTail) {
                            if (child.stderrTail.size() == TAIL_LINES) child.stderrTail.removeFirst();
                            child.stderrTail.addLast(line);
                        }
                        LOG.log(Level.WARNING, "gst-launch-1.0[{0}] {1}", Long.toString(child.pid), line);
                    } else {
                        LOG.log(Level.DEBUG, "gst-launch-1.0[{0}] {1}", Long.toString(child.pid), line);
                        if (line.contains(RUNNING_MARK)) onRunning(child);
                        var params = SdpWriter.parseCapsLine(line);
                        if (params.isPresent() && isCurrent(child)) capsParams = params.get();
                    }
                }
            } catch (IOException e) {
                LOG.log(Level.DEBUG, "pipe of pid {0} closed: {1}", Long.toString(child.pid), e.getMessage());
            }
        });
    }

    private synchronized boolean isCurrent(Child child) {
        return current == child;
    }

    private synchronized void onRunning(Child child) {
        if (current == child && state == State.STARTING) {
            transition(State.RUNNING, "pid " + child.pid + " is streaming to " + destinations());
            notifyAll();
        }
    }

    private String destinations() {
        return plan.destinations();
    }

    // Caller holds the monitor.
    private void transition(State to, String detail) {
        State from = state;
        state = to;
        LOG.log(to == State.FAILED ? Level.WARNING : Level.INFO, "stream {0} -> {1}: {2}", from.json(), to.json(), detail);
    }

    /**
     * Renders the status JSON. Fields are always present (null when they do not apply), so
     * scripts can rely on the shape. Two counters, since the server started: {@code starts}, every
     * gst-launch-1.0 child started (by start requests, --start and the restart policy alike);
     * {@code restarts}, those of them the restart policy started after a failure or stall.
     * @return the status object
     */
    public synchronized JsonObject status() {
        JsonObject o = Json.object();
        o.add("status", state.json());
        Child c = current;
        o.add("pid", c == null ? Json.NULL : Json.value(c.pid));
        o.add("startedAt", c == null ? Json.NULL : Json.value(c.startedAt.toString()));
        o.add("uptimeSeconds", c == null ? Json.NULL
                : Json.value(Duration.between(c.startedAt, Instant.now()).toMillis() / 1000.0));
        JsonArray cmd = new JsonArray();
        command().forEach(cmd::add);
        o.add("command", cmd);
        o.add("source", plan.source().describe());
        o.add("destination", destinations());
        o.add("starts", starts);
        o.add("settings", plan.settings().toJson());
        o.add("stats", tap == null || c == null ? Json.NULL : tap.snapshot().toJson());
        o.add("restarts", restarts);
        o.add("stalls", stalls);
        o.add("restartPolicy", policy.mode().text());
        o.add("nextRestartInSeconds", restartAt == null ? Json.NULL
                : Json.value(Math.max(0, Duration.between(Instant.now(), restartAt).toMillis()) / 1000.0));
        o.add("lastExit", lastExit == null ? Json.NULL : lastExit.toJson());
        JsonValue tail = Json.array();
        if (state == State.FAILED && lastExit != null) {
            JsonArray a = new JsonArray();
            lastExit.stderr().forEach(a::add);
            tail = a;
        }
        o.add("lastStderr", tail);
        o.add("stateDir", pidFile == null ? Json.NULL : pidFile.statusJson());
        return o;
    }
}
