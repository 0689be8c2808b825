package stream.server.internal.http.server;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.net.UnknownHostException;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The names the server is known by, against DNS rebinding: a page of {@code evil.example} whose
 * name the attacker re-points at this server's address is same-origin to the browser, but its
 * requests carry {@code Host: evil.example}. A Host header is accepted when its name (the port
 * aside) is {@code localhost}, a loopback address, the server's bound address, an address of one
 * of the machine's interfaces (enumerated again, at most every few seconds, when an address is not
 * found: DHCP), the machine's host name (also with {@code .local}), or a name given with
 * {@code --server-name} (names behind a proxy or in DNS).
 */
final class KnownHosts {
    private static final Pattern IPV4 = Pattern.compile("[0-9]{1,3}(\\.[0-9]{1,3}){3}");
    private static final Pattern NAME = Pattern.compile("[a-z0-9]([a-z0-9-]*[a-z0-9])?(\\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*");
    private static final long REFRESH_NANOS = 5_000_000_000L;

    private final Set<String> names;
    private final InetAddress bound;
    private volatile Set<InetAddress> addresses;
    private volatile long enumerated;

    /**
     * @param bound the server's bound address
     * @param serverNames names given with --server-name (lower case, checked)
     */
    KnownHosts(InetSocketAddress bound, List<String> serverNames) {
        Set<String> n = new HashSet<>(List.of("localhost"));
        for (String s : serverNames) n.add(s.toLowerCase(Locale.ROOT));
        String host = hostName().toLowerCase(Locale.ROOT);
        if (NAME.matcher(host).matches()) {
            n.add(host);
            n.add(host + ".local");
            int dot = host.indexOf('.');
            if (dot > 0) n.add(host.substring(0, dot));
        }
        this.names = Set.copyOf(n);
        this.bound = bound.getAddress();
        this.addresses = interfaceAddresses();
        this.enumerated = System.nanoTime();
    }

    /**
     * @param name a --server-name value
     * @return whether it is a host name or an IP literal as a Host header carries it (no port)
     */
    static boolean validName(String name) {
        String n = name.toLowerCase(Locale.ROOT);
        return NAME.matcher(n).matches() && n.length() <= 253 || literal(n).isPresent();
    }

    /**
     * @param host a Host (or X-Forwarded-Host) header: {@code name}, {@code name:port},
     *     {@code [v6]} or {@code [v6]:port}
     * @return whether the server is known by that name
     */
    boolean known(String host) {
        Optional<String> name = nameOf(host);
        if (name.isEmpty()) return false;
        String n = name.get();
        if (names.contains(n)) return true;
        Optional<InetAddress> a = literal(n);
        if (a.isEmpty()) return false;
        InetAddress address = a.get();
        if (address.isLoopbackAddress() || address.equals(bound)) return true;
        if (addresses.contains(address)) return true;
        long now = System.nanoTime();
        if (now - enumerated < REFRESH_NANOS) return false;
        enumerated = now;
        addresses = interfaceAddresses();
        return addresses.contains(address);
    }

    /** @return the machine's host name as the kernel has it, without a lookup (DNS could take seconds), or "" */
    private static String hostName() {
        try {
            return java.nio.file.Files.readString(java.nio.file.Path.of("/proc/sys/kernel/hostname")).strip();
        } catch (java.io.IOException | RuntimeException e) {
            String env = System.getenv("HOSTNAME");
            return env == null ? "" : env.strip();
        }
    }

    /** @return the name of a Host header in lower case, without port, brackets or final dot; empty when malformed */
    static Optional<String> nameOf(String host) {
        String h = host.strip().toLowerCase(Locale.ROOT);
        String name;
        String port;
        if (h.startsWith("[")) {
            int end = h.indexOf(']');
            if (end < 0) return Optional.empty();
            name = h.substring(1, end);
            port = h.substring(end + 1);
            if (!name.contains(":")) return Optional.empty();
        } else {
            int colon = h.indexOf(':');
            if (colon >= 0 && h.indexOf(':', colon + 1) >= 0) return Optional.empty(); // IPv6 without brackets
            name = colon < 0 ? h : h.substring(0, colon);
            port = colon < 0 ? "" : h.substring(colon);
        }
        if (!port.isEmpty() && !port.matches(":[0-9]{1,5}")) return Optional.empty();
        if (name.endsWith(".")) name = name.substring(0, name.length() - 1);
        if (name.isEmpty()) return Optional.empty();
        return Optional.of(name);
    }

    /** @return the address of an IP literal (no lookup), empty for a name */
    private static Optional<InetAddress> literal(String name) {
        if (IPV4.matcher(name).matches()) {
            for (String octet : name.split("\\.")) if (Integer.parseInt(octet) > 255) return Optional.empty(); // else getByName looks it up
        } else if (!(name.contains(":") && name.matches("[0-9a-z:.%_-]+"))) {
            return Optional.empty();
        }
        try {
            InetAddress a = InetAddress.getByName(name.contains(":") ? "[" + name + "]" : name); // a literal: never a lookup
            // An IPv6 address with a zone (fe80::1%eth0) is the same interface address without it.
            return Optional.of(a.getAddress().length == 16 ? InetAddress.getByAddress(a.getAddress()) : a);
        } catch (UnknownHostException e) {
            return Optional.empty();
        }
    }

    private static Set<InetAddress> interfaceAddresses() {
        Set<InetAddress> all = new HashSet<>();
        try {
            var interfaces = NetworkInterface.getNetworkInterfaces();
            while (interfaces != null && interfaces.hasMoreElements()) {
                var addresses = interfaces.nextElement().getInetAddresses();
                while (addresses.hasMoreElements()) {
                    InetAddress a = addresses.nextElement();
                    try {
                        all.add(a.getAddress().length == 16 ? InetAddress.getByAddress(a.getAddress()) : a);
                    } catch (UnknownHostException e) {
                        // not possible for a 16-byte address
                    }
                }
            }
        } catch (SocketException e) {
            // none readable: loopback, the bound address and the names still count
        }
        return Set.copyOf(all);
    }
}
