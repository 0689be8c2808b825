package stream.server.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static stream.server.internal.TestSupport.request;

import com.eclipsesource.json.JsonObject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import stream.server.StreamServer;

/**
 * Three streams of one server at once, each at its own size and port: each decodes at its size
 * through its own SDP (ffprobe), and a kill -9 of one child fails that stream alone. One server
 * serves the class; each test starts from all three running (a test before may have killed one).
 */
class MultiStreamTest {
    /** name, width, height */
    private static final List<Object[]> STREAMS = List.of(
            new Object[] {"main", 320, 240}, new Object[] {"cam2", 256, 144}, new Object[] {"screen-1", 160, 120});

    @TempDir
    static Path dir;
    static StreamServer server;
    static int port;

    @BeforeAll
    static void start() throws IOException {
        server = StreamServer.start(TestSupport.smallTestServer(dir, TestSupport.freeUdpPort()));
        port = server.port();
        for (Object[] s : STREAMS.subList(1, STREAMS.size())) {
            String body = "{\"source\":\"test\",\"width\":" + s[1] + ",\"height\":" + s[2] + ",\"framerate\":15,"
                    + "\"destinations\":[\"127.0.0.1:" + TestSupport.freeUdpPort() + "\"]}";
            TestSupport.Response r = request(port, "PUT", "/streams/" + s[0], body);
            assertEquals(201, r.code(), r.body());
        }
        // All three start at once, each through its own control.
        List<CompletableFuture<TestSupport.Response>> starts = STREAMS.stream().map(s -> CompletableFuture.supplyAsync(() -> {
            try {
                return request(port, "POST", "/streams/" + s[0] + "/control", "{\"action\":\"start\"}");
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        })).toList();
        for (var f : starts) assertEquals(200, f.join().code(), f.join().body());
    }

    @AfterAll
    static void stop() {
        if (server != null) server.close();
        assertTrue(TestSupport.gstBelow(ProcessHandle.current()).isEmpty(), "no child outlives the server");
    }

    /** All three streams running, whatever a test before did: a failed one is started again. */
    @BeforeEach
    void allThreeRun() throws IOException {
        for (Object[] s : STREAMS) {
            String name = (String) s[0];
            String now = status(name).getString("status", "");
            if (now.equals("failed") || now.equals("stopped")) {
                TestSupport.Response r = request(port, "POST", "/streams/" + name + "/control", "{\"action\":\"start\"}");
                assertEquals(200, r.code(), name + ": " + r.body());
            }
        }
        for (Object[] s : STREAMS) {
            String name = (String) s[0];
            TestSupport.waitUntil(name + " running", Duration.ofSeconds(30), () -> {
                try {
                    return status(name).getString("status", "").equals("running");
                } catch (IOException e) {
                    return false;
                }
            });
        }
    }

    static JsonObject status(String name) throws IOException {
        return request(port, "GET", "/streams/" + name + "/control", null).json();
    }

    static long frames(String name) throws IOException {
        var stats = status(name).get("stats");
        return stats.isObject() ? stats.asObject().getLong("frames", 0) : 0;
    }

    @Test
    void eachStreamDecodesAtItsOwnSizeThroughItsOwnSdp() throws Exception {
        assertEquals(3, TestSupport.gstBelow(ProcessHandle.current()).size(), "one child per stream");
        for (Object[] s : STREAMS) {
            String name = (String) s[0];
            TestSupport.Response sdp = request(port, "GET", "/streams/" + name + "/stream.sdp", null);
            assertEquals(200, sdp.code(), sdp.body());
            Path file = dir.resolve(name + ".sdp");
            Files.writeString(file, sdp.body());
            Gst.ffprobeH264(file, "key_frame", (int) s[1], (int) s[2]);
        }
        assertEquals(request(port, "GET", "/stream.sdp", null).body().lines().filter(l -> l.startsWith("m=")).toList(),
                request(port, "GET", "/streams/main/stream.sdp", null).body().lines().filter(l -> l.startsWith("m=")).toList(),
                "/stream.sdp is main's");
    }

    @Test
    void killingOneChildFailsOnlyThatStream() throws IOException {
        long victim = status("cam2").getLong("pid", -1);
        long mainPid = status("main").getLong("pid", -1);
        long screenPid = status("screen-1").getLong("pid", -1);
        assertTrue(victim > 0 && mainPid > 0 && screenPid > 0);
        ProcessHandle.of(victim).orElseThrow().destroyForcibly(); // SIGKILL
        TestSupport.waitUntil("cam2 failed", Duration.ofSeconds(30), () -> {
            try {
                return status("cam2").getString("status", "").equals("failed");
            } catch (IOException e) {
                return false;
            }
        });
        assertTrue(status("cam2").get("lastExit").asObject().getString("description", "").contains("KILL"), status("cam2").toString());
        long mainFrames = frames("main"), screenFrames = frames("screen-1");
        TestSupport.waitUntil("the other two keep sending frames", Duration.ofSeconds(30), () -> {
            try {
                return frames("main") >= mainFrames + 15 && frames("screen-1") >= screenFrames + 15;
            } catch (IOException e) {
                return false;
            }
        });
        for (String name : List.of("main", "screen-1")) assertEquals("running", status(name).getString("status", null), name);
        assertEquals(mainPid, status("main").getLong("pid", -1));
        assertEquals(screenPid, status("screen-1").getLong("pid", -1));
        PromText.Parsed m = PromText.parse(request(port, "GET", "/metrics", null).body());
        assertEquals(1, m.value("stream_up", Map.of("stream", "main")));
        assertEquals(1, m.value("stream_up", Map.of("stream", "screen-1")));
        assertEquals(0, m.value("stream_up", Map.of("stream", "cam2")));
        assertEquals(1, m.value("stream_status", Map.of("stream", "cam2", "status", "failed")));
    }
}
