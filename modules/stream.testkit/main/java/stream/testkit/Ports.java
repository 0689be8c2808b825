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
}
