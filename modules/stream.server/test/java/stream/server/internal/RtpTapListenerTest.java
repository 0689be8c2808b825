package stream.server.internal;

import stream.server.internal.rtp.RtpTap;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import java.time.Duration;
import stream.testkit.Await;

/** The tap's packet listeners, over real UDP. */
class RtpTapListenerTest {
    private static ByteBuffer rtp(int seq) {
        ByteBuffer b = ByteBuffer.allocate(15);
        b.put((byte) 0x80).put((byte) 96).putShort((short) seq).putInt(seq * 3000).putInt(0x1234);
        return b.put((byte) 0x41).put((byte) seq).put((byte) 0).flip();
    }

    @Test
    void listenersGetEveryRtpPacketWithItsTimeAndABadListenerHarmsNothing() throws Exception {
        List<byte[]> got = new CopyOnWriteArrayList<>();
        List<Long> times = new CopyOnWriteArrayList<>();
        RtpTap.PacketListener good = (p, t) -> {
            byte[] b = new byte[p.remaining()];
            p.get(b); // read-only view: copy what is kept
            got.add(b);
            times.add(t);
        };
        RtpTap.PacketListener bad = (p, t) -> {
            throw new IllegalStateException("a listener that fails");
        };
        try (RtpTap tap = RtpTap.open(); DatagramChannel out = DatagramChannel.open()) {
            var to = new InetSocketAddress(InetAddress.getLoopbackAddress(), tap.port());
            tap.addListener(bad);
            tap.addListener(good);
            long before = System.nanoTime();
            for (int i = 0; i < 5; i++) out.send(rtp(i), to);
            out.send(ByteBuffer.wrap("not rtp".getBytes()), to);
            Await.until(() -> "tap.snapshot().packets() == 5 && got.size() == 5: " + got.toString(), Duration.ofSeconds(20), () -> tap.snapshot().packets() == 5 && got.size() == 5);
            for (int i = 0; i < 5; i++) {
                assertArrayEquals(rtp(i).array(), got.get(i));
                assertTrue(times.get(i) >= before && times.get(i) <= System.nanoTime());
            }
            tap.removeListener(good);
            out.send(rtp(5), to);
            Await.until("tap.snapshot().packets() == 6", Duration.ofSeconds(20), () -> tap.snapshot().packets() == 6);
            Thread.sleep(100); // the sleep is the test: nothing reaches the removed listener meanwhile
            assertEquals(5, got.size(), "no packet after removal");
        }
    }
}
