package stream.server.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static stream.server.internal.TestSupport.request;

import com.eclipsesource.json.JsonObject;
import com.eclipsesource.json.JsonValue;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Definitions are the user's data: defined by --streams and by PUT, they come back after a kill -9
 * of the server, the autostart ones streaming and the killed server's children gone; a damaged file
 * stops the server with a message naming it.
 */
class StreamPersistenceTest {
    /** From this helper's fixed range: pid files are keyed by the HTTP port, so the restart needs the same one. */
    private static final int HTTP_PORT = 19011;

    @TempDir
    Path dir;

    private List<String> args(int mainUdp, String... more) {
        List<String> a = new ArrayList<>(List.of("--port", Integer.toString(HTTP_PORT), "--bind", "127.0.0.1", "--source", "test",
                "--width", "320", "--height", "240", "--framerate", "15", "--dest", "127.0.0.1:" + mainUdp,
                "--state-dir", dir.toString(), "--start"));
        a.addAll(List.of(more));
        return a;
    }

    private static JsonObject entry(int port, String name) throws IOException {
        return request(port, "GET", "/streams/" + name, null).json();
    }

    private static boolean sending(int port, String name) {
        try {
            JsonObject e = entry(port, name);
            return e.getString("status", "").equals("running") && e.get("stats").isObject()
                    && e.get("stats").asObject().getLong("frames", 0) > 10;
        } catch (IOException e) {
            return false;
        }
    }

    @Test
    void definitionsComeBackAfterAKill9AndTheAutostartOnesStream() throws Exception {
        int mainUdp = TestSupport.freeUdpPort();
        Path startup = dir.resolve("startup-streams.json");
        Files.writeString(startup, "{\"cam2\": {\"source\": \"test\", \"width\": 256, \"height\": 144, \"framerate\": 15,"
                + " \"destinations\": [\"127.0.0.1:" + TestSupport.freeUdpPort() + "\"], \"autostart\": true},\n"
                + " \"cam3\": {\"source\": \"test\", \"width\": 160, \"height\": 120, \"framerate\": 10,"
                + " \"destinations\": [\"127.0.0.1:" + TestSupport.freeUdpPort() + "\"]}}\n");
        List<Long> oldChildren = new ArrayList<>();
        Map<String, JsonValue> settingsBefore = new LinkedHashMap<>();
        try {
            try (TestSupport.ServerProcess first = new TestSupport.ServerProcess(args(mainUdp, "--streams", startup.toString()), Map.of())) {
                int port = first.awaitPort();
                assertEquals(201, request(port, "PUT", "/streams/cam4", "{\"source\":\"test\",\"width\":192,\"height\":108,"
                        + "\"framerate\":10,\"destinations\":[\"127.0.0.1:" + TestSupport.freeUdpPort() + "\"],\"autostart\":true}").code());
                assertEquals(200, request(port, "POST", "/streams/cam4/control", "{\"action\":\"start\"}").code());
                for (String name : List.of("main", "cam2", "cam4"))
                    TestSupport.waitUntil(name + " sending", Duration.ofSeconds(60), () -> sending(port, name));
                assertEquals("stopped", entry(port, "cam3").getString("status", null), "cam3 is not autostart");
                for (String name : List.of("main", "cam2", "cam3", "cam4")) {
                    JsonObject e = entry(port, name);
                    settingsBefore.put(name, e.get("settings"));
                    if (e.get("pid").isNumber()) oldChildren.add(e.getLong("pid", -1));
                }
                assertEquals(3, oldChildren.size());
                first.process.destroyForcibly(); // kill -9 of the server alone, no shutdown hook
                first.process.waitFor();
            }
            // Started again with the same state directory and port, without --streams.
            try (TestSupport.ServerProcess second = new TestSupport.ServerProcess(args(mainUdp), Map.of())) {
                int port = second.awaitPort();
                // Ended by their parent-death signal (setpriv) or, where that is missing, by this server through the pid files.
                for (long pid : oldChildren)
                    TestSupport.waitUntil("the killed server's child " + pid + " is gone", Duration.ofSeconds(30),
                            () -> !ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false));
                List<String> names = new ArrayList<>();
                for (JsonValue v : request(port, "GET", "/streams", null).json().get("streams").asArray())
                    names.add(v.asObject().getString("name", ""));
                assertEquals(List.of("cam2", "cam3", "cam4", "main"), names);
                for (var e : settingsBefore.entrySet())
                    assertEquals(e.getValue(), entry(port, e.getKey()).get("settings"), e.getKey() + " has its settings back");
                assertTrue(entry(port, "cam2").getBoolean("autostart", false));
                assertFalse(entry(port, "cam3").getBoolean("autostart", true));
                for (String name : List.of("main", "cam2", "cam4"))
                    TestSupport.waitUntil(name + " streaming again", Duration.ofSeconds(60), () -> sending(port, name));
                assertEquals("stopped", entry(port, "cam3").getString("status", null));
                List<ProcessHandle> children = TestSupport.gstBelow(second.process.toHandle());
                assertEquals(3, children.size(), "one child per autostart stream");
                for (ProcessHandle c : children) assertFalse(oldChildren.contains(c.pid()));
                for (String name : List.of("main", "cam2", "cam4"))
                    assertNotEquals(-1, entry(port, name).getLong("pid", -1));
            }
        } finally {
            for (long pid : oldChildren) ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);
        }
    }

    @Test
    void aDamagedDefinitionsFileStopsTheServerNamingTheFileAndTheProblem() throws Exception {
        Path file = dir.resolve("streams-" + HTTP_PORT + ".json");
        Files.writeString(file, "{\"cam2\": {\"source\": \"test\", \"width\": 641, \"destinations\": [\"127.0.0.1:9\"]},"
                + " \"Bad_Name\": {}, \"cam3\": {\"source\": \"test\", \"destinations\": [\"127.0.0.1:11\"]}}");
        String before = Files.readString(file);
        try (TestSupport.ServerProcess s = new TestSupport.ServerProcess(args(TestSupport.freeUdpPort()), Map.of())) {
            assertEquals(3, s.awaitExit(), s.stderrText());
            String err = s.stderrText();
            assertTrue(err.contains(file.toString()), err);
            assertTrue(err.contains("stream 'cam2'") && err.contains("width"), err);
            assertTrue(err.contains("stream 'Bad_Name'") && err.contains("not a valid name"), err);
            assertTrue(TestSupport.gstBelow(s.process.toHandle()).isEmpty());
        }
        assertEquals(before, Files.readString(file), "the file is left as it was");
        Files.writeString(file, "{\"cam2\": {\"source\": \"test\", \"destinations\": [\"127.0.0.1:9\"]"); // cut short
        try (TestSupport.ServerProcess s = new TestSupport.ServerProcess(args(TestSupport.freeUdpPort()), Map.of())) {
            assertEquals(3, s.awaitExit(), s.stderrText());
            assertTrue(s.stderrText().contains(file + ": not valid JSON"), s.stderrText());
        }
    }

    @Test
    void aBadStreamsFileIsAUsageError() throws Exception {
        int mainUdp = TestSupport.freeUdpPort();
        Path startup = dir.resolve("s.json");
        Files.writeString(startup, "{\"main\": {}, \"cam2\": {\"destinations\": [\"127.0.0.1:" + mainUdp + "\"], \"autostart\": \"yes\"}}");
        try (TestSupport.ServerProcess s = new TestSupport.ServerProcess(args(mainUdp, "--streams", startup.toString()), Map.of())) {
            assertEquals(2, s.awaitExit(), s.stderrText());
            String err = s.stderrText();
            assertTrue(err.contains(startup.toString()) && err.contains("stream 'main'") && err.contains("autostart"), err);
        }
        Files.writeString(startup, "{\"cam2\": {\"source\": \"test\", \"destinations\": [\"localhost:" + mainUdp + "\"]}}");
        try (TestSupport.ServerProcess s = new TestSupport.ServerProcess(args(mainUdp), Map.of("STREAM_STREAMS", startup.toString()))) {
            assertEquals(2, s.awaitExit(), s.stderrText());
            assertTrue(s.stderrText().contains("stream 'main'"), "conflict with main named: " + s.stderrText());
        }
        try (TestSupport.ServerProcess s = new TestSupport.ServerProcess(args(mainUdp, "--streams", dir.resolve("none.json").toString()), Map.of())) {
            assertEquals(2, s.awaitExit(), s.stderrText());
            assertTrue(s.stderrText().contains("no such file"), s.stderrText());
        }
    }
}
