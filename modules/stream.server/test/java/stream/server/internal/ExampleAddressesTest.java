package stream.server.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The README and --help give only addresses a reader cannot reach by accident: loopback or a
 * placeholder in capitals, never a private address that may be a real machine on someone's LAN.
 */
class ExampleAddressesTest {
    // 10/8, 172.16/12, 192.168/16 (RFC 1918), not as the tail of a longer dotted number.
    private static final Pattern PRIVATE = Pattern.compile(
            "(?<![0-9.])(10\\.[0-9]{1,3}|172\\.(1[6-9]|2[0-9]|3[01])|192\\.168)\\.[0-9]{1,3}\\.[0-9]{1,3}(?![0-9])");

    static List<String> privateAddresses(String text) {
        Matcher m = PRIVATE.matcher(text);
        return m.results().map(r -> r.group()).toList();
    }

    @Test
    void thePatternFindsPrivateAddressesOnly() {
        assertEquals(List.of("192.168.1.20", "10.0.0.5", "172.16.0.1"),
                privateAddresses("192.168.1.20:5000 http://10.0.0.5:8590 172.16.0.1 172.32.0.1 127.0.0.1 110.1.1.1 1.10.0.0.5"));
    }

    @Test
    void readmeExamplesUseLoopbackOrPlaceholders() throws IOException {
        Path readme = Path.of("README.md"); // the tests run in the project's folder (build.sh cds there)
        assertEquals(List.of(), privateAddresses(Files.readString(readme)), "private addresses in " + readme.toAbsolutePath());
    }

    @Test
    void serverHelpUsesLoopbackOrPlaceholders() {
        assertEquals(List.of(), privateAddresses(Main.usageText()));
    }
}
