package stream.viewer.internal.rtsp;

import java.io.IOException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Picks the loopback UDP port a stream's RTP is forwarded to. The port must be known before any
 * media exists (the server starts forwarding at once; the media, with its udpsrc, is made only when
 * a client comes, and is made again after every idle spell), and every consumer needs its own port
 * (udpsrc binds with SO_REUSEADDR: a second binder gets nothing, silently). So the port is chosen
 * below the kernel's ephemeral range: no {@code bind(port 0)} of another program can be handed it
 * while the stream has no media, only a program asking for that very number could take it.
 */
final class RtpPorts {
    private static final int LOWEST = 10000;

    private RtpPorts() {}

    /** @return a port free on loopback now, below the ephemeral range, not in taken */
    static int pick(Set<Integer> taken) {
        int top = ephemeralLow() - 2;
        for (int attempt = 0; attempt < 200; attempt++) {
            int port = ThreadLocalRandom.current().nextInt(LOWEST, top) & ~1; // even, as RTP likes
            if (taken.contains(port)) continue;
            try (var socket = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), port))) {
                return socket.getLocalPort();
            } catch (IOException e) {
                // taken by someone else: try another
            }
        }
        throw new IllegalStateException("no free UDP port found between " + LOWEST + " and " + top);
    }

    /** The low end of net.ipv4.ip_local_port_range (Linux's default: 32768). */
    private static int ephemeralLow() {
        try {
            String[] range = Files.readString(Path.of("/proc/sys/net/ipv4/ip_local_port_range")).trim().split("\\s+");
            int low = Integer.parseInt(range[0]);
            return low > LOWEST + 1000 ? low : 32768;
        } catch (IOException | RuntimeException e) {
            return 32768;
        }
    }
}
