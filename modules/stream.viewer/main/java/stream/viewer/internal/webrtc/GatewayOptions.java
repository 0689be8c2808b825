package stream.viewer.internal.webrtc;

import java.util.ArrayList;
import java.util.List;

/**
 * The gateway's command line, parsed.
 * @param iceAddresses the only local addresses ICE may offer (empty: every address of the host)
 * @param maxViewers viewers of all streams together, past which offers get 503
 * @param idleSeconds a viewer whose peer sent nothing this long is removed
 * @param stunServer stun://host:port, or null for none (the default: nothing is asked of the internet)
 */
record GatewayOptions(List<String> iceAddresses, int maxViewers, double idleSeconds, String stunServer) {
    static final int DEFAULT_MAX_VIEWERS = 16;
    static final double DEFAULT_IDLE_SECONDS = 5;

    static final String USAGE = """
            Usage: java -m stream.viewer/stream.viewer.internal.webrtc.Gateway [options]
            The WebRTC gateway of stream-server: JSON requests on stdin, one per line, answers on
            stdout; logs on stderr. It ends when stdin closes. Started by the server, not by hand.

            Options:
              --ice-address ADDRESS  offer ICE candidates on this local address only; repeat or give
                                     a comma-separated list (default: every address of the host)
              --max-viewers N        viewers of all streams together (default 16); more get 503
              --idle-timeout SECONDS remove a viewer whose browser sent nothing this long (default 5)
              --stun-server URL      stun://host:port (default: none)
            """;

    /** @throws IllegalArgumentException naming the bad option */
    static GatewayOptions parse(String[] args) {
        List<String> addresses = new ArrayList<>();
        int maxViewers = DEFAULT_MAX_VIEWERS;
        double idle = DEFAULT_IDLE_SECONDS;
        String stun = null;
        for (int i = 0; i < args.length; i++) {
            String name = args[i];
            if (i + 1 >= args.length) throw new IllegalArgumentException(name + " needs a value");
            String value = args[++i];
            switch (name) {
                case "--ice-address" -> {
                    for (String a : value.split(",")) {
                        String address = a.strip();
                        if (!address.matches("[0-9.]+|[0-9A-Fa-f:]+")) {
                            throw new IllegalArgumentException("--ice-address must be an IP address, not '" + a + "'");
                        }
                        addresses.add(address);
                    }
                }
                case "--max-viewers" -> maxViewers = number(name, value, 1, 1000);
                case "--idle-timeout" -> {
                    try {
                        idle = Double.parseDouble(value);
                    } catch (NumberFormatException e) {
                        idle = -1;
                    }
                    if (!(idle >= 1 && idle <= 60)) {
                        throw new IllegalArgumentException("--idle-timeout must be 1 to 60 seconds, not '" + value + "'");
                    }
                }
                case "--stun-server" -> {
                    if (!value.matches("stun://[A-Za-z0-9.\\-\\[\\]:]+:\\d+")) {
                        throw new IllegalArgumentException("--stun-server must be stun://host:port, not '" + value + "'");
                    }
                    stun = value;
                }
                default -> throw new IllegalArgumentException("unknown option " + name);
            }
        }
        return new GatewayOptions(List.copyOf(addresses), maxViewers, idle, stun);
    }

    private static int number(String name, String value, int min, int max) {
        try {
            int v = Integer.parseInt(value);
            if (v >= min && v <= max) return v;
        } catch (NumberFormatException e) {
            // fall through to the message
        }
        throw new IllegalArgumentException(name + " must be a whole number from " + min + " to " + max
                + ", not '" + value + "'");
    }
}
