package stream.client.internal;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.PrintStream;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

/** stream-client --version prints the version build.sh gives the module, not a placeholder. */
class VersionTest {
    @Test
    void versionIsTheBuildsVersion() throws Exception {
        // build.sh's VERSION: the test phase passes it, and compiles the tests with --module-version.
        String expected = System.getProperty("stream.version");
        assertNotNull(expected, "the system property stream.version is not set: run the tests with ./build.sh test");
        var out = new ByteArrayOutputStream();
        var err = new ByteArrayOutputStream();
        int code = Main.run(List.of("--version"), Map.of(), InputStream.nullInputStream(),
                new PrintStream(out, true, UTF_8), new PrintStream(err, true, UTF_8));
        assertEquals(0, code, err.toString(UTF_8));
        assertEquals("stream-client " + expected + System.lineSeparator(), out.toString(UTF_8));
    }
}
