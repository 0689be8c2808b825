package stream.viewer;

import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.Locale;
import java.util.Objects;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import java.util.function.ToIntFunction;

import org.freedesktop.gstreamer.Caps;
import org.freedesktop.gstreamer.Pad;
import org.freedesktop.gstreamer.StateChangeReturn;
import org.freedesktop.gstreamer.Structure;

import stream.viewer.ViewerException.Kind;
import stream.viewer.ViewerReport.Ending;

/**
 * Shows the H.264/RTP/UDP stream: a GStreamer pipeline (udpsrc, rtph264depay, h264parse,
 * avdec_h264, videoconvert, a video sink) playing in this process.
 *
 * <p>{@link #start} returns at once; {@link #awaitEnd()} blocks until the window is closed, the
 * frame limit or the timeout is reached, an error happens, or {@link #close()} is called;
 * {@link #runUntilEnd} does the same for a command-line program, stopping cleanly on Ctrl+C.
 * Several viewers may be started one after the other in one process; GStreamer is initialised
 * once, by the first.
 *
 * <p>The viewer tells what happens through the progress consumer: waiting for the stream, the
 * first frame and its size, the stream stopping (no data for {@value #STALL_SECONDS} s) and
 * coming back. The same window stays open across a stop and a restart of the stream.
 */
public final class Viewer implements AutoCloseable {
    /** Seconds without a packet after which the stream counts as stopped. */
    public static final int STALL_SECONDS = 2;

    private static final System.Logger LOG = System.getLogger(Viewer.class.getName());

    private final ViewerOptions options;
    private final Consumer<String> progress;
    private final String where;
    private final FrameStats stats = new FrameStats(System.nanoTime());
    private final AtomicReference<Ending> ending = new AtomicReference<>();
    private final CountDownLatch ended = new CountDownLatch(1);
    private final AtomicBoolean tornDown = new AtomicBoolean();
    /** Runs the 200 ms tick and compresses the snapshot. */
    private final ScheduledExecutorService watch;
    private volatile String endMessage = "";
    /** Kept in a field: the GC must not take the pipeline while it plays. */
    private ViewerPipeline pipeline;
    private volatile boolean soundTold; // the first decoded sound was reported
    private Snapshot snapshot;

    private Viewer(ViewerOptions options, Consumer<String> progress) {
        this.options = options;
        this.progress = progress;
        this.where = "udp/" + options.port()
                + (options.multicastGroup() != null ? " (multicast " + options.multicastGroup() + ")" : "")
                + (options.bindAddress() != null ? " on " + options.bindAddress() : "");
        this.watch = Executors.newSingleThreadScheduledExecutor(r -> {
            var t = new Thread(r, "stream-viewer-watch");
            t.setDaemon(true);
            return t;
        });
    }

    /**
     * Checks the display and the plugins, builds the pipeline and plays it.
     * @param options what to receive and how to show it
     * @param progress receives human-readable lines ("waiting for the stream on udp/5000", ...);
     *        called from GStreamer threads, so it should return quickly
     * @return the running viewer
     * @throws ViewerException when the viewer cannot start (no display, plugin missing, port in use ...)
     */
    public static Viewer start(ViewerOptions options, Consumer<String> progress) throws ViewerException {
        Objects.requireNonNull(options, "options");
        Objects.requireNonNull(progress, "progress");
        Preflight.check(options);
        var viewer = new Viewer(options, progress);
        try {
            viewer.play();
        } catch (ViewerException | RuntimeException e) {
            viewer.finish(Ending.ERROR, e.getMessage());
            viewer.teardown();
            throw e;
        }
        return viewer;
    }

    /**
     * Blocks until the viewer ends, then returns what it saw.
     * @return the report
     * @throws InterruptedException when the waiting thread is interrupted
     */
    public ViewerReport awaitEnd() throws InterruptedException {
        ended.await();
        return report();
    }

    /**
     * Blocks at most the given time for the viewer to end.
     * @param timeout how long to wait
     * @return the report, or null when the viewer is still running
     * @throws InterruptedException when the waiting thread is interrupted
     */
    public ViewerReport awaitEnd(Duration timeout) throws InterruptedException {
        return ended.await(timeout.toNanos(), TimeUnit.NANOSECONDS) ? report() : null;
    }

    /** @return the frames decoded so far */
    public long frames() {
        return stats.frames();
    }

    /** @return the options this viewer runs with */
    public ViewerOptions options() {
        return options;
    }

    /** Stops the pipeline (state NULL) and releases it; idempotent, safe from any thread and from a shutdown hook. */
    @Override
    public void close() {
        finish(Ending.CLOSED, "closed");
        try {
            // Bounded: a caller on a GStreamer streaming thread must not wait for its own pipeline to stop.
            ended.await(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * Runs this viewer until it ends, the way a command-line program does: Ctrl+C (SIGINT) or
     * SIGTERM stops it cleanly and still gets the summary printed.
     *
     * <p>While it waits, a JVM shutdown hook is registered. When the JVM starts shutting down
     * (a signal, or {@code System.exit} from another thread), the hook {@linkplain #close() closes}
     * the viewer, waits (at most 5 s) for {@code onEnd} to return, flushes {@code System.out} and
     * {@code System.err}, and halts the JVM with the code {@code onEnd} returned: stopping on
     * request is a success (a report ending {@link ViewerReport.Ending#CLOSED CLOSED}), not the
     * 130 or 143 a signal would give. In that case this method never returns.
     *
     * <p>Otherwise, when the viewer ends by itself, {@code onEnd} runs, the hook is removed (none
     * is left registered, so a program may run several viewers one after the other) and its code
     * is returned. The viewer is closed when this method returns or throws.
     *
     * @param onEnd called once, on this thread, with the report: prints the summary (flushing any
     *        stream other than {@code System.out} and {@code System.err} itself) and returns the
     *        exit code for it
     * @return what {@code onEnd} returned
     * @throws InterruptedException when the waiting thread is interrupted (the hook is removed)
     */
    public int runUntilEnd(ToIntFunction<ViewerReport> onEnd) throws InterruptedException {
        Objects.requireNonNull(onEnd, "onEnd");
        var done = new CountDownLatch(1);
        var hookRunning = new AtomicBoolean();
        var code = new AtomicInteger(); // 0 until onEnd says otherwise: a stop on request succeeds
        var hook = new Thread(() -> {
            hookRunning.set(true);
            close();
            try {
                done.await(5, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            System.out.flush();
            System.err.flush();
            Runtime.getRuntime().halt(code.get());
        }, "stream-viewer-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        try {
            code.set(onEnd.applyAsInt(awaitEnd()));
        } finally {
            done.countDown();
            close(); // a no-op after the end; stops the pipeline when awaitEnd or onEnd threw
            try {
                if (hookRunning.get()) {
                    Thread.sleep(Long.MAX_VALUE); // the hook halts the JVM; never System.exit inside a shutdown
                }
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException shuttingDown) {
                Thread.sleep(Long.MAX_VALUE); // the hook halts the JVM
            }
        }
        return code.get();
    }

    private void play() throws ViewerException {
        pipeline = ViewerPipeline.build(options);
        pipeline.onEnd(this::finish);
        pipeline.onPacket(this::onPacket);
        pipeline.onFrame(this::onFrame);
        pipeline.onRtp(new SenderWatch(options.port(), this::say, System::nanoTime, options.multicastGroup() == null, pipeline::feedbackTo));
        pipeline.onAudio(() -> {
            if (!soundTold) {
                soundTold = true;
                say("sound: decoding the stream's Opus (--mute to not play it)");
            }
        });
        if (options.snapshot() != null) {
            snapshot = new Snapshot(options.snapshot(), pipeline, watch, this::say, this::checkFramesReached,
                    problem -> finish(Ending.ERROR, problem));
            pipeline.onSnapshotFrame(snapshot::probe);
        }
        say("waiting for the stream on " + where);
        if (options.mute()) say("sound: off (--mute): its Opus on port + 2 is not received");
        else if (pipeline.soundOffBecause() != null) say("sound: off: " + pipeline.soundOffBecause());
        watch.scheduleWithFixedDelay(this::tick, 200, 200, TimeUnit.MILLISECONDS);
        StateChangeReturn ret = pipeline.play();
        if (ret == StateChangeReturn.FAILURE) {
            // The error message arrives on the bus (dispatched on another thread): give it a moment.
            try {
                ended.await(2, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            String why = endMessage.isEmpty() ? "the pipeline refused to start" : endMessage;
            // Another viewer bound the port between the preflight's check and udpsrc's bind: say so, as the check would have.
            if (why.startsWith("GStreamer error in src:")) Preflight.checkPort(options);
            throw new ViewerException(Kind.PIPELINE, "cannot start the viewer: " + why);
        }
    }

    private void onPacket() {
        if (stats.packet(System.nanoTime())) {
            say("stream back on " + where);
        }
    }

    private void onFrame(Pad pad) {
        if (ending.get() != null) {
            return;
        }
        if (stats.needsSize()) {
            readSize(pad);
        }
        String line = stats.frame(System.nanoTime());
        if (line != null) {
            say(line);
        }
        checkFramesReached();
    }

    private void readSize(Pad pad) {
        Caps caps = pad.getCurrentCaps();
        if (caps != null && caps.size() > 0) {
            Structure s = caps.getStructure(0);
            if (s.hasField("width") && s.hasField("height")) {
                stats.size(s.getInteger("width"), s.getInteger("height"));
            }
        }
    }

    private void checkFramesReached() {
        if (options.frames() > 0 && stats.frames() >= options.frames()
                && (snapshot == null || snapshot.written())) {
            finish(Ending.FRAMES_REACHED, "");
        }
    }

    /** Runs every 200 ms: timeout and stall detection. */
    private void tick() {
        long now = System.nanoTime();
        if (options.timeout() != null && now - stats.startNanos() >= options.timeout().toNanos()) {
            long frames = stats.frames();
            String what = options.frames() > 0 ? frames + " of " + options.frames() + " frames" : frames + " frames";
            finish(Ending.TIMEOUT, "timeout after " + seconds(options.timeout().toNanos()) + " s with " + what
                    + (frames == 0 ? ": no frame arrived on " + where + "; is the stream started?" : ""));
            return;
        }
        if (stats.checkStall(now, TimeUnit.SECONDS.toNanos(STALL_SECONDS))) {
            say("no data for " + STALL_SECONDS + " s: the stream stopped? still waiting on " + where);
        }
    }

    // ------------------------------------------------------------------ ending

    private void finish(Ending why, String message) {
        if (!ending.compareAndSet(null, why)) {
            return;
        }
        endMessage = message == null ? "" : message;
        stats.end();
        // Never set the pipeline to NULL on a streaming or bus thread: that deadlocks. A thread of its own does it.
        var stopper = new Thread(this::teardown, "stream-viewer-stop");
        stopper.setDaemon(true);
        stopper.start();
    }

    private void teardown() {
        if (!tornDown.compareAndSet(false, true)) {
            return;
        }
        try {
            watch.shutdownNow();
            if (pipeline != null) {
                pipeline.stop();
            }
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "stopping the pipeline: " + e);
        } finally {
            ended.countDown();
        }
    }

    private ViewerReport report() {
        String message = endMessage;
        if (snapshot != null && !snapshot.written() && snapshot.problem() == null) {
            message = (message.isEmpty() ? "" : message + "; ") + "no snapshot written: no frame was decoded";
        }
        return stats.report(ending.get(), message);
    }

    private void say(String line) {
        try {
            progress.accept(line);
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "progress consumer failed: " + e);
        }
    }

    private static String seconds(long nanos) {
        return String.format(Locale.ROOT, "%.1f", nanos / 1e9);
    }
}
