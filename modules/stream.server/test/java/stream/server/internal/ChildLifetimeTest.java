package stream.server.internal;

import stream.server.internal.rtp.RtpTap;
import stream.server.internal.settings.StreamSettings;
import stream.server.internal.sources.Sources;
import stream.server.internal.state.PidFile;
import stream.server.internal.state.StateDir;
import stream.server.internal.supervisor.Launcher;
import stream.server.internal.supervisor.StreamPlan;
import stream.server.internal.supervisor.Supervisor;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static stream.server.internal.TestSupport.post;
import static stream.server.internal.TestSupport.waitUntil;

import com.eclipsesource.json.JsonObject;
import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import stream.server.internal.TestSupport.ServerProcess;

/**
 * A dead server leaves no camera streaming: its gst-launch-1.0 child ends within seconds
 * whatever ended the server (kill -9, SIGUSR1 without shutdown hooks), SIGHUP is an orderly stop,
 * a child is not killed early when the thread that asked for it ends, and it inherits no
 * STREAM_* secret.
 */
class ChildLifetimeTest {
    /** The bound the issue sets: no gst-launch-1.0 of a dead server after this long. */
    static final Duration DIES_WITHIN = Duration.ofSeconds(5);

    @TempDir
    Path stateDir;
    final List<ServerProcess> servers = new ArrayList<>();
    final List<Long> strayPids = new ArrayList<>();
    Supervisor supervisor;

    private RtpTap tap;

    @AfterEach
    void cleanUp() {
        if (supervisor != null) supervisor.close();
        if (tap != null) tap.close();
        servers.forEach(ServerProcess::close);
        strayPids.forEach(pid -> ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly));
    }

    ServerProcess spawn(List<String> prefix, Map<String, String> env) throws IOException {
        ServerProcess s = new ServerProcess(prefix, List.of("--port", "0", "--bind", "127.0.0.1", "--source", "test",
                "--dest", "127.0.0.1:" + TestSupport.freeUdpPort(), "--state-dir", stateDir.toString(),
                "--width", "320", "--height", "240", "--framerate", "15"), env);
        servers.add(s);
        return s;
    }

    record Started(int port, ProcessHandle child) {}

    /** Starts the stream through the API; @return the server's port and the child */
    Started startStream(ServerProcess s) throws Exception {
        int port = s.awaitPort();
        JsonObject started = post(port, "start");
        assertEquals("running", started.getString("status", null), started.toString());
        long pid = started.getLong("pid", -1);
        strayPids.add(pid);
        ProcessHandle child = ProcessHandle.of(pid).orElseThrow();
        waitUntil("the child is gst-launch-1.0 itself (setsid and setpriv exec in place)", Duration.ofSeconds(30),
                () -> TestSupport.isGst(child));
        return new Started(port, child);
    }

    @Test
    void killMinus9OfTheServerEndsItsChildWithinSeconds() throws Exception {
        ServerProcess s = spawn(List.of(), Map.of());
        ProcessHandle child = startStream(s).child();
        s.process.toHandle().destroyForcibly(); // SIGKILL: no shutdown hook, no clean-up of any kind
        assertEquals(137, s.awaitExit());
        waitUntil("no gst-launch-1.0 of the killed server", DIES_WITHIN, () -> !child.isAlive());
    }

    @Test
    void sigusr1OfTheServerEndsItsChildWithinSeconds() throws Exception {
        ServerProcess s = spawn(List.of("env", "--default-signal=USR1"), Map.of());
        ProcessHandle child = startStream(s).child();
        signal("USR1", s.process.pid());
        assertEquals(128 + 10, s.awaitExit(), "SIGUSR1 ends the JVM without its shutdown hook; log:\n" + s.stderrText());
        assertFalse(s.stderrText().contains("stream main: running -> stopping"), "no orderly stop happened: " + s.stderrText());
        waitUntil("no gst-launch-1.0 of the server ended by SIGUSR1", DIES_WITHIN, () -> !child.isAlive());
    }

    @Test
    void sighupReloadsAndTheStreamGoesOnThenSigtermIsAnOrderlyStop() throws Exception {
        // env resets SIGHUP to its default: a JVM that inherits it ignored (nohup) keeps ignoring it.
        ServerProcess s = spawn(List.of("env", "--default-signal=HUP"), Map.of());
        Started started = startStream(s);
        ProcessHandle child = started.child();
        int port = started.port();
        signal("HUP", s.process.pid());
        waitUntil("the server logs the reload of SIGHUP", Duration.ofSeconds(30), () -> s.stderrText().contains("users file reloaded"));
        assertTrue(s.process.isAlive(), "SIGHUP does not end the server");
        JsonObject status = TestSupport.status(port);
        assertEquals("running", status.getString("status", null), status.toString());
        assertEquals(child.pid(), status.getLong("pid", -1), "the same child streams on");
        signal("TERM", s.process.pid());
        assertEquals(143, s.awaitExit(), "the exit code --help and the README give for SIGTERM");
        assertFalse(child.isAlive(), "the server ended its child before it exited");
        String log = s.stderrText();
        assertTrue(log.contains("stream main: running -> stopping: pid " + child.pid()) && log.contains("stream main: stopping -> stopped"),
                "the stream was stopped in order: " + log);
        assertTrue(Files.notExists(stateDir.resolve("stream-server-" + port + ".pid")), "pid file removed");
        assertTrue(Main.usageText().contains("SIGHUP does not end the server"), "--help says what SIGHUP does");
    }

    @Test
    void theChildInheritsNoStreamVariableNorTheToken() throws Exception {
        String secret = "s3cret-token-" + System.nanoTime();
        ServerProcess s = spawn(List.of(), Map.of("STREAM_TOKEN", secret, "STREAM_TRUST_LOOPBACK", "1", "STREAM_RESTART", "never"));
        Started started = startStream(s);
        ProcessHandle child = started.child();
        String environ = Files.readString(Path.of("/proc", Long.toString(child.pid()), "environ"), StandardCharsets.ISO_8859_1);
        List<String> vars = Arrays.asList(environ.split("\0"));
        assertFalse(environ.contains(secret), "the token's value is nowhere in the child's environment");
        assertTrue(vars.stream().noneMatch(v -> v.startsWith("STREAM_TOKEN=")), "no STREAM_TOKEN");
        List<String> stream = vars.stream().filter(v -> v.startsWith("STREAM_")).toList();
        assertEquals(1, stream.size(), "only the child's identity is a STREAM_ variable: " + stream);
        String id = stream.get(0);
        assertTrue(id.matches(Launcher.CHILD_ID_VARIABLE + "=[0-9a-f]{32}"), id);
        assertTrue(vars.stream().anyMatch(v -> v.startsWith("PATH=")), "the rest of the environment is kept");
        // The pid file records that identity: the proof a later server checks.
        String pidFile = Files.readString(stateDir.resolve("stream-server-" + started.port() + ".pid"));
        assertTrue(pidFile.trim().endsWith(" " + id.substring(id.indexOf('=') + 1)), pidFile);
    }

    /**
     * The parent-death signal fires when the spawning thread ends. A child asked for by a thread
     * that then ends must stream on: shown here for 20 s (the issue says minutes; 20 s keeps CI
     * short, and the kernel sends the signal at the moment the thread exits, not later).
     */
    @Test
    void aChildStartedFromAThreadThatEndsKeepsStreaming() throws Exception {
        Launcher launcher = Launcher.standard();
        assertTrue(launcher.diesWithServer(), "setpriv (util-linux) is on this machine: " + launcher.prefix());
        int udpPort;
        try (DatagramSocket receiver = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))) {
            udpPort = receiver.getLocalPort();
            receiver.setSoTimeout(2000);
            StreamSettings settings = StreamSettings.defaults().with("source", "test")
                    .with("destinations", "127.0.0.1:" + udpPort).with("width", "160").with("height", "120").with("framerate", "10");
            // With the server's own loopback copy of the RTP, as every stream has: the state follows what is sent.
            tap = RtpTap.open();
            supervisor = new Supervisor("main", Sources.findGstLaunch().orElseThrow(), StreamPlan.of(settings),
                    new PidFile(StateDir.open(stateDir), 1), tap, launcher);
            supervisor.startWatchdog();
            AtomicReference<Supervisor.Outcome> outcome = new AtomicReference<>();
            Thread requester = Thread.ofPlatform().name("short-lived-requester").start(() -> outcome.set(supervisor.start()));
            requester.join();
            assertFalse(requester.isAlive(), "the thread that asked for the child is gone");
            assertEquals(Supervisor.Outcome.STARTED, outcome.get());
            long pid = supervisor.childPid();
            strayPids.add(pid);
            ProcessHandle child = ProcessHandle.of(pid).orElseThrow();
            long end = System.nanoTime() + Duration.ofSeconds(20).toNanos();
            int seconds = 0;
            while (System.nanoTime() < end) {
                assertTrue(child.isAlive(), "child alive " + seconds + " s after its requesting thread ended");
                assertTrue(receivedPackets(receiver, Duration.ofSeconds(1)) > 0, "RTP still arriving after " + seconds + " s");
                seconds++;
            }
            assertEquals(Supervisor.State.RUNNING, supervisor.state());
        }
    }

    /** The hazard the launcher thread exists for, shown for real: the same prefix from a thread that ends kills the child. */
    @Test
    void withoutTheLauncherThreadTheChildDiesWithTheThreadThatSpawnedIt() throws Exception {
        List<String> argv = new ArrayList<>(Launcher.standard().prefix());
        argv.addAll(List.of("sleep", "120"));
        AtomicReference<Process> spawned = new AtomicReference<>();
        Thread t = Thread.ofPlatform().start(() -> {
            try {
                Process p = new ProcessBuilder(argv).redirectOutput(ProcessBuilder.Redirect.DISCARD)
                        .redirectErrorStream(true).start();
                spawned.set(p);
                // The thread stays until setpriv has set the signal and exec'd sleep: a thread that ends
                // before then hands the child to another thread of this JVM, and the signal to that one.
                waitUntil("setpriv exec'd sleep", Duration.ofSeconds(30),
                        () -> p.info().command().map(c -> c.endsWith("/sleep")).orElse(!p.isAlive()));
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });
        t.join();
        Process p = spawned.get();
        assertNotNull(p, "spawned " + argv);
        strayPids.add(p.pid());
        waitUntil("the sleep killed by its parent-death signal", DIES_WITHIN, () -> !p.isAlive());
        assertEquals(128 + 9, p.waitFor(), "ended by SIGKILL, the parent-death signal");
    }

    private static int receivedPackets(DatagramSocket s, Duration window) throws IOException {
        byte[] buf = new byte[2048];
        int n = 0;
        long end = System.nanoTime() + window.toNanos();
        while (System.nanoTime() < end) {
            try {
                s.receive(new DatagramPacket(buf, buf.length));
                n++;
            } catch (SocketTimeoutException e) {
                return n;
            }
        }
        return n;
    }

    static void signal(String name, long pid) throws Exception {
        Process kill = new ProcessBuilder("kill", "-" + name, Long.toString(pid)).inheritIO().start();
        assertEquals(0, kill.waitFor(), "kill -" + name + " " + pid);
    }
}
