package stream.server.internal.webrtc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Disabled;
import org.junit.jupiter.api.Test;

/**
 * {@code stream-viewer --whep URL} decodes 30 frames through the gateway: the viewer, a WHEP
 * endpoint with its gateway, and the sender all run in a loopback-only network namespace.
 */
class WhepViewerTest {
    private static String java() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    @Test
    @Disabled("not working yet: between stream-viewer's webrtcbin and the gateway's, ICE completes but DTLS does not"
            + " (the gateway receives only the first ClientHello); Chromium and the gateway connect at once")
    void theNativeViewerDecodes30FramesOverWebRtc() throws Exception {
        Path out = TestGateways.buildDir();
        String gatewayPath = out.resolve("mods/stream.viewer.jar") + ":" + out.resolve("lib");
        try (var ns = NetNs.create("whep")) {
            var command = new ArrayList<>(ns.prefix());
            command.addAll(List.of(java(), "-p", System.getProperty("jdk.module.path"), "--add-modules", "stream.server",
                    "-m", "stream.server/" + WhepTestServer.class.getName(), gatewayPath));
            Process server = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT).start();
            TestGateways.Sender sender = null;
            try {
                String ready = new BufferedReader(new InputStreamReader(server.getInputStream(), StandardCharsets.UTF_8)).readLine();
                assertTrue(ready != null && ready.startsWith("http "), "WHEP test server: " + ready);
                String[] words = ready.split(" ");
                int http = Integer.parseInt(words[1]);
                sender = new TestGateways.Sender(ns.prefix(), Integer.parseInt(words[3]));

                var viewer = new ArrayList<>(ns.prefix());
                viewer.addAll(List.of(java(), "--enable-native-access=com.sun.jna", "-p", gatewayPath, "-m", "stream.viewer",
                        "--whep", "http://127.0.0.1:" + http + "/whep", "--sink", "none", "--frames", "30",
                        "--timeout", "60", "--ice-address", "127.0.0.1"));
                Process p = new ProcessBuilder(viewer).redirectErrorStream(true).start();
                String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
                assertTrue(p.waitFor(90, TimeUnit.SECONDS));
                assertEquals(0, p.exitValue(), output);
                assertTrue(output.contains("frames decoded over WebRTC"), output);
                assertTrue(output.contains("first frame after"), output);
                // The viewer ended its session (DELETE) on the way out.
                String viewers = ns.exec("curl", "-s", "http://127.0.0.1:" + http + "/viewers").strip();
                assertEquals("0", viewers);
            } finally {
                if (sender != null) sender.close();
                server.getOutputStream().close();
                if (!server.waitFor(10, TimeUnit.SECONDS)) server.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
            }
        }
    }
}
