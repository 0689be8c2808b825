package stream.server.internal.janus;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** Real UDP on loopback: the forwarder sends exactly the slice it is given, to the destination of the moment. */
class RtpForwarderTest {
    @Test
    void sendsTheSliceToTheCurrentTargetAndNothingWithoutOne() throws Exception {
        try (RtpForwarder f = new RtpForwarder(); DatagramSocket a = new DatagramSocket(0, InetAddress.getLoopbackAddress());
             DatagramSocket b = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
            a.setSoTimeout(2000);
            b.setSoTimeout(300);
            byte[] buf = new byte[100];
            for (int i = 0; i < buf.length; i++) buf[i] = (byte) i;

            f.accept(buf, 0, 50); // no target yet: dropped silently, not counted as sent
            f.target(new InetSocketAddress(InetAddress.getLoopbackAddress(), a.getLocalPort()));
            f.accept(buf, 10, 20);
            DatagramPacket p = new DatagramPacket(new byte[200], 200);
            a.receive(p);
            assertArrayEquals(Arrays.copyOfRange(buf, 10, 30), Arrays.copyOf(p.getData(), p.getLength()));

            f.target(new InetSocketAddress(InetAddress.getLoopbackAddress(), b.getLocalPort()));
            f.accept(buf, 0, 12);
            b.setSoTimeout(2000);
            DatagramPacket q = new DatagramPacket(new byte[200], 200);
            b.receive(q);
            assertEquals(12, q.getLength());

            f.target(null);
            f.accept(buf, 0, 12);
            b.setSoTimeout(300);
            try {
                b.receive(q);
                throw new AssertionError("a packet arrived with no target set");
            } catch (SocketTimeoutException expected) {
                // nothing sent
            }
            assertNull(f.target());
            assertEquals(2, f.packets());
            assertEquals(32, f.bytes());
            assertEquals(0, f.dropped());
        }
    }
}
