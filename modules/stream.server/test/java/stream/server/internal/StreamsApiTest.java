package stream.server.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static stream.server.internal.TestSupport.request;

import com.eclipsesource.json.Json;
import com.eclipsesource.json.JsonObject;
import com.eclipsesource.json.JsonValue;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import stream.server.StreamServer;

/** The /streams resource in-process: the contract, the name grammar, conflicts, the file, the dashboard and /metrics. */
class StreamsApiTest {
    @TempDir
    static Path dir;
    static StreamServer server;
    static int port;
    static int mainUdp;

    @BeforeAll
    static void start() throws IOException {
        mainUdp = TestSupport.freeUdpPort();
        server = StreamServer.start(TestSupport.smallTestServer(dir, mainUdp));
        port = server.port();
    }

    @AfterAll
    static void stop() {
        if (server != null) server.close();
        assertTrue(TestSupport.gstBelow(ProcessHandle.current()).isEmpty(), "no child outlives the server");
    }

    @AfterEach
    void deleteAllButMain() throws IOException {
        for (JsonValue s : list()) {
            String name = s.asObject().getString("name", "");
            if (!name.equals("main")) assertEquals(200, request(port, "DELETE", "/streams/" + name, null).code());
        }
        request(port, "POST", "/control", "{\"action\":\"stop\"}");
    }

    static List<JsonValue> list() throws IOException {
        TestSupport.Response r = request(port, "GET", "/streams", null);
        assertEquals(200, r.code(), r.body());
        return r.json().get("streams").asArray().values();
    }

    static String small(int udpPort) {
        return "{\"source\":\"test\",\"width\":160,\"height\":120,\"framerate\":10,\"destinations\":[\"127.0.0.1:" + udpPort + "\"]";
    }

    static TestSupport.Response put(String name, String body) throws IOException {
        return request(port, "PUT", "/streams/" + name, body);
    }

    @Test
    void mainIsListedAndItsEntryIsTheControlStatusPlusNameAndAutostart() throws IOException {
        List<JsonValue> streams = list();
        assertEquals(1, streams.size(), streams.toString());
        JsonObject entry = streams.get(0).asObject();
        assertEquals("main", entry.getString("name", null));
        assertFalse(entry.getBoolean("autostart", true));
        JsonObject control = TestSupport.status(port);
        JsonObject one = request(port, "GET", "/streams/main", null).json();
        for (String field : control.names()) {
            assertNotNull(one.get(field), "entry has " + field);
            if (!field.equals("uptimeSeconds")) assertEquals(control.get(field), one.get(field), field);
        }
        assertEquals(control.names().size() + 2, one.names().size(), one.toString());
        assertEquals(control, request(port, "GET", "/streams/main/control", null).json());
    }

    @Test
    void putCreatesThenUpdatesAndTheListIsSortedByName() throws IOException {
        int a = TestSupport.freeUdpPort();
        TestSupport.Response created = put("cam2", small(a) + ",\"autostart\":true}");
        assertEquals(201, created.code(), created.body());
        JsonObject o = created.json();
        assertEquals("Stream created", o.getString("message", null));
        assertEquals("cam2", o.getString("name", null));
        assertTrue(o.getBoolean("autostart", false));
        assertEquals("stopped", o.getString("status", null));
        assertEquals(160, o.get("settings").asObject().getInt("width", 0));
        TestSupport.Response updated = put("cam2", small(a) + ",\"bitrate\":300}");
        assertEquals(200, updated.code(), updated.body());
        assertEquals("Stream updated", updated.json().getString("message", null));
        assertFalse(updated.json().getBoolean("autostart", true), "a PUT replaces the whole definition");
        assertEquals(300, updated.json().get("settings").asObject().getInt("bitrate", 0));
        assertEquals(201, put("a-first", small(TestSupport.freeUdpPort()) + "}").code());
        List<String> names = list().stream().map(v -> v.asObject().getString("name", "")).toList();
        assertEquals(List.of("a-first", "cam2", "main"), names);
        assertFileEqualsRegistry();
    }

    @Test
    void unknownStreamsAre404WithTheAgreedHint() throws IOException {
        for (String[] r : new String[][] {{"GET", "/streams/nope"}, {"DELETE", "/streams/nope"}, {"GET", "/streams/nope/control"},
                {"GET", "/streams/nope/stream.sdp"}}) {
            TestSupport.Response a = request(port, r[0], r[1], null);
            assertEquals(404, a.code(), r[1]);
            assertEquals("no stream named 'nope'", a.json().getString("error", null));
            assertEquals("GET /streams lists the streams; PUT /streams/nope creates one", a.json().getString("hint", null));
        }
        TestSupport.Response post = request(port, "POST", "/streams/nope/control", "{\"action\":\"start\"}");
        assertEquals(404, post.code(), post.body());
    }

    @Test
    void mainCannotBeDeletedButCanBeRedefined() throws IOException {
        TestSupport.Response r = request(port, "DELETE", "/streams/main", null);
        assertEquals(409, r.code());
        assertTrue(r.json().getString("hint", "").contains("PUT /streams/main"), r.body());
        TestSupport.Response redefined = put("main", small(mainUdp) + "}");
        assertEquals(200, redefined.code(), redefined.body());
        assertEquals(160, TestSupport.status(port).get("settings").asObject().getInt("width", 0), "/control is main");
        // back to the fixture's main
        assertEquals(200, put("main", "{\"source\":\"test\",\"width\":320,\"height\":240,\"framerate\":15,"
                + "\"destinations\":[\"127.0.0.1:" + mainUdp + "\"]}").code());
    }

    @Test
    void twoStreamsCannotShareADestinationPortOrADevice() throws IOException {
        int p = TestSupport.freeUdpPort();
        assertEquals(201, put("cam2", small(p) + "}").code());
        for (String dest : List.of("127.0.0.1:" + p, "localhost:" + p, "0.0.0.0:" + p, "127.0.0.2:" + p, "[::1]:" + p)) {
            TestSupport.Response r = put("cam3", small(p + 1).replace("127.0.0.1:" + (p + 1), dest) + "}");
            assertEquals(409, r.code(), dest + ": " + r.body());
            assertTrue(r.json().getString("error", "").contains("stream 'cam2'"), r.body());
            assertEquals("destinations", r.json().getString("field", ""), "the field the dashboard shows it beside: " + r.body());
        }
        TestSupport.Response main = put("cam3", small(mainUdp) + "}");
        assertEquals(409, main.code(), main.body());
        assertTrue(main.json().getString("error", "").contains("stream 'main'"), main.body());
        // another host on the same port is another destination
        assertEquals(201, put("cam3", small(p).replace("127.0.0.1:" + p, "192.0.2.10:" + p) + "}").code());
        // a start with settings is checked too
        TestSupport.Response start = request(port, "POST", "/control", "{\"action\":\"start\",\"destinations\":[\"127.0.0.1:" + p + "\"]}");
        assertEquals(409, start.code(), start.body());
        assertEquals("stopped", TestSupport.status(port).getString("status", null));
        assertFileEqualsRegistry();
    }

    @Test
    void twoStreamsCannotShareADevice(@TempDir Path other) throws IOException {
        // A request may only name a camera that is here (ValidationTest); definitions from a file keep
        // theirs, which is where two streams on one missing camera can meet.
        String camera = ValidationTest.missingCamera();
        Path file = other.resolve("streams.json");
        Files.writeString(file, "{\"cam2\": " + small(TestSupport.freeUdpPort()).replace("\"test\"", "\"" + camera + "\"") + "},"
                + " \"cam3\": " + small(TestSupport.freeUdpPort()).replace("\"test\"", "\"" + camera + "\"") + "}}");
        var e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class, () -> StreamServer.start(
                TestSupport.smallTestServer(other, TestSupport.freeUdpPort()), false, file).close());
        assertTrue(e.getMessage().contains(camera) && e.getMessage().contains("stream 'cam2'"), e.getMessage());
    }

    @Test
    void aRunningStreamIsNotRedefinedWithOtherSettings() throws IOException {
        int p = TestSupport.freeUdpPort();
        assertEquals(201, put("cam2", small(p) + "}").code());
        TestSupport.Response started = request(port, "POST", "/streams/cam2/control", "{\"action\":\"start\"}");
        assertEquals(200, started.code(), started.body());
        assertEquals("Stream started", started.json().getString("message", null));
        TestSupport.Response refused = put("cam2", small(p) + ",\"bitrate\":300}");
        assertEquals(409, refused.code(), refused.body());
        assertTrue(refused.json().getString("hint", "").contains("stop"), refused.body());
        assertEquals(200, put("cam2", small(p) + ",\"autostart\":true}").code(), "the same settings: autostart may change");
        TestSupport.Response deleted = request(port, "DELETE", "/streams/cam2", null);
        assertEquals(200, deleted.code());
        assertEquals(Json.object().add("message", "Stream deleted").add("name", "cam2"), deleted.json());
        assertTrue(TestSupport.gstBelow(ProcessHandle.current()).isEmpty(), "delete stopped its child");
        assertFileEqualsRegistry();
    }

    @Test
    void aRunningStreamTakesANewMaxViewersWithoutARestart() throws IOException {
        int p = TestSupport.freeUdpPort();
        assertEquals(201, put("cam2", small(p) + "}").code());
        TestSupport.Response started = request(port, "POST", "/streams/cam2/control", "{\"action\":\"start\"}");
        assertEquals(200, started.code(), started.body());
        long pid = started.json().getLong("pid", -1);
        TestSupport.Response changed = put("cam2", small(p) + ",\"max-viewers\":2}");
        assertEquals(200, changed.code(), "max-viewers changes while streaming: " + changed.body());
        JsonObject entry = request(port, "GET", "/streams/cam2", null).json();
        assertEquals(2, entry.get("settings").asObject().getInt("max-viewers", 0), entry.toString());
        assertEquals(pid, entry.getLong("pid", -2), "the same child: " + entry);
        assertFileEqualsRegistry();
        // A start with it only is no conflict either: the running stream takes it.
        TestSupport.Response again = request(port, "POST", "/streams/cam2/control", "{\"action\":\"start\",\"max-viewers\":3}");
        assertEquals(200, again.code(), again.body());
        assertEquals("Stream already running", again.json().getString("message", null));
        assertEquals(3, again.json().get("settings").asObject().getInt("max-viewers", 0), again.body());
        assertEquals(pid, again.json().getLong("pid", -2));
    }

    @Test
    void theDashboardIsMountedAndUnknownPathsStayJson404() throws IOException {
        TestSupport.Response page = request(port, "GET", "/", null);
        assertEquals(200, page.code());
        assertTrue(page.header("Content-Type").startsWith("text/html"), page.header("Content-Type"));
        assertTrue(page.body().contains("<html") || page.body().contains("<!doctype") || page.body().contains("<!DOCTYPE"));
        TestSupport.Response head = request(port, "HEAD", "/", null);
        assertEquals(200, head.code());
        assertEquals("", head.body());
        assertEquals(200, request(port, "GET", "/ui/app.js", null).code());
        for (String path : List.of("/ui/nothing.js", "/ui/", "/ui/../index.html", "/index.htm", "/streamsx")) {
            TestSupport.Response r = request(port, "GET", path, null);
            assertEquals(404, r.code(), path);
            assertTrue(r.header("Content-Type").startsWith("application/json"), path);
        }
        assertEquals(200, request(port, "HEAD", "/control", null).code());
        assertEquals(200, request(port, "HEAD", "/streams", null).code());
    }

    @Test
    void everyStreamSeriesOfMetricsCarriesItsStreamLabel() throws IOException {
        assertEquals(201, put("cam2", small(TestSupport.freeUdpPort()) + "}").code());
        String text = request(port, "GET", "/metrics", null).body();
        PromText.Parsed m = PromText.parse(text);
        for (String name : List.of("main", "cam2")) {
            Map<String, String> label = Map.of("stream", name);
            assertEquals(0, m.value("stream_up", label));
            assertEquals(1, m.value("stream_status", Map.of("stream", name, "status", "stopped")));
            for (String series : List.of("stream_uptime_seconds", "stream_restarts_total", "stream_packets_total", "stream_bytes_total",
                    "stream_frames_total", "stream_fps", "stream_bitrate_bits_per_second", "stream_seconds_since_last_packet"))
                m.value(series, label); // throws when missing
        }
        for (PromText.Sample s : m.samples())
            if (!s.name().equals("stream_http_requests_total") && !s.name().startsWith("stream_server_")) // server-wide
                assertTrue(s.labels().containsKey("stream"), "labelled: " + s);
    }

    /** The definitions file says exactly what GET /streams says (main aside, which the flags define). */
    static void assertFileEqualsRegistry() throws IOException {
        Path file = server.streamsFile();
        JsonObject saved = Json.parse(Files.readString(file)).asObject();
        List<String> inFile = new ArrayList<>(saved.names());
        List<String> listed = new ArrayList<>();
        for (JsonValue v : list()) {
            JsonObject e = v.asObject();
            String name = e.getString("name", "");
            if (name.equals("main")) continue;
            listed.add(name);
            JsonObject d = saved.get(name).asObject();
            assertEquals(e.getBoolean("autostart", false), d.getBoolean("autostart", true), name);
            JsonObject settings = e.get("settings").asObject();
            for (String field : d.names())
                if (!field.equals("autostart") && !field.equals("destinations") || settings.get("multicast") == null)
                    if (!field.equals("autostart")) assertEquals(settings.get(field), d.get(field), name + " " + field);
        }
        assertEquals(listed, inFile);
    }

    // ------------------------------------------------------------------ the table of bad requests

    static Stream<Arguments> badRequests() {
        String ok = "{\"source\":\"test\",\"destinations\":[\"127.0.0.1:9\"]";
        return Stream.of(
                row("upper case name", "PUT", "/streams/Cam2", ok + "}", 400, "Invalid stream name"),
                row("name with underscore", "PUT", "/streams/cam_2", ok + "}", 400, "Invalid stream name"),
                row("name starting with a dash", "PUT", "/streams/-cam", ok + "}", 400, "Invalid stream name"),
                row("name of 33 characters", "PUT", "/streams/" + "a".repeat(33), ok + "}", 400, "Invalid stream name"),
                row("name with a dot", "PUT", "/streams/cam.2", ok + "}", 400, "Invalid stream name"),
                row("dot dot", "GET", "/streams/../control", null, 400, "Invalid stream name"),
                row("encoded slash", "PUT", "/streams/a%2Fb", ok + "}", 400, "Invalid stream name"),
                row("unicode name", "PUT", "/streams/k%C3%A4m", ok + "}", 400, "Invalid stream name"),
                row("space in name", "PUT", "/streams/a%20b", ok + "}", 400, "Invalid stream name"),
                row("empty name", "PUT", "/streams//control", ok + "}", 400, "Invalid stream name"),
                row("width odd", "PUT", "/streams/cam2", ok + ",\"width\":641}", 400, "width"),
                row("framerate too high", "PUT", "/streams/cam2", ok + ",\"framerate\":1000}", 400, "framerate"),
                row("pipeline in destination", "PUT", "/streams/cam2", "{\"destinations\":[\"1.2.3.4:5 ! filesink\"]}", 400, "destinations"),
                row("unknown field", "PUT", "/streams/cam2", ok + ",\"dest\":\"x\"}", 400, "Unknown field 'dest'"),
                row("action in a definition", "PUT", "/streams/cam2", ok + ",\"action\":\"start\"}", 400, "Unknown field 'action'"),
                row("autostart as text", "PUT", "/streams/cam2", ok + ",\"autostart\":\"yes\"}", 400, "autostart"),
                row("autostart as number", "PUT", "/streams/cam2", ok + ",\"autostart\":1}", 400, "autostart"),
                row("definition not an object", "PUT", "/streams/cam2", "[1]", 400, "must be an object"),
                row("malformed JSON", "PUT", "/streams/cam2", "{\"width\":", 400, "Malformed JSON"),
                row("empty definition body", "PUT", "/streams/cam2", "", 400, "empty"),
                row("duplicate field", "PUT", "/streams/cam2", ok + ",\"width\":320,\"width\":640}", 400, "more than once"),
                row("both destinations and multicast", "PUT", "/streams/cam2", ok + ",\"multicast\":\"239.1.1.1:5000\"}", 400, "multicast"),
                row("no such source device", "PUT", "/streams/cam2", "{\"source\":\"/dev/nothing-here\",\"destinations\":[\"127.0.0.1:9\"]}", 400, "no such device"),
                row("same port as main", "PUT", "/streams/cam2", "{\"source\":\"test\",\"destinations\":[\"127.0.0.1:MAIN\"]}", 409, "stream 'main'"),
                row("any-address on main's port", "PUT", "/streams/cam2", "{\"source\":\"test\",\"destinations\":[\"0.0.0.0:MAIN\"]}", 409, "stream 'main'"),
                row("delete main", "DELETE", "/streams/main", null, 409, "cannot be deleted"),
                row("delete unknown", "DELETE", "/streams/cam9", null, 404, "no stream named 'cam9'"),
                row("POST to a definition", "POST", "/streams/cam2", ok + "}", 405, "POST"),
                row("PUT to the list", "PUT", "/streams", ok + "}", 405, "PUT"),
                row("DELETE a control", "DELETE", "/streams/main/control", null, 405, "DELETE"),
                row("POST an sdp", "POST", "/streams/main/stream.sdp", "{}", 405, "POST"),
                row("unknown resource of a stream", "GET", "/streams/main/whatever", null, 404, "No such path"),
                row("bad action on a stream", "POST", "/streams/main/control", "{\"action\":\"go\"}", 400, "Unknown action"),
                row("settings with stop on a stream", "POST", "/streams/main/control", "{\"action\":\"stop\",\"width\":320}", 400, "Settings go with start"),
                row("body over 64 KiB", "PUT", "/streams/cam2", "{\"preset\":\"" + "x".repeat(70_000) + "\"}", 413, "too large"));
    }

    private static Arguments row(String name, String method, String path, String body, int code, String error) {
        return Arguments.of(name, method, path, body, code, error);
    }

    @ParameterizedTest(name = "{0} -> {4}")
    @MethodSource("badRequests")
    void badNamesAndDefinitionsGet4xxJson(String name, String method, String path, String body, int code, String error)
            throws IOException {
        if (body != null) body = body.replace("MAIN", Integer.toString(mainUdp));
        TestSupport.Response r = request(port, method, path, body);
        assertEquals(code, r.code(), name + ": " + r.body());
        assertTrue(r.header("Content-Type").startsWith("application/json"), name);
        JsonObject o = r.json();
        assertTrue(o.getString("error", "").contains(error), name + ": error '" + o.getString("error", "") + "' should contain '" + error + "'");
        assertFalse(o.getString("hint", "").isBlank(), name + ": a hint says what to do");
        if (code == 405) assertNotNull(r.header("Allow"), name);
        // Nothing changed: main alone, stopped, no child, the file as before.
        assertEquals(1, list().size(), name);
        assertEquals("stopped", TestSupport.status(port).getString("status", null));
        assertTrue(TestSupport.gstBelow(ProcessHandle.current()).isEmpty(), name + ": no child started");
    }
}
