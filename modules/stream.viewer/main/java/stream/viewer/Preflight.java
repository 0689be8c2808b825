package stream.viewer;

import java.io.IOException;
import java.net.BindException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

import org.freedesktop.gstreamer.ElementFactory;
import org.freedesktop.gstreamer.Gst;
import org.freedesktop.gstreamer.GstException;

import stream.viewer.ViewerException.Kind;

/**
 * The checks a viewer makes before it builds its pipeline: a display for a window sink,
 * GStreamer and every element the pipeline names, and a free UDP port. Each failure is a
 * {@link ViewerException} that says what to install or change, so the person never meets a
 * half-built pipeline's error instead.
 */
final class Preflight {
    /** Sinks that open a window and so need a display. */
    private static final List<String> WINDOW_SINKS = List.of("autovideosink", "ximagesink", "xvimagesink",
            "glimagesink", "gtksink", "gtkglsink", "waylandsink", "clutterautovideosink", "fpsdisplaysink");
    private static final Pattern LOCAL_DISPLAY = Pattern.compile("^(?:unix)?:(\\d+)(?:\\.\\d+)?$");
    private static final Object GST_LOCK = new Object();
    private static boolean gstReady; // guarded by GST_LOCK

    private Preflight() {}

    /**
     * Runs every check, in the order that gives the most useful first message.
     * @param options what the viewer will receive and show
     * @throws ViewerException naming the first thing missing
     */
    static void check(ViewerOptions options) throws ViewerException {
        checkDisplay(options);
        initGstreamer();
        checkElements(options);
        checkPort(options);
    }

    /** @return the GStreamer element the --sink option names ("auto" and "none" are ours) */
    static String sinkElement(ViewerOptions options) {
        return switch (options.sink()) {
            case "auto" -> "autovideosink";
            case "none" -> "fakesink";
            default -> options.sink();
        };
    }

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
        var m = LOCAL_DISPLAY.matcher(display.trim());
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

    /** GStreamer is initialised once per process, by the first viewer. */
    private static void initGstreamer() throws ViewerException {
        synchronized (GST_LOCK) {
            if (gstReady) {
                return;
            }
            try {
                if (!Gst.isInitialized()) {
                    stream.viewer.internal.GstStart.init(new org.freedesktop.gstreamer.Version(1, 14), "stream-viewer");
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
    static void checkPort(ViewerOptions options) throws ViewerException {
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
}
