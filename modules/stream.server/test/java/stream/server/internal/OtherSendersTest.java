package stream.server.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.eclipsesource.json.Json;
import com.eclipsesource.json.JsonArray;
import com.eclipsesource.json.JsonValue;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import stream.testkit.Await;
import stream.testkit.Processes;
import stream.testkit.ServerProcess;

/**
 * Another program sending to a stream's destination is said in the stream's status
 * ({@code otherSenders}), with a real second gst-launch-1.0 sender beside a real stream.
 */
class OtherSendersTest {
    @TempDir
    Path dir;

    @Test
    void aSecondGstLaunchSenderToTheDestinationIsSaidInTheStatus() throws Exception {
        int udp = TestSupport.freeUdpPort();
        // A server process of its own: the test's sender must not be one of the server's own children.
        try (ServerProcess server = ServerProcess.builder().env("HOME", dir.toString())
                .args("--port", "0", "--bind", "127.0.0.1", "--rtsp-port", "0", "--source", "test", "--dest", "127.0.0.1:" + udp,
                        "--width", "160", "--height", "120", "--framerate", "10", "--start").start()) {
            int port = server.awaitPort();
            Await.until("main running", Duration.ofSeconds(60),
                    () -> Json.parse(TestSupport.request(port, "GET", "/control", null).body()).asObject().getString("status", "").equals("running"));
            JsonArray before = senders(port);
            assertEquals(0, before.size(), "nobody else sends there yet: " + before);
            Process other = new ProcessBuilder("gst-launch-1.0", "-q", "videotestsrc", "is-live=true", "!", "video/x-raw,width=160,height=120,framerate=5/1",
                    "!", "x264enc", "tune=zerolatency", "speed-preset=ultrafast", "!", "rtph264pay", "!",
                    "udpsink", "host=127.0.0.1", "port=" + udp).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            try {
                JsonValue seen = Await.value(() -> "the status names the other sender, pid " + other.pid(), Duration.ofSeconds(20),
                        () -> senders(port).values().stream().filter(v -> v.asObject().getLong("pid", 0) == other.pid()).findFirst().orElse(null));
                assertEquals("127.0.0.1:" + udp, seen.asObject().getString("destination", ""));
                assertTrue(seen.asObject().getString("command", "").startsWith("gst-launch-1.0"), seen.toString());
                Await.until("the log says it once", Duration.ofSeconds(10),
                        () -> server.stderrText().contains("another program sends to its destination 127.0.0.1:" + udp + ": pid " + other.pid()));
            } finally {
                Processes.killTree(other);
            }
            Await.until("the status forgets the sender that ended", Duration.ofSeconds(20), () -> senders(port).isEmpty());
        }
    }

    private static JsonArray senders(int port) throws Exception {
        return Json.parse(TestSupport.request(port, "GET", "/control", null).body()).asObject().get("otherSenders").asArray();
    }
}
