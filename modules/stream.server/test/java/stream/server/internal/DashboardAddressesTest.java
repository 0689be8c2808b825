package stream.server.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.net.InetAddress;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The addresses the server prints for a person to open: the host's name, then each address it listens on. */
class DashboardAddressesTest {
    private static List<InetAddress> addresses(String... literals) throws Exception {
        List<InetAddress> list = new java.util.ArrayList<>();
        for (String a : literals) list.add(InetAddress.getByName(a));
        return list;
    }

    @Test
    void boundToAllIpv4AddressesItNamesTheHostThenEachIpv4AddressButLinkLocal() throws Exception {
        assertEquals(List.of("dashboard: http://box:8590/", "dashboard: http://127.0.0.1:8590/", "dashboard: http://198.51.100.7:8590/"),
                DashboardAddresses.lines("http", "0.0.0.0", 8590, "box",
                        addresses("127.0.0.1", "198.51.100.7", "169.254.3.4", "::1", "2001:db8::5", "fe80::1")));
    }

    @Test
    void boundToAllAddressesOfBothFamiliesItNamesIpv6InBrackets() throws Exception {
        assertEquals(List.of("dashboard: https://127.0.0.1:8443/", "dashboard: https://[::1]:8443/", "dashboard: https://[2001:db8::5]:8443/"),
                DashboardAddresses.lines("https", "::", 8443, null, addresses("127.0.0.1", "::1", "2001:db8::5", "fe80::1")));
    }

    @Test
    void boundToOneAddressItNamesThatOne() throws Exception {
        assertEquals(List.of("dashboard: http://127.0.0.1:8590/"),
                DashboardAddresses.lines("http", "127.0.0.1", 8590, "box", addresses("127.0.0.1", "198.51.100.7")));
        assertEquals(List.of("dashboard: http://[::1]:8590/"), DashboardAddresses.lines("http", "::1", 8590, "box", List.of()));
    }
}
