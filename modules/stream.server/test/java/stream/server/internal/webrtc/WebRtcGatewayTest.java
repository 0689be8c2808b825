package stream.server.internal.webrtc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.eclipsesource.json.JsonObject;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import stream.testkit.NetNs;
import java.time.Duration;
import stream.testkit.Await;

/**
 * The gateway process and its supervisor without a browser: RTP forwarded by {@code forward},
 * refusals with the right status, the viewer limit, a viewer that never connects, kill -9 and
 * the end of the server. Offers run inside a loopback-only network namespace; forwarding (no
 * WebRTC peer at all, only the gateway's loopback RTP port) runs beside the test.
 */
class WebRtcGatewayTest {
    /** An offer as a browser makes it (Chromium numbers H.264 108), without candidates: it never connects. */
    static final String OFFER = String.join("\r\n", "v=0", "o=- 123 2 IN IP4 127.0.0.1", "s=-", "t=0 0",
            "a=group:BUNDLE 0", "m=video 9 UDP/TLS/RTP/SAVPF 96 108", "c=IN IP4 0.0.0.0", "a=rtcp:9 IN IP4 0.0.0.0",
            "a=ice-ufrag:abcd", "a=ice-pwd:abcdefghijklmnopqrstuvwx",
            "a=fingerprint:sha-256 AA:BB:CC:DD:EE:FF:00:11:22:33:44:55:66:77:88:99:AA:BB:CC:DD:EE:FF:00:11:22:33:44:55:66:77:88:99",
            "a=setup:actpass", "a=mid:0", "a=recvonly", "a=rtcp-mux", "a=rtpmap:96 VP8/90000", "a=rtpmap:108 H264/90000",
            "a=rtcp-fb:108 nack pli",
            "a=fmtp:108 level-asymmetry-allowed=1;packetization-mode=1;profile-level-id=42e01f", "");

    private static long packets(WebRtcGateway gateway, String stream) throws Exception {
        JsonObject s = gateway.gatewayStats().get("streams").asObject().get(stream).asObject();
        return s.getLong("packets", -1);
    }

    private static void flowing(WebRtcGateway gateway, String stream) throws InterruptedException {
        Await.until("the sender's packets reach the gateway", Duration.ofSeconds(30), () -> {
            try {
                return packets(gateway, stream) > 0;
            } catch (Exception e) {
                return false;
            }
        });
    }

    @Test
    void forwardedRtpReachesTheGatewayAndFollowsItsRestart() throws Exception {
        var gateway = new WebRtcGateway(TestGateways.command(List.of()));
        var tap = DatagramChannel.open().bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        try {
            WebRtcGateway.Input input = gateway.input("cam");
            assertFalse(gateway.isRunning(), "the gateway starts only when needed");
            input.forward(new byte[20], 0, 20); // no gateway: dropped, no error
            int port = gateway.rtpPort("cam");
            // The server's tap: every packet the sender sends is forwarded.
            var running = new AtomicBoolean(true);
            Thread relay = Thread.ofPlatform().start(() -> {
                ByteBuffer buf = ByteBuffer.allocate(65536);
                while (running.get()) {
                    try {
                        buf.clear();
                        tap.receive(buf);
                        input.forward(buf.array(), 0, buf.position());
                    } catch (java.io.IOException e) {
                        return;
                    }
                }
            });
            var sender = new TestGateways.Sender(List.of(), ((InetSocketAddress) tap.getLocalAddress()).getPort());
            try {
                Await.until("packets reach the gateway", Duration.ofSeconds(20), () -> {
                    try {
                        return packets(gateway, "cam") > 30;
                    } catch (Exception e) {
                        return false;
                    }
                });
                long pid = gateway.pid();
                ProcessHandle.of(pid).orElseThrow().destroyForcibly();
                Await.until("the death noticed", Duration.ofSeconds(10), () -> !gateway.isRunning());
                input.forward(new byte[20], 0, 20); // dead gateway: dropped, no error
                int newPort = gateway.rtpPort("cam");
                assertNotEquals(pid, gateway.pid());
                assertTrue(newPort > 0 && port > 0);
                Await.until("packets reach the new gateway", Duration.ofSeconds(20), () -> {
                    try {
                        return packets(gateway, "cam") > 30;
                    } catch (Exception e) {
                        return false;
                    }
                });
            } finally {
                sender.close();
                running.set(false);
                tap.close();
                relay.join(5000);
            }
            long last = gateway.pid();
            gateway.close();
            assertFalse(ProcessHandle.of(last).map(ProcessHandle::isAlive).orElse(false),
                    "the gateway ends with its server (stdin closed)");
        } finally {
            gateway.close();
            tap.close();
        }
    }

    @Test
    void offersAreRefusedWithStatusAndHint() throws Exception {
        try (var ns = NetNs.create("gw");
             var gateway = new WebRtcGateway(TestGateways.command(ns.prefix(), "--max-viewers", "2"))) {
            var e = assertThrows(WhepException.class, () -> gateway.offer("main", "hello"));
            assertEquals(400, e.status(), e.getMessage());
            e = assertThrows(WhepException.class, () -> gateway.offer("main", OFFER.replace("H264/90000", "VP9/90000")));
            assertEquals(400, e.status(), e.getMessage());
            assertTrue(e.getMessage().contains("H.264"), e.getMessage());
            // Nothing sent yet: the answer would carry no parameter sets, so it is refused.
            e = assertThrows(WhepException.class, () -> gateway.offer("main", OFFER));
            assertEquals(503, e.status(), e.getMessage());
            assertTrue(e.getMessage().contains("no video"), e.getMessage());
            assertTrue(e.hint() != null && !e.hint().isEmpty());
            e = assertThrows(WhepException.class, () -> gateway.delete("nobody"));
            assertEquals(404, e.status());

            var sender = new TestGateways.Sender(ns.prefix(), gateway.rtpPort("main"));
            try {
                flowing(gateway, "main"); // a sender starting on a loaded machine may take longer than the gateway waits
                var first = gateway.offer("main", OFFER);
                assertTrue(first.sdp().contains("a=sendonly"), first.sdp());
                assertTrue(first.sdp().contains("H264/90000"), first.sdp());
                assertTrue(first.sdp().contains("sprop-parameter-sets"), "the answer carries the parameter sets");
                assertTrue(first.sdp().contains("a=candidate") && first.sdp().contains("127.0.0.1"), first.sdp());
                assertFalse(first.sdp().contains("a=candidate:1 1 UDP 2015363327 10."), "only the allowed address");
                gateway.offer("main", OFFER);
                assertEquals(2, gateway.viewers("main"));
                e = assertThrows(WhepException.class, () -> gateway.offer("main", OFFER));
                assertEquals(503, e.status());
                assertTrue(e.hint().contains("--max-viewers"), e.hint());

                gateway.delete(first.viewer());
                assertEquals(1, gateway.viewers("main"));
                // The other one never connects: removed by the gateway on its own.
                Await.until("a viewer that never connects is removed", Duration.ofSeconds(20), () -> gateway.viewers("main") == 0);
                JsonObject status = gateway.status();
                assertEquals("running", status.getString("status", ""), status.toString());
                assertEquals(1, status.getInt("starts", 0));
            } finally {
                sender.close();
            }
        }
    }

    @Test
    void aGatewayWithoutViewersEndsAfterItsIdleTimeAndTheNextOfferStartsOne() throws Exception {
        try (var ns = NetNs.create("idle");
             var gateway = new WebRtcGateway(TestGateways.command(ns.prefix()))) {
            gateway.endWhenIdle(1);
            var sender = new TestGateways.Sender(ns.prefix(), gateway.rtpPort("main"));
            try {
                flowing(gateway, "main");
                var viewer = gateway.offer("main", OFFER);
                long pid = gateway.pid();
                // This sleep is what is tested, not a synchronization: a viewer keeps it running past its idle time.
                Thread.sleep(1500);
                assertEquals(pid, gateway.pid(), "still running while a viewer watches");
                gateway.delete(viewer.viewer());
                Await.until("the idle gateway ended", Duration.ofSeconds(15), () -> !gateway.isRunning());
                Await.until("its process ended", Duration.ofSeconds(10), () -> !ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false));
                JsonObject status = gateway.status();
                assertEquals("idle", status.getString("status", ""), status.toString());
                assertTrue(status.get("lastExit").isNull(), "an idle end is no failure: " + status);
            } finally {
                sender.close();
            }
            gateway.rtpPort("main");
            assertTrue(gateway.isRunning());
            assertEquals(2, gateway.status().getInt("starts", 0));
        }
    }
}
