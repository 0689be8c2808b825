package stream.server.internal;

import stream.server.internal.settings.StreamSettings;
import stream.server.internal.sources.Sources;
import stream.server.internal.state.PidFile;
import stream.server.internal.state.StateDir;
import stream.server.internal.supervisor.Launcher;
import stream.server.internal.supervisor.StreamPlan;
import stream.server.internal.supervisor.Supervisor;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static stream.server.internal.TestSupport.post;
import static stream.server.internal.TestSupport.waitUntil;

import com.eclipsesource.json.JsonObject;
import com.eclipsesource.json.JsonValue;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import stream.server.internal.TestSupport.ServerProcess;

/**
 * Ctrl+C or {@code timeout} signal the whole process group of the terminal's job: the
 * gst-launch-1.0 child must not get them, the server ends it first and in order.
 */
class SignalIsolationTest {
    @TempDir
    Path stateDir;
    final List<ServerProcess> servers = new ArrayList<>();
    final List<Long> strayPids = new ArrayList<>();
    Supervisor supervisor;

    @AfterEach
    void cleanUp() {
        if (supervisor != null) supervisor.close();
        servers.forEach(ServerProcess::close);
        strayPids.forEach(pid -> ProcessHandle.of(pid).filter(TestSupport::isGst).ifPresent(ProcessHandle::destroyForcibly));
    }

    @Test
    void ctrlCToTheServersProcessGroupEndsTheChildThroughTheServerNotAsAFailure() throws Exception {
        String setsid = Launcher.findSetsid();
        assertNotNull(setsid, "setsid (util-linux) is on this machine; the isolation depends on it");
        // The server in a process group of its own, as a shell job would be; env resets SIGINT to its
        // default in case this JVM was started with SIGINT ignored (a background job of a script).
        ServerProcess s = new ServerProcess(List.of(setsid, "env", "--default-signal=INT"),
                List.of("--port", "0", "--bind", "127.0.0.1", "--source", "test",
                        "--dest", "127.0.0.1:" + TestSupport.freeUdpPort(), "--state-dir", stateDir.toString(),
                        "--width", "320", "--height", "240", "--framerate", "15"), Map.of());
        servers.add(s);
        int port = s.awaitPort();
        long serverPid = s.process.pid();
        assertTrue(s.process.info().command().orElse("").endsWith("/java"), "setsid and env exec'd java in place");
        long group = pgid(serverPid);
        assertEquals(serverPid, group, "the server leads its own process group");

        JsonObject started = post(port, "start");
        assertEquals("running", started.getString("status", null), started.toString());
        long child = started.getLong("pid", -1);
        strayPids.add(child);
        ProcessHandle gst = ProcessHandle.of(child).orElseThrow();
        // setsid exec'd in place: the pid is gst-launch's own (the pid-file check relies on it) ...
        waitUntil("setsid exec'd gst-launch-1.0", Duration.ofSeconds(30), () -> TestSupport.isGst(gst));
        assertEquals(serverPid, gst.parent().map(ProcessHandle::pid).orElse(-1L), "the server's direct child");
        // ... and "command" is exactly what it runs.
        List<String> command = started.get("command").asArray().values().stream().map(JsonValue::asString).toList();
        assertEquals(command.subList(1, command.size()), Arrays.asList(gst.info().arguments().orElseThrow()),
                "GET /control command = the child's own arguments");
        assertNotEquals(group, pgid(child), "the child is out of the server's process group");
        assertEquals(child, pgid(child), "the child leads its own group (setsid)");

        // Ctrl+C in the terminal: SIGINT to every process of the group.
        Process kill = new ProcessBuilder("kill", "-INT", "--", "-" + group).inheritIO().start();
        assertEquals(0, kill.waitFor(), "kill -INT -- -" + group);
        int code = s.awaitExit();
        assertEquals(130, code, "exit status after SIGINT (documented in --help); log:\n" + s.stderrText());
        assertFalse(gst.isAlive(), "no gst-launch-1.0 left");
        String log = s.stderrText();
        assertTrue(log.contains("stream main: running -> stopping: pid " + child), "the server ended the child: " + log);
        assertTrue(log.contains("stream main: stopping -> stopped"), log);
        assertFalse(log.contains("failed"), "no failure logged: " + log);
        // The one warning an open server gives at start (no credential: anyone who reaches it may act) is not about the stream.
        assertEquals(List.of(), log.lines().filter(l -> l.contains(" WARNING ") && !l.contains("access is open")).toList(),
                "no warning logged about the stream: " + log);
        assertTrue(Files.notExists(stateDir.resolve("stream-server-" + port + ".pid")), "pid file removed");
    }

    @Test
    void withoutSetsidAChildEndedByTheGroupSignalAsTheShutdownBeginsIsStoppedNotFailed() throws Exception {
        supervisor = newSupervisorWithoutSetsid();
        assertFalse(supervisor.isolated());
        assertEquals(Supervisor.Outcome.STARTED, supervisor.start());
        long child = supervisor.childPid();
        strayPids.add(child);
        ProcessHandle gst = ProcessHandle.of(child).orElseThrow();
        assertEquals(pgid(ProcessHandle.current().pid()), pgid(child), "fallback: the child shares the server's group");
        // The group's SIGTERM reaches the child a moment before the JVM's shutdown hook runs.
        assertTrue(gst.destroy(), "SIGTERM sent");
        gst.onExit().get(30, TimeUnit.SECONDS); // the child is gone before the shutdown begins
        supervisor.close();
        assertFalse(gst.isAlive());
        JsonObject st = supervisor.status();
        assertEquals("stopped", st.getString("status", null), st.toString());
        JsonObject exit = st.get("lastExit").asObject();
        assertTrue(exit.getBoolean("requested", false), "counted as an orderly stop: " + exit);
        assertEquals(15, exit.getInt("signal", -1), exit.toString());
    }

    @Test
    void withoutSetsidAChildEndedByOthersWhileTheServerRunsIsStillAFailure() throws Exception {
        supervisor = newSupervisorWithoutSetsid();
        assertEquals(Supervisor.Outcome.STARTED, supervisor.start());
        long child = supervisor.childPid();
        strayPids.add(child);
        assertTrue(ProcessHandle.of(child).orElseThrow().destroy(), "SIGTERM sent");
        waitUntil("status failed", Duration.ofSeconds(30), () -> supervisor.state() == Supervisor.State.FAILED);
        JsonObject exit = supervisor.status().get("lastExit").asObject();
        assertFalse(exit.getBoolean("requested", true), exit.toString());
        assertEquals(15, exit.getInt("signal", -1), exit.toString());
    }

    private Supervisor newSupervisorWithoutSetsid() throws IOException {
        StreamSettings settings = StreamSettings.defaults().with("source", "test")
                .with("destinations", "127.0.0.1:" + TestSupport.freeUdpPort())
                .with("width", "320").with("height", "240").with("framerate", "15");
        String gstLaunch = Sources.findGstLaunch().orElseThrow();
        return new Supervisor("main", gstLaunch, StreamPlan.of(settings), new PidFile(StateDir.open(stateDir), 1), null, new Launcher(null, null));
    }

    /** The process group of a pid, from /proc/PID/stat (the field after state and ppid). */
    private static long pgid(long pid) throws IOException {
        String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"), StandardCharsets.US_ASCII);
        String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        return Long.parseLong(fields[2]);
    }
}
