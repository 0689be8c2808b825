package stream.server.internal.process;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import stream.testkit.Processes;

/**
 * MediaMain, through which the image's stream-viewer and the server's media processes run a main
 * class of stream.viewer with main module stream.server (so they share the server's AOT cache):
 * real JVMs on the tests' module path, the same main class started directly and through MediaMain.
 */
class MediaMainTest {
    private static final String MEDIA_MAIN = "stream.server/" + MediaMain.class.getName();
    private static final String VIEWER = "stream.viewer/stream.viewer.internal.Main";

    private record Run(int exit, String output) {}

    private static Run java(List<String> args) throws Exception {
        var command = new ArrayList<>(List.of(Processes.java(), "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
                "--enable-native-access=com.sun.jna", "-p", Processes.modulePath()));
        command.addAll(args);
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        try {
            var out = new ByteArrayOutputStream();
            Thread reader = Thread.ofPlatform().daemon().start(() -> {
                try {
                    p.getInputStream().transferTo(out);
                } catch (java.io.IOException e) {
                    // the process is gone
                }
            });
            if (!p.waitFor(60, TimeUnit.SECONDS)) fail("the JVM did not end within 60 s: " + command);
            reader.join(5000);
            return new Run(p.exitValue(), out.toString(StandardCharsets.UTF_8));
        } finally {
            Processes.killTree(p);
        }
    }

    @Test
    void runsTheViewersMainAsIfStartedDirectly() throws Exception {
        for (List<String> viewerArgs : List.of(List.of("--version"), List.of("--port", "nonsense"))) {
            Run direct = java(concat(List.of("-m", VIEWER), viewerArgs));
            Run through = java(concat(List.of("--add-modules", "stream.viewer", "-m", MEDIA_MAIN, VIEWER), viewerArgs));
            assertEquals(direct.exit(), through.exit(), "exit code of stream-viewer " + viewerArgs + ": " + through.output());
            assertEquals(direct.output(), through.output(), "output of stream-viewer " + viewerArgs);
        }
    }

    @Test
    void runsAMediaProcessMainClass() throws Exception {
        Run run = java(List.of("--add-modules", "stream.viewer", "-m", MEDIA_MAIN, "stream.viewer/stream.viewer.internal.webrtc.Gateway", "--help"));
        assertEquals(0, run.exit(), run.output());
        assertTrue(run.output().contains("stream.viewer.internal.webrtc.Gateway [options]"), run.output());
    }

    @Test
    void saysWhatIsMissingWithoutAStackTrace() throws Exception {
        Run noModule = java(List.of("-m", MEDIA_MAIN, VIEWER, "--version"));
        assertEquals(2, noModule.exit(), noModule.output());
        assertTrue(noModule.output().contains("module stream.viewer is not in this JVM (start it with --add-modules stream.viewer)"), noModule.output());

        Run noClass = java(List.of("--add-modules", "stream.viewer", "-m", MEDIA_MAIN, "stream.viewer/stream.viewer.internal.NoSuchMain"));
        assertEquals(2, noClass.exit(), noClass.output());
        assertTrue(noClass.output().contains("no class stream.viewer.internal.NoSuchMain in module stream.viewer"), noClass.output());

        Run noMain = java(List.of("--add-modules", "stream.viewer", "-m", MEDIA_MAIN, "stream.viewer/stream.viewer.Viewer"));
        assertEquals(2, noMain.exit(), noMain.output());
        assertTrue(noMain.output().contains("has no public main(String[])"), noMain.output());

        Run noTarget = java(List.of("--add-modules", "stream.viewer", "-m", MEDIA_MAIN));
        assertEquals(2, noTarget.exit(), noTarget.output());
        assertTrue(noTarget.output().contains("usage:"), noTarget.output());
        for (Run r : List.of(noModule, noClass, noMain, noTarget)) assertFalse(r.output().contains("\tat "), r.output());
    }

    private static List<String> concat(List<String> a, List<String> b) {
        var all = new ArrayList<>(a);
        all.addAll(b);
        return all;
    }
}
