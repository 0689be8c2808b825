package stream.server.internal;

import stream.server.internal.settings.Option;
import stream.server.internal.settings.SettingsGrammar.Restart;
import stream.server.internal.settings.SettingsGrammar.Endpoint;
import stream.server.internal.settings.Setting;
import stream.server.internal.settings.SettingsGrammar;
import stream.server.internal.settings.StreamSettings;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.eclipsesource.json.Json;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import stream.server.internal.settings.SettingsGrammar.Invalid;

class SettingsGrammarTest {
    private static final StreamSettings D = StreamSettings.defaults();

    @ParameterizedTest(name = "{0}={1} accepted")
    @CsvSource(delimiter = '|', textBlock = """
            width         | 16
            width         | 640
            width         | 3840
            height        | 2160
            height        | 360
            framerate     | 1
            framerate     | 120
            bitrate       | 100
            bitrate       | 50000
            keyint        | 1
            keyint        | 600
            keyint        | 2s
            keyint        | 0.5s
            preset        | ultrafast
            preset        | veryslow
            source        | auto
            source        | test
            source        | /dev/video0
            destinations  | 127.0.0.1:5000
            destinations  | 10.0.0.2:5000,[::1]:5002,viewer-1.example.org:6000
            destinations  | [2001:db8::7]:5004
            destinations  | [::ffff:192.0.2.1]:5004
            destinations  | localhost:1
            multicast     | 239.255.0.1:5004
            multicast     | 224.0.0.251:65535
            multicast     | [ff15::1]:5004
            ttl           | 1
            ttl           | 255
            restart       | never
            restart       | on-failure
            stall-timeout | 1
            """)
    void acceptsGoodValues(String field, String value) {
        StreamSettings s = D.with(field, value);
        assertTrue(s.toJson().toString().contains(field.equals("keyint") ? "keyint" : value.split(",")[0]),
                s.toJson().toString());
    }

    @ParameterizedTest(name = "{0}={1} rejected: {2}")
    @CsvSource(delimiter = '|', quoteCharacter = '"', textBlock = """
            width         | 641                           | even whole number of pixels from 16 to 3840
            width         | 14                            | from 16 to 3840
            width         | 3842                          | from 16 to 3840
            width         | -640                          | from 16 to 3840
            width         | 640.0                         | from 16 to 3840
            width         | 0x280                         | from 16 to 3840
            width         | ""                            | from 16 to 3840
            height        | 2162                          | from 16 to 2160
            height        | 361                           | even
            framerate     | 0                             | from 1 to 120
            framerate     | 121                           | from 1 to 120
            framerate     | 15/1                          | from 1 to 120
            bitrate       | 99                            | 100 to 50000 kbit/s
            bitrate       | 50001                         | 100 to 50000 kbit/s
            bitrate       | 2M                            | 100 to 50000 kbit/s
            keyint        | 0                             | frames from 1 to 600
            keyint        | 601                           | frames from 1 to 600
            keyint        | 0s                            | seconds from 0.1 to 60
            keyint        | 61s                           | seconds from 0.1 to 60
            keyint        | 2 s                           | seconds
            keyint        | 21s                           | 1 to 600 frames
            preset        | turbo                         | ultrafast, superfast
            preset        | "ultrafast ! filesink"        | ultrafast, superfast
            source        | /etc/passwd                   | /dev/video0
            source        | /dev/../etc/passwd            | /dev/video0
            source        | "test ! fakesink"             | /dev/video0
            source        | "/dev/video0 ! fakesink"      | /dev/video0
            destinations  | 127.0.0.1                     | HOST:PORT
            destinations  | 127.0.0.1:0                   | HOST:PORT
            destinations  | 127.0.0.1:65536               | HOST:PORT
            destinations  | 256.1.1.1:5000                | HOST:PORT
            destinations  | 1.2.3:5000                    | HOST:PORT
            destinations  | ::1:5000                      | HOST:PORT
            destinations  | [::1]5000                     | HOST:PORT
            destinations  | [1:2:3:4:5:6:7:8:9]:5000      | HOST:PORT
            destinations  | [127.0.0.1]:5000              | HOST:PORT
            destinations  | "host name:5000"              | HOST:PORT
            destinations  | "h!x:5000"                    | HOST:PORT
            destinations  | "127.0.0.1:5000 ! filesink location=/tmp/x" | HOST:PORT
            destinations  | a=b:5000                      | HOST:PORT
            destinations  | -bad.example:5000             | HOST:PORT
            destinations  | "127.0.0.1:5000,"             | HOST:PORT
            destinations  | 127.0.0.1:5000,127.0.0.1:5000 | each destination once
            destinations  | 239.1.1.1:5000                | multicast and ttl
            destinations  | "1.1.1.1:1,1.1.1.1:2,1.1.1.1:3,1.1.1.1:4,1.1.1.1:5,1.1.1.1:6,1.1.1.1:7,1.1.1.1:8,1.1.1.1:9" | 1 to 8
            multicast     | 10.0.0.1:5004                 | 224.0.0.0/4
            multicast     | 240.0.0.1:5004                | 224.0.0.0/4
            multicast     | [fe80::1]:5004                | ff00::/8
            multicast     | 239.255.0.1                   | GROUP:PORT
            multicast     | group.example:5004            | 224.0.0.0/4
            ttl           | 0                             | from 1 to 255 hops
            ttl           | 256                           | from 1 to 255 hops
            restart       | always                        | never or on-failure
            restart       | ON-FAILURE                    | never or on-failure
            stall-timeout | 0                             | 1 to 300 seconds
            colour        | red                           | one of width, height
            """)
    void rejectsBadValuesNamingFieldValueAndAllowed(String field, String value, String allowedPart) {
        Invalid e = assertThrows(Invalid.class, () -> D.with(field, value));
        String expectedField = field.equals("colour") ? "setting" : field;
        assertEquals(expectedField, e.field());
        assertTrue(e.getMessage().startsWith(expectedField + " '"), e.getMessage());
        String part = value.split(",")[0];
        assertTrue(e.getMessage().contains(field.equals("colour") ? field : part.substring(0, Math.min(part.length(), 10))),
                e.getMessage());
        assertTrue(e.allowed().contains(allowedPart), e.getMessage());
    }

    @Test
    void nothingAcceptedCanCarryGstLaunchSyntax() {
        // Every string setting that reaches the argument list, after parsing.
        for (String dests : List.of("a.b:1,[::1]:2,1.2.3.4:3", "x-y.z:65535")) {
            for (Endpoint e : D.with("destinations", dests).get(StreamSettings.DESTINATIONS))
                assertTrue(e.host().matches("[A-Za-z0-9.:-]+"), e.host());
        }
        for (String p : SettingsGrammar.PRESETS) assertTrue(p.matches("[a-z]+"));
    }

    @Test
    void keyintInSecondsFollowsTheFrameRate() {
        StreamSettings s = D.with("keyint", "2s").with("framerate", "15");
        assertEquals(30, s.keyintFrames());
        assertEquals(60, s.with("framerate", "30").keyintFrames());
        assertEquals(45, s.with("keyint", "45").with("framerate", "60").keyintFrames());
    }

    @Test
    void multicastAndDestinationsReplaceEachOther() {
        StreamSettings m = D.with("multicast", "239.255.0.1:5004").with("ttl", "4");
        assertTrue(m.get(StreamSettings.DESTINATIONS).isEmpty());
        assertEquals(List.of(new Endpoint("239.255.0.1", 5004)), m.targets());
        assertEquals(4, m.ttl());
        StreamSettings u = m.with("destinations", "127.0.0.1:6000");
        assertNull(u.get(StreamSettings.MULTICAST));
        assertEquals(List.of(new Endpoint("127.0.0.1", 6000)), u.targets());
    }

    @Test
    void jsonBodyAppliesAllSettingsAndRoundTrips() {
        StreamSettings s = D.withJson(Json.parse("""
                {"action":"start","width":640,"height":360,"framerate":15,"bitrate":800,"keyint":"1s",
                 "preset":"superfast","source":"test","destinations":["127.0.0.1:6000","[::1]:6002"],
                 "restart":"on-failure","stall-timeout":3}""").asObject());
        assertEquals(640, s.get(StreamSettings.WIDTH));
        assertEquals(360, s.get(StreamSettings.HEIGHT));
        assertEquals(15, s.keyintFrames());
        assertEquals(Restart.ON_FAILURE, s.restart());
        assertEquals("[::1]:6002", s.get(StreamSettings.DESTINATIONS).get(1).toString());
        assertEquals(s, D.withJson(s.toJson()));
        assertEquals("1s", s.toJson().getString("keyint", null), "kept in the unit given");
    }

    @Test
    void keyintKeepsItsUnitButTheSameIntervalMakesTheSameChild() {
        StreamSettings seconds = D.with("keyint", "1s").with("framerate", "30"), frames = seconds.with("keyint", "30");
        assertEquals(Json.value("1s"), seconds.toJson().get("keyint"));
        assertEquals(Json.value(30), frames.toJson().get("keyint"));
        assertNotEquals(seconds, frames, "what the user wrote differs");
        assertTrue(seconds.sameChild(frames), "the child is the same: 30 frames between keyframes");
        assertFalse(seconds.sameChild(frames.with("keyint", "31")));
    }

    @ParameterizedTest(name = "{0} round-trips")
    @CsvSource(delimiter = '|', quoteCharacter = '\'', textBlock = """
            {}
            {"keyint":"2s","framerate":15}
            {"keyint":45,"framerate":60,"width":640,"height":360}
            {"multicast":"[ff15::1]:5004","ttl":4,"restart":"on-failure"}
            {"destinations":["10.0.0.2:5000","[::1]:5002","viewer-1.example.org:6000"],"bitrate":800,"preset":"veryslow"}
            {"source":"test","stall-timeout":300,"keyint":"0.5s"}
            """)
    void toJsonReadBackGivesAnEqualObject(String body) {
        StreamSettings s = StreamSettings.fromJson(Json.parse(body).asObject());
        StreamSettings back = StreamSettings.fromJson(Json.parse(s.toJson().toString()).asObject());
        assertEquals(s, back);
        assertEquals(s.hashCode(), back.hashCode());
        assertEquals(s.toJson(), back.toJson());
        assertEquals(StreamSettings.FIELDS.size() - (s.get(StreamSettings.MULTICAST) == null ? 1 : 0)
                - (s.get(StreamSettings.RTSP_MULTICAST) == null ? 1 : 0)
                - (s.get(StreamSettings.RECORD_DIR) == null ? 1 : 0) - (s.get(StreamSettings.SOURCE_USER) == null ? 1 : 0)
                - 1 /* source-password: write-only, never in toJson */, s.toJson().size());
    }

    @Test
    void storedSettingsWithAFieldThatIsNoSettingAreRefused() {
        Invalid e = assertThrows(Invalid.class, () -> StreamSettings.fromJson(Json.parse("{\"width\":640,\"colour\":\"red\"}").asObject()));
        assertEquals("setting", e.field());
        assertTrue(e.getMessage().contains("colour") && e.allowed().contains("stall-timeout"), e.getMessage());
        // A start request's body carries "action" beside the settings: withJson leaves other fields to the caller.
        assertEquals(640, D.withJson(Json.parse("{\"action\":\"start\",\"width\":640}").asObject()).get(StreamSettings.WIDTH));
    }

    @Test
    void everyDescriptionReachesFlagsEnvironmentUsageAndJson() {
        for (Setting<?> s : StreamSettings.ALL) {
            String named = "\n  " + s.flag() + " " + s.metavar(); // the help beside it, or below when the name is long
            assertTrue(Main.usageText().contains(named + " ") || Main.usageText().contains(named + "\n"), s.name());
            assertTrue(Main.usageText().contains("[" + s.env() + "]"), s.name());
            assertEquals(s, StreamSettings.named(s.name()));
        }
        assertEquals(Main.OPTIONS.stream().filter(o -> o.env() != null).count(),
                Main.usageText().lines().filter(l -> l.matches(".*\\[STREAM_[A-Z_]+\\].*")).count(),
                "one usage entry per option with a variable: the settings and the server's own");
        for (Option o : Main.OPTIONS) assertTrue(Main.usageText().contains("  " + o.flag()), o.flag());
        assertTrue(Main.usageText().contains("--width N         frame width, even, 16-3840               [STREAM_WIDTH] default 1280\n"));
        assertTrue(Main.usageText().contains("--keyint N|Ts     keyframe interval: frames 1-600, or      [STREAM_KEYINT] default 1s\n"));
        assertTrue(Main.usageText().contains("--multicast G:P   a multicast group instead of --dest      [STREAM_MULTICAST]\n"));
    }

    @ParameterizedTest(name = "{0} rejected")
    @CsvSource(delimiter = '|', quoteCharacter = '\'', textBlock = """
            {"width":640.5}                          | width
            {"width":true}                           | width
            {"width":null}                           | width
            {"width":[640]}                          | width
            {"destinations":"127.0.0.1:1"}            | destinations
            {"destinations":[]}                       | destinations
            {"destinations":[5000]}                   | destinations
            {"destinations":["127.0.0.1:1,1.2.3.4:5"]} | destinations
            {"multicast":"239.1.1.1:5000","destinations":["127.0.0.1:1"]} | multicast
            """)
    void jsonTypesAreChecked(String body, String field) {
        Invalid e = assertThrows(Invalid.class, () -> D.withJson(Json.parse(body).asObject()));
        assertEquals(field, e.field(), e.getMessage());
    }

    @Test
    void hostGrammar() {
        for (String ok : List.of("::", "::1", "1::", "2001:db8::1", "1:2:3:4:5:6:7:8", "::ffff:1.2.3.4", "fe80::1:2"))
            assertTrue(SettingsGrammar.isIpv6(ok), ok);
        for (String bad : List.of(":", "1:2", ":::", "1::2::3", "12345::", "1:2:3:4:5:6:7:8:9", "g::1", "::1%lo",
                "1:2:3:4:5:6:7::8:9", "::1.2.3"))
            assertFalse(SettingsGrammar.isIpv6(bad), bad);
        assertTrue(SettingsGrammar.isMulticast("239.255.255.255"));
        assertFalse(SettingsGrammar.isMulticast("223.255.255.255"));
        assertTrue(SettingsGrammar.isMulticast("ff02::1"));
        assertFalse(SettingsGrammar.isMulticast("fe02::1"));
        assertFalse(SettingsGrammar.isMulticast("ff::1"));
    }
}
