package stream.server.internal.webrtc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import stream.testkit.Await;
import stream.testkit.NetNs;
import stream.testkit.Ports;
import stream.testkit.ServerProcess;

/**
 * Issue 25, item 8: WHEP offers that never complete (answered, but no browser ever connects) held
 * the stream's viewer places for 15 s each, so 30 of them from one stranger locked everyone out.
 * Now one client address may have {@value WebRtcGateway#MAX_CONNECTING_PER_ADDRESS} offers not yet
 * connected; more get 429 with Retry-After, while another address still gets its answer, and a
 * viewer that did connect (the native viewer, decoding) no longer counts. A real server with its
 * real gateway in a network namespace of the test's own; the never-completed offers are curl's,
 * from 127.0.0.1, .2 and .3 inside it.
 */
class WhepPendingOfferTest {
    @TempDir
    Path dir;

    @Test
    void neverCompletedOffersFromOneAddressAreBoundedAndReleased() throws Exception {
        Path state = Files.createDirectory(dir.resolve("state"), java.nio.file.attribute.PosixFilePermissions.asFileAttribute(
                java.nio.file.attribute.PosixFilePermissions.fromString("rwx------")));
        Path offer = Files.writeString(dir.resolve("offer.sdp"), WebRtcGatewayTest.OFFER, StandardCharsets.UTF_8);
        Path out = TestGateways.buildDir();
        try (NetNs ns = NetNs.create("whep-pending");
             ServerProcess server = ServerProcess.builder().prefix(ns.prefix())
                     .jvm(List.of("-Xmx64m", "-D" + GatewayCommand.MODULE_PATH_PROPERTY + "=" + out.resolve("mods/stream.viewer.jar") + ":" + out.resolve("lib")))
                     .args("--bind", "127.0.0.1", "--port", "0", "--state-dir", state.toString(), "--source", "test", "--width", "320",
                             "--height", "240", "--framerate", "15", "--dest", "127.0.0.1:" + Ports.freeUdp(), "--max-viewers", "8", "--start")
                     .start()) {
            int port = server.awaitPort();
            String url = "http://127.0.0.1:" + port + "/whep";
            // The first answer waits for the stream's first video in the gateway: 503 until then (asked from a third address).
            String[] first = new String[1];
            Await.until(() -> "a first WHEP answer (last: " + first[0] + ")", Duration.ofSeconds(60), () -> {
                first[0] = post(ns, url, offer, "127.0.0.3");
                return first[0].startsWith("201");
            });
            // A real viewer from 127.0.0.1 that connects and decodes: once connected, it no longer counts as connecting.
            Process viewer = new ProcessBuilder(ns.wrap(List.of(stream.testkit.Processes.java(), "--enable-native-access=com.sun.jna",
                    "-p", out.resolve("mods/stream.viewer.jar") + ":" + out.resolve("lib"), "-m", "stream.viewer", "--whep", url,
                    "--sink", "none", "--frames", "1000000", "--timeout", "120", "--ice-address", "127.0.0.1")))
                    .redirectErrorStream(true).redirectOutput(dir.resolve("viewer.log").toFile()).start();
            try {
                Await.until(() -> "the viewer connected (status: " + webrtc(ns, port) + "; viewer: " + log(dir.resolve("viewer.log")) + ")",
                        Duration.ofSeconds(60), () -> {
                            var w = webrtc(ns, port);
                            return w != null && w.getInt("viewers", 0) - w.getInt("viewersConnecting", 99) >= 1;
                        });
                for (int i = 1; i <= WebRtcGateway.MAX_CONNECTING_PER_ADDRESS; i++) {
                    String r = post(ns, url, offer, "127.0.0.1");
                    assertTrue(r.startsWith("201"), "offer " + i + " beside the connected viewer: " + r);
                }
                String refused = post(ns, url, offer, "127.0.0.1");
                assertTrue(refused.startsWith("429"), refused);
                assertTrue(refused.toLowerCase(java.util.Locale.ROOT).contains("retry-after: 15"), refused);
                assertTrue(refused.contains("are not connected yet") && refused.contains("\"hint\""), refused);
                // Another client is not locked out by the first one's offers.
                String other = post(ns, url, offer, "127.0.0.2");
                assertTrue(other.startsWith("201"), other);
                // The gateway drops offers that never connect: the address may offer again then.
                String[] again = new String[1];
                Await.until(() -> "an offer from 127.0.0.1 accepted again once its unconnected ones were dropped (last: " + again[0] + ")",
                        Duration.ofSeconds(40), () -> {
                            again[0] = post(ns, url, offer, "127.0.0.1");
                            return again[0].startsWith("201");
                        });
                assertTrue(viewer.isAlive(), "the connected viewer still watches: " + log(dir.resolve("viewer.log")));
            } finally {
                viewer.destroyForcibly().waitFor();
            }
        }
    }

    /** @return main's status, or null */
    private static com.eclipsesource.json.JsonObject webrtc(NetNs ns, int port) {
        try {
            return com.eclipsesource.json.Json.parse(ns.exec("curl", "-s", "http://127.0.0.1:" + port + "/control")).asObject();
        } catch (Exception e) {
            return null;
        }
    }

    private static String log(Path file) {
        try {
            String text = Files.readString(file);
            return text.length() > 2000 ? text.substring(text.length() - 2000) : text;
        } catch (java.io.IOException e) {
            return "(none)";
        }
    }

    /** @return "CODE\nHEADERS\nBODY" of a WHEP POST made inside the namespace from the given source address */
    private static String post(NetNs ns, String url, Path offer, String from) {
        try {
            String r = ns.exec("curl", "-s", "-i", "--max-time", "30", "--interface", from, "-H", "Content-Type: application/sdp",
                    "--data-binary", "@" + offer, url);
            int sp = r.indexOf(' ');
            return r.substring(sp + 1, sp + 4) + "\n" + r;
        } catch (Exception e) {
            return "curl failed: " + e.getMessage();
        }
    }
}
