package stream.server.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static stream.server.internal.TestSupport.status;
import static stream.server.internal.TestSupport.waitUntil;

import com.eclipsesource.json.JsonObject;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import stream.server.internal.TestSupport.ServerProcess;

/** --start / STREAM_START: the stream starts with the server, without any POST, as a real process. */
class AutostartTest {
    @TempDir
    Path stateDir;
    final List<ServerProcess> servers = new ArrayList<>();

    @AfterEach
    void cleanUp() {
        servers.forEach(ServerProcess::close); // the server and its gst-launch-1.0 child
    }

    ServerProcess spawn(List<String> args, Map<String, String> env) throws IOException {
        List<String> a = new ArrayList<>(List.of("--port", "0", "--bind", "127.0.0.1", "--state-dir", stateDir.toString(),
                "--width", "320", "--height", "240", "--framerate", "15"));
        a.addAll(args);
        ServerProcess s = new ServerProcess(a, env);
        servers.add(s);
        return s;
    }

    static boolean isStatus(int port, String wanted) {
        try {
            return status(port).getString("status", "").equals(wanted);
        } catch (IOException e) {
            return false;
        }
    }

    @Test
    void startFromTheEnvironmentSendsRtpWithoutAnyPost() throws Exception {
        try (DatagramSocket rtp = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))) {
            rtp.setSoTimeout(1000);
            ServerProcess s = spawn(List.of("--source", "test", "--dest", "127.0.0.1:" + rtp.getLocalPort()),
                    Map.of("STREAM_START", "1"));
            int port = s.awaitPort();
            // No POST: packets come because of --start alone.
            byte[] buf = new byte[2048];
            DatagramPacket p = new DatagramPacket(buf, buf.length);
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            int packets = 0;
            while (packets < 20 && System.nanoTime() < deadline) {
                try {
                    rtp.receive(p);
                } catch (SocketTimeoutException e) {
                    continue;
                }
                assertEquals(2, (buf[0] & 0xff) >> 6, "RTP version 2");
                assertEquals(96, buf[1] & 0x7f, "H.264 payload type 96");
                packets++;
            }
            assertEquals(20, packets, "RTP packets without any POST; stderr: " + s.stderrText());
            waitUntil("GET /control says running", Duration.ofSeconds(60), () -> isStatus(port, "running"));
            JsonObject o = status(port);
            assertEquals(1, o.getInt("starts", -1), o.toString());
            assertEquals(0, o.getInt("restarts", -1), o.toString());
            waitUntil("the start is logged", Duration.ofSeconds(10),
                    () -> s.stderrText().contains("stream started at server start (--start)"));
        }
    }

    @Test
    void aFailedAutostartIsLoggedShownAndTheServerKeepsServing() throws Exception {
        int udp = TestSupport.freeUdpPort();
        // /dev/video99 passes the grammar; gst-launch-1.0 cannot open it.
        ServerProcess s = spawn(List.of("--start", "--source", "/dev/video99", "--dest", "127.0.0.1:" + udp), Map.of());
        int port = s.awaitPort();
        waitUntil("GET /control says failed", Duration.ofSeconds(60), () -> isStatus(port, "failed"));
        JsonObject o = status(port);
        assertFalse(o.get("lastStderr").asArray().isEmpty(), o.toString());
        assertTrue(o.get("lastExit").isObject(), o.toString());
        waitUntil("the failure is logged", Duration.ofSeconds(10),
                () -> s.stderrText().contains("stream failed to start at server start (--start)"));
        // Still serving: the API answers and a stop acknowledges the failure.
        assertEquals("ok", TestSupport.request(port, "GET", "/health", null).json().getString("status", ""));
        assertTrue(s.process.isAlive(), "the server keeps running after a failed --start");
        assertEquals("stopped", TestSupport.post(port, "stop").getString("status", ""));
        s.process.toHandle().destroy(); // SIGTERM: the same exit status as a server started without --start
        assertEquals(143, s.awaitExit(), s.stderrText());
    }

    @Test
    void aStartValueOtherThanOneOrTrueIsAUsageErrorNamingIt() throws Exception {
        var out = new ByteArrayOutputStream();
        var err = new ByteArrayOutputStream();
        int code = Main.run(new String[] {"--port", "0"}, Map.of("STREAM_START", "yes"),
                new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
        assertEquals(Main.USAGE, code);
        String first = err.toString(StandardCharsets.UTF_8).lines().findFirst().orElse("");
        assertTrue(first.contains("--start (from STREAM_START) 'yes'"), first);
        assertTrue(Main.usageText().contains("--start") && Main.usageText().contains("STREAM_START"), "documented in --help");
        // --start=false and STREAM_START=0 leave the stream stopped until a POST.
        assertFalse(Main.autostart(Main.parse(new String[] {"--start=false"}, Map.of("STREAM_START", "1"))));
        assertFalse(Main.autostart(Main.parse(new String[0], Map.of("STREAM_START", "0"))));
        assertTrue(Main.autostart(Main.parse(new String[] {"--start"}, Map.of())));
        assertTrue(Main.autostart(Main.parse(new String[0], Map.of("STREAM_START", "true"))));
    }
}
