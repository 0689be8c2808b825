package stream.server.internal;

import stream.server.internal.rtp.RtpTap;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import java.time.Duration;
import stream.testkit.Await;

class RtpTapTest {
    private static ByteBuffer rtp(boolean marker, int seq, byte... payload) {
        ByteBuffer b = ByteBuffer.allocate(12 + payload.length);
        b.put((byte) 0x80).put((byte) ((marker ? 0x80 : 0) | 96)).putShort((short) seq).putInt(seq * 6000).putInt(0x1234);
        return b.put(payload).flip();
    }

    @Test
    void countsPacketsBytesAndMarkerBitsOfRealDatagramsAndIgnoresNonRtp() throws Exception {
        try (RtpTap tap = RtpTap.open(); DatagramChannel out = DatagramChannel.open()) {
            var to = new InetSocketAddress(InetAddress.getLoopbackAddress(), tap.port());
            assertTrue(tap.destination().endsWith(":" + tap.port()));
            int bytes = 0;
            for (int i = 0; i < 10; i++) {
                ByteBuffer p = rtp(i % 3 == 2, i, (byte) 0x41, (byte) i, (byte) 0);
                bytes += p.remaining();
                out.send(p, to);
            }
            out.send(ByteBuffer.wrap("GET / HTTP/1.0\r\n".getBytes()), to); // version 1: not RTP
            out.send(ByteBuffer.wrap(new byte[] {(byte) 0x80, 1, 2}), to);  // shorter than a header
            // STAP-A with an SPS and a PPS, as some payloaders aggregate them
            byte[] sps = {0x67, 0x42, (byte) 0xc0, 0x15, 1, 2};
            byte[] pps = {0x68, (byte) 0xce, 0x3c, (byte) 0x80};
            ByteBuffer stap = ByteBuffer.allocate(1 + 2 + sps.length + 2 + pps.length);
            stap.put((byte) 24).putShort((short) sps.length).put(sps).putShort((short) pps.length).put(pps);
            ByteBuffer p = rtp(false, 10, stap.array());
            bytes += p.remaining();
            out.send(p, to);
            Await.until(() -> "tap.snapshot().packets() == 11: " + tap.snapshot().toString(), Duration.ofSeconds(20), () -> tap.snapshot().packets() == 11);
            RtpTap.Stats s = tap.snapshot();
            assertEquals(3, s.frames());
            assertEquals(bytes, s.bytes());
            var params = tap.h264Params().orElseThrow();
            assertEquals("42c015", params.profileLevelId());
            assertEquals("Z0LAFQEC,aM48gA==", params.spropParameterSets());
            tap.reset();
            assertEquals(0, tap.snapshot().packets());
            assertTrue(tap.h264Params().isEmpty());
        }
    }

    /**
     * A keyframe cut into FU-A fragments (every 720p one is) counts once, at its start fragment: the first byte after
     * the FU header is the slice header there, and any byte of the picture in the middle and end fragments.
     */
    @Test
    void countsAKeyframeInFragmentsOnceAndSingleNalKeyframesToo() throws Exception {
        try (RtpTap tap = RtpTap.open(); DatagramChannel out = DatagramChannel.open()) {
            var to = new InetSocketAddress(InetAddress.getLoopbackAddress(), tap.port());
            byte fuIndicator = 0x7C; // NRI 3, type 28
            byte any = (byte) 0x88; // picture data whose top bit is set, as a slice header's first_mb_in_slice 0 would be
            for (int k = 0; k < 3; k++) {
                int seq = k * 10;
                out.send(rtp(false, seq, fuIndicator, (byte) 0x85, any, (byte) 1), to);        // S, IDR
                out.send(rtp(false, seq + 1, fuIndicator, (byte) 0x05, any, (byte) 2), to);    // middle
                out.send(rtp(true, seq + 2, fuIndicator, (byte) 0x45, any, (byte) 3), to);     // E
                out.send(rtp(true, seq + 3, fuIndicator, (byte) 0x81, any, (byte) 4), to);     // a non-IDR frame, S
            }
            out.send(rtp(true, 40, (byte) 0x65, any, (byte) 5), to); // a keyframe in one packet
            Await.until(() -> "13 packets: " + tap.snapshot(), Duration.ofSeconds(20), () -> tap.snapshot().packets() == 13);
            assertEquals(4, tap.snapshot().keyframes());
        }
    }

    @Test
    void windowGivesRateOfTheLastSecondsAndQuietTime() throws IOException {
        AtomicLong now = new AtomicLong(1_000_000_000L);
        try (RtpTap tap = new RtpTap(now::get)) {
            // 10 s at 25 fps, 2 packets per frame of 1000 bytes each
            for (int f = 0; f < 250; f++) {
                now.set(1_000_000_000L + f * 40_000_000L);
                tap.accept(rtp(false, 2 * f, new byte[988]), now.get());
                tap.accept(rtp(true, 2 * f + 1, new byte[988]), now.get());
            }
            RtpTap.Stats s = tap.snapshot();
            assertEquals(25.0, s.fps(), 1e-9);
            assertEquals(25 * 2 * 1000 * 8, s.bitrate(), 1e-6);
            assertEquals(500, s.packets());
            assertEquals(250, s.frames());
            assertEquals(0.0, s.secondsSinceLastPacket(), 1e-9);
            now.addAndGet(2_000_000_000L);
            assertFalse(tap.stalled(3));
            assertEquals(2.0, tap.snapshot().secondsSinceLastPacket(), 1e-9);
            now.addAndGet(2_000_000_000L);
            assertTrue(tap.stalled(3));
            assertEquals(0.0, tap.snapshot().fps(), "no frame in the window: no rate");
            tap.reset();
            now.addAndGet(1_000_000_000L);
            assertFalse(tap.stalled(3));
            now.addAndGet(3_000_000_000L);
            assertTrue(tap.stalled(3), "a child that never sent anything stalls too");
        }
    }

    @Test
    void realSenderAt15FpsIsMeasuredWithin10PercentAndAStoppedSenderStalls() throws Exception {
        try (RtpTap tap = RtpTap.open(); Gst gst = Gst.sender(320, 240, 15, tap.destination())) {
            Await.until(() -> "more than 60 frames at 15 fps within 10%: " + tap.snapshot() + "\n" + gst.output(), Duration.ofSeconds(60), () -> {
                RtpTap.Stats s = tap.snapshot();
                return s.frames() > 60 && Math.abs(s.fps() - 15) <= 1.5;
            });
            RtpTap.Stats s = tap.snapshot();
            assertTrue(s.bitrate() > 10_000, s.toString());
            assertTrue(s.packets() >= s.frames());
            assertTrue(tap.h264Params().isPresent(), "SPS/PPS seen in the stream");

            gst.signal("STOP");
            Await.until(() -> "tap.stalled(2): " + "not stalled: " + tap.snapshot(), Duration.ofSeconds(30), () -> tap.stalled(2));
            long frozen = tap.snapshot().packets();
            gst.signal("CONT");
            Await.until(() -> "tap.snapshot().packets() > frozen && !tap.stalled(2): " + "did not resume: " + tap.snapshot(), Duration.ofSeconds(30), () -> tap.snapshot().packets() > frozen && !tap.stalled(2));
        }
    }
}
