package stream.client.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Where the client's settings come from: options, then environment variables, then defaults. */
class CommandLineTest {

    @Test
    void withNothingGivenTheServerIsLocalhost8590AndTheMenuRuns() throws Exception {
        var cl = CommandLine.parse(List.of(), Map.of());
        assertNull(cl.command(), "no command means the menu");
        assertEquals(URI.create("http://localhost:8590"), cl.server());
        assertNull(cl.token());
        assertEquals(5000, cl.viewer().port());
        assertEquals("auto", cl.viewer().sink());
    }

    @Test
    void environmentFillsInAndOptionsWin() throws Exception {
        var env = Map.of("STREAM_SERVER", "http://10.1.2.3:9000", "STREAM_TOKEN", "s3cret", "STREAM_VIEW_PORT", "5004");
        var fromEnv = CommandLine.parse(List.of("status"), env);
        assertEquals(URI.create("http://10.1.2.3:9000"), fromEnv.server());
        assertEquals("s3cret", fromEnv.token());
        assertEquals(5004, fromEnv.viewer().port());

        var fromArgs = CommandLine.parse(List.of("--server=https://cam.example:443", "view", "--token", "other",
                "--port=6000", "--sink", "none", "--frames", "30", "--timeout", "20s", "--json"), env);
        assertEquals("view", fromArgs.command());
        assertEquals(URI.create("https://cam.example:443"), fromArgs.server());
        assertEquals("other", fromArgs.token());
        assertEquals(6000, fromArgs.viewer().port());
        assertEquals("none", fromArgs.viewer().sink());
        assertEquals(30, fromArgs.viewer().frames());
        assertEquals(Duration.ofSeconds(20), fromArgs.viewer().timeout());
        assertTrue(fromArgs.json());
    }

    @Test
    void streamNamesTheStreamOnEveryCommandAndPortOrGroupOverridesViewsLookUp() throws Exception {
        assertNull(CommandLine.parse(List.of("status"), Map.of()).stream(), "no --stream: the default stream");
        for (String command : CommandLine.COMMANDS) {
            var cl = CommandLine.parse(List.of(command, "--stream", "cam-2"), Map.of());
            assertEquals(command, cl.command());
            assertEquals("cam-2", cl.stream());
        }
        assertEquals("main", CommandLine.parse(List.of("--stream=main"), Map.of()).stream(), "the menu takes it too");
        assertEquals("list", CommandLine.parse(List.of("list"), Map.of()).command());
        assertEquals(false, CommandLine.parse(List.of("view", "--stream", "a"), Map.of("STREAM_VIEW_PORT", "5004")).viewAddressGiven(),
                "the environment's port does not override where a named stream goes");
        assertEquals(true, CommandLine.parse(List.of("view", "--stream", "a", "--port", "5004"), Map.of()).viewAddressGiven());
        assertEquals(true, CommandLine.parse(List.of("view", "--stream", "a", "--multicast", "239.1.1.1"), Map.of()).viewAddressGiven());
    }

    @Test
    void streamNamesFollowTheServersRule() throws Exception {
        String rule = "is not a stream name: lower-case letters, digits and dashes, starting with a letter or digit, up to 32 characters";
        for (String bad : List.of("Cam", "-cam", "cam_2", "cam 2", "", "a".repeat(33), "ca/m", "..", "caméra")) {
            assertMessage("--stream: '" + bad + "' " + rule, "status", "--stream", bad);
        }
        assertMessage("--stream needs a value", "status", "--stream");
        for (String good : List.of("a", "0", "cam-2", "a".repeat(32), "9-"))  {
            assertEquals(good, CommandLine.parse(List.of("start", "--stream", good), Map.of()).stream());
        }
    }

    @Test
    void durationsTakeUnitsAndBareSeconds() throws Exception {
        assertEquals(Duration.ofMillis(1500), CommandLine.parse(List.of("--http-timeout", "1.5"), Map.of()).httpTimeout());
        assertEquals(Duration.ofMillis(500), CommandLine.parse(List.of("--http-timeout=500ms"), Map.of()).httpTimeout());
        assertEquals(Duration.ofMinutes(2), CommandLine.parse(List.of("--timeout", "2m"), Map.of()).viewer().timeout());
    }

    @Test
    void badValuesAreNamed() {
        assertMessage("unknown option '--bogus'", "--bogus");
        assertMessage("unknown command 'restart'", "restart");
        assertMessage("--server needs a value", "--server");
        assertMessage("'ftp://host' is not an http:// or https:// URL", "--server", "ftp://host");
        assertMessage("'localhost:8590' is not an http:// or https:// URL", "--server", "localhost:8590");
        assertMessage("'http://' ", "--server", "http://");
        assertMessage("--port: 'seventy'", "view", "--port", "seventy");
        assertMessage("--port: '70000'", "view", "--port", "70000");
        assertMessage("--frames: '-1'", "--frames", "-1");
        assertMessage("--timeout: '0'", "--timeout", "0");
        assertMessage("one command at a time", "start", "stop");
        assertMessage("sink must be auto, none or a GStreamer element name", "--sink", "a b");
        var badEnv = assertThrows(CommandLine.UsageException.class,
                () -> CommandLine.parse(List.of("status"), Map.of("STREAM_SERVER", "nonsense")));
        assertTrue(badEnv.getMessage().startsWith("STREAM_SERVER: 'nonsense'"), badEnv.getMessage());
    }

    @Test
    void viewOverWebRtcTakesAWhepUrlAndItsIceAddressesButNoUdpOptions() throws Exception {
        var cl = CommandLine.parse(List.of("view", "--whep", "http://10.0.0.5:8590/whep", "--ice-address", "10.0.0.9",
                "--sink", "none", "--frames", "30"), Map.of("STREAM_VIEW_PORT", "5004"));
        assertEquals(URI.create("http://10.0.0.5:8590/whep"), cl.whep());
        assertEquals(List.of("10.0.0.9"), cl.iceAddresses());
        assertEquals(30, cl.viewer().frames());
        assertNull(CommandLine.parse(List.of("view"), Map.of()).whep(), "UDP unless asked");
        assertMessage("--whep needs an http:// or https:// URL", "view", "--whep", "ftp://host/whep");
        assertMessage("--whep needs a URL", "view", "--whep", "http://a b/");
        assertMessage("are for receiving UDP", "view", "--whep", "http://host/whep", "--port", "5004");
        assertMessage("are for receiving UDP", "view", "--whep", "http://host/whep", "--snapshot", "f.png");
        assertMessage("--ice-address goes with --whep", "view", "--ice-address", "10.0.0.9");
    }

    private static void assertMessage(String expected, String... args) {
        var e = assertThrows(CommandLine.UsageException.class, () -> CommandLine.parse(List.of(args), Map.of()),
                () -> "accepted " + List.of(args));
        assertTrue(e.getMessage().contains(expected), () -> "'" + e.getMessage() + "' should contain '" + expected + "'");
        assertEquals(1, e.getMessage().lines().count(), "one line");
    }
}
