package stream.viewer.internal;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import org.junit.jupiter.api.Test;

/** The usage's option lines come from the table of options, and a usage error is one line and the hint. */
class UsageTextTest {
    @Test
    void everyOptionOfTheTableIsInTheHelpAndParsed() throws Exception {
        var bytes = new ByteArrayOutputStream();
        assertNull(Main.parse(new String[] {"--help"}, new PrintStream(bytes, true, UTF_8)));
        String help = bytes.toString(UTF_8);
        assertEquals(Main.USAGE_TEXT, help);
        for (Main.Option o : Main.OPTIONS) {
            assertTrue(help.contains("\n  " + o.flag() + (o.metavar().isEmpty() ? "" : " " + o.metavar()) + " "), o.flag());
            for (String line : o.help()) assertTrue(help.contains(line), line);
        }
    }

    @Test
    void aUsageErrorIsTheProblemAndTheHint() throws Exception {
        var out = new ByteArrayOutputStream();
        var err = new ByteArrayOutputStream();
        int code = Main.run(new String[] {"--frames", "many"}, new PrintStream(out, true, UTF_8), new PrintStream(err, true, UTF_8));
        assertEquals(Main.USAGE, code);
        var lines = err.toString(UTF_8).lines().toList();
        assertEquals(2, lines.size(), lines.toString());
        assertTrue(lines.get(0).startsWith("stream-viewer: --frames") && lines.get(0).contains("many"), lines.get(0));
        assertEquals("Run 'stream-viewer --help' for the options.", lines.get(1));
        assertEquals("", out.toString(UTF_8));
    }
}
