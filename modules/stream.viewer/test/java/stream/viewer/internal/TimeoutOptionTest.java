package stream.viewer.internal;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.Test;

/** stream-viewer --timeout takes the durations stream-client view takes: "20s" from the README works with both. */
class TimeoutOptionTest {
    @Test
    void acceptsSecondsAndUnits() {
        assertEquals(Duration.ofSeconds(10), TimeoutOption.parse("10"));
        assertEquals(Duration.ofMillis(2500), TimeoutOption.parse("2.5"));
        assertEquals(Duration.ofSeconds(20), TimeoutOption.parse("20s"));
        assertEquals(Duration.ofMillis(500), TimeoutOption.parse(" 500ms "));
        assertEquals(Duration.ofMinutes(2), TimeoutOption.parse("2m"));
        assertEquals(Duration.ofMillis(1500), TimeoutOption.parse("1.5s"));
    }

    @Test
    void refusesWhatIsNoPositiveDuration() {
        for (String bad : List.of("0", "0s", "-1", "abc", "", "2h", "1e3", "10 s", "999999999999m")) {
            var e = assertThrows(IllegalArgumentException.class, () -> TimeoutOption.parse(bad), bad);
            assertEquals("--timeout must be a positive duration such as 10, 2.5, 20s, 500ms or 2m (a bare number is seconds),"
                    + " not '" + bad + "'", e.getMessage());
        }
    }

    /** Through the command line: the option's value lands in the options, a bad one is one usage line. */
    @Test
    void commandLine() throws Exception {
        var out = new PrintStream(new ByteArrayOutputStream(), true, UTF_8);
        assertEquals(Duration.ofSeconds(20), Main.parse(new String[] {"--sink", "none", "--timeout", "20s"}, out).timeout());
        assertEquals(Duration.ofMinutes(2), Main.parse(new String[] {"--timeout=2m"}, out).timeout());
        var e = assertThrows(Main.UsageException.class, () -> Main.parse(new String[] {"--timeout", "soon"}, out));
        assertTrue(e.getMessage().startsWith("--timeout must be a positive duration"), e.getMessage());
    }
}
