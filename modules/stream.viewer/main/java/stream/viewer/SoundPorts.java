package stream.viewer;

import java.io.IOException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;

/**
 * The three ports the sound needs beside the picture's: its RTCP (port + 1), the Opus RTP (port + 2)
 * and the Opus RTCP (port + 3). Checked before the pipeline is built, because in the one pipeline a
 * port another program holds would stop the picture too: then the viewer plays the picture alone
 * and says why.
 */
final class SoundPorts {
    private SoundPorts() {
    }

    /**
     * @param options the viewer's options (unicast ports are checked; a multicast group is shared by design)
     * @return why the sound cannot be received (a sentence naming the port and what to do), or null when it can
     */
    static String busy(ViewerOptions options) {
        int port = options.port();
        if (port > 65532) {
            return "port " + port + " leaves no room for the sound's ports (port + 1 to + 3); use a port of at most 65532";
        }
        if (options.multicastGroup() != null) return null;
        for (int p = port + 1; p <= port + 3; p++) {
            try (var socket = new DatagramSocket(null)) {
                socket.setReuseAddress(false);
                InetAddress bind = options.bindAddress() == null ? null : InetAddress.getByName(options.bindAddress());
                socket.bind(bind == null ? new InetSocketAddress(p) : new InetSocketAddress(bind, p));
            } catch (IOException e) {
                return "UDP port " + p + " (the sound's " + what(p - port) + ") is in use by another program;"
                        + " the picture plays without sound (ss -ulpn sport = :" + p + " names the program; --mute silences this)";
            }
        }
        return null;
    }

    private static String what(int offset) {
        return switch (offset) {
            case 1 -> "RTCP of the picture";
            case 2 -> "Opus RTP";
            default -> "RTCP of the sound";
        };
    }
}
