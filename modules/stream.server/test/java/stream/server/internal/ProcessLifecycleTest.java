package stream.server.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static stream.server.internal.TestSupport.gstBelow;
import static stream.server.internal.TestSupport.post;
import static stream.server.internal.TestSupport.waitUntil;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import stream.server.internal.TestSupport.ServerProcess;

/** stream-server as a real process: signals, kill -9 and restart, the command line. */
class ProcessLifecycleTest {
    @TempDir
    Path stateDir;
    final List<ServerProcess> servers = new ArrayList<>();
    final List<Long> strayPids = new ArrayList<>();

    @AfterEach
    void cleanUp() {
        servers.forEach(ServerProcess::close);
        // Only processes this test made: the orphan of a killed server, if the next server did not end it.
        strayPids.forEach(pid -> ProcessHandle.of(pid).filter(TestSupport::isGst).ifPresent(ProcessHandle::destroyForcibly));
    }

    ServerProcess spawn(List<String> args, Map<String, String> env) throws IOException {
        ServerProcess s = new ServerProcess(args, env);
        servers.add(s);
        return s;
    }

    List<String> args(int port, String... more) throws IOException {
        List<String> a = new ArrayList<>(List.of("--port", Integer.toString(port), "--bind", "127.0.0.1", "--source", "test",
                "--dest", "127.0.0.1:" + TestSupport.freeUdpPort(), "--state-dir", stateDir.toString(),
                "--width", "320", "--height", "240", "--framerate", "15"));
        a.addAll(List.of(more));
        return a;
    }

    @Test
    void sigtermEndsTheChildFirstAndLeavesNoGstLaunch() throws Exception {
        ServerProcess s = spawn(args(0), Map.of());
        int port = s.awaitPort();
        long child = post(port, "start").getLong("pid", -1);
        assertEquals(List.of(child), gstBelow(s.process.toHandle()).stream().map(ProcessHandle::pid).toList());
        strayPids.add(child);
        s.process.toHandle().destroy(); // SIGTERM (Process.destroy would also close our end of its stderr)
        int code = s.awaitExit();
        assertEquals(143, code, "JVM exit status after SIGTERM");
        assertFalse(ProcessHandle.of(child).map(ProcessHandle::isAlive).orElse(false), "gst-launch child gone");
        assertTrue(Files.notExists(stateDir.resolve("stream-server-" + port + ".pid")), "pid file removed");
        assertTrue(s.stderrText().contains("stream main: stopping -> stopped"), "the shutdown is logged: " + s.stderrText());
    }

    @Test
    void withoutTheParentDeathSignalTheNextServerEndsTheOrphanOfAKillMinus9AndRunsExactlyOne() throws Exception {
        // The fallback where setpriv is missing (macOS): this first server starts its child without it.
        int port = TestSupport.freeTcpPort();
        ServerProcess first = spawn(args(port), Map.of("JDK_JAVA_OPTIONS", "-Dstream.server.pdeathsig=false"));
        first.awaitPort();
        long stale = post(port, "start").getLong("pid", -1);
        strayPids.add(stale);
        first.process.toHandle().destroyForcibly(); // kill -9: no shutdown hook runs
        first.awaitExit();
        assertTrue(ProcessHandle.of(stale).map(ProcessHandle::isAlive).orElse(false), "the orphan outlives a kill -9 of its server");
        assertTrue(Files.exists(stateDir.resolve("stream-server-" + port + ".pid")), "pid file left behind");

        ServerProcess second = spawn(args(port), Map.of());
        assertEquals(port, second.awaitPort());
        waitUntil("stale child ended", Duration.ofSeconds(30), () -> !ProcessHandle.of(stale).map(ProcessHandle::isAlive).orElse(false));
        assertTrue(second.stderrText().contains("ending stale gst-launch-1.0 pid " + stale), second.stderrText());
        long fresh = post(port, "start").getLong("pid", -1);
        strayPids.add(fresh);
        List<ProcessHandle> all = ProcessHandle.allProcesses()
                .filter(TestSupport::isGst).filter(h -> h.pid() == stale || h.parent().map(p -> p.pid() == second.process.pid()).orElse(false))
                .toList();
        assertEquals(List.of(fresh), all.stream().map(ProcessHandle::pid).toList(), "exactly one child: the new one");
    }

    @Test
    void aPidFileNamingAnotherProcessIsNotKilled() throws Exception {
        // A reused pid: the file names a live process that is not our gst-launch (a sleep we started).
        Process sleeper = new ProcessBuilder("sleep", "60").start();
        try {
            int port = TestSupport.freeTcpPort();
            Files.writeString(stateDir.resolve("stream-server-" + port + ".pid"), sleeper.pid() + " 1 1\n");
            ServerProcess s = spawn(args(port), Map.of());
            s.awaitPort();
            assertTrue(sleeper.isAlive(), "an unrelated process named by the pid file is left alone");
        } finally {
            sleeper.destroyForcibly();
        }
    }

    @Test
    void portInUseIsOneLineAndExit3() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            ServerProcess s = spawn(args(taken.getLocalPort()), Map.of());
            assertEquals(3, s.awaitExit());
            assertEquals(1, s.stderr.size(), s.stderrText());
            assertTrue(s.stderrText().contains("port " + taken.getLocalPort()) && s.stderrText().contains("already in use"), s.stderrText());
        }
    }

    @Test
    void missingGstLaunchIsOneLineAndExit3() throws Exception {
        ServerProcess s = spawn(args(0), Map.of("PATH", stateDir.toString()));
        assertEquals(3, s.awaitExit());
        assertEquals(1, s.stderr.size(), s.stderrText());
        assertTrue(s.stderrText().contains("gst-launch-1.0 not found") && s.stderrText().contains("install"), s.stderrText());
    }

    @Test
    void helpListsFlagsEnvironmentAndExitCodes() throws Exception {
        ServerProcess s = spawn(List.of("--help"), Map.of());
        assertEquals(0, s.awaitExit());
        String out = String.join("\n", s.stdout);
        for (String w : List.of("--port", "--bind", "--source", "--dest", "--token", "--state-dir", "STREAM_PORT", "STREAM_BIND",
                "STREAM_SOURCE", "STREAM_DEST", "STREAM_TOKEN", "STREAM_STATE_DIR", "Exit codes"))
            assertTrue(out.contains(w), "help mentions " + w);
        ServerProcess v = spawn(List.of("--version"), Map.of());
        assertEquals(0, v.awaitExit());
        assertTrue(String.join("", v.stdout).matches("stream-server \\S+"), String.join("", v.stdout));
    }

    static Stream<Arguments> badCommandLines() {
        String inject = "127.0.0.1 ! filesink location=/tmp/stream-server-injected";
        return Stream.of(
                Arguments.of(List.of("--dest", inject), Map.of(), "--dest"),
                Arguments.of(List.of("--dest=127.0.0.1:5000 ! fakesink"), Map.of(), "--dest"),
                Arguments.of(List.of("--source", "/dev/video0 ! filesink location=/tmp/x"), Map.of(), "--source"),
                Arguments.of(List.of("--source", "videotestsrc"), Map.of(), "--source"),
                Arguments.of(List.of("--bind", "0.0.0.0 ! x"), Map.of(), "--bind"),
                Arguments.of(List.of(), Map.of("STREAM_DEST", inject + ":5000"), "STREAM_DEST"),
                Arguments.of(List.of(), Map.of("STREAM_SOURCE", "/dev/video0 ! fakesink"), "STREAM_SOURCE"),
                Arguments.of(List.of("--width", "320 ! fakesink"), Map.of(), "--width"),
                Arguments.of(List.of("--port", "99999"), Map.of(), "--port"),
                Arguments.of(List.of("--port", "http"), Map.of(), "--port"),
                Arguments.of(List.of("--dest", "127.0.0.1:0"), Map.of(), "--dest"),
                Arguments.of(List.of("--dest", "::1:5000"), Map.of(), "--dest"),
                Arguments.of(List.of("--frobnicate"), Map.of(), "--frobnicate"),
                Arguments.of(List.of("--port"), Map.of(), "--port"),
                Arguments.of(List.of("--width", "321"), Map.of(), "--width"));
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("badCommandLines")
    void badFlagOrEnvironmentValueIsOneNamedLineAndTheHintAndExit2(List<String> flags, Map<String, String> env, String named) throws Exception {
        List<String> a = new ArrayList<>(List.of("--state-dir", stateDir.toString(), "--port", "0"));
        a.addAll(flags);
        ServerProcess s = spawn(a, env);
        assertEquals(2, s.awaitExit(), s.stderrText());
        String first = s.stderr.get(0);
        assertTrue(first.startsWith("stream-server: ") && first.contains(named), first);
        assertFalse(s.stderrText().contains("Exception") || s.stderrText().contains("\tat "), s.stderrText());
        assertEquals(List.of(first, "Run 'stream-server --help' for the options."), s.stderr,
                "the one problem and where the options are, not the whole usage");
    }
}
