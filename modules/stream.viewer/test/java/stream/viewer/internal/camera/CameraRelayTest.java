package stream.viewer.internal.camera;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The camera relay as a process: its options, its refusals (exit 2), a credentials line it cannot
 * read (not echoed), and a camera nobody answers for (exit 10). Passing a real camera through is
 * CameraTest's, in stream.server.
 */
class CameraRelayTest {
    private static final String SECRET = "Relay-S3cret-91";

    @Test
    void optionsAreCheckedAndCredentialsInTheLocationRefused() {
        var o = CameraRelay.Options.parse(new String[] {"--location", "rtsp://cam/live", "--target", "[::1]:5000", "--target", "127.0.0.1:6000"});
        assertEquals("tcp", o.transport());
        assertEquals("::1", o.targets().get(0)[0]);
        assertEquals("6000", o.targets().get(1)[1]);
        assertThrows(IllegalArgumentException.class, () -> CameraRelay.Options.parse(new String[] {"--location", "rtsp://u:p@cam/live", "--target", "127.0.0.1:1"}));
        assertThrows(IllegalArgumentException.class, () -> CameraRelay.Options.parse(new String[] {"--location", "rtsp://cam/live"}));
        assertThrows(IllegalArgumentException.class, () -> CameraRelay.Options.parse(new String[] {"--location", "rtsp://cam/x", "--target", "a b:1"}));
        assertThrows(IllegalArgumentException.class, () -> CameraRelay.Options.parse(new String[] {"--location", "rtsp://cam/x", "--target", "h:1", "--transport", "http"}));
    }

    private record Run(int code, String stderr) {}

    private static Run run(String stdin, String... args) throws IOException, InterruptedException {
        var entries = new ArrayList<String>();
        for (String e : System.getProperty("jdk.module.path").split(java.io.File.pathSeparator))
            if (!e.isEmpty()) entries.add(Path.of(e).toAbsolutePath().toString());
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-Xmx64m", "--enable-native-access=com.sun.jna",
                "-p", String.join(java.io.File.pathSeparator, entries), "-m", "stream.viewer/stream.viewer.internal.camera.CameraRelay"));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).start();
        try {
            p.getOutputStream().write(stdin.getBytes(StandardCharsets.UTF_8));
            p.getOutputStream().flush(); // left open: its end would end the relay
            if (!p.waitFor(60, TimeUnit.SECONDS)) throw new AssertionError("the relay did not end within 60 s: " + args[0]);
            return new Run(p.exitValue(), new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8));
        } finally {
            p.destroyForcibly();
        }
    }

    @Test
    void aBadCommandLineIsAUsageErrorAndAnUnreadableCredentialsLineIsNotEchoed() throws Exception {
        Run usage = run("", "--location", "rtsp://admin:" + SECRET + "@127.0.0.1/cam", "--target", "127.0.0.1:5000");
        assertEquals(2, usage.code(), usage.stderr());
        assertFalse(usage.stderr().contains(SECRET), usage.stderr());
        Run garbled = run("{\"user\":\"admin\",\"password\":\"" + SECRET + "\"\n", "--location", "rtsp://127.0.0.1:1/cam", "--target", "127.0.0.1:5000");
        assertEquals(1, garbled.code(), garbled.stderr());
        assertTrue(garbled.stderr().contains("not JSON"), garbled.stderr());
        assertFalse(garbled.stderr().contains(SECRET), garbled.stderr());
    }

    @Test
    void aCameraThatDoesNotAnswerIsUnreachable() throws Exception {
        int port;
        try (var s = new java.net.ServerSocket(0)) {
            port = s.getLocalPort(); // closed again: nobody listens there
        }
        Run r = run("{\"user\":\"admin\",\"password\":\"" + SECRET + "\"}\n", "--location", "rtsp://127.0.0.1:" + port + "/cam",
                "--target", "127.0.0.1:5000");
        assertEquals(10, r.code(), r.stderr());
        assertTrue(r.stderr().contains("camera unreachable"), r.stderr());
        assertFalse(r.stderr().contains(SECRET), r.stderr());
    }
}
