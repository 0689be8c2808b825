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
import org.junit.jupiter.api.Test;
import stream.testkit.NetNs;

/**
 * {@code stream-viewer --whep URL} and {@code stream-client view --whep URL} decode 30 frames
 * through the gateway: the viewer, a WHEP endpoint with its gateway, and the sender all run in a
 * loopback-only network namespace. The viewer's webrtcbin offers, the gateway's answers: two
 * webrtcbins, where the browser tests have Chromium on the other side.
 */
class WhepViewerTest {
    private static String java() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    private static String gatewayPath() {
        Path out = TestGateways.buildDir();
        return out.resolve("mods/stream.viewer.jar") + ":" + out.resolve("lib");
    }

    /** What a viewer process printed and how it ended. */
    private record Watched(int exit, String output) {}

    /** Runs a WHEP endpoint, a sender and then the viewer command (given the endpoint's URL) in a namespace of its own. */
    private static Watched watch(String suffix, java.util.function.Function<String, List<String>> viewerCommand)
            throws Exception {
        try (var ns = NetNs.create(suffix)) {
            var command = new ArrayList<>(ns.prefix());
            command.addAll(List.of(java(), "-p", System.getProperty("jdk.module.path"), "--add-modules", "stream.server",
                    "-m", "stream.server/" + WhepTestServer.class.getName(), gatewayPath()));
            Process server = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT).start();
            TestGateways.Sender sender = null;
            try {
                String ready = new BufferedReader(new InputStreamReader(server.getInputStream(), StandardCharsets.UTF_8)).readLine();
                assertTrue(ready != null && ready.startsWith("http "), "WHEP test server: " + ready);
                String[] words = ready.split(" ");
                int http = Integer.parseInt(words[1]);
                sender = new TestGateways.Sender(ns.prefix(), Integer.parseInt(words[3]));

                var viewer = new ArrayList<>(ns.prefix());
                viewer.addAll(viewerCommand.apply("http://127.0.0.1:" + http + "/whep"));
                Process p = new ProcessBuilder(viewer).redirectErrorStream(true).start();
                String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
                assertTrue(p.waitFor(90, TimeUnit.SECONDS), output);
                // The viewer ended its session (DELETE) on the way out.
                String viewers = ns.exec("curl", "-s", "http://127.0.0.1:" + http + "/viewers").strip();
                assertEquals("0", viewers, output);
                return new Watched(p.exitValue(), output);
            } finally {
                if (sender != null) sender.close();
                server.getOutputStream().close();
                if (!server.waitFor(10, TimeUnit.SECONDS)) server.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
            }
        }
    }

    @Test
    void theNativeViewerDecodes30FramesOverWebRtc() throws Exception {
        var watched = watch("whep", url -> List.of(java(), "--enable-native-access=com.sun.jna", "-p", gatewayPath(),
                "-m", "stream.viewer", "--whep", url, "--sink", "none", "--frames", "30", "--timeout", "60",
                "--ice-address", "127.0.0.1"));
        assertEquals(0, watched.exit(), watched.output());
        assertAtLeast30Frames("stream-viewer: ", watched.output());
        assertTrue(watched.output().contains("first frame after"), watched.output());
    }

    @Test
    void streamClientViewPullsOverWebRtcThroughTheSameViewer() throws Exception {
        var watched = watch("whepc", url -> List.of(java(), "--enable-native-access=com.sun.jna",
                "-p", System.getProperty("jdk.module.path"), "-m", "stream.client/stream.client.internal.Main",
                "view", "--whep", url, "--sink", "none", "--frames", "30", "--timeout", "60s",
                "--ice-address", "127.0.0.1"));
        assertEquals(0, watched.exit(), watched.output());
        assertAtLeast30Frames("Viewer done: ", watched.output());
    }

    /** --frames 30 ends the viewer after 30 frames; frames already in the decoder may still be counted. */
    private static void assertAtLeast30Frames(String prefix, String output) {
        var m = java.util.regex.Pattern.compile(java.util.regex.Pattern.quote(prefix) + "(\\d+) frames decoded over WebRTC").matcher(output);
        assertTrue(m.find() && Integer.parseInt(m.group(1)) >= 30, output);
    }
}
