package stream.viewer;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import org.junit.jupiter.api.Test;

/** What of rtpbin's RTCP leaves the viewer: compound packets with a PLI or FIR, not its receiver reports. */
class KeyframeRequestsOnlyTest {
    private static final byte[] RR = ByteBuffer.allocate(8).put((byte) 0x80).put((byte) 201).putShort((short) 1).putInt(7).array();
    private static final byte[] SDES = ByteBuffer.allocate(12).put((byte) 0x81).put((byte) 202).putShort((short) 2).putInt(7)
            .put((byte) 1).put((byte) 2).put((byte) 'a').put((byte) 'b').array();

    private static byte[] feedback(int format) {
        return ByteBuffer.allocate(12).put((byte) (0x80 | format)).put((byte) 206).putShort((short) 2).putInt(7).putInt(9).array();
    }

    private static boolean lets(byte[]... packets) {
        var b = ByteBuffer.allocate(1500);
        for (byte[] p : packets) b.put(p);
        return KeyframeRequestsOnly.carriesKeyframeRequest(b.array(), b.position());
    }

    @Test
    void onlyKeyframeRequestsLeave() {
        assertTrue(lets(RR, SDES, feedback(1)), "rtpbin's compound with a PLI");
        assertTrue(lets(RR, SDES, feedback(4)), "with a FIR");
        assertFalse(lets(RR, SDES), "its regular report");
        assertFalse(lets(RR, SDES, feedback(15)), "REMB, not a keyframe request");
        byte[] cut = feedback(1);
        assertFalse(KeyframeRequestsOnly.carriesKeyframeRequest(cut, cut.length - 4), "cut short");
        assertFalse(KeyframeRequestsOnly.carriesKeyframeRequest(new byte[1500], 0));
    }
}
