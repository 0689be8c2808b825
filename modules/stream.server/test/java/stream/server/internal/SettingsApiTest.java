package stream.server.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static stream.server.internal.TestSupport.request;
import static stream.server.internal.TestSupport.status;

import com.eclipsesource.json.Json;
import com.eclipsesource.json.JsonObject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import stream.server.ServerConfig;
import stream.server.StreamServer;

/** Every bad setting in a start request gets a 400 naming field, value and what is allowed; flags the same. */
class SettingsApiTest {
    private static Path dir;
    private static StreamServer server;
    private static int port;

    @BeforeAll
    static void startServer() throws IOException {
        dir = Files.createTempDirectory("settings-api");
        server = StreamServer.start(TestSupport.smallTestServer(dir, TestSupport.freeUdpPort()));
        port = server.port();
    }

    @AfterAll
    static void stopServer() throws IOException {
        if (server != null) server.close();
        try (var files = Files.walk(dir)) { // the state directory holds the streams' media folders too
            for (Path p : files.sorted(java.util.Comparator.reverseOrder()).toList()) Files.deleteIfExists(p);
        }
    }

    @Test
    void getSettingsIsTheSettingsTable() throws IOException {
        TestSupport.Response r = request(port, "GET", "/settings", null);
        assertEquals(200, r.code(), r.body());
        var rows = r.json().get("settings").asArray();
        var all = stream.server.internal.settings.StreamSettings.ALL;
        assertEquals(all.size(), rows.size(), r.body());
        for (int i = 0; i < all.size(); i++) {
            JsonObject row = rows.get(i).asObject();
            var s = all.get(i);
            assertEquals(s.name(), row.getString("name", ""), "in the table's order");
            assertEquals(s.allowed(), row.getString("allowed", ""), row.toString());
            assertEquals(s.json().name().toLowerCase(java.util.Locale.ROOT), row.getString("type", ""), row.toString());
            assertTrue(!row.getString("help", "").isBlank() && !row.getString("help", "").contains("  "), row.toString());
        }
        JsonObject width = rows.get(0).asObject();
        assertEquals(1280, width.getInt("default", 0), width.toString());
        assertEquals(false, width.getBoolean("live", true), width.toString());
        JsonObject password = rows.values().stream().map(v -> v.asObject())
                .filter(o -> o.getString("name", "").equals("source-password")).findFirst().orElseThrow();
        assertTrue(password.getBoolean("secret", false) && password.get("default").isNull(), password.toString());
        JsonObject record = rows.values().stream().map(v -> v.asObject())
                .filter(o -> o.getString("name", "").equals("record")).findFirst().orElseThrow();
        assertTrue(record.getBoolean("live", false) && !record.getBoolean("default", true), record.toString());
        assertEquals(405, request(port, "POST", "/settings", "{}").code());
    }

    @ParameterizedTest(name = "{0} -> 400 on {1}")
    @CsvSource(delimiter = '|', quoteCharacter = '\'', textBlock = """
            "width":641                                        | width         | 641
            "width":7680                                       | width         | 7680
            "width":"640px"                                    | width         | 640px
            "width":640.5                                      | width         | 640.5
            "width":true                                       | width         | true
            "height":2                                         | height        | 2
            "framerate":0                                      | framerate     | 0
            "framerate":240                                    | framerate     | 240
            "bitrate":20                                       | bitrate       | 20
            "bitrate":"1e9"                                    | bitrate       | 1e9
            "keyint":0                                         | keyint        | 0
            "keyint":"90s"                                     | keyint        | 90s
            "preset":"ludicrous"                               | preset        | ludicrous
            "preset":"fast ! filesink location=/tmp/x"         | preset        | fast ! filesink location=/tmp/x
            "source":"/etc/passwd"                             | source        | /etc/passwd
            "source":"test ! fakesink"                         | source        | test ! fakesink
            "destinations":["127.0.0.1"]                       | destinations  | 127.0.0.1
            "destinations":["127.0.0.1:0"]                     | destinations  | 127.0.0.1:0
            "destinations":["10.0.0.1:5000 ! fakesink"]        | destinations  | 10.0.0.1:5000 ! fakesink
            "destinations":["::1:5000"]                        | destinations  | ::1:5000
            "destinations":["h_x.example:5000"]                | destinations  | h_x.example:5000
            "destinations":[]                                  | destinations  | []
            "destinations":[5000]                              | destinations  | [5000]
            "destinations":["239.1.1.1:5000"]                  | destinations  | 239.1.1.1:5000
            "multicast":"10.1.1.1:5004"                        | multicast     | 10.1.1.1:5004
            "multicast":"239.1.1.1"                            | multicast     | 239.1.1.1
            "multicast":"239.1.1.1:5004","destinations":["127.0.0.1:1"] | multicast | "239.1.1.1:5004"
            "ttl":0                                            | ttl           | 0
            "ttl":256                                          | ttl           | 256
            "restart":"always"                                 | restart       | always
            "stall-timeout":0                                  | stall-timeout | 0
            """)
    void badSettingGets400NamingFieldValueAndAllowed(String json, String field, String value) throws IOException {
        TestSupport.Response r = request(port, "POST", "/control", "{\"action\":\"start\"," + json + "}");
        assertEquals(400, r.code(), r.body());
        JsonObject o = r.json();
        assertEquals(field, o.getString("field", null), r.body());
        assertEquals(value, o.getString("value", null), r.body());
        String allowed = o.getString("allowed", "");
        assertTrue(allowed.length() > 5, r.body());
        assertTrue(o.getString("error", "").startsWith(field + " "), r.body());
        assertTrue(o.getString("error", "").contains(allowed), r.body());
        assertTrue(o.getString("hint", "").contains(field), r.body());
        assertEquals("stopped", status(port).getString("status", ""), "nothing was started");
    }

    @Test
    void settingsGoWithStartOnlyAndStatusShowsTheDefaults() throws IOException {
        TestSupport.Response r = request(port, "POST", "/control", "{\"action\":\"stop\",\"width\":640}");
        assertEquals(400, r.code(), r.body());
        assertTrue(r.json().getString("error", "").contains("start"), r.body());
        r = request(port, "POST", "/control", "{\"action\":\"start\",\"colour\":\"red\"}");
        assertEquals(400, r.code(), r.body());
        assertTrue(r.json().getString("hint", "").contains("bitrate"), "hint lists the settings: " + r.body());
        r = request(port, "POST", "/control", "{\"action\":\"start\",\"source\":\"/dev/no-such-camera\"}");
        assertEquals(400, r.code(), r.body());
        assertTrue(r.json().getString("error", "").contains("no such device"), r.body());
        JsonObject settings = status(port).get("settings").asObject();
        assertEquals(320, settings.getInt("width", 0));
        assertEquals(2000, settings.getInt("bitrate", 0));
        assertEquals("1s", settings.getString("keyint", ""), "the default in its own unit");
        assertEquals("ultrafast", settings.getString("preset", ""));
        assertEquals("never", settings.getString("restart", ""));
    }

    @Test
    void startWithOtherSettingsWhileRunningIsAConflict() throws IOException {
        try {
            assertEquals(200, request(port, "POST", "/control", "{\"action\":\"start\",\"bitrate\":500}").code());
            assertEquals(200, request(port, "POST", "/control", "{\"action\":\"start\",\"bitrate\":500}").code());
            assertEquals(200, request(port, "POST", "/control", "{\"action\":\"start\"}").code());
            TestSupport.Response r = request(port, "POST", "/control", "{\"action\":\"start\",\"bitrate\":900}");
            assertEquals(409, r.code(), r.body());
            assertTrue(r.json().getString("hint", "").contains("stop"), r.body());
            assertEquals(500, status(port).get("settings").asObject().getInt("bitrate", 0));
        } finally {
            request(port, "POST", "/control", "{\"action\":\"stop\"}");
        }
        assertEquals(2000, status(port).get("settings").asObject().getInt("bitrate", 0), "after stop: the defaults");
    }

    @ParameterizedTest(name = "{0} {1}")
    @CsvSource(delimiter = '|', textBlock = """
            --width         | 641
            --height        | 4320
            --framerate     | 0
            --bitrate       | 10
            --keyint        | 2m
            --preset        | quick
            --dest          | 127.0.0.1:5000;ls
            --multicast     | 127.0.0.1:5000
            --ttl           | 300
            --restart       | sometimes
            --stall-timeout | 999
            """)
    void badFlagIsAUsageErrorNamingIt(String flag, String value) {
        var e = assertThrows(IllegalArgumentException.class, () -> Main.toConfig(Main.parse(new String[] {flag, value}, Map.of())));
        assertTrue(e.getMessage().startsWith(flag + " '" + value + "'"), e.getMessage());
        assertTrue(e.getMessage().contains("expected"), e.getMessage());
        String env = "STREAM_" + flag.substring(2).toUpperCase(java.util.Locale.ROOT).replace('-', '_');
        var fromEnv = assertThrows(IllegalArgumentException.class, () -> Main.toConfig(Main.parse(new String[0], Map.of(env, value))));
        assertTrue(fromEnv.getMessage().startsWith(flag + " (from " + env + ") '"), fromEnv.getMessage());
    }

    @Test
    void goodFlagsBecomeTheDefaults() throws Exception {
        ServerConfig c = Main.toConfig(Main.parse(new String[] {"--width", "640", "--height=360", "--bitrate", "800",
                "--keyint", "2s", "--preset", "veryfast", "--multicast", "239.255.0.1:5004", "--ttl", "3",
                "--restart", "on-failure", "--stall-timeout", "4"}, Map.of("STREAM_FRAMERATE", "15")));
        JsonObject settings = Json.parse(c.settingsJson()).asObject();
        assertEquals(640, settings.getInt("width", 0));
        assertEquals(15, settings.getInt("framerate", 0));
        assertEquals(c.withSettings(Map.of("bitrate", "800", "keyint", "2s", "preset", "veryfast", "multicast", "239.255.0.1:5004",
                "ttl", "3", "restart", "on-failure", "stall-timeout", "4")), c);
        assertEquals("2s", settings.getString("keyint", ""), "in the unit given, not as 30 frames at 15 fps");
        assertEquals("239.255.0.1:5004", settings.getString("multicast", ""));
        assertThrows(Main.UsageException.class, () -> Main.toConfig(Main.parse(
                new String[] {"--dest", "127.0.0.1:5000", "--multicast", "239.255.0.1:5004"}, Map.of())));
    }

    @ParameterizedTest(name = "keyint {0} comes back as {0}")
    @CsvSource(delimiter = '|', quoteCharacter = '\'', textBlock = """
            "2s"   | k-seconds
            "0.5s" | k-half
            45     | k-frames
            """)
    void keyintComesBackInTheUnitGiven(String keyint, String name) throws IOException {
        String body = "{\"source\":\"test\",\"framerate\":30,\"destinations\":[\"127.0.0.1:" + TestSupport.freeUdpPort()
                + "\"],\"keyint\":" + keyint + "}";
        TestSupport.Response r = request(port, "PUT", "/streams/" + name, body);
        assertEquals(201, r.code(), r.body());
        JsonObject settings = request(port, "GET", "/streams/" + name, null).json().get("settings").asObject();
        assertEquals(Json.parse(keyint), settings.get("keyint"), "GET: " + settings);
        // The definitions file keeps it so, and what it keeps reads back the same.
        JsonObject stored = Json.parse(Files.readString(server.streamsFile())).asObject().get(name).asObject();
        assertEquals(Json.parse(keyint), stored.get("keyint"), "stored: " + stored);
        // A PUT of what GET gave changes nothing.
        assertEquals(200, request(port, "PUT", "/streams/" + name, settings.toString()).code());
        assertEquals(settings, request(port, "GET", "/streams/" + name, null).json().get("settings").asObject());
        assertEquals(200, request(port, "DELETE", "/streams/" + name, null).code());
    }
}
