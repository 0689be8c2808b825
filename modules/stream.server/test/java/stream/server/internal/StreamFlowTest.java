package stream.server.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static stream.server.internal.TestSupport.post;

import com.eclipsesource.json.Json;
import com.eclipsesource.json.JsonObject;
import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import stream.server.StreamServer;

/** The stream really flows: RTP packets arrive, a GStreamer receiver decodes them, ffprobe names the format. */
class StreamFlowTest {
    @TempDir
    static Path dir;
    static StreamServer server;
    static int udpPort;

    @BeforeAll
    static void start() throws IOException {
        udpPort = TestSupport.freeUdpPort();
        server = StreamServer.start(TestSupport.smallTestServer(dir, udpPort));
        assertEquals("running", post(server.port(), "start").getString("status", null));
    }

    @AfterAll
    static void stop() {
        if (server != null) server.close();
    }

    @Test
    void rtpPacketsArriveAtTheDestination() throws IOException {
        try (DatagramSocket socket = new DatagramSocket(null)) {
            socket.setReuseAddress(true);
            socket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), udpPort));
            socket.setSoTimeout(20_000);
            Set<Long> ssrcs = new HashSet<>();
            byte[] buf = new byte[2048];
            for (int i = 0; i < 20; i++) {
                DatagramPacket p = new DatagramPacket(buf, buf.length);
                socket.receive(p);
                assertTrue(p.getLength() >= 12, "RTP header");
                assertEquals(2, (buf[0] & 0xff) >> 6, "RTP version 2");
                assertEquals(96, buf[1] & 0x7f, "payload type 96");
                ssrcs.add(((buf[8] & 0xffL) << 24) | ((buf[9] & 0xff) << 16) | ((buf[10] & 0xff) << 8) | (buf[11] & 0xff));
            }
            assertEquals(1, ssrcs.size(), "one RTP stream");
        }
    }

    @Test
    void aGStreamerReceiverDecodes8Bit420Frames() throws Exception {
        // The caps after avdec_h264 fail to negotiate unless the decoded frames are 8-bit I420 at 320x240.
        Process p = new ProcessBuilder("gst-launch-1.0", "-q", "udpsrc", "port=" + udpPort, "address=127.0.0.1",
                "caps=application/x-rtp,media=video,encoding-name=H264,payload=96,clock-rate=90000",
                "!", "rtph264depay", "!", "h264parse", "!", "avdec_h264", "!",
                "video/x-raw,format=I420,width=320,height=240", "!", "identity", "eos-after=20", "!", "fakesink")
                .redirectErrorStream(true).start();
        try {
            assertTrue(p.waitFor(60, TimeUnit.SECONDS), "receiver decoded 20 frames and ended");
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertEquals(0, p.exitValue(), out);
        } finally {
            TestSupport.killTree(p.toHandle());
        }
    }

    @Test
    void ffprobeSeesConstrainedBaseline8Bit420() throws Exception {
        Path sdp = dir.resolve("stream.sdp");
        Files.writeString(sdp, "v=0\no=- 0 0 IN IP4 127.0.0.1\ns=test\nc=IN IP4 127.0.0.1\nt=0 0\nm=video " + udpPort
                + " RTP/AVP 96\na=rtpmap:96 H264/90000\n");
        Process p = new ProcessBuilder("ffprobe", "-v", "quiet", "-protocol_whitelist", "file,udp,rtp", "-i", sdp.toString(),
                "-show_entries", "stream=codec_name,profile,pix_fmt,width,height", "-of", "json")
                .redirectError(ProcessBuilder.Redirect.DISCARD).start();
        try {
            assertTrue(p.waitFor(60, TimeUnit.SECONDS), "ffprobe finished");
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            JsonObject stream = Json.parse(out).asObject().get("streams").asArray().get(0).asObject();
            assertEquals("h264", stream.getString("codec_name", null), out);
            assertEquals("Constrained Baseline", stream.getString("profile", null), out);
            assertEquals("yuv420p", stream.getString("pix_fmt", null), out);
            assertEquals(List.of(320, 240), List.of(stream.getInt("width", 0), stream.getInt("height", 0)));
        } finally {
            TestSupport.killTree(p.toHandle());
        }
    }
}
