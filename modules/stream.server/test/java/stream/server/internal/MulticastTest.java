package stream.server.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import stream.testkit.ServerProcess;
import stream.testkit.Ports;
import stream.testkit.NetNs;

/**
 * A multicast stream decoded by two viewers. Multicast needs a route; adding one to this host
 * would change every program's multicast (and the default route would carry the packets off the
 * machine), so the server and both viewers run in a network namespace of their own whose
 * loopback carries 224.0.0.0/4. Needs root (CI runs as root); fails with a message otherwise, never skips.
 */
class MulticastTest {
    private static final String RTP_CAPS = "application/x-rtp,media=video,encoding-name=H264,clock-rate=90000,payload=96";

    @TempDir
    Path dir;
    private NetNs ns;
    private final List<Gst> processes = new ArrayList<>();
    private final List<ServerProcess> servers = new ArrayList<>();

    @BeforeEach
    void namespace() throws Exception {
        // Fails (never skips) without root and iproute2: CI runs as root.
        ns = NetNs.create("mc");
        ns.exec("ip", "link", "set", "lo", "multicast", "on");
        ns.exec("ip", "route", "add", "224.0.0.0/4", "dev", "lo");
    }

    @AfterEach
    void cleanUp() throws Exception {
        for (Gst p : processes) p.close();
        for (ServerProcess s : servers) s.close();
        if (ns != null) ns.close();
    }

    private Gst inNs(List<String> cmd) throws IOException {
        List<String> c = new ArrayList<>(ns.prefix());
        c.addAll(cmd);
        Gst g = Gst.start(c);
        processes.add(g);
        return g;
    }

    /** HTTP inside the namespace, through bash's /dev/tcp (no other client needed). */
    private String http(int port, String method, String path, String body) throws Exception {
        String req = method + " " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n"
                + (body == null ? "" : "Content-Type: application/json\r\nContent-Length: "
                + body.getBytes(StandardCharsets.UTF_8).length + "\r\n") + "\r\n" + (body == null ? "" : body);
        Path file = Files.writeString(dir.resolve("req-" + System.nanoTime()), req);
        Gst g = inNs(List.of("bash", "-c", "exec 3<>/dev/tcp/127.0.0.1/" + port + " && cat \"$1\" >&3 && cat <&3", "http",
                file.toString()));
        assertTrue(g.awaitEnd(60), "no HTTP answer");
        return g.output();
    }

    @Test
    void aMulticastStreamIsDecodedByTwoViewers() throws Exception {
        String group = "239.255." + ThreadLocalRandom.current().nextInt(1, 255) + "." + ThreadLocalRandom.current().nextInt(1, 255);
        int mport = Ports.freeUdp();
        ServerProcess server = ServerProcess.builder().prefix(ns.prefix())
                .args("--port", "0", "--bind", "127.0.0.1", "--source", "test",
                        "--state-dir", dir.toString(), "--multicast", group + ":" + mport, "--ttl", "1",
                        "--width", "320", "--height", "240", "--framerate", "15", "--keyint", "1s")
                .start();
        servers.add(server);
        int port = server.awaitPort();

        Gst viewer = inNs(List.of("gst-launch-1.0", "-q", "udpsrc", "address=" + group, "port=" + mport, "caps=" + RTP_CAPS,
                "!", "rtph264depay", "!", "h264parse", "!", "avdec_h264", "!", "video/x-raw,width=320,height=240",
                "!", "fakesink", "num-buffers=30"));
        String started = http(port, "POST", "/control", "{\"action\":\"start\"}");
        assertTrue(started.startsWith("HTTP/1.1 200"), started);
        assertTrue(started.contains("\"multicast\":\"" + group + ":" + mport + "\""), started);

        String sdp = http(port, "GET", "/stream.sdp", null);
        // Gst keeps lines without their ends: the header ends at the first empty line.
        List<String> lines = List.of(sdp.split("\n", -1));
        assertTrue(lines.contains("c=IN IP4 " + group + "/1"), sdp);
        String body = String.join("\r\n", lines.subList(lines.indexOf("") + 1, lines.size())) + "\r\n";
        Path sdpFile = Files.writeString(dir.resolve("stream.sdp"), body);
        Gst probe = inNs(List.of("ffprobe", "-v", "error", "-protocol_whitelist", "file,udp,rtp", "-select_streams", "v:0",
                "-read_intervals", "%+2", "-show_frames", "-show_entries", "frame=width,height", "-of", "csv",
                "-i", sdpFile.toString()));

        assertTrue(viewer.process.waitFor(90, TimeUnit.SECONDS), "viewer 1 decoded nothing: " + viewer.output());
        assertEquals(0, viewer.process.exitValue(), viewer.output());
        assertTrue(probe.awaitEnd(90), "viewer 2 (ffprobe) did not finish: " + probe.output());
        long frames = probe.lines.stream().filter(l -> l.equals("frame,320,240")).count();
        assertTrue(frames >= 10, "ffprobe decoded " + frames + " frames from the multicast SDP:\n" + probe.output());
    }
}
