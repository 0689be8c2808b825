package stream.viewer;

import java.io.IOException;
import java.lang.System.Logger.Level;
import java.net.BindException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;

import org.freedesktop.gstreamer.Bus;
import org.freedesktop.gstreamer.Caps;
import org.freedesktop.gstreamer.Element;
import org.freedesktop.gstreamer.ElementFactory;
import org.freedesktop.gstreamer.Gst;
import org.freedesktop.gstreamer.GstException;
import org.freedesktop.gstreamer.Pad;
import org.freedesktop.gstreamer.PadProbeInfo;
import org.freedesktop.gstreamer.PadProbeReturn;
import org.freedesktop.gstreamer.PadProbeType;
import org.freedesktop.gstreamer.Pipeline;
import org.freedesktop.gstreamer.State;
import org.freedesktop.gstreamer.StateChangeReturn;
import org.freedesktop.gstreamer.Structure;
import org.freedesktop.gstreamer.glib.GError;

import stream.viewer.ViewerException.Kind;
import stream.viewer.ViewerReport.Ending;
import stream.viewer.internal.Png;

/**
 * Shows the H.264/RTP/UDP stream: a GStreamer pipeline (udpsrc, rtph264depay, h264parse,
 * avdec_h264, videoconvert, a video sink) playing in this process.
 *
 * <p>{@link #start} returns at once; {@link #awaitEnd()} blocks until the window is closed, the
 * frame limit or the timeout is reached, an error happens, or {@link #close()} is called.
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
    private static final Object GST_LOCK = new Object();
    private static boolean gstReady; // guarded by GST_LOCK
    /** The caps of the original design, plus the encoding name rtph264depay wants. */
    private static final String RTP_CAPS =
            "application/x-rtp,media=video,payload=96,clock-rate=90000,encoding-name=H264";
    /** Sinks that open a window and so need a display. */
    private static final List<String> WINDOW_SINKS = List.of("autovideosink", "ximagesink", "xvimagesink",
            "glimagesink", "gtksink", "gtkglsink", "waylandsink", "clutterautovideosink", "fpsdisplaysink");

    private final ViewerOptions options;
    private final Consumer<String> progress;
    private final String where;
    private final long startNanos = System.nanoTime();
    private final AtomicReference<Ending> ending = new AtomicReference<>();
    private final CountDownLatch ended = new CountDownLatch(1);
    private final AtomicBoolean tornDown = new AtomicBoolean();
    private final AtomicLong frames = new AtomicLong();
    private final AtomicBoolean stalled = new AtomicBoolean();
    private final AtomicBoolean snapshotTaken = new AtomicBoolean();
    private final ScheduledExecutorService watch;
    private volatile String endMessage = "";
    private volatile long lastPacketNanos;
    private volatile long firstFrameNanos;
    private volatile long lastFrameNanos;
    private volatile long lastFrameNanosAtEnd;
    private volatile long framesAtStall;
    private volatile int width;
    private volatile int height;
    private volatile boolean snapshotWritten;
    private volatile String snapshotProblem;
    /** Kept in a field: the GC must not take the pipeline (nor the probes and listeners) while it plays. */
    private Pipeline pipeline;
    private final List<Object> keepAlive = new ArrayList<>();

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
        checkDisplay(options);
        initGstreamer();
        checkElements(options);
        checkPort(options);
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
        return frames.get();
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

    // ------------------------------------------------------------------ checks before starting

    private static void checkDisplay(ViewerOptions options) throws ViewerException {
        String sink = sinkElement(options);
        if (!WINDOW_SINKS.contains(sink)) {
            return;
        }
        String display = System.getenv("DISPLAY");
        String wayland = System.getenv("WAYLAND_DISPLAY");
        boolean hasDisplay = display != null && !display.isBlank();
        boolean hasWayland = wayland != null && !wayland.isBlank();
        String hint = "; to decode without a window use --sink none (and --snapshot FILE.png to see a frame),"
                + " or set DISPLAY (for example run under xvfb-run)";
        if (!hasDisplay && !hasWayland) {
            throw new ViewerException(Kind.NO_DISPLAY,
                    "no display: DISPLAY and WAYLAND_DISPLAY are not set, so the video window cannot open" + hint);
        }
        if (hasDisplay && !hasWayland && !localX11Reachable(display)) {
            throw new ViewerException(Kind.NO_DISPLAY,
                    "no display: nothing answers on DISPLAY=" + display + hint);
        }
    }

    /** True unless DISPLAY names a local X server (":N" or "unix:N") whose socket does not answer. */
    private static boolean localX11Reachable(String display) {
        var m = java.util.regex.Pattern.compile("^(?:unix)?:(\\d+)(?:\\.\\d+)?$").matcher(display.trim());
        if (!m.matches()) {
            return true; // a remote or unusual display: let GStreamer try
        }
        Path socket = Path.of("/tmp/.X11-unix/X" + m.group(1));
        if (!Files.exists(socket)) {
            return false;
        }
        try (var channel = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            channel.connect(UnixDomainSocketAddress.of(socket));
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private static void initGstreamer() throws ViewerException {
        synchronized (GST_LOCK) {
            if (gstReady) {
                return;
            }
            try {
                if (!Gst.isInitialized()) {
                    Gst.init(new org.freedesktop.gstreamer.Version(1, 14), "stream-viewer");
                }
                gstReady = true;
            } catch (UnsatisfiedLinkError | GstException | NoClassDefFoundError e) {
                throw new ViewerException(Kind.GSTREAMER_MISSING,
                        "GStreamer 1.x could not be loaded (" + e.getMessage() + "): install it, on Debian/Ubuntu "
                        + "with: apt-get install gstreamer1.0-plugins-base gstreamer1.0-plugins-good "
                        + "gstreamer1.0-plugins-bad gstreamer1.0-libav gstreamer1.0-x", e);
            }
        }
    }

    private static void checkElements(ViewerOptions options) throws ViewerException {
        var needed = new ArrayList<>(List.of("udpsrc:gstreamer1.0-plugins-good", "rtph264depay:gstreamer1.0-plugins-good",
                "h264parse:gstreamer1.0-plugins-bad", "avdec_h264:gstreamer1.0-libav",
                "videoconvert:gstreamer1.0-plugins-base", "tee:libgstreamer1.0-0", "queue:libgstreamer1.0-0"));
        String sink = sinkElement(options);
        needed.add(sink + ":" + switch (sink) {
            case "autovideosink" -> "gstreamer1.0-plugins-good";
            case "ximagesink", "xvimagesink" -> "gstreamer1.0-x";
            case "glimagesink" -> "gstreamer1.0-gl";
            case "fakesink" -> "libgstreamer1.0-0";
            default -> "";
        });
        if (options.snapshot() != null) {
            needed.add("valve:libgstreamer1.0-0");
        }
        for (String entry : needed) {
            int colon = entry.indexOf(':');
            String name = entry.substring(0, colon);
            String pkg = entry.substring(colon + 1);
            if (!elementExists(name)) {
                throw new ViewerException(Kind.GSTREAMER_MISSING, "the GStreamer element " + name + " is not installed"
                        + (pkg.isEmpty() ? ": check the name given to --sink (gst-inspect-1.0 | grep sink lists them)"
                                : ": install " + pkg + " (Debian/Ubuntu: apt-get install " + pkg + ")"));
            }
        }
    }

    private static boolean elementExists(String name) {
        try {
            return ElementFactory.find(name) != null;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    /** Fails early and clearly when another program holds the UDP port (unicast only: multicast shares it). */
    private static void checkPort(ViewerOptions options) throws ViewerException {
        if (options.multicastGroup() != null) {
            return;
        }
        try {
            InetAddress address = options.bindAddress() == null ? null : InetAddress.getByName(options.bindAddress());
            try (var socket = new DatagramSocket(null)) {
                socket.setReuseAddress(false);
                socket.bind(new InetSocketAddress(address, options.port()));
            }
        } catch (BindException e) {
            throw new ViewerException(Kind.PORT_IN_USE, "UDP port " + options.port()
                    + (options.bindAddress() != null ? " on " + options.bindAddress() : "")
                    + " is in use by another program (another viewer?): stop it, or choose another port with --port",
                    e);
        } catch (IOException e) {
            throw new ViewerException(Kind.PIPELINE, "cannot listen on " + (options.bindAddress() == null ? "" :
                    options.bindAddress() + " ") + "udp/" + options.port() + ": " + e.getMessage()
                    + "; check --bind and --port", e);
        }
    }

    private static String sinkElement(ViewerOptions options) {
        return switch (options.sink()) {
            case "auto" -> "autovideosink";
            case "none" -> "fakesink";
            default -> options.sink();
        };
    }

    // ------------------------------------------------------------------ the pipeline

    private String description() throws ViewerException {
        var src = new StringBuilder("udpsrc name=src port=").append(options.port());
        if (options.multicastGroup() != null) {
            src.append(" address=").append(options.multicastGroup()).append(" auto-multicast=true reuse=true");
            if (options.bindAddress() != null) {
                src.append(" multicast-iface=").append(interfaceOf(options.bindAddress()));
            }
        } else {
            // No SO_REUSEADDR: a second viewer on the same port fails instead of stealing half the packets.
            src.append(" reuse=false");
            if (options.bindAddress() != null) {
                src.append(" address=").append(options.bindAddress());
            }
        }
        src.append(" caps=\"").append(RTP_CAPS).append('"');
        String sink = sinkElement(options);
        String sinkDesc = sink.equals("fakesink") ? "fakesink name=sink sync=false" : sink + " name=sink";
        var d = new StringBuilder(src)
                // output-corrupt=false: a viewer joining mid-stream shows nothing until a keyframe instead of grey garbage.
                .append(" ! rtph264depay ! h264parse ! avdec_h264 output-corrupt=false ! videoconvert ! tee name=t")
                .append(" t. ! queue ! ").append(sinkDesc);
        if (options.snapshot() != null) {
            d.append(" t. ! queue leaky=downstream max-size-buffers=1 ! valve name=snapvalve")
                    .append(" ! videoconvert ! video/x-raw,format=RGB ! fakesink name=snap sync=false async=false");
        }
        return d.toString();
    }

    private static String interfaceOf(String address) throws ViewerException {
        try {
            var nif = NetworkInterface.getByInetAddress(InetAddress.getByName(address));
            if (nif == null) {
                throw new ViewerException(Kind.PIPELINE, "--bind " + address
                        + " is not an address of this machine: give one of its addresses (ip -brief address lists them)");
            }
            return nif.getName();
        } catch (IOException e) {
            throw new ViewerException(Kind.PIPELINE, "--bind " + address + ": " + e.getMessage(), e);
        }
    }

    private void play() throws ViewerException {
        String desc = description();
        LOG.log(Level.DEBUG, "pipeline: {0}", desc);
        var errors = new ArrayList<GError>();
        Element element = Gst.parseLaunch(desc, errors);
        if (!errors.isEmpty() || !(element instanceof Pipeline)) {
            String why = errors.isEmpty() ? "not a pipeline" : errors.get(0).getMessage();
            throw new ViewerException(Kind.PIPELINE, "cannot build the viewer pipeline: " + why);
        }
        pipeline = (Pipeline) element;
        wireBus();
        wireProbes();
        say("waiting for the stream on " + where);
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
            throw new ViewerException(Kind.PIPELINE, "cannot start the viewer: " + why);
        }
    }

    private void wireBus() {
        Bus bus = pipeline.getBus();
        Bus.ERROR onError = (source, code, message) -> {
            String name = source == null ? "pipeline" : source.getName();
            if (message != null && message.contains("Output window was closed")) {
                finish(Ending.WINDOW_CLOSED, "window closed");
            } else {
                finish(Ending.ERROR, "GStreamer error in " + name + ": " + message);
            }
        };
        Bus.EOS onEos = source -> finish(Ending.CLOSED, "end of stream");
        Bus.WARNING onWarning = (source, code, message) ->
                LOG.log(Level.DEBUG, "GStreamer warning in {0}: {1}", source == null ? "?" : source.getName(), message);
        bus.connect(onError);
        bus.connect(onEos);
        bus.connect(onWarning);
        keepAlive.add(onError);
        keepAlive.add(onEos);
        keepAlive.add(onWarning);
    }

    private void wireProbes() {
        Pad packets = pipeline.getElementByName("src").getStaticPad("src");
        Pad.PROBE onPacket = (pad, info) -> {
            lastPacketNanos = System.nanoTime();
            if (stalled.compareAndSet(true, false)) {
                say("stream back on " + where);
            }
            return PadProbeReturn.OK;
        };
        packets.addProbe(PadProbeType.BUFFER, onPacket);
        Pad shown = pipeline.getElementByName("sink").getStaticPad("sink");
        Pad.PROBE onFrame = (pad, info) -> {
            onFrame(pad);
            return PadProbeReturn.OK;
        };
        shown.addProbe(PadProbeType.BUFFER, onFrame);
        keepAlive.addAll(List.of(packets, onPacket, shown, onFrame));
        if (options.snapshot() != null) {
            Pad snap = pipeline.getElementByName("snap").getStaticPad("sink");
            Pad.PROBE onSnap = this::onSnapshotFrame;
            snap.addProbe(PadProbeType.BUFFER, onSnap);
            keepAlive.addAll(List.of(snap, onSnap));
        }
    }

    private void onFrame(Pad pad) {
        if (ending.get() != null) {
            return;
        }
        long now = System.nanoTime();
        long n = frames.incrementAndGet();
        lastFrameNanos = now;
        if (n == 1 || width == 0) {
            readSize(pad);
        }
        if (n == 1) {
            firstFrameNanos = now;
            say(String.format(Locale.ROOT, "first frame after %.1f s: %dx%d", (now - startNanos) / 1e9, width, height));
        } else if (n == framesAtStall + 1 && framesAtStall > 0) {
            say(String.format(Locale.ROOT, "frames again: %dx%d", width, height));
            framesAtStall = 0;
        }
        checkFramesReached();
    }

    private void readSize(Pad pad) {
        Caps caps = pad.getCurrentCaps();
        if (caps != null && caps.size() > 0) {
            Structure s = caps.getStructure(0);
            if (s.hasField("width") && s.hasField("height")) {
                width = s.getInteger("width");
                height = s.getInteger("height");
            }
        }
    }

    private void checkFramesReached() {
        if (options.frames() > 0 && frames.get() >= options.frames()
                && (options.snapshot() == null || snapshotWritten)) {
            finish(Ending.FRAMES_REACHED, "");
        }
    }

    private PadProbeReturn onSnapshotFrame(Pad pad, PadProbeInfo info) {
        if (!snapshotTaken.compareAndSet(false, true)) {
            return PadProbeReturn.DROP;
        }
        // One frame is enough: close the valve so the RGB branch stops converting.
        pipeline.getElementByName("snapvalve").set("drop", true);
        Caps caps = pad.getCurrentCaps();
        Structure s = caps.getStructure(0);
        int w = s.getInteger("width");
        int h = s.getInteger("height");
        var buffer = info.getBuffer();
        byte[] rgb = new byte[w * h * 3];
        ByteBuffer data = buffer.map(false);
        try {
            // GStreamer pads each RGB row to a multiple of 4 bytes.
            int stride = (w * 3 + 3) & ~3;
            for (int y = 0; y < h; y++) {
                data.get(y * stride, rgb, y * w * 3, w * 3);
            }
        } finally {
            buffer.unmap();
        }
        // Compress away from the streaming thread.
        watch.execute(() -> writeSnapshot(w, h, rgb));
        return PadProbeReturn.DROP;
    }

    private void writeSnapshot(int w, int h, byte[] rgb) {
        Path file = options.snapshot();
        try {
            Png.write(file, w, h, rgb);
            snapshotWritten = true;
            say("snapshot written to " + file + " (" + w + "x" + h + ")");
            checkFramesReached();
        } catch (IOException | RuntimeException e) {
            snapshotProblem = "cannot write the snapshot " + file + ": " + e.getMessage();
            finish(Ending.ERROR, snapshotProblem + "; check that its folder exists and is writable");
        }
    }

    /** Runs every 200 ms: timeout and stall detection. */
    private void tick() {
        long now = System.nanoTime();
        if (options.timeout() != null && now - startNanos >= options.timeout().toNanos()) {
            String what = options.frames() > 0
                    ? frames.get() + " of " + options.frames() + " frames"
                    : frames.get() + " frames";
            finish(Ending.TIMEOUT, "timeout after " + seconds(options.timeout().toNanos()) + " s with " + what
                    + (frames.get() == 0 ? ": no frame arrived on " + where + "; is the stream started?" : ""));
            return;
        }
        long last = lastPacketNanos;
        if (last != 0 && now - last >= TimeUnit.SECONDS.toNanos(STALL_SECONDS) && stalled.compareAndSet(false, true)) {
            framesAtStall = frames.get();
            say("no data for " + STALL_SECONDS + " s: the stream stopped? still waiting on " + where);
        }
    }

    // ------------------------------------------------------------------ ending

    private void finish(Ending why, String message) {
        if (!ending.compareAndSet(null, why)) {
            return;
        }
        endMessage = message == null ? "" : message;
        lastFrameNanosAtEnd = lastFrameNanos;
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
                pipeline.setState(State.NULL);
                pipeline.getBus().dispose();
                pipeline.dispose();
            }
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "stopping the pipeline: " + e);
        } finally {
            ended.countDown();
        }
    }

    private ViewerReport report() {
        long n = frames.get();
        long first = firstFrameNanos;
        long last = lastFrameNanosAtEnd != 0 ? lastFrameNanosAtEnd : lastFrameNanos;
        Duration toFirst = n > 0 && first != 0 ? Duration.ofNanos(first - startNanos) : null;
        double fps = n > 1 && last > first ? (n - 1) / ((last - first) / 1e9) : 0;
        String message = endMessage;
        if (options.snapshot() != null && !snapshotWritten && snapshotProblem == null) {
            message = (message.isEmpty() ? "" : message + "; ") + "no snapshot written: no frame was decoded";
        }
        return new ViewerReport(ending.get(), n, toFirst, fps, width, height, message);
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
