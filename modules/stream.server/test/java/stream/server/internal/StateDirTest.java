package stream.server.internal;

import stream.server.internal.sources.Sources;
import stream.server.internal.supervisor.Launcher;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static stream.server.internal.TestSupport.post;
import static stream.server.internal.TestSupport.status;
import static stream.server.internal.TestSupport.waitUntil;

import com.eclipsesource.json.JsonObject;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import stream.server.internal.TestSupport.ServerProcess;

/**
 * The state directory cannot be turned against the operator: a directory others can write is
 * refused, nothing is written through a symlink, a planted pid file ends nothing, and a full or
 * read-only file system is said once, shown in the status, and leaves no debris. Real server
 * processes, real file systems (tmpfs mounts; CI runs as root) and real processes of another user.
 */
class StateDirTest {
    @TempDir
    Path tmp;
    final List<ServerProcess> servers = new ArrayList<>();
    final List<Long> ourPids = new ArrayList<>();
    final List<Path> mounts = new ArrayList<>();

    @AfterEach
    void cleanUp() throws Exception {
        servers.forEach(ServerProcess::close);
        ourPids.forEach(pid -> ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly));
        for (Path m : mounts) run("umount", "-l", m.toString());
    }

    ServerProcess spawn(Map<String, String> env, String... args) throws IOException {
        List<String> a = new ArrayList<>(List.of("--bind", "127.0.0.1", "--source", "test",
                "--dest", "127.0.0.1:" + TestSupport.freeUdpPort(), "--width", "160", "--height", "120", "--framerate", "10"));
        a.addAll(List.of(args));
        ServerProcess s = new ServerProcess(a, env);
        servers.add(s);
        return s;
    }

    /** A server that must not start: exit 3, one line naming the problem, no stack trace. */
    void assertRefused(ServerProcess s, String... words) throws Exception {
        assertEquals(3, s.awaitExit(), "exit code 3 (environment), as --help says; stderr: " + s.stderrText());
        assertTrue(s.stdout.isEmpty(), "never listened: " + s.stdout);
        assertEquals(1, s.stderr.size(), s.stderrText());
        String line = s.stderr.get(0);
        assertTrue(line.startsWith("stream-server: "), line);
        for (String w : words) assertTrue(line.contains(w), "'" + w + "' in: " + line);
        assertTrue(Main.usageText().contains("3  environment problem (port in use, gst-launch-1.0 missing, state dir"),
                "--help gives 3 for the state directory too");
    }

    @ParameterizedTest(name = "mode {0}")
    @ValueSource(strings = {"rwxrwxrwx", "rwxrwx---", "rwx-w----", "rwx----wx"})
    void aDirectoryOthersCanWriteIsRefused(String mode) throws Exception {
        Path dir = Files.createDirectory(tmp.resolve("state"));
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString(mode));
        assertRefused(spawn(Map.of(), "--port", "0", "--state-dir", dir.toString()), dir.toString(), "writable by other users");
    }

    @Test
    void theTempDirectoryIsRefused() throws Exception {
        assertRefused(spawn(Map.of(), "--port", "0", "--state-dir", "/tmp"), "/tmp", "writable by other users", "rwxrwxrwx");
    }

    @Test
    void aDirectoryOfAnotherUserIsRefused() throws Exception {
        Path dir = Files.createDirectory(tmp.resolve("state"));
        Files.setOwner(dir, dir.getFileSystem().getUserPrincipalLookupService().lookupPrincipalByName("nobody"));
        assertRefused(spawn(Map.of(), "--port", "0", "--state-dir", dir.toString()), dir.toString(), "belongs to nobody");
    }

    @Test
    void aMissingDirectoryOrAFileIsRefused() throws Exception {
        Path missing = tmp.resolve("missing");
        assertRefused(spawn(Map.of(), "--port", "0", "--state-dir", missing.toString()), missing.toString(), "does not exist");
        Path file = Files.writeString(tmp.resolve("file"), "x");
        assertRefused(spawn(Map.of(), "--port", "0", "--state-dir", file.toString()), file.toString(), "not a directory");
    }

    @Test
    void aReadOnlyDirectoryIsRefused() throws Exception {
        Path dir = mountTmpfs("ro");
        assertRefused(spawn(Map.of(), "--port", "0", "--state-dir", dir.toString()), dir.toString(), "not writable");
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"stream-server-PORT.pid", "stream-server-PORT.pid.tmp"})
    void aSymlinkAtANameTheServerWritesIsRefused(String pattern) throws Exception {
        Path dir = Files.createDirectory(tmp.resolve("state"), PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        Path victim = Files.writeString(tmp.resolve("precious"), "precious\n");
        int port = TestSupport.freeTcpPort();
        Path link = Files.createSymbolicLink(dir.resolve(pattern.replace("PORT", Integer.toString(port))), victim);
        assertRefused(spawn(Map.of(), "--port", Integer.toString(port), "--state-dir", dir.toString()), link.toString(), "symbolic link");
        assertEquals("precious\n", Files.readString(victim), "the link's target is untouched");
        assertTrue(Files.isSymbolicLink(link), "the link is left for the operator to see");
    }

    @Test
    void symlinksPlantedWhileTheServerRunsAreNotWrittenThrough() throws Exception {
        Path dir = Files.createDirectory(tmp.resolve("state"), PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        Path victim = Files.writeString(tmp.resolve("precious"), "precious\n");
        ServerProcess s = spawn(Map.of(), "--port", "0", "--state-dir", dir.toString());
        int port = s.awaitPort();
        for (String name : List.of("stream-server-" + port + ".pid", "stream-server-" + port + ".pid.tmp")) {
            Path link = Files.createSymbolicLink(dir.resolve(name), victim);
            JsonObject started = post(port, "start");
            ourPids.add(started.getLong("pid", -1));
            assertEquals("running", started.getString("status", null), "the stream runs all the same: " + started);
            JsonObject stateDir = status(port).get("stateDir").asObject();
            assertFalse(stateDir.getBoolean("ok", true), stateDir.toString());
            assertTrue(stateDir.getString("problem", "").contains("symbolic link"), stateDir.toString());
            assertEquals("stopped", post(port, "stop").getString("status", null));
            assertEquals("precious\n", Files.readString(victim), "nothing written through " + link);
            assertTrue(Files.isSymbolicLink(link), "the link itself is left alone");
            Files.delete(link);
        }
    }

    /**
     * Issue 25: XDG_STATE_HOME runs through a directory another user owns; that user's symlink would
     * redirect a root server's pid file and definitions. Refused, naming the directory and its owner.
     */
    @Test
    void aPathThroughAnotherUsersDirectoryIsRefused() throws Exception {
        Path shared = Files.createDirectory(tmp.resolve("shared"));
        Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rwxr-xr-x")); // nobody may enter
        Files.setOwner(shared, nobody());
        Path target = Files.createDirectory(tmp.resolve("elsewhere"), PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        run("setpriv", "--reuid", "nobody", "--regid", "nogroup", "--clear-groups", "ln", "-s", target.toString(),
                shared.resolve("stream-server").toString()); // planted by the other user, as that user
        assertRefused(spawn(Map.of("XDG_STATE_HOME", shared.toString()), "--port", "0"), shared.toString(), "belongs to user nobody");
        try (var files = Files.list(target)) {
            assertEquals(List.of(), files.toList(), "nothing written where the link points");
        }
    }

    /** Issue 25: a directory on the way that others may write is refused; with the sticky bit (as /tmp) it is not. */
    @Test
    void aPathThroughADirectoryOthersMayWriteIsRefusedUnlessItIsSticky() throws Exception {
        Path shared = Files.createDirectory(tmp.resolve("shared"));
        Files.setPosixFilePermissions(shared, PosixFilePermissions.fromString("rwxrwxrwx"));
        Path state = Files.createDirectory(shared.resolve("state"), PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        assertRefused(spawn(Map.of(), "--port", "0", "--state-dir", state.toString()), shared.toString(), "other users may write (mode 0777)");
        run("chmod", "1777", shared.toString());
        ServerProcess s = spawn(Map.of(), "--port", "0", "--state-dir", state.toString());
        int port = s.awaitPort();
        assertEquals(state.toString(), status(port).get("stateDir").asObject().getString("path", null));
    }

    /** Issue 25: a symlink on the way that another user owns is refused (even in a directory of ours). */
    @Test
    void aSymlinkOfAnotherUserOnTheWayIsRefused() throws Exception {
        Path real = Files.createDirectory(tmp.resolve("real"), PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        Path link = Files.createSymbolicLink(tmp.resolve("link"), real);
        run("chown", "-h", "nobody", link.toString());
        assertRefused(spawn(Map.of(), "--port", "0", "--state-dir", link.toString()), link.toString(), "symbolic link", "of user nobody");
    }

    /** Issue 25: the directory is resolved once; swapping a symlink on the way while the server runs moves no write. */
    @Test
    void swappingTheLinkWhileTheServerRunsMovesNothing() throws Exception {
        Path first = Files.createDirectory(tmp.resolve("first"), PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        Path second = Files.createDirectory(tmp.resolve("second"), PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        Path link = Files.createSymbolicLink(tmp.resolve("link"), first);
        ServerProcess s = spawn(Map.of(), "--port", "0", "--state-dir", link.toString());
        int port = s.awaitPort();
        assertEquals(first.toString(), status(port).get("stateDir").asObject().getString("path", null), "the real path is shown");
        Files.delete(link);
        Files.createSymbolicLink(link, second);
        var put = TestSupport.request(java.net.InetAddress.getLoopbackAddress(), port, "PUT", "/streams/later", Map.of(),
                ("{\"source\":\"test\",\"destinations\":[\"127.0.0.1:" + TestSupport.freeUdpPort() + "\"]}").getBytes(StandardCharsets.UTF_8));
        assertEquals(201, put.code(), put.body());
        JsonObject started = post(port, "start");
        ourPids.add(started.getLong("pid", -1));
        assertTrue(Files.readString(first.resolve("streams-0.json")).contains("later"), "the definition went to the directory opened");
        assertTrue(Files.exists(first.resolve("stream-server-" + port + ".pid")), "the pid file too");
        try (var files = Files.list(second)) {
            assertEquals(List.of(), files.toList(), "nothing written through the swapped link");
        }
    }

    private static java.nio.file.attribute.UserPrincipal nobody() throws IOException {
        return java.nio.file.FileSystems.getDefault().getUserPrincipalLookupService().lookupPrincipalByName("nobody");
    }

    /** Another user's gst-launch-1.0, even with the recorded identity in its environment, is never ended. */
    @Test
    void aPidFileNamingAnotherUsersGstLaunchLeavesItAlone() throws Exception {
        String id = "0123456789abcdef0123456789abcdef";
        ProcessHandle decoy = startDecoy(List.of("setpriv", "--reuid", "nobody", "--regid", "nogroup", "--clear-groups"),
                Map.of(Launcher.CHILD_ID_VARIABLE, id));
        assertEquals("nobody", decoy.info().user().orElse("?"), "the decoy runs as another user");
        assertPlantedPidFileLeavesItAlone(decoy, id, "belongs to nobody");
    }

    /** This user's gst-launch-1.0 that this server did not start (no identity in its environment) is never ended. */
    @Test
    void aPidFileNamingAGstLaunchThisServerDidNotStartLeavesItAlone() throws Exception {
        ProcessHandle decoy = startDecoy(List.of(), Map.of());
        assertPlantedPidFileLeavesItAlone(decoy, "fedcba9876543210fedcba9876543210", "lacks the identity");
    }

    private void assertPlantedPidFileLeavesItAlone(ProcessHandle decoy, String id, String reason) throws Exception {
        Path dir = Files.createDirectory(tmp.resolve("state"), PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        int port = TestSupport.freeTcpPort();
        long start = decoy.info().startInstant().map(Instant::toEpochMilli).orElseThrow();
        Path pidFile = dir.resolve("stream-server-" + port + ".pid");
        // Everything a real record has: pid, exact start time, a server pid, an identity.
        Files.writeString(pidFile, decoy.pid() + " " + start + " 1 " + id + "\n");
        ServerProcess s = spawn(Map.of(), "--port", Integer.toString(port), "--state-dir", dir.toString());
        s.awaitPort();
        JsonObject started = post(port, "start");
        ourPids.add(started.getLong("pid", -1));
        assertEquals("running", started.getString("status", null), started.toString());
        assertEquals("stopped", post(port, "stop").getString("status", null));
        assertTrue(decoy.isAlive(), "the process the planted file names survives");
        assertTrue(s.stderrText().contains("names pid " + decoy.pid() + ", but ") && s.stderrText().contains(reason),
                "the log says why it was left alone: " + s.stderrText());
        assertFalse(s.stderrText().contains("ending stale"), s.stderrText());
    }

    /** A live gst-launch-1.0 whose parent is gone (as an orphan's would be), started by sh. */
    private ProcessHandle startDecoy(List<String> asUser, Map<String, String> env) throws Exception {
        List<String> cmd = new ArrayList<>(List.of("sh", "-c", "\"$@\" </dev/null >/dev/null 2>&1 & echo $!", "sh"));
        cmd.addAll(asUser);
        cmd.addAll(List.of(Sources.findGstLaunch().orElseThrow(), "-q", "videotestsrc", "is-live=true", "!",
                "video/x-raw,width=16,height=16,framerate=5/1", "!", "fakesink"));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        pb.environment().putAll(env);
        Process sh = pb.start();
        String line;
        try (BufferedReader r = new BufferedReader(new InputStreamReader(sh.getInputStream(), StandardCharsets.US_ASCII))) {
            line = r.readLine();
        }
        assertTrue(sh.waitFor(30, TimeUnit.SECONDS), "sh exited");
        long pid = Long.parseLong(line.trim());
        ourPids.add(pid);
        ProcessHandle decoy = ProcessHandle.of(pid).orElseThrow();
        waitUntil("the decoy is gst-launch-1.0", Duration.ofSeconds(30), () -> TestSupport.isGst(decoy));
        assertFalse(decoy.parent().flatMap(p -> p.info().command()).orElse("").endsWith("/java"), "no java parent owns it");
        return decoy;
    }

    @Test
    void aFullDiskLeavesNoTemporaryFileAndIsSaidOnce() throws Exception {
        Path dir = mountTmpfs("rw");
        try (OutputStream out = Files.newOutputStream(dir.resolve("fill"))) {
            byte[] block = new byte[4096];
            while (true) out.write(block);
        } catch (IOException e) {
            assertTrue(String.valueOf(e.getMessage()).contains("No space left"), e.toString());
        }
        ServerProcess s = spawn(Map.of(), "--port", "0", "--state-dir", dir.toString());
        int port = s.awaitPort();
        for (int i = 0; i < 2; i++) {
            JsonObject started = post(port, "start");
            ourPids.add(started.getLong("pid", -1));
            assertEquals("running", started.getString("status", null), "the stream runs all the same: " + started);
            JsonObject stateDir = status(port).get("stateDir").asObject();
            assertFalse(stateDir.getBoolean("ok", true), stateDir.toString());
            assertTrue(stateDir.getString("problem", "").contains("No space left"), stateDir.toString());
            try (Stream<Path> files = Files.list(dir)) {
                // media-0: the streams' folders for recordings and clips, made at start (directories, no data);
                // audit.log: the audit trail's file, created (empty: the disk is full) at the first state change
                assertEquals(List.of("fill"), files.map(p -> p.getFileName().toString()).filter(n -> !n.equals("media-0") && !n.equals("audit.log")).toList(),
                        "no .pid.tmp left behind");
            }
            assertEquals("stopped", post(port, "stop").getString("status", null));
        }
        assertEquals(1, count(s.stderrText(), "could not write pid file"), "said once: " + s.stderrText());
    }

    @Test
    void aStateDirectoryThatTurnsReadOnlyIsSaidOnceShownAndTheChildStillDiesWithTheServer() throws Exception {
        Path dir = mountTmpfs("rw");
        ServerProcess s = spawn(Map.of(), "--port", "0", "--state-dir", dir.toString());
        int port = s.awaitPort();
        ourPids.add(post(port, "start").getLong("pid", -1));
        assertTrue(Files.exists(dir.resolve("stream-server-" + port + ".pid")));
        post(port, "stop");
        run("mount", "-o", "remount,ro", dir.toString());
        for (int i = 0; i < 2; i++) {
            ourPids.add(post(port, "start").getLong("pid", -1));
            JsonObject stateDir = status(port).get("stateDir").asObject();
            assertFalse(stateDir.getBoolean("ok", true), stateDir.toString());
            assertTrue(stateDir.getString("problem", "").contains("Read-only file system"), stateDir.toString());
            post(port, "stop");
        }
        assertEquals(1, count(s.stderrText(), "could not write pid file"), "said once: " + s.stderrText());
        run("mount", "-o", "remount,rw", dir.toString());
        long pid = post(port, "start").getLong("pid", -1);
        ourPids.add(pid);
        assertTrue(status(port).get("stateDir").asObject().getBoolean("ok", false), "works again");
        assertTrue(s.stderrText().contains("the state directory works again"), s.stderrText());
        // Clean-up after the server's death does not hang on the state directory: the child dies with it.
        run("mount", "-o", "remount,ro", dir.toString());
        s.process.toHandle().destroyForcibly();
        s.awaitExit();
        waitUntil("the child of the killed server is gone", ChildLifetimeTest.DIES_WITHIN,
                () -> !ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false));
    }

    @Test
    void theDefaultIsAPrivateDirectoryInTheStateDirectoryNeverTheRuntimeDirectory() throws Exception {
        Path runtime = Files.createDirectory(tmp.resolve("run"), PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        Path stateHome = tmp.resolve("state-home");
        assertDefault(Map.of("XDG_RUNTIME_DIR", runtime.toString(), "XDG_STATE_HOME", stateHome.toString()), stateHome.resolve("stream-server"));
        Path home = Files.createDirectory(tmp.resolve("home"));
        assertDefault(Map.of("XDG_RUNTIME_DIR", "", "XDG_STATE_HOME", "", "HOME", home.toString()),
                home.resolve(".local/state/stream-server"));
    }

    private void assertDefault(Map<String, String> env, Path expected) throws Exception {
        ServerProcess s = spawn(env, "--port", "0");
        int port = s.awaitPort();
        assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(expected)), expected.toString());
        ourPids.add(post(port, "start").getLong("pid", -1));
        assertTrue(Files.exists(expected.resolve("stream-server-" + port + ".pid")), "pid file in " + expected);
        assertEquals(expected.toString(), status(port).get("stateDir").asObject().getString("path", null));
        s.close();
    }

    private Path mountTmpfs(String mode) throws Exception {
        Path dir = Files.createDirectory(tmp.resolve("mnt-" + mounts.size()));
        run("mount", "-t", "tmpfs", "-o", "size=256k,mode=0700," + mode, "stream-test", dir.toString());
        mounts.add(dir);
        return dir;
    }

    private static void run(String... cmd) throws Exception {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, p.waitFor(), String.join(" ", cmd) + ": " + out);
    }

    private static int count(String text, String what) {
        int n = 0;
        for (int i = text.indexOf(what); i >= 0; i = text.indexOf(what, i + 1)) n++;
        return n;
    }
}
