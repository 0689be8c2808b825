package stream.server.internal.state;

import stream.server.internal.settings.StreamName;
import com.eclipsesource.json.Json;
import com.eclipsesource.json.JsonObject;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * Records the running child's pid, start time and identity in
 * {@code <stateDir>/stream-server-<port>.pid}, so that a server started after its predecessor on
 * the same port died without ending its child (where the parent-death signal is missing: see
 * the launcher) ends that orphan before streaming again.
 *
 * <p>The file alone is no proof: a process it names is ended only when it is alive, belongs to
 * this server's user, runs gst-launch-1.0, started at the recorded time, carries the recorded
 * random identity in its environment ({@code /proc/PID/environ}, readable only by the same user or
 * root; where there is no /proc, as on macOS, the other checks decide), and no live java process
 * still owns it. Anything else is left alone, and the file goes.
 *
 * <p>A write that fails (read-only or full file system, a symlink) is logged once, when it starts
 * failing, and again when it works again; {@link #statusJson()} shows it meanwhile. Every start
 * tries again.
 */
public final class PidFile {
    /** The variable in each child's environment that holds its random identity (proof it is the server's own child). */
    public static final String CHILD_ID_VARIABLE = "STREAM_SERVER_CHILD";

    private static final System.Logger LOG = System.getLogger("stream.server");

    private final StateDir dir;
    private final String name;
    private volatile String problem; // why the last write or delete failed, or null

    /**
     * @param dir the state directory
     * @param httpPort the bound HTTP port the file is keyed by
     */
    public PidFile(StateDir dir, int httpPort) {
        this(dir, "stream-server-" + httpPort + ".pid");
    }

    private PidFile(StateDir dir, String name) {
        this.dir = dir;
        this.name = name;
    }

    /**
     * The pid file of a named stream; main keeps the file of one-stream servers.
     * @param dir the state directory
     * @param httpPort the bound HTTP port
     * @param stream the stream's name (passed {@link StreamName})
     * @return its pid file
     */
    public static PidFile of(StateDir dir, int httpPort, String stream) {
        return stream.equals(StreamName.MAIN) ? new PidFile(dir, httpPort)
                : new PidFile(dir, "stream-server-" + httpPort + "-" + StreamName.check(stream) + ".pid");
    }

    /**
     * Every stream pid file a previous server on this port left, main's included: after a kill -9
     * the children of deleted streams must end too.
     * @param dir the state directory
     * @param httpPort the bound HTTP port
     * @return the pid files found
     */
    public static java.util.List<PidFile> left(StateDir dir, int httpPort) {
        java.util.List<PidFile> found = new java.util.ArrayList<>();
        found.add(new PidFile(dir, httpPort));
        String prefix = "stream-server-" + httpPort + "-";
        try (var files = Files.newDirectoryStream(dir.path(), prefix + "*.pid")) {
            for (Path f : files) {
                String file = f.getFileName().toString();
                if (StreamName.valid(file.substring(prefix.length(), file.length() - ".pid".length()))) found.add(new PidFile(dir, file));
            }
        } catch (IOException e) {
            LOG.log(Level.WARNING, "could not list {0}: {1}", dir.path(), e.getMessage());
        }
        return found;
    }

    /** @return the file's path */
    public Path path() {
        return dir.resolve(name);
    }

    /** @return the names the server writes in the state directory for this file: the file and its temporary name */
    public java.util.List<String> names() {
        return java.util.List.of(name, name + ".tmp");
    }

    /**
     * Refuses to go on when a name this file is written to is a symlink.
     * @throws StateDir.UnsafeException naming it
     */
    public void checkNames() throws StateDir.UnsafeException {
        for (String n : names()) dir.refuseSymlink(n);
    }

    public void write(ProcessHandle child, String childId) {
        long start = child.info().startInstant().map(Instant::toEpochMilli).orElse(0L);
        String text = child.pid() + " " + start + " " + ProcessHandle.current().pid() + " " + childId + "\n";
        try {
            dir.write(name, text.getBytes(StandardCharsets.US_ASCII));
            recovered("written");
        } catch (IOException e) {
            failed("could not write pid file " + path() + ": " + StateDir.describe(e), e);
        }
    }

    public void delete() {
        try {
            dir.delete(name);
        } catch (IOException e) {
            failed("could not delete pid file " + path() + ": " + StateDir.describe(e), e);
        }
    }

    private void failed(String what, IOException e) {
        String before = problem;
        problem = what;
        if (before == null)
            LOG.log(Level.WARNING, "{0}; a child orphaned by this server''s death is ended by the parent-death signal where"
                    + " setpriv exists, else not found by the next server (said once, until the state directory works again;"
                    + " GET /control shows it under stateDir)", what);
        else
            LOG.log(Level.DEBUG, what);
    }

    private void recovered(String how) {
        if (problem != null) {
            problem = null;
            LOG.log(Level.INFO, "pid file {0} {1} again: the state directory works again", path(), how);
        }
    }

    /** @return why the last write failed, when it did */
    public Optional<String> problem() {
        return Optional.ofNullable(problem);
    }

    /** @return for the status: {"path": ..., "ok": true|false, "problem": null|"..."} */
    public JsonObject statusJson() {
        String p = problem;
        return Json.object().add("path", dir.path().toString()).add("ok", p == null).add("problem", p == null ? Json.NULL : Json.value(p));
    }

    /**
     * Ends the gst-launch-1.0 recorded by a previous server on this port, when it is provably
     * that server's child and still there.
     * @return the pid that was ended, if any
     */
    public Optional<Long> endStaleChild() {
        String text;
        try {
            Optional<byte[]> bytes = dir.read(name);
            if (bytes.isEmpty()) return Optional.empty();
            text = new String(bytes.get(), StandardCharsets.US_ASCII).trim();
        } catch (IOException e) {
            LOG.log(Level.WARNING, "could not read pid file {0}: {1}; leaving whatever it names alone", path(), StateDir.describe(e));
            return Optional.empty();
        }
        try {
            return endIfOurs(text);
        } finally {
            delete();
        }
    }

    private Optional<Long> endIfOurs(String text) {
        String[] parts = text.split(" ");
        long pid;
        long recordedStart;
        try {
            pid = Long.parseLong(parts[0]);
            recordedStart = parts.length > 1 ? Long.parseLong(parts[1]) : 0;
        } catch (NumberFormatException e) {
            LOG.log(Level.WARNING, "pid file {0} is malformed; ignoring it", path());
            return Optional.empty();
        }
        String childId = parts.length > 3 ? parts[3] : null;
        String pidText = Long.toString(pid);
        Optional<ProcessHandle> ph = ProcessHandle.of(pid).filter(ProcessHandle::isAlive);
        if (ph.isEmpty()) {
            LOG.log(Level.INFO, "pid file {0}: process {1} is gone; nothing to clean up", path(), pidText);
            return Optional.empty();
        }
        ProcessHandle h = ph.get();
        Optional<String> why = notOurs(h, recordedStart, childId);
        if (why.isPresent()) {
            LOG.log(Level.WARNING, "pid file {0} names pid {1}, but {2}; leaving it alone", path(), pidText, why.get());
            return Optional.empty();
        }
        LOG.log(Level.WARNING, "ending stale gst-launch-1.0 pid {0} left by a previous server on this port (pid file {1})",
                pidText, path());
        h.destroy();
        ProcessHandle ended = h.onExit().completeOnTimeout(null, 3, TimeUnit.SECONDS).join();
        if (ended == null && h.isAlive()) {
            h.destroyForcibly();
            h.onExit().completeOnTimeout(null, 5, TimeUnit.SECONDS).join();
        }
        return Optional.of(pid);
    }

    /** @return why a live process is not provably the orphan this file recorded, or empty when it is */
    static Optional<String> notOurs(ProcessHandle h, long recordedStart, String childId) {
        Optional<String> me = ProcessHandle.current().info().user();
        Optional<String> user = h.info().user();
        if (me.isEmpty() || !me.equals(user)) return Optional.of("it belongs to " + user.orElse("an unknown user") + ", not to " + me.orElse("?"));
        if (!h.info().command().map(c -> c.endsWith("gst-launch-1.0")).orElse(false)) return Optional.of("it is not gst-launch-1.0");
        long start = h.info().startInstant().map(Instant::toEpochMilli).orElse(-1L);
        if (recordedStart <= 0 || Math.abs(start - recordedStart) > 1000) return Optional.of("it started at another time (a reused pid)");
        if (childId == null || !childId.matches("[0-9a-f]{32}")) return Optional.of("the file records no child identity to prove it");
        Path environ = Path.of("/proc", Long.toString(h.pid()), "environ");
        if (Files.isDirectory(Path.of("/proc/self"))) {
            try {
                if (!hasVariable(Files.readAllBytes(environ), CHILD_ID_VARIABLE + "=" + childId))
                    return Optional.of("its environment lacks the identity this server gave its child");
            } catch (NoSuchFileException e) {
                return Optional.of("it is gone");
            } catch (IOException e) {
                return Optional.of("its environment cannot be read (" + StateDir.describe(e) + ")");
            }
        }
        boolean ownedByJava = h.parent().filter(ProcessHandle::isAlive).filter(p -> p.pid() != 1)
                .flatMap(p -> p.info().command()).map(c -> c.endsWith("/java") || c.endsWith("java.exe")).orElse(false);
        if (ownedByJava) return Optional.of("it still belongs to a running java process");
        return Optional.empty();
    }

    private static boolean hasVariable(byte[] environ, String entry) {
        for (String e : new String(environ, StandardCharsets.ISO_8859_1).split("\0")) if (e.equals(entry)) return true;
        return false;
    }
}
