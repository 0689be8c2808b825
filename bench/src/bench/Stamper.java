package bench;

import com.sun.jna.Callback;
import com.sun.jna.Library;
import com.sun.jna.Memory;
import com.sun.jna.Native;
import com.sun.jna.NativeLong;
import com.sun.jna.Pointer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The browser rows' sender: a gst-launch-1.0 argv (our server's child's, up to the payloader) run
 * through GStreamer with JNA, with the wall clock burnt into every frame just before the encoder.
 * The time (epoch milliseconds, low 32 bits) is written as {@link #BITS} black or white 16x16
 * blocks into the top-left of the luma plane, most significant bit first, and its complement as a
 * second row of blocks below, so a reader can tell a clean read from a damaged one. Blocks of a
 * macroblock's size in full black or white come through H.264 at any sensible bitrate; a browser
 * reads them from a canvas, {@code bench.Probe stamps} from the decoded frame.
 *
 * <p>Usage: {@code Stamper WIDTH gst-launch-argv...} (the argv without gst-launch-1.0 itself; the
 * stamp goes before the element {@code x264enc}). Prints "stamping" once the first frame is stamped;
 * with gst-launch-1.0's {@code -v} also the caps of every pad as gst-launch-1.0 prints them, so our
 * server can run it as its child (the RTSP phase's PATH shim).
 */
public final class Stamper {
    static final int BITS = 32, BLOCK = 16;
    static final byte BLACK = 16, WHITE = (byte) 235;

    private Stamper() {}

    /** The GStreamer calls the stamper needs. */
    public interface Gst extends Library {
        Gst I = Native.load("gstreamer-1.0", Gst.class);
        void gst_init(Pointer argc, Pointer argv);
        Pointer gst_parse_launchv(String[] argv, Pointer[] error);
        int gst_element_set_state(Pointer element, int state);
        Pointer gst_bin_get_by_name(Pointer bin, String name);
        Pointer gst_element_get_static_pad(Pointer element, String name);
        long gst_pad_add_probe(Pointer pad, int mask, ProbeCallback callback, Pointer data, Pointer destroy);
        boolean gst_buffer_map(Pointer buffer, Pointer info, int flags);
        void gst_buffer_unmap(Pointer buffer, Pointer info);
        boolean gst_mini_object_is_writable(Pointer obj);
        Pointer gst_mini_object_make_writable(Pointer obj);
        Pointer gst_element_get_bus(Pointer element);
        Pointer gst_bus_timed_pop_filtered(Pointer bus, long timeoutNs, int types);
        NativeLong gst_pad_get_type();
        Pointer gst_pad_get_current_caps(Pointer pad);
        Pointer gst_caps_to_string(Pointer caps);
        Pointer gst_object_get_path_string(Pointer object);
        void gst_mini_object_unref(Pointer obj);
    }

    /** The GObject calls for gst-launch-1.0's -v (what {@code deep-notify::caps} tells). */
    public interface GObject extends Library {
        GObject I = Native.load("gobject-2.0", GObject.class);
        NativeLong g_signal_connect_data(Pointer instance, String signal, Callback handler, Pointer data, Pointer destroy, int flags);
        boolean g_type_check_instance_is_a(Pointer instance, NativeLong type);
    }

    /** GstObject::deep-notify. */
    public interface DeepNotify extends Callback {
        void invoke(Pointer object, Pointer origin, Pointer pspec, Pointer userData);
    }

    /** GstPadProbeCallback. */
    public interface ProbeCallback extends Callback {
        int invoke(Pointer pad, Pointer info, Pointer userData);
    }

    static final int PROBE_TYPE_BUFFER = 1 << 4, PROBE_OK = 1, MAP_WRITE = 2;
    static final int GST_MESSAGE_EOS = 1, GST_MESSAGE_ERROR = 1 << 1;
    // kept in a static field: the GC must not take a callback GStreamer still calls
    private static ProbeCallback callback;
    private static DeepNotify verboseCaps;

    public static void main(String[] args) {
        if (args.length < 3) {
            System.err.println("usage: Stamper WIDTH gst-launch-argv...");
            System.exit(2);
        }
        int width = Integer.parseInt(args[0]);
        int stride = (width + 3) & ~3; // I420's luma stride
        List<String> argv = new ArrayList<>();
        boolean inserted = false;
        if (width < BITS * BLOCK) {
            System.err.println("stamper: the frame must be at least " + BITS * BLOCK + " pixels wide");
            System.exit(2);
        }
        boolean verbose = false;
        for (String a : Arrays.asList(args).subList(1, args.length)) {
            if (argv.isEmpty() && a.startsWith("-")) { // gst-launch-1.0's own options (-e, -v)
                verbose |= a.equals("-v") || a.equals("--verbose");
                continue;
            }
            if (!inserted && a.equals("x264enc")) {
                argv.addAll(List.of("identity", "name=stamp", "silent=true", "!"));
                inserted = true;
            }
            argv.add(a);
        }
        if (!inserted) {
            System.err.println("stamper: no x264enc in the pipeline");
            System.exit(2);
        }
        Gst.I.gst_init(null, null);
        Pointer[] err = new Pointer[1];
        Pointer pipeline = Gst.I.gst_parse_launchv(argv.toArray(String[]::new), err);
        if (pipeline == null || err[0] != null) {
            System.err.println("stamper: cannot build " + String.join(" ", argv));
            System.exit(3);
        }
        Pointer pad = Gst.I.gst_element_get_static_pad(Gst.I.gst_bin_get_by_name(pipeline, "stamp"), "src");
        Memory info = new Memory(128); // GstMapInfo (104 bytes), used by the streaming thread only
        byte[] top = new byte[BITS * BLOCK], bottom = new byte[BITS * BLOCK];
        boolean[] announced = {false};
        callback = (p, probeInfo, user) -> {
            Pointer buffer = probeInfo.getPointer(16); // GstPadProbeInfo.data
            if (!Gst.I.gst_mini_object_is_writable(buffer)) {
                buffer = Gst.I.gst_mini_object_make_writable(buffer);
                probeInfo.setPointer(16, buffer);
            }
            if (!Gst.I.gst_buffer_map(buffer, info, MAP_WRITE)) return PROBE_OK;
            try {
                Pointer data = info.getPointer(16);
                long t = System.currentTimeMillis() & 0xffffffffL;
                for (int bit = 0; bit < BITS; bit++) {
                    boolean one = ((t >>> (BITS - 1 - bit)) & 1) == 1;
                    Arrays.fill(top, bit * BLOCK, (bit + 1) * BLOCK, one ? WHITE : BLACK);
                    Arrays.fill(bottom, bit * BLOCK, (bit + 1) * BLOCK, one ? BLACK : WHITE);
                }
                for (int y = 0; y < BLOCK; y++) {
                    data.write((long) y * stride, top, 0, top.length);
                    data.write((long) (y + BLOCK) * stride, bottom, 0, bottom.length);
                }
            } finally {
                Gst.I.gst_buffer_unmap(buffer, info);
            }
            if (!announced[0]) {
                announced[0] = true;
                System.out.println("stamping");
                System.out.flush();
            }
            return PROBE_OK;
        };
        Gst.I.gst_pad_add_probe(pad, PROBE_TYPE_BUFFER, callback, null, null);
        if (verbose) {
            // as gst-launch-1.0 -v prints them: "PATH: caps = CAPS" for every pad whose caps are set
            // (our server takes its sink's caps line for "running" and the payloader's for the SDP)
            NativeLong padType = Gst.I.gst_pad_get_type();
            verboseCaps = (object, origin, pspec, user) -> {
                if (!GObject.I.g_type_check_instance_is_a(origin, padType)) return;
                Pointer caps = Gst.I.gst_pad_get_current_caps(origin);
                if (caps == null) return;
                String line = Gst.I.gst_object_get_path_string(origin).getString(0) + ": caps = "
                        + Gst.I.gst_caps_to_string(caps).getString(0); // two small strings per caps change are left to the process's end
                Gst.I.gst_mini_object_unref(caps);
                synchronized (System.out) {
                    System.out.println(line);
                    System.out.flush();
                }
            };
            GObject.I.g_signal_connect_data(pipeline, "deep-notify::caps", verboseCaps, null, null, 0);
        }
        Gst.I.gst_element_set_state(pipeline, 4);
        // runs until killed; an error or end of stream ends it with status 1
        Pointer bus = Gst.I.gst_element_get_bus(pipeline);
        Gst.I.gst_bus_timed_pop_filtered(bus, -1L, GST_MESSAGE_ERROR | GST_MESSAGE_EOS);
        System.err.println("stamper: the pipeline reported an error or ended");
        System.exit(1);
    }
}
