package stream.server.internal;

import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * Records the running child's pid and start time in {@code <stateDir>/stream-server-<port>.pid},
 * so that a server started after a {@code kill -9} of its predecessor on the same port ends the
 * orphaned gst-launch-1.0 before streaming again.
 *
 * <p>A pid from the file is killed only when the process is alive, its command ends with
 * gst-launch-1.0, its start time equals the recorded one (so a reused pid is never killed), and
 * no live java parent still owns it.
 */
public final class PidFile {
    private static final System.Logger LOG = System.getLogger("stream.server");

    private final Path file;

    /**
     * @param stateDir the directory
     * @param httpPort the bound HTTP port the file is keyed by
     */
    public PidFile(Path stateDir, int httpPort) {
        this(stateDir.resolve("stream-server-" + httpPort + ".pid"));
    }

    private PidFile(Path file) {
        this.file = file;
    }

    /**
     * The pid file of a named stream other than main (main keeps the file of one-stream servers).
     * @param stateDir the directory
     * @param httpPort the bound HTTP port
     * @param stream the stream's name (passed {@link StreamName})
     * @return its pid file
     */
    public static PidFile of(Path stateDir, int httpPort, String stream) {
        return stream.equals(StreamName.MAIN) ? new PidFile(stateDir, httpPort)
                : new PidFile(stateDir.resolve("stream-server-" + httpPort + "-" + StreamName.check(stream) + ".pid"));
    }

    /**
     * Every stream pid file a previous server on this port left, main's included: after a kill -9
     * the children of deleted streams must end too.
     * @param stateDir the directory
     * @param httpPort the bound HTTP port
     * @return the pid files found
     */
    public static java.util.List<PidFile> left(Path stateDir, int httpPort) {
        java.util.List<PidFile> found = new java.util.ArrayList<>();
        found.add(new PidFile(stateDir, httpPort));
        String prefix = "stream-server-" + httpPort + "-";
        try (var files = Files.newDirectoryStream(stateDir, prefix + "*.pid")) {
            for (Path f : files) {
                String name = f.getFileName().toString();
                if (StreamName.valid(name.substring(prefix.length(), name.length() - ".pid".length()))) found.add(new PidFile(f));
            }
        } catch (IOException e) {
            LOG.log(Level.WARNING, "could not list {0}: {1}", stateDir, e.getMessage());
        }
        return found;
    }

    /** @return the file's path */
    public Path path() {
        return file;
    }

    /**
     * The default state directory: $XDG_RUNTIME_DIR, else java.io.tmpdir.
     * @return the directory
     */
    public static Path defaultStateDir() {
        String xdg = System.getenv("XDG_RUNTIME_DIR");
        if (xdg != null && !xdg.isBlank() && Files.isDirectory(Path.of(xdg))) return Path.of(xdg);
        return Path.of(System.getProperty("java.io.tmpdir"));
    }

    void write(ProcessHandle child) {
        long start = child.info().startInstant().map(Instant::toEpochMilli).orElse(0L);
        String text = child.pid() + " " + start + " " + ProcessHandle.current().pid() + "\n";
        try {
            Files.createDirectories(file.getParent());
            Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
            Files.writeString(tmp, text, StandardCharsets.US_ASCII);
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            LOG.log(Level.WARNING, "could not write pid file {0}: {1}; a child orphaned by kill -9 will not be cleaned up",
                    file, e.getMessage());
        }
    }

    void delete() {
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            LOG.log(Level.WARNING, "could not delete pid file {0}: {1}", file, e.getMessage());
        }
    }

    /**
     * Ends the gst-launch-1.0 recorded by a previous server on this port, if it is still there.
     * @return the pid that was ended, if any
     */
    public Optional<Long> endStaleChild() {
        if (!Files.exists(file)) return Optional.empty();
        String[] parts;
        try {
            parts = Files.readString(file, StandardCharsets.US_ASCII).trim().split(" ");
        } catch (IOException e) {
            LOG.log(Level.WARNING, "could not read pid file {0}: {1}", file, e.getMessage());
            return Optional.empty();
        }
        try {
            long pid = Long.parseLong(parts[0]);
            long recordedStart = parts.length > 1 ? Long.parseLong(parts[1]) : 0;
            Optional<ProcessHandle> ph = ProcessHandle.of(pid);
            if (ph.isEmpty() || !ph.get().isAlive()) {
                LOG.log(Level.INFO, "pid file {0}: process {1} is gone; nothing to clean up", file, Long.toString(pid));
                return Optional.empty();
            }
            ProcessHandle h = ph.get();
            boolean isGst = h.info().command().map(c -> c.endsWith("gst-launch-1.0")).orElse(false);
            long start = h.info().startInstant().map(Instant::toEpochMilli).orElse(-1L);
            boolean sameStart = recordedStart > 0 && Math.abs(start - recordedStart) <= 1000;
            boolean owned = h.parent().filter(ProcessHandle::isAlive).filter(p -> p.pid() != 1)
                    .flatMap(p -> p.info().command()).map(c -> c.endsWith("/java") || c.endsWith("java.exe")).orElse(false);
            if (!isGst || !sameStart) {
                LOG.log(Level.INFO, "pid file {0}: pid {1} is now another process; leaving it alone", file, Long.toString(pid));
                return Optional.empty();
            }
            if (owned) {
                LOG.log(Level.WARNING, "pid file {0}: gst-launch-1.0 pid {1} still belongs to a running java process; leaving it alone",
                        file, Long.toString(pid));
                return Optional.empty();
            }
            LOG.log(Level.WARNING, "ending stale gst-launch-1.0 pid {0} left by a previous server on this port (pid file {1})",
                    Long.toString(pid), file);
            h.destroy();
            ProcessHandle ended = h.onExit().completeOnTimeout(null, 3, TimeUnit.SECONDS).join();
            if (ended == null && h.isAlive()) {
                h.destroyForcibly();
                h.onExit().completeOnTimeout(null, 5, TimeUnit.SECONDS).join();
            }
            return Optional.of(pid);
        } catch (NumberFormatException | ArrayIndexOutOfBoundsException e) {
            LOG.log(Level.WARNING, "pid file {0} is malformed; ignoring it", file);
            return Optional.empty();
        } finally {
            delete();
        }
    }
}
