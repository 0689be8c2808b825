package stream.server.internal.record;

import java.util.ArrayList;
import java.util.List;
import stream.server.internal.rtp.VideoCodec;

/**
 * The newest parameter sets a stream sent in band (H.264 SPS/PPS, H.265 VPS/SPS/PPS), so a GOP
 * taken from the pre-roll can be decoded on its own even when the sender did not put them in
 * front of its keyframe: RTP payloaders that repeat them by the clock (rtph265pay
 * {@code config-interval=1}) put them some frames after it, and a decoder fed such a GOP from its
 * keyframe drops the keyframe and shows nothing (or grey differences).
 *
 * <p>Not thread-safe: its {@link StreamCapture} guards it.
 */
final class ParameterSets {
    private static final int H264_SPS = 7, H264_PPS = 8, H265_VPS = 32, H265_SPS = 33, H265_PPS = 34;
    private final byte[][] sets = new byte[3][]; // the NAL units: VPS (H.265 only), SPS, PPS
    private VideoCodec codec;

    /** Notes the parameter sets a unit carries, alone or aggregated. */
    void accept(AccessUnit u) {
        for (byte[] p : u.packets()) {
            VideoCodec c = VideoCodec.of(p[1] & 0x7F);
            if (c != codec) {
                clear();
                codec = c;
            }
            int off = payloadOffset(p), end = payloadEnd(p);
            if (off < 0 || off >= end) continue;
            int aggregate = c == VideoCodec.H264 ? 24 : 48, header = c == VideoCodec.H264 ? 1 : 2;
            if (type(p, off) == aggregate) {
                for (int i = off + header; i + 2 < end; ) {
                    int size = ((p[i] & 0xFF) << 8) | (p[i + 1] & 0xFF);
                    i += 2;
                    if (size == 0 || i + size > end) break;
                    note(p, i, i + size);
                    i += size;
                }
            } else {
                note(p, off, end);
            }
        }
    }

    /** Forgets them: a new stream may have others. */
    void clear() {
        sets[0] = sets[1] = sets[2] = null;
    }

    /**
     * @param gop a GOP from the pre-roll, its keyframe first
     * @return the GOP, its keyframe unit preceded by the parameter sets it lacks (single NAL unit
     *     packets with the keyframe's timestamp and the sequence numbers just before its own); the
     *     GOP itself when it has them, or when they are not known
     */
    List<AccessUnit> completing(List<AccessUnit> gop) {
        if (gop.isEmpty() || codec == null) return gop;
        AccessUnit key = gop.get(0);
        ParameterSets own = new ParameterSets();
        own.accept(key);
        if (own.codec != codec) return gop;
        List<byte[]> missing = new ArrayList<>();
        for (int i = codec == VideoCodec.H264 ? 1 : 0; i < 3; i++) {
            if (own.sets[i] != null) continue;
            if (sets[i] == null) return gop; // not known: nothing to add that would help
            missing.add(sets[i]);
        }
        if (missing.isEmpty()) return gop;
        byte[] first = key.packets().get(0);
        int seq = ((first[2] & 0xFF) << 8) | (first[3] & 0xFF);
        List<byte[]> packets = new ArrayList<>();
        for (int i = 0; i < missing.size(); i++) {
            byte[] nal = missing.get(i);
            byte[] p = new byte[12 + nal.length];
            System.arraycopy(first, 0, p, 0, 12);
            p[0] = (byte) 0x80; // version 2, no padding, extension or CSRCs
            p[1] &= 0x7F; // no marker: the keyframe's own packets follow
            int s = (seq - missing.size() + i) & 0xFFFF;
            p[2] = (byte) (s >> 8);
            p[3] = (byte) s;
            System.arraycopy(nal, 0, p, 12, nal.length);
            packets.add(p);
        }
        packets.addAll(key.packets());
        List<AccessUnit> out = new ArrayList<>(gop.size());
        out.add(new AccessUnit(packets, key.receivedNanos(), key.rtpTimestamp(), true));
        out.addAll(gop.subList(1, gop.size()));
        return out;
    }

    private void note(byte[] p, int from, int to) {
        int t = type(p, from);
        int slot = codec == VideoCodec.H265 ? (t == H265_VPS ? 0 : t == H265_SPS ? 1 : t == H265_PPS ? 2 : -1)
                : (t == H264_SPS ? 1 : t == H264_PPS ? 2 : -1);
        if (slot >= 0) sets[slot] = java.util.Arrays.copyOfRange(p, from, to);
    }

    private int type(byte[] p, int off) {
        return codec == VideoCodec.H264 ? p[off] & 0x1F : (p[off] >> 1) & 0x3F;
    }

    private static int payloadOffset(byte[] p) {
        if (p.length < 12) return -1;
        int off = 12 + 4 * (p[0] & 0x0F);
        if ((p[0] & 0x10) != 0) {
            if (p.length < off + 4) return -1;
            off += 4 + 4 * (((p[off + 2] & 0xFF) << 8) | (p[off + 3] & 0xFF));
        }
        return off;
    }

    private static int payloadEnd(byte[] p) {
        return (p[0] & 0x20) != 0 ? p.length - (p[p.length - 1] & 0xFF) : p.length;
    }
}
