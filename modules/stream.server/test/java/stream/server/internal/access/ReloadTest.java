package stream.server.internal.access;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A real SIGHUP (kill -HUP) to a child JVM: with the handler it reloads and runs on; without, it dies with 129. */
class ReloadTest {
    private static Process child(String mode) throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        return new ProcessBuilder(java, "-XX:+UseSerialGC", "-Xshare:auto", "--module-path", System.getProperty("jdk.module.path"),
                "-m", "stream.server/" + HangupChild.class.getName(), mode).redirectError(ProcessBuilder.Redirect.INHERIT).start();
    }

    private static void hangup(Process p) throws Exception {
        Process kill = new ProcessBuilder("kill", "-HUP", String.valueOf(p.pid())).inheritIO().start();
        assertEquals(0, kill.waitFor(), "kill -HUP " + p.pid());
    }

    @Test
    void sighupReloadsAndTheProcessRunsOn() throws Exception {
        Process p = child("handle");
        try (BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
            assertEquals("ready", out.readLine());
            hangup(p);
            assertEquals("reloaded 1", out.readLine());
            hangup(p);
            assertEquals("reloaded 2", out.readLine());
            assertTrue(p.isAlive());
            p.getOutputStream().close(); // ends the child normally
            assertEquals(0, p.waitFor(), "exited by itself, not by the signal");
        } finally {
            p.destroyForcibly();
        }
    }

    @Test
    void withoutTheHandlerSighupEndsTheJvmWith129() throws Exception {
        Process p = child("none");
        try (BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
            assertEquals("ready", out.readLine());
            hangup(p);
            assertEquals(129, p.waitFor(), "what Reload.onHangup prevents");
            assertEquals(List.of(), out.lines().toList());
        } finally {
            p.destroyForcibly();
        }
    }
}
