package stream.server.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static stream.server.internal.TestSupport.gstBelow;
import static stream.server.internal.TestSupport.post;
import static stream.server.internal.TestSupport.request;
import static stream.server.internal.TestSupport.status;

import com.eclipsesource.json.JsonObject;
import com.eclipsesource.json.JsonValue;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import stream.server.ServerConfig;
import stream.server.StreamServer;

/** The /control and /health contract, case by case, against a real server and a real gst-launch-1.0. */
class ApiContractTest {
    @TempDir
    static Path stateDir;
    static StreamServer server;
    static int port;
    static int udpPort;

    static final List<String> FIELDS = List.of("status", "pid", "startedAt", "uptimeSeconds", "command", "source",
            "destination", "starts", "restarts", "lastExit", "lastStderr");

    @BeforeAll
    static void startServer() throws IOException {
        udpPort = TestSupport.freeUdpPort();
        server = StreamServer.start(TestSupport.smallTestServer(stateDir, udpPort));
        port = server.port();
    }

    @AfterEach
    void stopStream() throws IOException {
        post(port, "stop");
    }

    @AfterAll
    static void stopServer() {
        if (server != null) server.close();
        assertTrue(gstBelow(ProcessHandle.current()).isEmpty(), "close() leaves no gst-launch-1.0");
    }

    static void assertShape(JsonObject o) {
        for (String f : FIELDS) assertTrue(o.get(f) != null, "field " + f + " present in " + o);
        assertTrue(List.of("stopped", "starting", "running", "stopping", "failed").contains(o.getString("status", "")), o.toString());
    }

    @Test
    void healthIsOk() throws IOException {
        var r = request(port, "GET", "/health", null);
        assertEquals(200, r.code());
        assertTrue(r.header("Content-Type").startsWith("application/json"));
        assertEquals("ok", r.json().getString("status", null));
    }

    @Test
    void statusWhenStoppedHasTheFullShape() throws IOException {
        var r = request(port, "GET", "/control", null);
        assertEquals(200, r.code());
        assertTrue(r.header("Content-Type").startsWith("application/json"));
        JsonObject o = r.json();
        assertShape(o);
        assertEquals("stopped", o.getString("status", null));
        assertTrue(o.get("pid").isNull());
        assertEquals("127.0.0.1:" + udpPort, o.getString("destination", null));
        List<String> cmd = o.get("command").asArray().values().stream().map(JsonValue::asString).toList();
        assertTrue(cmd.get(0).endsWith("gst-launch-1.0"), cmd.toString());
        assertTrue(cmd.contains("video/x-raw,format=I420,width=320,height=240,framerate=15/1"), cmd.toString());
        assertTrue(cmd.contains("video/x-h264,profile=constrained-baseline"), cmd.toString());
        // keyframe interval default 1 s: 15 frames at 15 fps
        assertTrue(cmd.contains("key-int-max=15") && cmd.contains("tune=zerolatency") && cmd.contains("config-interval=1"), cmd.toString());
        assertTrue(cmd.contains("port=" + udpPort), cmd.toString());
    }

    @Test
    void startRunsTheChildAndStatusTellsTheTruth() throws IOException {
        var r = request(port, "POST", "/control", "{\"action\":\"start\"}");
        assertEquals(200, r.code());
        JsonObject o = r.json();
        assertEquals("Stream started", o.getString("message", null));
        assertShape(o);
        assertEquals("running", o.getString("status", null));
        long pid = o.getLong("pid", -1);
        var children = gstBelow(ProcessHandle.current());
        assertEquals(1, children.size(), "one gst-launch child");
        assertEquals(pid, children.get(0).pid(), "status pid is the real child");
        // The exact command line in the status is the one the child runs.
        String real = children.get(0).info().arguments().map(a -> String.join(" ", a)).orElse("");
        List<String> cmd = o.get("command").asArray().values().stream().map(JsonValue::asString).toList();
        assertEquals(String.join(" ", cmd.subList(1, cmd.size())), real);
        assertTrue(Files.readString(server.pidFile()).startsWith(pid + " "), "pid file records the child");
        JsonObject s = status(port);
        assertEquals("running", s.getString("status", null));
        assertTrue(s.getDouble("uptimeSeconds", -1) >= 0);
        assertFalse(s.get("startedAt").isNull());
    }

    @Test
    void startTwiceIsHarmlessAndSaysSo() throws IOException {
        long pid = post(port, "start").getLong("pid", -1);
        var r = request(port, "POST", "/control", "{\"action\":\"start\"}");
        assertEquals(200, r.code());
        assertEquals("Stream already running", r.json().getString("message", null));
        assertEquals(pid, r.json().getLong("pid", -2));
        assertEquals(1, gstBelow(ProcessHandle.current()).size());
    }

    @Test
    void stopAnswersOnlyWhenTheChildIsGone() throws IOException {
        long pid = post(port, "start").getLong("pid", -1);
        var r = request(port, "POST", "/control", "{\"action\":\"stop\"}");
        assertEquals(200, r.code());
        JsonObject o = r.json();
        assertEquals("Stream stopped", o.getString("message", null));
        assertEquals("stopped", o.getString("status", null));
        assertTrue(ProcessHandle.of(pid).map(h -> !h.isAlive()).orElse(true), "child gone when stop answers");
        assertTrue(gstBelow(ProcessHandle.current()).isEmpty());
        JsonObject exit = o.get("lastExit").asObject();
        assertTrue(exit.getBoolean("requested", false));
        assertEquals(0, exit.getInt("code", -1), "SIGINT with -e ends gst-launch cleanly: " + exit);
        assertFalse(Files.exists(server.pidFile()), "pid file removed after stop");
    }

    @Test
    void stopWhenStoppedSaysNotRunning() throws IOException {
        var r = request(port, "POST", "/control", "{\"action\":\"stop\"}");
        assertEquals(200, r.code());
        assertEquals("Stream not running", r.json().getString("message", null));
        assertEquals("stopped", r.json().getString("status", null));
    }

    @Test
    void headAnswersHeadersOnly() throws IOException {
        var r = request(port, "HEAD", "/control", null);
        assertEquals(200, r.code());
        assertTrue(r.header("Content-Type").startsWith("application/json"));
        assertEquals("", r.body());
    }

    @Test
    void otherMethodGets405WithAllow() throws IOException {
        var r = request(port, "DELETE", "/control", null);
        assertEquals(405, r.code());
        assertEquals("GET, HEAD, POST", r.header("Allow"));
        assertTrue(r.json().getString("error", "").contains("DELETE"));
        var h = request(port, "POST", "/health", "{}");
        assertEquals(405, h.code());
        assertEquals("GET, HEAD", h.header("Allow"));
    }

    @Test
    void unknownPathGets404Json() throws IOException {
        var r = request(port, "GET", "/controls", null);
        assertEquals(404, r.code());
        assertTrue(r.header("Content-Type").startsWith("application/json"));
        assertTrue(r.json().getString("error", "").contains("/controls"));
        assertFalse(r.json().getString("hint", "").isEmpty());
    }

    @Test
    void startsCountsEveryStartAndRestartsOnlyThePolicys() throws IOException {
        post(port, "start");
        post(port, "stop");
        JsonObject before = status(port);
        int starts = before.getInt("starts", -1);
        assertTrue(starts >= 1, before.toString());
        post(port, "start");
        JsonObject after = status(port);
        assertEquals(starts + 1, after.getInt("starts", -1), after.toString());
        // A start request is not a restart: restarts counts only the restart policy's (never, here).
        assertEquals(0, after.getInt("restarts", -1), after.toString());
        assertFalse(after.names().contains("restartCount"), after.toString());
    }

    @Test
    void aFailingSourceGivesFailedWithStderr(@TempDir Path dir) throws Exception {
        // A camera path that does not exist: gst-launch fails; the server says so and keeps serving.
        try (StreamServer bad = StreamServer.start(ServerConfig.defaults().withBind("127.0.0.1").withPort(0)
                .withSource("/dev/video97").withDestination("127.0.0.1:" + udpPort).withStateDir(dir).withSize(320, 240, 15))) {
            var r = request(bad.port(), "POST", "/control", "{\"action\":\"start\"}");
            assertEquals(500, r.code(), r.body());
            JsonObject o = r.json();
            assertEquals("Stream failed to start", o.getString("message", null));
            assertEquals("failed", o.getString("status", null));
            assertTrue(o.getString("error", "").contains("exit code"), o.toString());
            String stderr = o.get("lastStderr").toString();
            assertTrue(stderr.contains("/dev/video97"), "stderr names the device: " + stderr);
            assertNotEquals(0, o.get("lastExit").asObject().getInt("code", 0));
            assertEquals("ok", request(bad.port(), "GET", "/health", null).json().getString("status", null));
            var stop = post(bad.port(), "stop");
            assertEquals("Stream not running", stop.getString("message", null));
            assertEquals("stopped", stop.getString("status", null), "stop acknowledges the failure");
        }
    }
}
