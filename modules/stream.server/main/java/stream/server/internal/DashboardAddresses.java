package stream.server.internal;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * The addresses a person can open the dashboard at, printed when the server starts: the host's
 * name, then, when the server is bound to all addresses, each address it listens on (link-local
 * ones left out: they need a zone a browser does not take), or the one address it is bound to.
 */
final class DashboardAddresses {
    private DashboardAddresses() {}

    /**
     * @param scheme http or https
     * @param bind the --bind address (0.0.0.0 and :: are "all")
     * @param port the port the server listens on
     * @param hostName this host's name, or null when it has none worth printing
     * @param addresses the host's interface addresses
     * @return one {@code dashboard: URL} line per address, the host's name first
     */
    static List<String> lines(String scheme, String bind, int port, String hostName, List<InetAddress> addresses) {
        Objects.requireNonNull(bind, "bind");
        List<String> hosts = new ArrayList<>();
        boolean all4 = bind.equals("0.0.0.0");
        boolean all = all4 || bind.equals("::") || bind.equals("[::]");
        if (!all) {
            hosts.add(bind.indexOf(':') >= 0 ? "[" + bind + "]" : bind);
        } else {
            if (hostName != null) hosts.add(hostName);
            for (InetAddress a : addresses) {
                if (a.isLinkLocalAddress() || a.isAnyLocalAddress()) continue;
                if (a instanceof Inet6Address && all4) continue; // 0.0.0.0 listens on IPv4 only
                String text = a.getHostAddress().replaceAll("%.*", "");
                String host = a instanceof Inet4Address ? text : "[" + compressed(text) + "]";
                if (!hosts.contains(host)) hosts.add(host);
            }
        }
        return hosts.stream().map(h -> "dashboard: " + scheme + "://" + h + ":" + port + "/").toList();
    }

    /** "2001:db8:0:0:0:0:0:5" -> "2001:db8::5" (RFC 5952: the longest run of zero groups, two or more) */
    static String compressed(String ipv6) {
        String[] g = ipv6.split(":");
        int best = -1;
        int bestLength = 1;
        for (int i = 0; i < g.length; i++) {
            int j = i;
            while (j < g.length && g[j].equals("0")) j++;
            if (j - i > bestLength) {
                best = i;
                bestLength = j - i;
            }
        }
        if (best < 0) return ipv6;
        String head = String.join(":", java.util.Arrays.copyOfRange(g, 0, best));
        String tail = String.join(":", java.util.Arrays.copyOfRange(g, best + bestLength, g.length));
        return head + "::" + tail;
    }

    /** @return the lines for this machine: its host name and the addresses of its interfaces that are up */
    static List<String> lines(String scheme, String bind, int port) {
        String name = null;
        try {
            String host = InetAddress.getLocalHost().getHostName();
            if (host.matches("[A-Za-z0-9.-]+") && !host.equals("localhost")) name = host;
        } catch (UnknownHostException e) {
            // no name: the addresses alone
        }
        List<InetAddress> addresses = new ArrayList<>();
        try {
            NetworkInterface.networkInterfaces().filter(i -> {
                try {
                    return i.isUp();
                } catch (SocketException e) {
                    return false;
                }
            }).flatMap(NetworkInterface::inetAddresses).forEach(addresses::add);
        } catch (SocketException e) {
            // no interfaces listed: the name alone
        }
        // Loopback first, as the address that works from this machine whatever the network.
        addresses.sort((a, b) -> Boolean.compare(!a.isLoopbackAddress(), !b.isLoopbackAddress()));
        return lines(scheme, bind, port, name, addresses);
    }
}
