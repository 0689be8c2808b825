package stream.server.internal.record;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * Groups RTP/H.264 packets (RFC 6184) into access units: a unit ends at the marker bit, or when a
 * packet with another RTP timestamp arrives (the marker packet was lost). It notes IDR slices in
 * single NAL packets, STAP-A and the first fragment of FU-A, so the parameter sets that the payloader
 * sends before an IDR belong to the keyframe's unit and a decoder can start with it.
 *
 * <p>Not thread-safe: one thread (the tap's reader) feeds it.
 */
public final class AccessUnitAssembler {
    private static final int NAL_IDR = 5, STAP_A = 24, FU_A = 28;

    private final Consumer<AccessUnit> sink;
    private final List<byte[]> current = new ArrayList<>();
    private long firstNanos, timestamp;
    private boolean keyframe;

    /** @param sink gets each complete unit, on the feeding thread */
    public AccessUnitAssembler(Consumer<AccessUnit> sink) {
        this.sink = Objects.requireNonNull(sink, "sink");
    }

    /**
     * Takes one packet (copied); packets that are not RTP version 2 are ignored.
     * @param packet the datagram
     * @param nanos when it arrived
     */
    public void accept(ByteBuffer packet, long nanos) {
        int len = packet.remaining();
        int base = packet.position();
        if (len < 13 || (packet.get(base) & 0xC0) != 0x80) return;
        byte[] p = new byte[len];
        packet.get(base, p);
        long ts = ((p[4] & 0xFFL) << 24) | ((p[5] & 0xFF) << 16) | ((p[6] & 0xFF) << 8) | (p[7] & 0xFF);
        if (!current.isEmpty() && ts != timestamp) flush();
        if (current.isEmpty()) {
            firstNanos = nanos;
            timestamp = ts;
        }
        current.add(p);
        keyframe |= hasIdr(p);
        if ((p[1] & 0x80) != 0) flush();
    }

    private void flush() {
        if (current.isEmpty()) return;
        AccessUnit unit = new AccessUnit(current, firstNanos, timestamp, keyframe);
        current.clear();
        keyframe = false;
        sink.accept(unit);
    }

    /** Whether the packet carries (the start of) an IDR slice. */
    static boolean hasIdr(byte[] p) {
        int off = 12 + 4 * (p[0] & 0x0F);
        if ((p[0] & 0x10) != 0) { // header extension
            if (p.length < off + 4) return false;
            off += 4 + 4 * (((p[off + 2] & 0xFF) << 8) | (p[off + 3] & 0xFF));
        }
        int end = p.length;
        if ((p[0] & 0x20) != 0) end -= p[end - 1] & 0xFF; // padding
        if (off >= end) return false;
        int type = p[off] & 0x1F;
        if (type == NAL_IDR) return true;
        if (type == FU_A) return off + 1 < end && (p[off + 1] & 0x80) != 0 && (p[off + 1] & 0x1F) == NAL_IDR;
        if (type == STAP_A) {
            for (int i = off + 1; i + 2 < end; ) {
                int size = ((p[i] & 0xFF) << 8) | (p[i + 1] & 0xFF);
                i += 2;
                if (size == 0 || i + size > end) return false;
                if ((p[i] & 0x1F) == NAL_IDR) return true;
                i += size;
            }
        }
        return false;
    }
}
