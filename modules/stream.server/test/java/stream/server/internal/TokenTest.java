package stream.server.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import stream.server.ServerConfig;
import stream.server.StreamServer;

/**
 * With a token, every request but /health and the dashboard's files needs Authorization: Bearer
 * from every address, loopback included (behind a reverse proxy on the same host every client is
 * loopback), unless loopback is trusted explicitly; reads too, since credentials exist (the access
 * issue: "every way in asks").
 * "Another host" is a non-loopback address of this machine: the first one it has, or else (a
 * machine or container with loopback only, as CI may be) a test address (TEST-NET-2, RFC 5737)
 * this test adds to {@code lo} as root for its run, so no packet leaves the machine. Without either
 * the test fails, saying why; it never skips.
 */
class TokenTest {
    static final String TOKEN = "s3cret-Token_42";
    @TempDir
    Path dir;
    StreamServer server;
    static InetAddress external;
    private static String added; // the address this test added to lo, or null

    static Optional<InetAddress> nonLoopbackAddress() throws SocketException {
        return NetworkInterface.networkInterfaces().filter(i -> {
            try {
                return i.isUp() && !i.isLoopback();
            } catch (SocketException e) {
                return false;
            }
        }).flatMap(NetworkInterface::inetAddresses).filter(a -> a instanceof Inet4Address && !a.isLoopbackAddress()).findFirst();
    }

    @BeforeAll
    static void externalAddress() throws IOException, InterruptedException {
        external = nonLoopbackAddress().orElse(null);
        if (external != null) return;
        String address = "198.51.100." + (2 + ProcessHandle.current().pid() % 250);
        Process p = new ProcessBuilder("ip", "addr", "add", address + "/32", "dev", "lo").redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        assertTrue(p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0, "this machine has no non-loopback IPv4 address and "
                + "`ip addr add " + address + "/32 dev lo` failed (needs root and iproute2, as in CI): " + out);
        added = address;
        external = InetAddress.getByName(address);
    }

    @AfterAll
    static void removeAddress() throws IOException, InterruptedException {
        if (added == null) return;
        Process p = new ProcessBuilder("ip", "addr", "del", added + "/32", "dev", "lo").redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        assertTrue(p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0, "could not remove " + added + " from lo");
    }

    @BeforeEach
    void start() throws IOException {
        server = start(false);
    }

    StreamServer start(boolean trustLoopback) throws IOException {
        return StreamServer.start(ServerConfig.defaults().withBind("0.0.0.0").withPort(0).withSource("test").withToken(TOKEN)
                .withDestination("127.0.0.1:" + TestSupport.freeUdpPort()).withStateDir(dir).withSize(320, 240, 15)
                .withAccess(new ServerConfig.Access(trustLoopback, java.util.List.of())));
    }

    @AfterEach
    void stop() {
        if (server != null) server.close();
    }

    TestSupport.Response post(InetAddress from, Map<String, String> headers, String action) throws IOException {
        return TestSupport.request(from, server.port(), "POST", "/control", headers,
                ("{\"action\":\"" + action + "\"}").getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void remoteStateChangeNeedsTheToken() throws IOException {
        var none = post(external, Map.of(), "start");
        assertEquals(401, none.code(), none.body());
        assertTrue(none.header("WWW-Authenticate").startsWith("Bearer realm="), none.header("WWW-Authenticate"));
        assertTrue(none.json().getString("hint", "").contains("Authorization: Bearer"));
        assertEquals(401, post(external, Map.of("Authorization", "Bearer wrong"), "start").code());
        assertEquals(401, post(external, Map.of("Authorization", "Bearer " + TOKEN + "x"), "start").code());
        assertEquals(401, post(external, Map.of("Authorization", "Basic " + TOKEN), "start").code());
        assertEquals("stopped", TestSupport.request(external, server.port(), "GET", "/control", Map.of("Authorization", "Bearer " + TOKEN), null)
                .json().getString("status", null), "refused requests changed nothing");
        assertTrue(TestSupport.gstBelow(ProcessHandle.current()).isEmpty());

        var ok = post(external, Map.of("Authorization", "Bearer " + TOKEN), "start");
        assertEquals(200, ok.code(), ok.body());
        assertEquals("running", ok.json().getString("status", null));
        // Reading the status from another host needs the token too.
        assertEquals(401, TestSupport.request(external, server.port(), "GET", "/control", Map.of(), null).code());
        assertEquals(200, TestSupport.request(external, server.port(), "GET", "/control", Map.of("Authorization", "Bearer " + TOKEN), null).code());
    }

    @Test
    void loopbackNeedsTheTokenToo() throws IOException {
        InetAddress lo = InetAddress.getLoopbackAddress();
        var none = post(lo, Map.of(), "start");
        assertEquals(401, none.code(), none.body());
        assertEquals("stopped", TestSupport.request(lo, server.port(), "GET", "/control", Map.of("Authorization", "Bearer " + TOKEN), null)
                .json().getString("status", null));
        assertEquals(200, post(lo, Map.of("Authorization", "Bearer " + TOKEN), "start").code());
        assertEquals(401, TestSupport.request(lo, server.port(), "GET", "/control", Map.of(), null).code(), "reads need it too");
        assertEquals(200, TestSupport.request(lo, server.port(), "GET", "/health", Map.of(), null).code(), "but /health");
    }

    @Test
    void trustedLoopbackNeedsNoToken() throws IOException {
        server.close();
        server = start(true);
        var r = post(InetAddress.getLoopbackAddress(), Map.of(), "start");
        assertEquals(200, r.code(), r.body());
        assertEquals("Stream stopped", post(InetAddress.getLoopbackAddress(), Map.of(), "stop").json().getString("message", null));
        assertEquals(401, post(external, Map.of(), "start").code(), "other hosts still need it");
    }
}
