package stream.client.internal;

import java.io.IOException;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import stream.client.ControlResponse;
import stream.viewer.ViewerOptions;

/**
 * Where this machine receives a named stream, read from the stream's settings in its status: a
 * multicast group to join, or the UDP port of a destination that is this machine. A loopback
 * destination is this machine only when the server is too; otherwise it is the server's own.
 *
 * @param port the UDP port to receive on, or 0 when the stream does not come here
 * @param group the multicast group to join, or null for unicast
 * @param message what the person reads: where the stream goes and what the viewer does, or why it cannot
 */
record ViewTarget(int port, String group, String message) {

    /** One place the stream is sent to. */
    record Endpoint(String host, int port) {
        /** @return udp://HOST:PORT, with brackets around an IPv6 host */
        String url() {
            return "udp://" + (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + port;
        }
    }

    /** @return true when the stream comes to this machine */
    boolean found() {
        return port > 0;
    }

    /**
     * @param options the viewer options of the command line
     * @return them with this port and group
     */
    ViewerOptions applyTo(ViewerOptions options) {
        return options.withPort(port).withMulticastGroup(group);
    }

    /**
     * Finds where this machine receives the stream.
     * @param stream the stream's name
     * @param status the stream's status (GET /streams/NAME/control or /control)
     * @param server the server's address: its loopback destinations are this machine only when it is
     * @return the target; {@link #found()} is false when no destination is this machine
     */
    static ViewTarget of(String stream, ControlResponse status, URI server) {
        Objects.requireNonNull(stream, "stream");
        Endpoint group = multicast(status);
        if (group != null) {
            return new ViewTarget(group.port(), group.host(), "Stream " + stream + " goes to multicast group "
                    + group.host() + " port " + group.port() + ": joining it.");
        }
        List<Endpoint> destinations = destinations(status);
        boolean serverHere = isThisMachine(server.getHost(), true);
        for (Endpoint d : destinations) {
            if (isThisMachine(d.host(), serverHere)) {
                return new ViewTarget(d.port(), null, "Stream " + stream + " goes to " + d.url() + ": receiving on UDP port "
                        + d.port() + ".");
            }
        }
        String where = destinations.isEmpty() ? "has no destinations"
                : "sends to " + String.join(", ", destinations.stream().map(Endpoint::url).toList()) + ", none of them this machine";
        String loopbackNote = !serverHere && destinations.stream().anyMatch(d -> isLoopback(d.host()))
                ? " (a loopback address there is the server's own machine)" : "";
        return new ViewTarget(0, null, "stream " + stream + " " + where + loopbackNote + "; add a destination on this machine"
                + " to the stream's settings (stop it, then PUT /streams/" + stream + " with \"destinations\" that include"
                + " this machine's address and a free UDP port), or give --port or --multicast yourself");
    }

    /** The multicast group of the settings, else of an older server's "destination" text, or null. */
    private static Endpoint multicast(ControlResponse status) {
        if (status.json().get("settings") instanceof Map<?, ?> settings) {
            return settings.get("multicast") instanceof String g ? endpoint(g) : null;
        }
        String text = status.text("destination").orElse("");
        int note = text.indexOf(" (multicast");
        return note > 0 ? endpoint(text.substring(0, note)) : null;
    }

    /** The unicast destinations of the settings, else of an older server's "destination" text. */
    private static List<Endpoint> destinations(ControlResponse status) {
        var list = new ArrayList<Endpoint>();
        if (status.json().get("settings") instanceof Map<?, ?> settings) {
            if (settings.get("destinations") instanceof List<?> given) {
                given.forEach(d -> add(list, String.valueOf(d)));
            }
        } else {
            for (String d : status.text("destination").orElse("").split(",")) {
                add(list, d);
            }
        }
        return list;
    }

    private static void add(List<Endpoint> list, String text) {
        Endpoint e = endpoint(text);
        if (e != null) {
            list.add(e);
        }
    }

    /** "HOST:PORT", "[V6]:PORT" or "udp://HOST:PORT" as the server writes it; null when it is not one. */
    static Endpoint endpoint(String text) {
        String t = text.strip().replaceFirst("^udp://", "");
        int colon = t.lastIndexOf(':');
        if (colon <= 0) {
            return null;
        }
        String host = t.substring(0, colon);
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        }
        try {
            int port = Integer.parseInt(t.substring(colon + 1));
            return port >= 1 && port <= 65535 && !host.isEmpty() ? new Endpoint(host, port) : null;
        } catch (NumberFormatException e) {
            return null;
        }
    }

    private static boolean isLoopback(String host) {
        try {
            InetAddress a = InetAddress.getByName(host);
            return a.isLoopbackAddress() || a.isAnyLocalAddress();
        } catch (IOException e) {
            return false;
        }
    }

    /** True for an address of one of this machine's interfaces; loopback (and 0.0.0.0) only when loopbackIsHere. */
    private static boolean isThisMachine(String host, boolean loopbackIsHere) {
        try {
            InetAddress a = InetAddress.getByName(host);
            if (a.isLoopbackAddress() || a.isAnyLocalAddress()) {
                return loopbackIsHere;
            }
            return NetworkInterface.getByInetAddress(a) != null;
        } catch (IOException e) {
            return false;
        }
    }
}
