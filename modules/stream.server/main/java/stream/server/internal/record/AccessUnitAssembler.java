package stream.server.internal.record;

import java.nio.ByteBuffer;
import stream.server.internal.rtp.VideoCodec;
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

    /** Whether the packet carries (the start of) a keyframe of its codec, which its payload type says (H.264 or H.265). */
    static boolean hasIdr(byte[] p) {
        return VideoCodec.of(p[1] & 0x7F).startsKeyframe(p);
    }
}
