package stream.viewer;

import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class VersionTest {
    @Test
    void versionIsSemanticOrDev() {
        String v = Version.of();
        assertTrue(v.equals("dev") || v.matches("\\d+\\.\\d+\\.\\d+.*"), v);
    }
}
