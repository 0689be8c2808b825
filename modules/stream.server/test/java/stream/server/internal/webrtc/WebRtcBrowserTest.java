package stream.server.internal.webrtc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.eclipsesource.json.JsonObject;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import stream.testkit.Chromium;
import stream.testkit.NetNs;
import java.time.Duration;
import stream.testkit.Await;

/**
 * Real browsers watch a stream through the WebRTC gateway: Debian's Chromium, headless, in a
 * network namespace with only loopback, where the gateway and the sender run too. One browser
 * and one gateway serve the whole class; each test opens its own tabs, starts from a gateway with
 * no viewer, and ends its viewers when it ends (no test depends on another having run).
 */
class WebRtcBrowserTest {
    private static final String STREAM = "main";
    private static NetNs ns;
    private static WebRtcGateway gateway;
    private static TestGateways.Sender sender;
    private static Chromium chromium;
    private final List<Chromium.Tab> tabs = new ArrayList<>();

    @BeforeAll
    static void start() throws Exception {
        ns = NetNs.create("webrtc");
        gateway = new WebRtcGateway(TestGateways.command(ns.prefix()));
        sender = new TestGateways.Sender(ns.prefix(), gateway.rtpPort(STREAM));
        chromium = Chromium.start(ns.prefix(), TestGateways.reportDir().resolve("chromium.log"));
    }

    @AfterAll
    static void stop() throws Exception {
        try {
            if (chromium != null) chromium.close();
            if (gateway != null) gateway.close();
            if (sender != null) sender.close();
        } finally {
            if (ns != null) ns.close();
        }
    }

    /** No viewer left from a test before (one that failed half-way, say): each test counts its own. */
    @BeforeEach
    void noViewerYet() {
        await("no viewer before the test (a test before ended its own)", 20, () -> gateway.viewers(STREAM) == 0);
    }

    /** Ends this test's viewers with a WHEP DELETE (the gateway forgets them at once), then closes the tabs. */
    @AfterEach
    void closeTabs() {
        for (var tab : tabs) {
            try {
                tab.evaluate("resource && pc.connectionState !== 'closed' ? stop() : 0");
            } catch (IOException | RuntimeException e) {
                // a closed tab, or a gateway that died: nothing to end
            }
            try {
                tab.close();
            } catch (IOException e) {
                // closed by the test already
            }
        }
    }

    private Chromium.Tab page() throws Exception {
        // The sender follows the gateway's port, as the server's tap does (a test before may have killed it).
        int port = gateway.rtpPort(STREAM);
        if (port != sender.port()) {
            sender.close();
            sender = new TestGateways.Sender(ns.prefix(), port);
        }
        var tab = chromium.newTab();
        tabs.add(tab);
        tab.route(WhepTestSite.ORIGIN, new WhepTestSite(gateway, STREAM)::handle);
        tab.navigate(WhepTestSite.ORIGIN + "/");
        return tab;
    }

    private static JsonObject watch(Chromium.Tab tab) throws IOException {
        JsonObject result = tab.evaluate("watch('" + WhepTestSite.ORIGIN + "/whep')").asObject();
        assertEquals(201, result.getInt("status", 0), "WHEP POST: " + result);
        return result;
    }

    /** Waits until the tab decoded at least 30 frames, and returns its last stats. */
    private static JsonObject decoding(Chromium.Tab tab) throws IOException, InterruptedException {
        JsonObject[] last = {null};
        return Await.value(() -> "30 frames decoded by the browser: " + last[0] + "; gateway " + gateway.status(), Duration.ofSeconds(20),
                () -> {
                    JsonObject stats = last[0] = tab.evaluate("stats()").asObject();
                    return stats.getInt("framesDecoded", 0) >= 30 && stats.getInt("videoWidth", 0) > 0 ? stats : null;
                });
    }

    /** {@link Await#until} with the gateway's status in the failure. */
    private static void await(String what, int seconds, Await.Condition condition) {
        Await.until(() -> what + "; gateway " + gateway.status(), Duration.ofSeconds(seconds), condition);
    }

    @Test
    void fourBrowsersWatchAtOnceAtTheStreamsSize() throws Exception {
        var four = new ArrayList<Chromium.Tab>();
        for (int i = 0; i < 4; i++) four.add(page());
        var locations = new ArrayList<String>();
        for (var tab : four) locations.add(watch(tab).getString("location", ""));
        assertEquals(4, locations.stream().distinct().count(), "each viewer its own WHEP resource: " + locations);
        for (var tab : four) {
            JsonObject stats = decoding(tab);
            assertEquals(320, stats.getInt("videoWidth", 0), stats.toString());
            assertEquals(240, stats.getInt("videoHeight", 0), stats.toString());
        }
        assertEquals(4, gateway.viewers(STREAM));
        four.get(0).screenshot(TestGateways.reportDir().resolve("four-viewers.png"));

        // DELETE on the Location ends a viewer at once; the others keep playing.
        assertEquals(200, four.get(0).evaluate("stop()").asInt());
        assertEquals(3, gateway.viewers(STREAM));
        int before = four.get(1).evaluate("stats()").asObject().getInt("framesDecoded", 0);
        await("the other viewers still decode", 10, () -> four.get(1).evaluate("stats()").asObject().getInt("framesDecoded", 0) > before);
    }

    @Test
    void noUpnpSocketWhileViewersWatch() throws Exception {
        var tab = page();
        watch(tab);
        decoding(tab);
        String sockets = ns.exec("ss", "-uanp");
        // The check can fail: the gateway's own ICE sockets are there to see.
        assertTrue(sockets.contains("java"), "the gateway's UDP sockets are listed:\n" + sockets);
        assertFalse(sockets.contains(":1900"), "an SSDP (UPnP) socket exists:\n" + sockets);
        assertFalse(sockets.contains("239.255.255.250"), "an SSDP (UPnP) socket exists:\n" + sockets);
    }

    @Test
    void aClosedTabIsNoticedAndItsViewerRemoved() throws Exception {
        var tab = page();
        watch(tab);
        decoding(tab);
        assertEquals(1, gateway.viewers(STREAM));
        long closed = System.nanoTime();
        tab.close(); // no DELETE: the page gets no chance
        await("the closed tab's viewer removed", 15, () -> gateway.viewers(STREAM) == 0);
        System.out.printf("closed tab noticed after %.1f s%n", (System.nanoTime() - closed) / 1e9);
    }

    /** Open file descriptors, threads and resident memory (kB) of a process, from /proc. */
    private record Usage(long fds, long threads, long rssKb, java.util.Map<String, Long> kinds) {
        static Usage of(long pid) throws IOException {
            var proc = java.nio.file.Path.of("/proc", String.valueOf(pid));
            var kinds = new java.util.TreeMap<String, Long>();
            try (var list = java.nio.file.Files.list(proc.resolve("fd"))) {
                for (var fd : list.toList()) {
                    try {
                        kinds.merge(java.nio.file.Files.readSymbolicLink(fd).toString().replaceAll("[:\\[].*", ""), 1L, Long::sum);
                    } catch (IOException e) {
                        // closed meanwhile
                    }
                }
            }
            long fds = kinds.values().stream().mapToLong(Long::longValue).sum();
            long threads;
            try (var list = java.nio.file.Files.list(proc.resolve("task"))) {
                threads = list.count();
            }
            long rss = java.nio.file.Files.readAllLines(proc.resolve("status")).stream()
                    .filter(l -> l.startsWith("VmRSS:")).mapToLong(l -> Long.parseLong(l.replaceAll("\\D", ""))).findFirst()
                    .orElse(-1);
            return new Usage(fds, threads, rss, kinds);
        }
    }

    @Test
    void twoHundredViewersComeAndGoWithoutLeaks() throws Exception {
        var tab = page();
        String url = "'" + WhepTestSite.ORIGIN + "/whep'";
        for (int i = 0; i < 10; i++) tab.evaluate("cycle(" + url + ")"); // warm-up: caches, thread pools
        long gatewayPid = gateway.pid();
        long serverPid = ProcessHandle.current().pid();
        Usage gatewayBefore = Usage.of(gatewayPid);
        Usage serverBefore = Usage.of(serverPid);
        long started = System.nanoTime();
        for (int i = 0; i < 200; i++) {
            JsonObject r = tab.evaluate("cycle(" + url + ")").asObject();
            assertEquals(201, r.getInt("status", 0), "cycle " + i + ": " + r);
            assertEquals("connected", r.getString("state", ""), "cycle " + i + ": " + r);
            assertEquals(200, r.getInt("deleted", 0), "cycle " + i + ": " + r);
        }
        double cycleSeconds = (System.nanoTime() - started) / 1e9;
        assertEquals(gatewayPid, gateway.pid(), "one gateway served every cycle");
        assertEquals(0, gateway.viewers(STREAM));
        // Branches end asynchronously in GStreamer: wait (with a deadline) for the usage to come back
        // to where it was; a leak never does, and the failure names the last figures.
        Usage[] after = new Usage[2];
        Await.until(() -> "the gateway's and server's usage back near where it was (fds/threads +5, gateway RSS +30 MB): gateway "
                + gatewayBefore + " -> " + after[0] + "; server " + serverBefore + " -> " + after[1], Duration.ofSeconds(10), () -> {
                    after[0] = Usage.of(gatewayPid);
                    after[1] = Usage.of(serverPid);
                    return after[0].fds() <= gatewayBefore.fds() + 5 && after[0].threads() <= gatewayBefore.threads() + 5
                            && after[0].rssKb() <= gatewayBefore.rssKb() + 30_000
                            && after[1].fds() <= serverBefore.fds() + 5 && after[1].threads() <= serverBefore.threads() + 5;
                });
        Usage gatewayAfter = after[0];
        Usage serverAfter = after[1];
        System.out.printf("200 cycles in %.1f s; gateway %s -> %s; server %s -> %s%n",
                cycleSeconds, gatewayBefore, gatewayAfter, serverBefore, serverAfter);
        assertTrue(gatewayAfter.fds() <= gatewayBefore.fds() + 5, gatewayBefore + " -> " + gatewayAfter);
        assertTrue(gatewayAfter.threads() <= gatewayBefore.threads() + 5, gatewayBefore + " -> " + gatewayAfter);
        assertTrue(gatewayAfter.rssKb() <= gatewayBefore.rssKb() + 30_000, gatewayBefore + " -> " + gatewayAfter);
        assertTrue(serverAfter.fds() <= serverBefore.fds() + 5, serverBefore + " -> " + serverAfter);
        assertTrue(serverAfter.threads() <= serverBefore.threads() + 5, serverBefore + " -> " + serverAfter);
    }

    @Test
    void afterKillMinus9TheNextViewerPlays() throws Exception {
        var first = page();
        watch(first);
        decoding(first);
        long pid = gateway.pid();
        assertTrue(pid > 0);
        assertTrue(ProcessHandle.of(pid).orElseThrow().destroyForcibly());
        await("the gateway's death noticed", 10, () -> !gateway.isRunning());
        JsonObject status = gateway.status();
        assertEquals("exited", status.getString("status", ""), status.toString());
        assertTrue(status.get("lastExit").asObject().getString("description", "").contains("signal 9"), status.toString());
        assertEquals(0, gateway.viewers(STREAM));

        // The next viewer starts a new gateway.
        var next = page();
        assertNotEquals(pid, gateway.pid());
        watch(next);
        JsonObject stats = decoding(next);
        assertEquals(320, stats.getInt("videoWidth", 0));
    }
}
