package stream.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.ServerSocket;

/** Free ports, asked of the kernel: no test uses a fixed one. */
public final class Ports {
    private Ports() {}

    /** @return a TCP port nobody listens on right now (on any address) */
    public static int freeTcp() {
        try (var s = new ServerSocket(0)) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException("no free TCP port", e);
        }
    }

    /** @return a UDP port nobody holds on loopback right now */
    public static int freeUdp() {
        try (var s = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException("no free UDP port", e);
        }
    }

    /**
     * @return a port free right now for UDP (on any address) and for TCP alike, so that nothing
     *     else of ours (an RTSP or HTTP listener on the same number) collides with it
     */
    public static int freeUdpAndTcp() {
        for (int i = 0; i < 50; i++) {
            int p;
            try (var s = new DatagramSocket(0)) {
                p = s.getLocalPort();
            } catch (IOException e) {
                throw new UncheckedIOException("no free UDP port", e);
            }
            try {
                new ServerSocket(p).close();
                return p;
            } catch (IOException e) {
                // taken for TCP: the next one
            }
        }
        throw new UncheckedIOException(new IOException("no port free for both UDP and TCP in 50 tries"));
    }

    /**
     * @return an even UDP port P with P to P + 3 free right now (on any address): a stream with sound
     *     sends its picture's RTP and RTCP to P and P + 1, its sound's to P + 2 and P + 3
     */
    public static int freeUdpQuad() {
        for (int i = 0; i < 100; i++) {
            int p = freeUdp() & ~1;
            if (p > 65532) continue;
            boolean free = true;
            for (int q = p; q < p + 4 && free; q++) {
                try {
                    new DatagramSocket(q).close();
                } catch (IOException e) {
                    free = false;
                }
            }
            if (free) return p;
        }
        throw new UncheckedIOException(new IOException("no four free UDP ports in a row in 100 tries"));
    }
}
