package stream.server.internal.record;

import java.util.List;
import java.util.Objects;

/**
 * One H.264 access unit (a frame) as it came over RTP: its packets in order, when the first
 * arrived, its RTP timestamp, and whether it holds an IDR picture (a point where decoding can start).
 *
 * @param packets the RTP packets, whole (header and payload); never changed after creation
 * @param receivedNanos when its first packet arrived, on the tap's clock
 * @param rtpTimestamp the 32-bit RTP timestamp of its packets
 * @param keyframe whether it holds an IDR slice
 */
public record AccessUnit(List<byte[]> packets, long receivedNanos, long rtpTimestamp, boolean keyframe) {
    /** Copies the list. */
    public AccessUnit {
        packets = List.copyOf(Objects.requireNonNull(packets, "packets"));
    }

    /** @return the bytes of all its packets */
    public long bytes() {
        long n = 0;
        for (byte[] p : packets) n += p.length;
        return n;
    }
}
