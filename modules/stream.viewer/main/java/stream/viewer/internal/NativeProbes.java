package stream.viewer.internal;

import com.sun.jna.Callback;
import com.sun.jna.Library;
import com.sun.jna.Native;
import com.sun.jna.NativeLong;
import com.sun.jna.Pointer;
import org.freedesktop.gstreamer.Pad;
import org.freedesktop.gstreamer.glib.Natives;

/**
 * Pad probes that C calls straight through JNA, for the probes that run on every packet or frame.
 *
 * <p>gst1-java-core's {@code Pad.addProbe} wraps every call in Java objects: a PadProbeInfo (a JNA
 * Structure read by reflection), the Pad and the Buffer looked up by their pointers. Measured on the
 * native viewer decoding 720p30 (perf, 10 s windows against gst-launch-1.0's bare receiver at
 * 0.028-0.030 cores): its two per-frame probes through gst1-java-core cost 0.008 cores, a quarter
 * of the viewer's CPU; through this class they cost what the JNA call itself does.
 *
 * <p>A probe's callback object must stay strongly reachable while the probe is installed (JNA
 * keeps only a weak reference): the caller keeps it in a field or a keep-alive list.
 */
public final class NativeProbes {
    /** GstPadProbeCallback; returns one of {@link #OK} or {@link #DROP}. */
    public interface Probe extends Callback {
        /**
         * @param pad the GstPad
         * @param info the GstPadProbeInfo ({@link #buffer} reads its buffer)
         * @param userData unused (null)
         * @return a GstPadProbeReturn
         */
        int invoke(Pointer pad, Pointer info, Pointer userData);
    }

    /** GstPadProbeType: a buffer, and a buffer list. */
    public static final int BUFFER = 1 << 4;
    public static final int BUFFER_LIST = 1 << 5;
    /** GstPadProbeReturn: drop the data, or let it pass. */
    public static final int DROP = 0;
    public static final int OK = 1;

    interface Gst extends Library {
        NativeLong gst_pad_add_probe(Pointer pad, int mask, Probe callback, Pointer userData, Pointer destroy);

        NativeLong gst_buffer_extract(Pointer buffer, NativeLong offset, byte[] dest, NativeLong size);
    }

    private static final class C { // loaded on first use
        static final Gst GST = Native.load("gstreamer-1.0", Gst.class);
    }

    private NativeProbes() {}

    /**
     * Installs a probe for as long as the pad lives.
     * @param pad the pad
     * @param mask {@link #BUFFER}, and {@link #BUFFER_LIST} for pads that may carry lists
     * @param probe the callback (keep it reachable)
     */
    public static void add(Pad pad, int mask, Probe probe) {
        add(Natives.getRawPointer(pad), mask, probe);
    }

    /** {@link #add(Pad, int, Probe)} for a GstPad known by its pointer only (the RTSP gateway's plain JNA). */
    public static void add(Pointer pad, int mask, Probe probe) {
        C.GST.gst_pad_add_probe(pad, mask, probe, null, null);
    }

    /**
     * @param info a GstPadProbeInfo
     * @return its data: the GstBuffer of a buffer probe (or the GstBufferList of a list)
     */
    public static Pointer buffer(Pointer info) {
        // struct GstPadProbeInfo { GstPadProbeType type; gulong id; gpointer data; ... }
        return info.getPointer(2L * Native.LONG_SIZE);
    }

    /**
     * Copies bytes out of a buffer (an RTP packet's header, say) without mapping it into Java.
     * @param buffer a GstBuffer
     * @param offset where to start
     * @param dest filled from its start
     * @return how many bytes were copied (fewer than dest's length when the buffer is shorter)
     */
    public static int extract(Pointer buffer, long offset, byte[] dest) {
        return C.GST.gst_buffer_extract(buffer, new NativeLong(offset), dest, new NativeLong(dest.length)).intValue();
    }

    /**
     * @param info a GstPadProbeInfo
     * @return whether its data is a buffer list
     */
    public static boolean isList(Pointer info) {
        return (info.getInt(0) & BUFFER_LIST) != 0;
    }
}
