package stream.viewer;

import com.sun.jna.Library;
import com.sun.jna.Native;
import com.sun.jna.Pointer;
import java.util.HashSet;
import java.util.Set;
import java.util.function.Consumer;
import java.util.function.LongSupplier;
import stream.viewer.internal.NativeProbes;

/**
 * Tells the stream from a second sender on the same UDP port. Every RTP packet names its source
 * (SSRC): the first source heard is the stream; a packet of another source while the stream is
 * still sending (it sent within the last second) is from another program sending to this port,
 * which would make the picture broken. Those packets are dropped, and the viewer says once per
 * such source who sends them (the address udpsrc received them from). A new source after the
 * stream fell silent for a second is the stream started again, and becomes the stream. Each new
 * stream's sender is told on, as where the viewer's keyframe requests go. On a multicast group,
 * shared by design, nothing is dropped.
 */
final class SenderWatch implements NativeProbes.Probe {
    /** How long the stream may be silent before a new source is taken as the stream started again. */
    static final long QUIET_NANOS = 1_000_000_000L;

    /** The C call gst1-java-core 1.4 does not offer: a buffer's sender's address. */
    public interface Gst extends Library {
        Pointer gst_buffer_get_meta(Pointer buffer, long api);
    }

    /** libgstnet-1.0: the meta udpsrc puts on each buffer with the address it came from. */
    public interface GstNet extends Library {
        long gst_net_address_meta_api_get_type();
    }

    /** libgio-2.0. */
    public interface Gio extends Library {
        Pointer g_inet_socket_address_get_address(Pointer address);

        short g_inet_socket_address_get_port(Pointer address);

        Pointer g_inet_address_to_string(Pointer address);
    }

    /** libglib-2.0. */
    public interface Glib extends Library {
        void g_free(Pointer p);
    }

    private static final class C { // loaded on first use
        static final Gst GST = Native.load("gstreamer-1.0", Gst.class);
        static final GstNet NET = Native.load("gstnet-1.0", GstNet.class);
        static final Gio GIO = Native.load("gio-2.0", Gio.class);
        static final Glib GLIB = Native.load("glib-2.0", Glib.class);
        static final long ADDRESS_META = NET.gst_net_address_meta_api_get_type();
    }

    private final int port;
    private final Consumer<String> say;
    private final LongSupplier clock;
    private final boolean exclusive;
    private final Consumer<String> onStream;
    private final byte[] header = new byte[12];
    private final Set<Long> told = new HashSet<>();
    private long stream = -1; // the stream's SSRC, -1 before the first packet
    private String streamFrom = "?";
    private long lastStreamPacket;
    private boolean broken;

    /**
     * @param port the UDP port, for the message
     * @param say where the message goes
     * @param clock System::nanoTime, or a test's clock
     */
    SenderWatch(int port, Consumer<String> say, LongSupplier clock) {
        this(port, say, clock, true, address -> {});
    }

    /**
     * @param port the UDP port, for the message
     * @param say where the message goes
     * @param clock System::nanoTime, or a test's clock
     * @param exclusive whether a second sender's packets are dropped (unicast); a multicast group is shared by design
     * @param onStream hears the address ("HOST:PORT", "[V6]:PORT") of each new stream's sender, on the streaming thread
     */
    SenderWatch(int port, Consumer<String> say, LongSupplier clock, boolean exclusive, Consumer<String> onStream) {
        this.port = port;
        this.say = say;
        this.clock = clock;
        this.exclusive = exclusive;
        this.onStream = onStream;
    }

    /** Called from C for every packet udpsrc receives (a buffer probe on its src pad). */
    @Override
    public int invoke(Pointer pad, Pointer info, Pointer userData) {
        if (broken) return NativeProbes.OK;
        try {
            Pointer p = NativeProbes.buffer(info);
            if (p == null) return NativeProbes.OK;
            if (NativeProbes.extract(p, 0, header) < 12 || (header[0] & 0xC0) != 0x80) return NativeProbes.OK; // not RTP v2
            long ssrc = ((header[8] & 0xFFL) << 24) | ((header[9] & 0xFFL) << 16) | ((header[10] & 0xFFL) << 8) | (header[11] & 0xFFL);
            return packet(ssrc, () -> sender(p)) ? NativeProbes.OK : NativeProbes.DROP;
        } catch (LinkageError | RuntimeException e) {
            broken = true; // a library that would not load: the picture goes on, unwatched
            say.accept("cannot watch for a second sender on udp/" + port + ": " + e);
            return NativeProbes.OK;
        }
    }

    /** The sender's address, read only when it is needed. */
    interface Sender {
        String address();
    }

    /**
     * @param ssrc the packet's source
     * @param sender its sender's address
     * @return whether the packet is the stream's (else it is dropped)
     */
    boolean packet(long ssrc, Sender sender) {
        long now = clock.getAsLong();
        if (ssrc == stream) {
            lastStreamPacket = now;
            return true;
        }
        if (stream == -1 || now - lastStreamPacket > QUIET_NANOS) {
            stream = ssrc;
            streamFrom = sender.address();
            lastStreamPacket = now;
            told.remove(ssrc);
            onStream.accept(streamFrom);
            return true;
        }
        if (!exclusive) return true;
        if (told.add(ssrc)) {
            say.accept(String.format("another sender on udp/%d: %s (RTP source %08x) sends beside the stream from %s"
                    + " (source %08x); its packets are dropped. Two programs sending to one port make broken video:"
                    + " stop the other one, or send it to another port", port, sender.address(), ssrc, streamFrom, stream));
        }
        return false;
    }

    /** @return "ADDRESS:PORT" of the buffer's sender, or "an unknown address" */
    private static String sender(Pointer buffer) {
        try {
            Pointer meta = C.GST.gst_buffer_get_meta(buffer, C.ADDRESS_META);
            if (meta == null) return "an unknown address";
            Pointer address = meta.getPointer(Native.POINTER_SIZE * 2L); // after GstMeta's flags and info
            Pointer inet = C.GIO.g_inet_socket_address_get_address(address);
            Pointer text = C.GIO.g_inet_address_to_string(inet);
            String host = text.getString(0);
            C.GLIB.g_free(text);
            int port = C.GIO.g_inet_socket_address_get_port(address) & 0xFFFF;
            return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + port;
        } catch (UnsatisfiedLinkError | RuntimeException e) {
            return "an unknown address";
        }
    }
}
