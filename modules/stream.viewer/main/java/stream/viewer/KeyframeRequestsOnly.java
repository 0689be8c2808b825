package stream.viewer;

import com.sun.jna.Pointer;
import stream.viewer.internal.NativeProbes;

/**
 * Lets out of the viewer only the RTCP that asks the sender for a keyframe (a PLI or a FIR), not
 * rtpbin's receiver reports every few seconds: the port after the video's source port is our
 * server's on our own streams, but may be anything on another sender's host, which should hear
 * from a viewer only when it needs a picture.
 */
final class KeyframeRequestsOnly implements NativeProbes.Probe {
    private final byte[] packet = new byte[1500];

    /** Called from C for each RTCP packet rtpbin sends (a buffer probe on the feedback sink's pad). */
    @Override
    public int invoke(Pointer pad, Pointer info, Pointer userData) {
        Pointer buffer = NativeProbes.buffer(info);
        if (buffer == null) return NativeProbes.DROP;
        int length = NativeProbes.extract(buffer, 0, packet);
        return carriesKeyframeRequest(packet, length) ? NativeProbes.OK : NativeProbes.DROP;
    }

    /**
     * Walks the packets of a compound RTCP datagram (RFC 3550 section 6.1: each a 4-byte header whose
     * last two bytes give its length in 32-bit words minus one) for a payload-specific feedback packet
     * (type 206) of format 1 (PLI, RFC 4585) or 4 (FIR, RFC 5104).
     * @param p the datagram
     * @param length its length in p
     * @return whether it is RTCP and asks for a keyframe
     */
    static boolean carriesKeyframeRequest(byte[] p, int length) {
        int at = 0;
        while (at + 4 <= length) {
            int first = p[at] & 0xFF;
            int type = p[at + 1] & 0xFF;
            if ((first >> 6) != 2 || type < 192 || type > 223) return false; // not RTCP version 2
            int size = 4 * ((((p[at + 2] & 0xFF) << 8) | (p[at + 3] & 0xFF)) + 1);
            if (at + size > length) return false;
            int format = first & 0x1F;
            if (type == 206 && (format == 1 || format == 4)) return true;
            at += size;
        }
        return false;
    }
}
