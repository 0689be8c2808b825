package stream.server.internal.supervisor;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import stream.testkit.Await;

/**
 * The server's side of viewers' keyframe requests, on real UDP sockets: only compound RTCP that
 * carries a PLI or FIR goes on to the child's keyframe port, byte for byte, at most one per 250 ms;
 * the send port below the feedback port is free for the child, and a new pair is taken when
 * another program took it.
 */
class ViewerFeedbackTest {
    private static final int VIEWER = 0x11111111, STREAM = 0x22222222;

    private static byte[] receiverReport() {
        return ByteBuffer.allocate(8).put((byte) 0x80).put((byte) 201).putShort((short) 1).putInt(VIEWER).array();
    }

    /** Payload-specific feedback (206) of the format: 1 PLI, 4 FIR (with its FCI entry). */
    private static byte[] feedback(int format) {
        ByteBuffer b = ByteBuffer.allocate(format == 4 ? 20 : 12);
        b.put((byte) (0x80 | format)).put((byte) 206).putShort((short) (b.capacity() / 4 - 1)).putInt(VIEWER).putInt(format == 4 ? 0 : STREAM);
        if (format == 4) b.putInt(STREAM).putInt(0x01000000);
        return b.array();
    }

    private static byte[] compound(byte[]... packets) {
        int n = 0;
        for (byte[] p : packets) n += p.length;
        ByteBuffer b = ByteBuffer.allocate(n);
        for (byte[] p : packets) b.put(p);
        return b.array();
    }

    private static boolean asks(byte[] datagram) {
        return ViewerFeedback.carriesKeyframeRequest(ByteBuffer.wrap(datagram));
    }

    @Test
    void tellsKeyframeRequestsFromReportsAndFromWhatIsNotRtcp() {
        assertTrue(asks(compound(receiverReport(), feedback(1))), "a receiver report with a PLI, as rtpbin sends it");
        assertTrue(asks(feedback(1)), "a reduced-size PLI");
        assertTrue(asks(compound(receiverReport(), feedback(4))), "a FIR");
        assertFalse(asks(receiverReport()), "a receiver report alone");
        assertFalse(asks(compound(receiverReport(), feedback(15))), "an application-layer feedback (REMB)");
        byte[] cut = compound(receiverReport(), feedback(1));
        assertFalse(ViewerFeedback.carriesKeyframeRequest(ByteBuffer.wrap(cut, 0, cut.length - 1)), "a PLI cut short");
        byte[] rtp = compound(feedback(1));
        rtp[1] = 96; // an RTP packet of payload type 96
        assertFalse(asks(rtp));
        assertFalse(asks("GET / HTTP/1.1\r\n".getBytes()));
        assertFalse(asks(new byte[0]));
    }

    @Test
    void passesOnlyKeyframeRequestsToTheChildByteForByteAtMostOneAQuarterSecond() throws Exception {
        AtomicLong clock = new AtomicLong(1_000_000_000L);
        try (DatagramSocket child = new DatagramSocket(0, InetAddress.getLoopbackAddress());
             DatagramSocket viewer = new DatagramSocket()) {
            child.setSoTimeout(300);
            ViewerFeedback f = ViewerFeedback.open("main", child::getLocalPort, clock::get);
            assertNotNull(f, "a free pair of ports");
            try (f) {
                assertEquals(f.port() - 1, f.sendPort());
                var to = new InetSocketAddress(InetAddress.getLoopbackAddress(), f.port());
                byte[] pli = compound(receiverReport(), feedback(1));

                viewer.send(new java.net.DatagramPacket(receiverReport(), 8, to));
                viewer.send(new java.net.DatagramPacket(pli, pli.length, to));
                assertArrayEquals(pli, receive(child), "the PLI, as the viewer sent it");
                Await.until("the report counted as ignored", Duration.ofSeconds(5), () -> f.dropped() == 1);

                viewer.send(new java.net.DatagramPacket(pli, pli.length, to)); // within 250 ms of the last
                Await.until("the second request counted as ignored", Duration.ofSeconds(5), () -> f.dropped() == 2);
                assertNull(receive(child), "a request within 250 ms of the last does not go on");

                clock.addAndGet(ViewerFeedback.MIN_INTERVAL_NANOS);
                viewer.send(new java.net.DatagramPacket(pli, pli.length, to));
                assertArrayEquals(pli, receive(child), "a request 250 ms later goes on");
                assertEquals(2, f.passed());
            }
        }
    }

    @Test
    void theSendPortIsFreeForTheChildAndANewPairIsTakenWhenAnotherProgramHasIt() throws Exception {
        ViewerFeedback f = ViewerFeedback.open("main", () -> 0);
        assertNotNull(f);
        try (f) {
            int send = f.sendPort();
            assertEquals(0, send % 2, "RTP on an even port");
            assertEquals(send + 1, f.port());
            try (DatagramSocket other = new DatagramSocket(send)) { // free now; another program takes it
                assertEquals(send, other.getLocalPort());
                int next = f.sendPort();
                assertNotEquals(send, next);
                assertEquals(next + 1, f.port());
                // The old feedback port is let go (once its listener, blocked in receive, has woken to the close).
                Await.until("the old feedback port " + (send + 1) + " free again", Duration.ofSeconds(10), () -> {
                    try (DatagramSocket old = new DatagramSocket(send + 1)) {
                        return old.getLocalPort() == send + 1;
                    } catch (java.net.BindException e) {
                        return false;
                    }
                });
            }
        }
        assertEquals(0, f.sendPort(), "closed");
    }

    private static byte[] receive(DatagramSocket s) throws Exception {
        var p = new java.net.DatagramPacket(new byte[1600], 1600);
        try {
            s.receive(p);
        } catch (SocketTimeoutException e) {
            return null;
        }
        return java.util.Arrays.copyOf(p.getData(), p.getLength());
    }
}
