package stream.server.internal.supervisor;

import stream.server.internal.rtp.RtpTap;
import stream.server.internal.rtp.SdpWriter;
import stream.server.internal.settings.RestartPolicy;
import stream.server.internal.settings.StreamSettings;
import stream.server.internal.sources.Encoders;
import stream.server.internal.sources.RtspCamera;
import stream.server.internal.state.PidFile;
import com.eclipsesource.json.Json;
import com.eclipsesource.json.JsonObject;
import java.lang.System.Logger.Level;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Starts, stops and watches one stream's gst-launch-1.0 child. The parts are classes of their own:
 * {@link Launcher} spawns, {@link Child} drains and watches the process, {@link StateMachine}
 * holds the allowed state changes, {@link RestartScheduler} the automatic restarts,
 * {@link StallWatch} the stall detection and {@link StatusJson} the status. Nothing here is
 * static, so a server can hold several.
 *
 * <p>Concurrency: start and stop run one at a time under {@code opLock} (fair), so any number of
 * concurrent requests leave at most one child. The state fields are guarded by this object's
 * monitor, which status reads and the child's watcher threads take only briefly; status never
 * waits for a start or stop in progress and shows "starting" or "stopping" meanwhile.
 *
 * <p>States (the table is {@link StateMachine#ALLOWED}): stopped → starting (process spawned) →
 * running (gst-launch -v reported caps on the network sink's pad, i.e. the whole chain negotiated
 * and data reaches the network, or the RTP tap saw packets) → stopping (stop requested) → stopped.
 * A child that exits without a stop request makes the state failed, with its exit code or signal
 * and its last stderr lines. A live child that sends nothing for the stall timeout is stalled; it
 * is running again when it sends, or with {@code --restart on-failure} is killed and stays stalled
 * until its restart.
 *
 * <p>An IP camera's child is the camera relay ({@link RtspCamera}); its exit code names the
 * camera's problem, shown in the status's "camera" object, and it restarts on failure by default
 * with the camera policy of {@link RestartPolicy#camera}, no faster than every 30 s after problems
 * that a quick retry cannot mend ({@link RtspCamera.Problem#retrySeldom()}). A hardware encoder
 * whose child ends before it runs is marked broken ({@link Encoders#failed}) and the stream starts
 * again at once with x264.
 *
 * <p>Without setsid (see {@link Launcher}) the child stays in the server's process group; then a
 * child that ends while the server shuts down, or up to {@link #SHUTDOWN_GRACE} before the
 * shutdown begins (the same group signal reaches both), counts as stopped, not failed.
 */
public final class Supervisor {
    private static final System.Logger LOG = System.getLogger("stream.server");
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

    /** Hears each child start and end; called under the supervisor's lock, so it must only take note (never wait). */
    public interface Events {
        /**
         * A child was spawned.
         * @param at when
         * @param pid its process id
         * @param settings the settings it runs with
         */
        void childStarted(Instant at, long pid, StreamSettings settings);

        /** @param exit how the child ended ({@link Exit#requested()}: a stop, not a failure) */
        void childEnded(Exit exit);
    }

    private static final Events NO_EVENTS = new Events() {
        @Override
        public void childStarted(Instant at, long pid, StreamSettings settings) {}

        @Override
        public void childEnded(Exit exit) {}
    };

    private final String name;
    private final String gstLaunch;
    private final Launcher launcher;
    private volatile Events events = NO_EVENTS;
    private final PidFile pidFile;
    private final RtpTap tap;
    private final ReentrantLock opLock = new ReentrantLock(true);
    private final Instant createdAt = Instant.now();
    private volatile StreamPlan defaults; // replaced only by redefine, under opLock and the monitor
    private final Child.Listener listener = new Child.Listener() {
        @Override
        public void stdout(Child child, String line) {
            onStdout(child, line);
        }

        @Override
        public void exited(Child child, int code) {
            onExit(child, code);
        }
    };
    private volatile SdpWriter.H264Params capsParams;
    private volatile RtpTap audioTap; // the copy of the audio RTP of a stream with sound, or null
    private volatile int keyframePort; // where the current child reads RTCP feedback for its video, or 0
    private volatile int sendPort; // the port the current child's video leaves from, or 0 for any
    private ViewerFeedback feedback; // guarded by this: opened at the first start of an encoded stream, or null

    // Guarded by this.
    private final StateMachine machine;
    private final RestartScheduler restarts;
    private Child current;
    private Exit lastExit;
    private int starts;         // children started: by start requests, --start and the restart policy
    private boolean closing;
    private StreamPlan plan;
    private int stalls;         // times a live child was found stalled
    private String cameraProblem; // what is wrong with an IP camera since its relay last ran, or null
    private Microphone microphone; // the capture child of the current child's microphone, or null
    private Instant cameraProblemSince;
    private int reconnects;       // times an IP camera's relay asked its camera again itself
    private long relayWordNanos;  // when the relay last said a problem, or the camera stream stalled

    /**
     * @param name the stream's name, as its log lines say it
     * @param gstLaunch path of gst-launch-1.0
     * @param defaults the stream used by a start without settings
     * @param pidFile where the child's pid is recorded for stale-child cleanup, or null
     * @param tap the RTP tap that receives a copy of the output, or null for none (no stats, no stall detection)
     */
    public Supervisor(String name, String gstLaunch, StreamPlan defaults, PidFile pidFile, RtpTap tap) {
        this(name, gstLaunch, defaults, pidFile, tap, Launcher.standard());
    }

    /** @param launcher how children are spawned */
    public Supervisor(String name, String gstLaunch, StreamPlan defaults, PidFile pidFile, RtpTap tap, Launcher launcher) {
        this.name = name;
        this.machine = new StateMachine(name);
        this.gstLaunch = gstLaunch;
        this.launcher = launcher;
        if (!launcher.isolated())
            LOG.log(Level.INFO, "setsid not found: gst-launch-1.0 shares the server's process group, so Ctrl+C reaches it too");
        this.plan = defaults;
        this.defaults = defaults;
        this.restarts = new RestartScheduler(defaults.settings().restart());
        restarts.reset(defaults.settings()); // a camera's policy, when the source is one
        this.pidFile = pidFile;
        this.tap = tap;
        Encoders.warmUp();
    }

    /** @param events who hears each child start and end; set once, before the first start */
    public void events(Events events) {
        this.events = java.util.Objects.requireNonNull(events, "events");
    }

    /** Starts the watchdog that finds stalled children; call once, after construction. */
    public void startWatchdog() {
        if (tap != null) StallWatch.start(this::closing, this::checkStall);
    }

    private synchronized boolean closing() {
        return closing;
    }

    /** @return whether children start in a session of their own (through setsid) */
    public boolean isolated() {
        return launcher.isolated();
    }

    /** @return the exact gst-launch-1.0 command line the child runs (or would run) with; without the launcher's setsid and setpriv */
    public synchronized List<String> command() {
        return plan.command(gstLaunch, tap == null ? 0 : tap.port(), audioTap == null ? 0 : audioTap.port(),
                microphone == null ? 0 : microphone.port(), keyframePort, sendPort);
    }

    /**
     * @return the loopback UDP port on which the current child takes RTCP feedback for its video (a PLI there makes
     *         it send a keyframe at once), or 0 for none (no child yet, an IP camera, no free port)
     */
    public int keyframePort() {
        return keyframePort;
    }

    // A free loopback UDP port for the next child's keyframe requests, or 0 when none is free (the child then sends
    // keyframes only at its interval). Freed here and bound by the child a moment later, as the microphone's port.
    private static int freeLoopbackPort() {
        try (java.net.DatagramSocket s = new java.net.DatagramSocket(0, java.net.InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        } catch (java.io.IOException e) {
            return 0;
        }
    }

    /** @param audioTap the tap that receives a copy of the audio RTP of a stream with sound; set once, before the first start */
    public void audioTap(RtpTap audioTap) {
        this.audioTap = audioTap;
    }

    /** @return the settings and source of the current (or next) child */
    public synchronized StreamPlan plan() {
        return plan;
    }

    /** @return the plan a start without settings uses: the server's flags */
    public StreamPlan defaults() {
        return defaults;
    }

    /**
     * Replaces the plan a start without settings uses (PUT /streams/{name}). Refused while a child
     * runs with other settings: the caller answers 409 (stop it first).
     * @param newDefaults the new definition
     * @return false when a child runs with other settings, true when the definition is in force
     */
    public boolean redefine(StreamPlan newDefaults) {
        opLock.lock();
        try {
            synchronized (this) {
                if (current != null && !newDefaults.settings().sameChild(plan.settings())) return false;
                boolean changed = !newDefaults.settings().equals(defaults.settings());
                defaults = newDefaults;
                if (current == null && changed) {
                    plan = newDefaults;
                    restarts.reset(newDefaults.settings());
                } else if (current != null) {
                    applyLive(newDefaults);
                }
                return true;
            }
        } finally {
            opLock.unlock();
        }
    }

    /** @return the RTP tap, or null */
    public RtpTap tap() {
        return tap;
    }

    /** @return restarts made by the restart policy since the server started */
    public synchronized int restarts() {
        return restarts.restarts();
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
        return current == null ? -1 : current.uptimeSeconds();
    }

    /** @return the current state */
    public synchronized State state() {
        return machine.state();
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

    /** @return how many state changes the stream had; from any thread, without the lock */
    public long stateChanges() {
        return machine.changes();
    }

    /**
     * Starts the child with the given settings unless one is there (then the settings are not
     * applied); waits until it runs, fails, or a bound passes.
     * @param requested the plan for this start, or null to use the last one
     * @return what happened
     */
    public Outcome start(StreamPlan requested) {
        return start(requested, () -> { });
    }

    /**
     * As {@link #start(StreamPlan)}, telling the caller as soon as the plan is in force and the
     * child spawned (or the start refused), before waiting for it to run: a caller that checked
     * the plan against other streams under a lock of its own releases it there.
     * @param requested the plan for this start, or null to use the last one
     * @param planInForce run once, on this thread, before the wait
     * @return what happened
     */
    public Outcome start(StreamPlan requested, Runnable planInForce) {
        opLock.lock();
        try {
            Child child;
            try {
                synchronized (this) {
                    if (closing) return Outcome.SHUTTING_DOWN;
                    State state = machine.state();
                    if (state == State.STARTING || state == State.RUNNING || (state == State.STALLED && current != null)) {
                        if (requested != null) applyLive(requested);
                        return Outcome.ALREADY_RUNNING;
                    }
                    if (requested != null) plan = requested;
                    restarts.reset(plan.settings());
                    child = spawnLocked();
                    if (child == null) return Outcome.FAILED_TO_START;
                }
            } finally {
                planInForce.run();
            }
            synchronized (this) {
                long deadline = System.nanoTime() + START_WAIT.toNanos();
                while (current == child && machine.state() == State.STARTING && !closing) {
                    long left = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
                    if (left <= 0) break;
                    try {
                        wait(left);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        break;
                    }
                }
                return current == child || machine.state() != State.FAILED ? Outcome.STARTED : Outcome.FAILED_TO_START;
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

    /**
     * Takes the {@link StreamSettings#LIVE} settings of a plan into the running child's plan when
     * the rest is the same (recording follows them; the child never notices). Caller holds the monitor.
     */
    private void applyLive(StreamPlan requested) {
        if (requested.settings().sameChild(plan.settings()) && !requested.settings().equals(plan.settings()))
            plan = new StreamPlan(requested.settings(), plan.source());
    }

    /** Spawns a child with the current plan; caller holds opLock and the monitor. @return it, or null when it could not */
    private Child spawnLocked() {
        var mic = plan.microphone();
        if (mic != null) {
            try {
                microphone = Microphone.prepare(name, mic, gstLaunch, launcher);
            } catch (java.io.IOException e) {
                lastExit = Exit.notStarted("no loopback UDP port for the microphone: " + e.getMessage());
                machine.to(State.FAILED, lastExit.description());
                return null;
            }
        }
        if (plan.source().camera()) { // a camera's picture is passed through, not encoded
            keyframePort = 0;
            sendPort = 0;
        } else {
            keyframePort = freeLoopbackPort();
            if (feedback == null && !closing) feedback = ViewerFeedback.open(name, this::keyframePort);
            sendPort = feedback == null ? 0 : feedback.sendPort();
        }
        List<String> command = command();
        if (tap != null) tap.reset();
        if (audioTap != null) audioTap.reset();
        capsParams = null;
        Launcher.Launched p;
        try {
            p = launcher.launch(command, plan.stdin()); // a camera's credentials go on stdin, never on the command line
        } catch (java.io.IOException e) {
            microphone = null;
            lastExit = Exit.notStarted("could not start " + gstLaunch + ": " + e.getMessage());
            machine.to(State.FAILED, lastExit.description());
            return null;
        }
        Child child = Child.watch(p.process(), listener);
        current = child;
        starts++;
        machine.to(State.STARTING, "pid " + child.pid + ": " + String.join(" ", command));
        events.childStarted(child.startedAt, child.pid, plan.settings());
        if (pidFile != null) pidFile.write(p.process().toHandle(), p.childId());
        if (microphone != null) microphone.start(); // its port is bound by now or soon: what comes before is lost, not queued
        return child;
    }

    /** Looks at the tap: a live child that sent nothing for the stall timeout is stalled. */
    private void checkStall() {
        Child kill = null;
        synchronized (this) {
            Child c = current;
            State state = machine.state();
            if (c == null || c.stopRequested || closing) return;
            if (state != State.STARTING && state != State.RUNNING && state != State.STALLED) return;
            int timeout = plan.settings().stallTimeout();
            RtpTap.Stats st = tap.snapshot();
            switch (StallWatch.judge(state, st, timeout)) {
                case SENDING -> {
                    c.ran = true;
                    cameraProblem(null);
                    machine.to(State.RUNNING, "pid " + c.pid + " is streaming to " + plan.destinations() + " (RTP seen)");
                    notifyAll();
                }
                case STALLED -> {
                    stalls++;
                    if (plan.source().camera()) cameraProblem(RtspCamera.Problem.NO_VIDEO.message + " for " + timeout + " s");
                    machine.to(State.STALLED, "pid " + c.pid + " is alive but sent no RTP packet for "
                            + Math.round(st.secondsSinceLastPacket()) + " s (stall timeout " + timeout + " s)");
                    notifyAll();
                    if (plan.source().camera()) { // the relay asks the camera again itself, and says so
                        relayWordNanos = System.nanoTime();
                        return;
                    }
                    Optional<Duration> delay = restarts.onEnd(RestartPolicy.End.STALLED, Duration.between(c.startedAt, Instant.now()));
                    if (delay.isPresent()) {
                        c.killedForStall = true;
                        c.restartDelay = delay.get();
                        kill = c;
                    }
                }
                case RECOVERED -> {
                    cameraProblem(null);
                    machine.to(State.RUNNING, "pid " + c.pid + " sends again");
                }
                case NONE -> {
                    // A relay that stopped asking its camera again and says nothing: hung; a new one takes over.
                    if (state == State.STALLED && plan.source().camera()
                            && System.nanoTime() - relayWordNanos > TimeUnit.SECONDS.toNanos(3L * timeout + 10)) {
                        Optional<Duration> delay = restarts.onEnd(RestartPolicy.End.STALLED, Duration.between(c.startedAt, Instant.now()));
                        if (delay.isPresent()) {
                            c.killedForStall = true;
                            c.restartDelay = delay.get();
                            kill = c;
                        }
                    }
                }
            }
        }
        if (kill != null) {
            // SIGKILL: a stopped (SIGSTOP) or hung process does not act on SIGINT or SIGTERM.
            LOG.log(Level.WARNING, "killing stalled gst-launch-1.0 pid {0} (SIGKILL); restart policy on-failure",
                    Long.toString(kill.pid));
            kill.kill();
        }
    }

    /** Caller holds the monitor. */
    private void scheduleRestart(Duration delay) {
        restarts.schedule(delay, scheduled -> {
            opLock.lock();
            try {
                synchronized (this) {
                    if (!restarts.current(scheduled) || current != null || closing) return;
                    if (machine.state() != State.FAILED && machine.state() != State.STALLED) return;
                    LOG.log(Level.INFO, "restart {0} by the restart policy", restarts.claim());
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
            plan = defaults; // after a stop, the settings in force are those a plain start uses
            restarts.reset(defaults.settings()); // also cancels a pending automatic restart
            child = current;
            cameraProblem(null);
            if (child == null) {
                State state = machine.state();
                if (state == State.FAILED || state == State.STALLED) machine.to(State.STOPPED, "failure acknowledged by stop");
                return Outcome.NOT_RUNNING;
            }
            child.stopRequested = true;
            machine.to(State.STOPPING, "pid " + child.pid);
        }
        child.interrupt();
        boolean gone = child.waitFor(STOP_GRACE);
        if (!gone) {
            LOG.log(Level.WARNING, "gst-launch-1.0 pid {0} did not end within {1} s of SIGINT; killing it",
                    Long.toString(child.pid), STOP_GRACE.toSeconds());
            child.kill();
            child.waitFor(Duration.ofSeconds(10));
        }
        child.joinDrain();
        Microphone mic;
        synchronized (this) {
            mic = detachMicrophone();
            if (current == child) {
                lastExit = Exit.of(child.exitCode(), true, child.tail());
                current = null;
                events.childEnded(lastExit);
                machine.to(State.STOPPED, lastExit.description());
                if (pidFile != null) pidFile.delete();
            }
        }
        if (mic != null) mic.close();
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
                    c.kill();
                    c.waitFor(Duration.ofSeconds(5));
                }
                Microphone mic;
                synchronized (this) {
                    mic = detachMicrophone();
                }
                if (mic != null) mic.close();
            }
            if (pidFile != null) pidFile.delete();
        } finally {
            if (locked) opLock.unlock();
            ViewerFeedback f;
            synchronized (this) {
                f = feedback;
                feedback = null;
            }
            if (f != null) f.close();
        }
    }

    /** A line on the child's stdout (gst-launch -v): the caps that mean it runs, and its H.264 parameters. */
    private void onStdout(Child child, String line) {
        if (line.startsWith("{\"problem\":")) {
            RtspCamera.reported(line).ifPresent(p -> onRelayProblem(child, p));
            return;
        }
        if (line.contains(RUNNING_MARK)) onRunning(child);
        var params = SdpWriter.parseCapsLine(line);
        if (params.isPresent() && isCurrent(child)) capsParams = params.get();
    }

    /** An IP camera's relay lost its camera and asks it again itself: said at once; the stream runs again with its next packet. */
    private synchronized void onRelayProblem(Child child, RtspCamera.Problem problem) {
        if (current != child || child.stopRequested || !plan.source().camera()) return;
        reconnects++;
        relayWordNanos = System.nanoTime();
        cameraProblem(problem == RtspCamera.Problem.NO_VIDEO ? problem.message + " for " + plan.settings().stallTimeout() + " s"
                : problem.message);
        if (tap != null) tap.reset(); // running again means packets from the camera's next session
        if (audioTap != null) audioTap.reset();
        State state = machine.state();
        if (state == State.RUNNING || state == State.STARTING) {
            machine.to(State.STALLED, "pid " + child.pid + ": " + cameraProblem + "; the relay asks the camera again");
            notifyAll();
        }
    }

    private synchronized boolean isCurrent(Child child) {
        return current == child;
    }

    private synchronized void onRunning(Child child) {
        if (current == child && machine.state() == State.STARTING) {
            child.ran = true;
            cameraProblem(null);
            machine.to(State.RUNNING, "pid " + child.pid + " is streaming to " + plan.destinations());
            notifyAll();
        }
    }

    /** The child ended (its stderr read to the end): an exit nobody asked for makes the state failed at once. */
    private synchronized void onExit(Child child, int code) {
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
        lastExit = Exit.of(code, closing, child.tail());
        current = null;
        Microphone mic = detachMicrophone();
        if (mic != null) Thread.ofPlatform().daemon().name("microphone-close-" + name).start(mic::close); // not under this lock
        events.childEnded(lastExit);
        if (pidFile != null) pidFile.delete();
        notifyAll();
        if (closing) {
            // The server is shutting down (without setsid the group's signal reaches the child too): not a failure.
            machine.to(State.STOPPED, "pid " + child.pid + " ended during server shutdown: " + lastExit.description());
            return;
        }
        if (child.killedForStall) {
            // State stays stalled until the restart, so a client sees why it happened.
            LOG.log(Level.INFO, "stalled pid {0} ended: {1}", Long.toString(child.pid), lastExit.description());
            scheduleRestart(child.restartDelay);
            return;
        }
        String lastLine = lastExit.stderr().isEmpty() ? null : lastExit.stderr().get(lastExit.stderr().size() - 1);
        RtspCamera.Problem problem = plan.source().camera() ? RtspCamera.Problem.ofExit(code) : null;
        if (problem != null)
            cameraProblem((problem == RtspCamera.Problem.OTHER || problem == RtspCamera.Problem.UNSUPPORTED) && lastLine != null ? problem.message + ": " + lastLine : problem.message);
        machine.to(State.FAILED, "pid " + child.pid + " ended on its own: " + lastExit.description()
                + (problem == null ? "" : " (" + cameraProblem + ")")
                + (lastLine == null ? "" : "; last stderr: " + lastLine));
        var encoder = plan.encoder();
        if (encoder != null && encoder.hardware() && !child.ran) {
            // A hardware encoder that fails at start gives way to x264, at once and whatever the restart policy.
            Encoders.failed(encoder.element(), lastLine == null ? lastExit.description() : lastLine);
            scheduleRestart(Duration.ofMillis(100));
            return;
        }
        // Any end nobody asked for is a failure of the stream, exit code 0 included.
        Optional<Duration> delay = restarts.onEnd(RestartPolicy.End.FAILED, Duration.between(child.startedAt, Instant.now()));
        // A camera that refused the credentials may lock the account after a few tries: ask it seldom.
        if (problem != null && problem.retrySeldom())
            delay = delay.map(d -> d.compareTo(RtspCamera.CREDENTIALS_BACKOFF) < 0 ? RtspCamera.CREDENTIALS_BACKOFF : d);
        delay.ifPresent(this::scheduleRestart);
    }

    /** Caller holds the monitor. @return the microphone of the child that ended, now no longer the supervisor's, or null */
    private Microphone detachMicrophone() {
        Microphone m = microphone;
        microphone = null;
        return m;
    }

    /**
     * @return the "microphone" member of a stream's audio status while its child runs with a microphone
     *         ({@link Microphone#toJson()}), or null
     */
    public synchronized JsonObject microphoneStatus() {
        return microphone == null ? null : microphone.toJson();
    }

    /** @return what is wrong with the running child's microphone ("microphone gone: DEVICE (why)"), or null */
    public synchronized String microphoneProblem() {
        return microphone == null ? null : microphone.problem();
    }

    /** Caller holds the monitor. @param problem what is wrong with the camera now, or null when it sends */
    private void cameraProblem(String problem) {
        if (java.util.Objects.equals(problem, cameraProblem)) return;
        cameraProblem = problem;
        cameraProblemSince = problem == null ? null : Instant.now();
    }

    /** @return the status object of GET /control (see {@link StatusJson}) */
    public synchronized JsonObject status() {
        Child c = current;
        JsonObject o = new StatusJson(machine.state(), c, command(), plan, starts, tap == null || c == null ? null : tap.snapshot(),
                restarts.restarts(), stalls, restarts.mode().text(), restarts.secondsToRestart(), lastExit).toJson()
                .add("stateDir", pidFile == null ? Json.NULL : pidFile.statusJson());
        if (plan.source().camera()) o.add("camera", cameraJson());
        else {
            var e = plan.encoder();
            o.add("encoder", Json.object().add("element", e.element()).add("hardware", e.hardware()).add("reason", e.reason())
                    .add("keyframeRequests", keyframeRequestsJson()));
        }
        return o;
    }

    /** Viewers' keyframe requests over the network: where they go, how many went on to the encoder, how many did not. Caller holds the monitor. */
    private JsonObject keyframeRequestsJson() {
        ViewerFeedback f = feedback;
        return Json.object().add("port", f == null || f.port() == 0 ? Json.NULL : Json.value(f.port()))
                .add("passed", f == null ? 0 : f.passed()).add("dropped", f == null ? 0 : f.dropped());
    }

    /** The "camera" object of an IP camera's status: where, who, and what is wrong (never the password). */
    private JsonObject cameraJson() {
        StreamSettings s = plan.settings();
        String user = s.get(StreamSettings.SOURCE_USER);
        State state = machine.state();
        String message = cameraProblem != null ? cameraProblem
                : state == State.RUNNING ? "receiving video" : state == State.STARTING ? "connecting" : state.json();
        return Json.object().add("location", s.get(StreamSettings.SOURCE))
                .add("user", user == null ? Json.NULL : Json.value(user))
                .add("password", s.get(StreamSettings.SOURCE_PASSWORD) == null ? "not set" : "set")
                .add("transport", s.get(StreamSettings.SOURCE_TRANSPORT).text())
                .add("message", message)
                .add("reconnects", reconnects)
                .add("problemSince", cameraProblemSince == null ? Json.NULL : Json.value(cameraProblemSince.toString()));
    }

}
