package stream.viewer.internal.rtsp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.eclipsesource.json.JsonArray;
import com.eclipsesource.json.JsonObject;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import stream.testkit.Await;
import java.time.Duration;
import stream.testkit.NetNs;

/** The RTSP gateway as a real process, fed by real x264 senders and played by ffprobe, ffmpeg and rtspsrc. */
class RtspGatewayTest {
    @TempDir
    Path dir;
    private RtspFixture fixture;

    @BeforeEach
    void fixture() {
        fixture = new RtspFixture(dir, List.of());
    }

    @AfterEach
    void killEverything() {
        fixture.close();
    }

    private static String ffprobeSize(RtspFixture fixture, String transport, String url) throws Exception {
        var r = fixture.run(30, "ffprobe", "-v", "error", "-rtsp_transport", transport, "-timeout", "10000000",
                "-show_entries", "stream=codec_name,width,height", "-of", "csv=p=0", url);
        assertEquals(0, r.process().exitValue(), "ffprobe -rtsp_transport " + transport + " " + url + ":\n" + r.output());
        return r.output().strip();
    }

    private static void rtspsrcDecodes(RtspFixture fixture, String url, String... rtspsrcOptions) throws Exception {
        var command = new ArrayList<>(List.of("gst-launch-1.0", "-q", "rtspsrc", "location=" + url));
        command.addAll(List.of(rtspsrcOptions));
        command.addAll(List.of("!", "rtph264depay", "!", "avdec_h264", "!", "fakesink", "num-buffers=15"));
        var r = fixture.run(30, command.toArray(String[]::new));
        assertEquals(0, r.process().exitValue(), "rtspsrc did not decode 15 frames of " + url + ":\n" + r.output());
    }

    @Test
    void threeStreamsAtTheirOwnSizesOverTcpUdpAndRtspsrc() throws Exception {
        var gateway = fixture.new Gateway("--port", "0", "--address", "127.0.0.1");
        int[][] sizes = {{320, 240}, {480, 272}, {640, 360}};
        for (int i = 0; i < sizes.length; i++) {
            fixture.sender(gateway.addStream("cam" + i), sizes[i][0], sizes[i][1]);
        }
        for (int i = 0; i < sizes.length; i++) {
            String expected = "h264," + sizes[i][0] + "," + sizes[i][1];
            assertEquals(expected, ffprobeSize(fixture, "tcp", gateway.url("cam" + i)));
            assertEquals(expected, ffprobeSize(fixture, "udp", gateway.url("cam" + i)));
            rtspsrcDecodes(fixture, gateway.url("cam" + i));
        }
        JsonObject stats = gateway.request(new JsonObject().add("op", "stats"));
        assertEquals(gateway.port, stats.getInt("port", -1), stats.toString());
        for (int i = 0; i < sizes.length; i++) {
            JsonObject s = stats.get("streams").asObject().get("cam" + i).asObject();
            assertTrue(s.getLong("payloadBytes", 0) > 0, "no RTP counted for cam" + i + ": " + stats);
        }
        assertEquals(0, gateway.closeStdin(), "exit code after stdin closed");
    }

    @Test
    void frigateStyleFfmpegWritesSegmentsThatDecode() throws Exception {
        var gateway = fixture.new Gateway("--port", "0", "--address", "127.0.0.1");
        fixture.sender(gateway.addStream("front"), 320, 240);
        // As Frigate records: copy into 2 s MP4 segments.
        var ffmpeg = fixture.start(List.of("ffmpeg", "-nostdin", "-v", "error", "-rtsp_transport", "tcp",
                "-timeout", "5000000", "-i", gateway.url("front"), "-c", "copy", "-f", "segment", "-segment_time", "2",
                "-reset_timestamps", "1", "out%03d.mp4"));
        Await.until("ffmpeg to start a second segment (out001.mp4): " + ffmpeg.output(), Duration.ofSeconds(30),
                () -> Files.exists(dir.resolve("out001.mp4")) || !ffmpeg.process().isAlive());
        assertTrue(ffmpeg.process().isAlive(), "ffmpeg ended early:\n" + ffmpeg.output());
        var stats = gateway.request(new JsonObject().add("op", "stats"));
        assertEquals(1, stats.get("streams").asObject().get("front").asObject().getInt("clients", -1), stats.toString());
        var r = fixture.run(30, "ffprobe", "-v", "error", "-count_frames", "-select_streams", "v:0",
                "-show_entries", "stream=codec_name,width,height,nb_read_frames", "-of", "csv=p=0", "out000.mp4");
        assertEquals(0, r.process().exitValue(), r.output());
        String[] fields = r.output().strip().split(",");
        assertEquals("h264,320,240", fields[0] + "," + fields[1] + "," + fields[2], r.output());
        assertTrue(Integer.parseInt(fields[3]) >= 30, "a 2 s segment with " + fields[3] + " frames");
    }

    @Test
    void twentyClientsAtOnceAllDecode() throws Exception {
        var gateway = fixture.new Gateway("--port", "0", "--address", "127.0.0.1");
        fixture.sender(gateway.addStream("yard"), 320, 240);
        var clients = new ArrayList<RtspFixture.Run>();
        for (int i = 0; i < 20; i++) {
            clients.add(fixture.start(List.of("ffmpeg", "-nostdin", "-v", "error", "-rtsp_transport", i % 2 == 0 ? "tcp" : "udp",
                    "-timeout", "10000000", "-i", gateway.url("yard"), "-frames:v", "30", "-f", "null", "-")));
        }
        Await.until("20 sessions on /yard", Duration.ofSeconds(30), () -> {
            try {
                var stats = gateway.request(new JsonObject().add("op", "stats"));
                return stats.get("streams").asObject().get("yard").asObject().getInt("clients", -1) == 20;
            } catch (IOException | InterruptedException e) {
                throw new IllegalStateException(e);
            }
        });
        for (int i = 0; i < clients.size(); i++) {
            var c = clients.get(i);
            assertEquals(0, c.exit(60, "ffmpeg client " + i), "client " + i + ":\n" + c.output());
        }
    }

    @Test
    void endStreamEndsClientsAndANewStartPlaysAtTheSameUrl() throws Exception {
        var gateway = fixture.new Gateway("--port", "0", "--address", "127.0.0.1");
        int port = gateway.addStream("door");
        var sender = fixture.sender(port, 320, 240);
        var ffmpegTcp = fixture.start(List.of("ffmpeg", "-nostdin", "-v", "error", "-rtsp_transport", "tcp",
                "-timeout", "30000000", "-i", gateway.url("door"), "-c", "copy", "-f", "null", "-"));
        var ffmpegUdp = fixture.start(List.of("ffmpeg", "-nostdin", "-v", "error", "-rtsp_transport", "udp",
                "-timeout", "30000000", "-i", gateway.url("door"), "-c", "copy", "-f", "null", "-"));
        var rtspsrc = fixture.start(List.of("gst-launch-1.0", "rtspsrc", "location=" + gateway.url("door"),
                "!", "rtph264depay", "!", "avdec_h264", "!", "fakesink"));
        Await.until("3 sessions on /door", Duration.ofSeconds(30), () -> clients(gateway, "door") == 3);
        sender.process().destroy(); // the stream's child stopped
        long ended = System.nanoTime();
        var reply = gateway.request(new JsonObject().add("op", "endStream").add("name", "door"));
        assertEquals("door", reply.getString("ended", null), reply.toString());
        // Clients see the end: they exit on their own, and not through their 30 s timeouts.
        assertEquals(0, ffmpegTcp.exit(5, "ffmpeg (tcp) after endStream"), ffmpegTcp.output());
        assertEquals(0, ffmpegUdp.exit(5, "ffmpeg (udp) after endStream"), ffmpegUdp.output());
        assertEquals(0, rtspsrc.exit(5, "rtspsrc after endStream"), rtspsrc.output());
        assertTrue(rtspsrc.output().contains("EOS"), rtspsrc.output());
        System.err.printf("endStream: clients ended, the last %.2f s after the request; %s%n",
                (System.nanoTime() - ended) / 1e9, reply);
        // The stream starts again on the same port: a new client plays at the same URL.
        fixture.sender(port, 480, 272);
        assertEquals("h264,480,272", ffprobeSize(fixture, "tcp", gateway.url("door")));
        var again = gateway.request(new JsonObject().add("op", "addStream").add("name", "door"));
        assertEquals(port, again.getInt("rtpPort", -1), "addStream again keeps the port: " + again);
        var removed = gateway.request(new JsonObject().add("op", "removeStream").add("name", "door"));
        assertEquals("door", removed.getString("removed", null), removed.toString());
        var r = fixture.run(30, "ffprobe", "-v", "error", "-rtsp_transport", "tcp", gateway.url("door"));
        assertNotEquals(0, r.process().exitValue());
        assertTrue(r.output().contains("404"), "after removeStream: " + r.output());
    }

    private static int clients(RtspFixture.Gateway gateway, String name) {
        try {
            var stats = gateway.request(new JsonObject().add("op", "stats"));
            return stats.get("streams").asObject().get(name).asObject().getInt("clients", -1);
        } catch (IOException | InterruptedException e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void credentialsDigestOnlyAndNeverOutsideStdin() throws Exception {
        var gateway = fixture.new Gateway("--port", "0", "--address", "127.0.0.1");
        fixture.sender(gateway.addStream("gate"), 320, 240);
        String password = "pw-" + UUID.randomUUID();
        var reply = gateway.request(new JsonObject().add("op", "auth").add("basic", false)
                .add("users", new JsonArray().add(new JsonObject().add("user", "nvr").add("password", password))));
        assertEquals(1, reply.getInt("users", -1), reply.toString());
        String challenge = rawDescribe(gateway.port, "gate");
        assertTrue(challenge.startsWith("RTSP/1.0 401"), challenge);
        assertTrue(challenge.contains("WWW-Authenticate: Digest"), challenge);
        assertFalse(challenge.contains("Basic"), "Basic offered though basic=false:\n" + challenge);
        var none = fixture.run(30, "ffprobe", "-v", "error", "-rtsp_transport", "tcp", gateway.url("gate"));
        assertTrue(none.process().exitValue() != 0 && none.output().contains("401"), none.output());
        var wrong = fixture.run(30, "ffprobe", "-v", "error", "-rtsp_transport", "tcp",
                "rtsp://nvr:wrong@127.0.0.1:" + gateway.port + "/gate");
        assertTrue(wrong.process().exitValue() != 0 && wrong.output().contains("401"), wrong.output());
        assertEquals("h264,320,240", ffprobeSize(fixture, "tcp", "rtsp://nvr:" + password + "@127.0.0.1:" + gateway.port + "/gate"));
        long pid = gateway.process.pid();
        for (String file : List.of("cmdline", "environ")) {
            String text = new String(Files.readAllBytes(Path.of("/proc/" + pid + "/" + file)), StandardCharsets.UTF_8);
            assertFalse(text.contains(password), "the password is in /proc/" + pid + "/" + file);
        }
        assertFalse(gateway.stderr().contains(password), "the password is in the gateway's stderr");
        // Basic too, when the server says so (TLS or loopback); then an empty list opens the mounts again.
        gateway.request(new JsonObject().add("op", "auth").add("basic", true)
                .add("users", new JsonArray().add(new JsonObject().add("user", "nvr").add("password", password))));
        assertTrue(rawDescribe(gateway.port, "gate").contains("WWW-Authenticate: Basic"));
        gateway.request(new JsonObject().add("op", "auth").add("users", new JsonArray()));
        assertTrue(rawDescribe(gateway.port, "gate").startsWith("RTSP/1.0 200"));
    }

    /** One DESCRIBE without credentials over a plain socket. @return the reply's head */
    private static String rawDescribe(int port, String name) throws IOException {
        try (var socket = new Socket(InetAddress.getLoopbackAddress(), port)) {
            socket.setSoTimeout(10_000);
            socket.getOutputStream().write(("DESCRIBE rtsp://127.0.0.1:" + port + "/" + name
                    + " RTSP/1.0\r\nCSeq: 1\r\nAccept: application/sdp\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            InputStream in = socket.getInputStream();
            var head = new StringBuilder();
            while (!head.toString().endsWith("\r\n\r\n")) {
                int b = in.read();
                if (b < 0) break;
                head.append((char) b);
            }
            return head.toString();
        }
    }

    @Test
    void usageErrorsAndABusyPortEndWithOneLine() throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> base = List.of(java, "--enable-native-access=com.sun.jna", "--module-path",
                RtspFixture.modulePath(), "-m", "stream.viewer/stream.viewer.internal.rtsp.RtspGateway");
        var usage = fixture.start(concat(base, "--port", "eighty"));
        assertEquals(2, usage.exit(30, "the gateway with a bad --port"));
        assertEquals(1, usage.errText().strip().lines().count(), usage.errText());
        assertTrue(usage.errText().contains("--help"), usage.errText());
        try (var busy = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            var inUse = fixture.start(concat(base, "--port", String.valueOf(busy.getLocalPort()), "--address", "127.0.0.1"));
            assertEquals(1, inUse.exit(30, "the gateway on a busy port"));
            assertEquals(1, inUse.errText().strip().lines().count(), inUse.errText());
            assertTrue(inUse.errText().contains("in use"), inUse.errText());
        }
        var help = fixture.start(concat(base, "--help"));
        assertEquals(0, help.exit(30, "the gateway --help"));
        assertTrue(help.output().contains("--port"), help.output());
    }

    private static List<String> concat(List<String> base, String... more) {
        var all = new ArrayList<>(base);
        all.addAll(List.of(more));
        return all;
    }

    /**
     * Multicast only between two network namespaces of the test's own, joined by a veth pair with
     * addresses that exist only there: the gateway and the sender in one, the players in the other
     * (on one host the player could not bind the group's port, which the server's own sockets hold).
     */
    @Test
    void multicastBetweenTwoNetworkNamespaces() throws Exception {
        String tag = ProcessHandle.current().pid() % 10000 + "" + System.nanoTime() % 1000;
        try (NetNs server = NetNs.create("rtsp-s"); NetNs client = NetNs.create("rtsp-c")) {
            var players = new RtspFixture(dir, client.prefix());
            try {
                server.veth("rs" + tag, "10.77.0.1", client, "rc" + tag, "10.77.0.2");
                server.exec("ip", "route", "add", "224.0.0.0/4", "dev", "rs" + tag);
                client.exec("ip", "route", "add", "224.0.0.0/4", "dev", "rc" + tag);
                fixture = new RtspFixture(dir, server.prefix());
                var gateway = fixture.new Gateway("--port", "0", "--address", "10.77.0.1");
                var reply = gateway.request(new JsonObject().add("op", "addStream").add("name", "lan")
                        .add("multicast", "239.255.42.7").add("ttl", 1));
                fixture.sender(reply.getInt("rtpPort", -1), 320, 240);
                String url = gateway.url("10.77.0.1", "lan");
                assertEquals("h264,320,240", ffprobeSize(players, "udp_multicast", url));
                rtspsrcDecodes(players, url, "protocols=udp-mcast");
                // The same stream over TCP too, from the same shared media.
                assertEquals("h264,320,240", ffprobeSize(players, "tcp", url));
                var bad = gateway.request(new JsonObject().add("op", "addStream").add("name", "x").add("multicast", "10.0.0.1"));
                assertEquals(400, bad.getInt("status", -1), bad.toString());
            } finally {
                players.close();
                if (fixture != null) fixture.close();
            }
        }
    }
}
