package stream.server.internal.record;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Access units from RTP/H.264 packets and the pre-roll's bounds, on packets laid out as rtph264pay sends them. */
class PreRollTest {
    private static final long SEC = 1_000_000_000L;

    /** One RTP packet: header, then the H.264 payload given. */
    private static ByteBuffer rtp(boolean marker, int seq, long ts, int... payload) {
        ByteBuffer b = ByteBuffer.allocate(12 + payload.length);
        b.put((byte) 0x80).put((byte) ((marker ? 0x80 : 0) | 96)).putShort((short) seq).putInt((int) ts).putInt(0x1234);
        for (int x : payload) b.put((byte) x);
        return b.flip();
    }

    @Test
    void packetsBecomeAccessUnitsAndTheParameterSetsBelongToTheKeyframe() {
        List<AccessUnit> units = new ArrayList<>();
        AccessUnitAssembler a = new AccessUnitAssembler(units::add);
        a.accept(rtp(false, 1, 3000, 0x67, 1, 2), 10);                     // SPS
        a.accept(rtp(false, 2, 3000, 0x68, 1), 11);                        // PPS
        a.accept(rtp(false, 3, 3000, 0x7c, 0x85, 9), 12);           // FU-A start of an IDR
        a.accept(rtp(true, 4, 3000, 0x7c, 0x45, 9), 13);            // FU-A end, marker
        a.accept(rtp(true, 5, 6000, 0x41, 9), 40);                         // a P slice
        a.accept(rtp(false, 6, 9000, 0x41, 9), 70);                        // marker lost...
        a.accept(rtp(true, 7, 12000, 0x18, 0, 2, 0x65, 9), 100);           // ...next unit: STAP-A with an IDR
        a.accept(ByteBuffer.wrap(new byte[] {1, 2, 3}), 101);                     // not RTP
        assertEquals(4, units.size());
        assertTrue(units.get(0).keyframe());
        assertEquals(4, units.get(0).packets().size());
        assertEquals(10, units.get(0).receivedNanos());
        assertFalse(units.get(1).keyframe());
        assertEquals(9000, units.get(2).rtpTimestamp());
        assertTrue(units.get(3).keyframe());
    }

    private static AccessUnit unit(long nanos, boolean key, int bytes) {
        return new AccessUnit(List.of(new byte[bytes]), nanos, nanos / 11111, key);
    }

    @Test
    void keepsWholeKeyframeIntervalsReachingBackAtLeastTheTimeAndWithinTheBytes() {
        PreRoll r = new PreRoll(3 * SEC, 1_000_000);
        r.add(unit(0, false, 100)); // before any keyframe: useless, not kept
        assertTrue(r.latestGop().isEmpty());
        // 10 s at 10 units a second, a keyframe every second
        for (int i = 0; i < 100; i++) r.add(unit(i * SEC / 10, i % 10 == 0, 100));
        long newest = 99 * SEC / 10;
        List<AccessUnit> all = r.since(0);
        assertTrue(all.get(0).keyframe());
        // at least 3 s back from the newest, from a keyframe: the one at 6 s
        assertEquals(6 * SEC, all.get(0).receivedNanos());
        assertEquals(40, all.size());
        // from the keyframe at or before the moment asked for
        assertEquals(8 * SEC, r.since(newest - 1500 * SEC / 1000).get(0).receivedNanos());
        assertEquals(9 * SEC, r.since(9 * SEC).get(0).receivedNanos());
        assertEquals(10, r.latestGop().size());
        assertEquals(4000, r.bytes());
        // the byte bound drops whole intervals, oldest first
        PreRoll small = new PreRoll(60 * SEC, 2500);
        for (int i = 0; i < 100; i++) small.add(unit(i * SEC / 10, i % 10 == 0, 100));
        assertEquals(2000, small.bytes());
        assertEquals(8 * SEC, small.since(0).get(0).receivedNanos());
        small.clear();
        assertTrue(small.newestNanos().isEmpty());
    }
}
