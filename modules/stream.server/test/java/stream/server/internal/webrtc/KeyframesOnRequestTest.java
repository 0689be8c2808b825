package stream.server.internal.webrtc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.eclipsesource.json.Json;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import stream.testkit.Await;
import stream.testkit.NetNs;
import stream.testkit.Ports;
import stream.testkit.ServerProcess;

/**
 * A WebRTC viewer that joins a running stream gets a keyframe at once, not at the stream's next
 * periodic one: the stream sends keyframes every 60 s (5 fps, 300 frames), and a WHEP viewer
 * ({@code stream-viewer --whep}) must decode its frames within 10 s of starting, joining after the
 * child's first keyframe went by. The gateway asks the child by RTCP (PLI), and after a stop and a
 * start the new child (new SSRC, new RTCP port) is asked the same way. The server, the gateway and
 * the viewer run in a loopback-only network namespace.
 */
class KeyframesOnRequestTest {
    @TempDir
    Path dir;

    @Test
    void aViewerDecodesLongBeforeThePeriodicKeyframeAlsoAfterARestart() throws Exception {
        Path out = TestGateways.buildDir();
        Path state = Files.createDirectory(dir.resolve("state"));
        try (NetNs ns = NetNs.create("pli");
             ServerProcess server = ServerProcess.builder().prefix(ns.prefix())
                     .jvm(List.of("-Xmx64m", "-D" + GatewayCommand.MODULE_PATH_PROPERTY + "=" + out.resolve("mods/stream.viewer.jar") + ":" + out.resolve("lib")))
                     .args("--port", "0", "--bind", "127.0.0.1", "--source", "test", "--width", "320", "--height", "240",
                             "--framerate", "5", "--keyint", "60s", "--dest", "127.0.0.1:" + Ports.freeUdp(),
                             "--state-dir", state.toString(), "--rtsp-port", "0")
                     .start()) {
            int port = server.awaitPort();
            String base = "http://127.0.0.1:" + port;
            assertEquals(200, post(ns, base + "/control", "{\"action\":\"start\"}"));
            awaitRunning(ns, base);
            viewerGetsAKeyframe(ns, base, "the first viewer");

            assertEquals(200, post(ns, base + "/control", "{\"action\":\"stop\"}"));
            assertEquals(200, post(ns, base + "/control", "{\"action\":\"start\"}"));
            awaitRunning(ns, base);
            viewerGetsAKeyframe(ns, base, "a viewer after the child restarted");
        }
    }

    /**
     * A plain RTP viewer on the network ({@code stream-viewer --port}, as the menu's "view" runs it) that joins mid-stream
     * asks too: its decoder wants a keyframe, rtpbin sends the PLI to the port after the one the video comes from, and
     * the server passes it on to the child. Also after a stop and a start (a new child, a new send port).
     */
    @Test
    void aPlainRtpViewerAsksTheServerForAKeyframeAlsoAfterARestart() throws Exception {
        Path state = Files.createDirectory(dir.resolve("state"));
        int rtp = Ports.freeUdpQuad(); // the viewer's sound ports after it are free: with them it runs the RTP session that asks
        try (NetNs ns = NetNs.create("plain");
             ServerProcess server = ServerProcess.builder().prefix(ns.prefix())
                     .jvm(List.of("-Xmx64m", "-D" + GatewayCommand.MODULE_PATH_PROPERTY + "=" + TestGateways.buildDir().resolve("mods/stream.viewer.jar")
                             + ":" + TestGateways.buildDir().resolve("lib")))
                     .args("--port", "0", "--bind", "127.0.0.1", "--source", "test", "--width", "320", "--height", "240",
                             "--framerate", "5", "--keyint", "60s", "--dest", "127.0.0.1:" + rtp,
                             "--state-dir", state.toString(), "--rtsp-port", "0")
                     .start()) {
            int port = server.awaitPort();
            String base = "http://127.0.0.1:" + port;
            assertEquals(200, post(ns, base + "/control", "{\"action\":\"start\"}"));
            awaitRunning(ns, base);
            plainViewerGetsAKeyframe(ns, base, rtp, "the first viewer", 1);

            assertEquals(200, post(ns, base + "/control", "{\"action\":\"stop\"}"));
            assertEquals(200, post(ns, base + "/control", "{\"action\":\"start\"}"));
            awaitRunning(ns, base);
            plainViewerGetsAKeyframe(ns, base, rtp, "a viewer after the child restarted", 2);
        }
    }

    private static void plainViewerGetsAKeyframe(NetNs ns, String base, int rtp, String who, int requests) throws Exception {
        long before = Await.value("the child's first keyframe", Duration.ofSeconds(10), () -> {
            long k = keyframes(ns, base);
            return k >= 1 ? k : null;
        });
        Path out = TestGateways.buildDir();
        var command = new ArrayList<>(ns.prefix());
        command.addAll(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--enable-native-access=com.sun.jna", "-p", out.resolve("mods/stream.viewer.jar") + ":" + out.resolve("lib"),
                "-m", "stream.viewer", "--port", String.valueOf(rtp), "--sink", "none", "--frames", "3", "--timeout", "10"));
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), who + ": " + output);
        assertEquals(0, p.exitValue(), who + " decoded no 3 frames within 10 s, with keyframes 60 s apart: " + output);
        assertTrue(keyframes(ns, base) > before, who + ": the child sent no keyframe beyond its " + before + " periodic one");
        var asked = Json.parse(ns.exec("curl", "-s", base + "/streams/main")).asObject().get("encoder").asObject()
                .get("keyframeRequests").asObject();
        assertTrue(asked.getLong("passed", -1) >= requests, who + ": the server passed no request on: " + asked);
    }

    /**
     * The child's own output (the server's RTP tap) shows a keyframe beyond the one it starts with, and the viewer
     * decodes. The count is needed besides the frames: once the gateway passed one keyframe, its decoder-less chain
     * passes the later frames, and a decoder shows frames made from them without a keyframe of their own.
     */
    private static void viewerGetsAKeyframe(NetNs ns, String base, String who) throws Exception {
        long before = Await.value("the child's first keyframe", Duration.ofSeconds(10), () -> {
            long k = keyframes(ns, base);
            return k >= 1 ? k : null;
        });
        watch(ns, base, who);
        Await.until(() -> who + ": a keyframe sent on request (the child sent " + before + " before it, keyframes are 60 s apart)",
                Duration.ofSeconds(10), () -> keyframes(ns, base) > before);
    }

    private static long keyframes(NetNs ns, String base) throws Exception {
        String body = ns.exec("curl", "-s", base + "/streams/main");
        return Json.parse(body).asObject().get("stats").asObject().getLong("keyframes", -1);
    }

    private static void awaitRunning(NetNs ns, String base) {
        Await.until("the stream running", Duration.ofSeconds(30), () -> {
            String body = ns.exec("curl", "-s", base + "/streams/main");
            return body.startsWith("{") && "running".equals(Json.parse(body).asObject().getString("status", ""));
        });
    }

    private static int post(NetNs ns, String url, String json) throws Exception {
        String code = ns.exec("curl", "-s", "-o", "/dev/null", "-w", "%{http_code}", "-X", "POST",
                "-H", "Content-Type: application/json", "--data", json, url).strip();
        return Integer.parseInt(code);
    }

    /** Runs stream-viewer --whep: 3 frames within 10 s, or it fails (a periodic keyframe is 60 s apart). */
    private static void watch(NetNs ns, String base, String who) throws Exception {
        Path out = TestGateways.buildDir();
        var command = new ArrayList<>(ns.prefix());
        command.addAll(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--enable-native-access=com.sun.jna", "-p", out.resolve("mods/stream.viewer.jar") + ":" + out.resolve("lib"),
                "-m", "stream.viewer", "--whep", base + "/whep", "--sink", "none", "--frames", "3", "--timeout", "10",
                "--ice-address", "127.0.0.1"));
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), who + ": " + output);
        assertEquals(0, p.exitValue(), who + " decoded no 3 frames within 10 s, with keyframes 60 s apart: " + output);
        assertTrue(output.contains("first frame after"), output);
    }
}
