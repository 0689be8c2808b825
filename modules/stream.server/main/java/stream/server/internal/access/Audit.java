package stream.server.internal.access;

import com.eclipsesource.json.Json;
import com.eclipsesource.json.JsonObject;
import com.eclipsesource.json.JsonValue;
import java.io.Closeable;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.Objects;
import java.util.Set;

/**
 * The audit trail: one JSON line per event, {@code {"at", "who", "role", "from", "action",
 * "stream", "outcome"}}, in {@value #FILE} in the state directory (mode 0600, never through a
 * symbolic link), rotated by size: past {@value #MAX_BYTES} bytes the file becomes
 * {@code audit.log.1} and the older ones move up to {@code .}{@value #KEEP}, the oldest dropped.
 *
 * <p>The file is opened for each event and closed after it. Thread-safe; {@link #record} never throws: the request path must not fail because the log
 * could not be written. The first failure is logged (System.Logger "stream.server"), further
 * ones are not until a write succeeds again. No event carries a secret: the API has no place
 * for one.
 */
public final class Audit implements Closeable {
    private static final System.Logger LOG = System.getLogger("stream.server");
    /** The file's name in the state directory. */
    public static final String FILE = "audit.log";
    /** The size past which the file is rotated. */
    public static final long MAX_BYTES = 1 << 20;
    /** How many rotated files are kept. */
    public static final int KEEP = 3;

    /**
     * One event.
     * @param at when
     * @param who the credential's name, or null when none was accepted
     * @param role its role, or null
     * @param from the client's address
     * @param action what was asked, e.g. "POST /streams/cam-a/control" or "create user garden"
     * @param stream the stream it concerned, or null
     * @param outcome what came of it, e.g. "200", "403 viewer 'garden' may not ...", "401 wrong credential"
     */
    public record Event(Instant at, String who, Role role, String from, String action, String stream, String outcome) {
        public Event {
            Objects.requireNonNull(at, "at");
            Objects.requireNonNull(action, "action");
            Objects.requireNonNull(outcome, "outcome");
        }

        /** @return an event at this instant */
        public static Event now(Principal who, String from, String action, String stream, String outcome) {
            return new Event(Instant.now(), who == null ? null : who.name(), who == null ? null : who.role(), from, action, stream, outcome);
        }

        /** @return the event as its JSON line's object */
        public JsonObject toJson() {
            return new JsonObject().add("at", at.toString()).add("who", text(who)).add("role", role == null ? Json.NULL : Json.value(role.label()))
                    .add("from", text(from)).add("action", action).add("stream", text(stream)).add("outcome", outcome);
        }

        private static JsonValue text(String s) {
            return s == null ? Json.NULL : Json.value(s);
        }
    }

    private final Path file;
    private final long maxBytes;
    private final int keep;
    private FileChannel out; // guarded by this
    private long size; // guarded by this
    private boolean failing; // guarded by this: a failure was logged and no write succeeded since

    private Audit(Path file, long maxBytes, int keep) {
        this.file = file;
        this.maxBytes = maxBytes;
        this.keep = keep;
    }

    /** @param stateDir the server's state directory @return the audit trail there; the file is opened at the first event */
    public static Audit in(Path stateDir) {
        return new Audit(stateDir.resolve(FILE), MAX_BYTES, KEEP);
    }

    static Audit in(Path stateDir, long maxBytes, int keep) {
        return new Audit(stateDir.resolve(FILE), maxBytes, keep);
    }

    /** @return the file written to */
    public Path file() {
        return file;
    }

    /** Appends an event; never throws (a failure is logged once). */
    public void record(Event event) {
        byte[] line = (event.toJson().toString() + "\n").getBytes(StandardCharsets.UTF_8);
        synchronized (this) {
            try {
                if (out != null && size > 0 && size + line.length > maxBytes) rotate();
                if (out == null) open();
                ByteBuffer b = ByteBuffer.wrap(line);
                while (b.hasRemaining()) size += out.write(b);
                failing = false;
                // Closed after each event: state changes are rare, and an open file would keep the
                // state directory's file system busy (no remount read-only, no unmount).
                closeQuietly();
            } catch (IOException | RuntimeException e) {
                closeQuietly();
                if (!failing) LOG.log(Level.WARNING, "audit trail " + file + " cannot be written (" + e + "); events are dropped until it can");
                failing = true;
            }
        }
    }

    private void open() throws IOException {
        if (Files.isSymbolicLink(file)) throw new AccessDeniedException(file.toString(), null, "is a symbolic link");
        out = FileChannel.open(file, Set.of(StandardOpenOption.CREATE, StandardOpenOption.APPEND, LinkOption.NOFOLLOW_LINKS),
                PosixFilePermissions.asFileAttribute(PrivateFiles.OWNER_RW));
        size = out.size();
        if (size + 1 > maxBytes && size > 0) rotate();
    }

    private void rotate() throws IOException {
        closeQuietly();
        Files.deleteIfExists(numbered(keep));
        for (int i = keep - 1; i >= 1; i--) {
            if (Files.exists(numbered(i), LinkOption.NOFOLLOW_LINKS)) Files.move(numbered(i), numbered(i + 1), StandardCopyOption.ATOMIC_MOVE);
        }
        if (Files.exists(file, LinkOption.NOFOLLOW_LINKS)) Files.move(file, numbered(1), StandardCopyOption.ATOMIC_MOVE);
        out = FileChannel.open(file, Set.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.APPEND, LinkOption.NOFOLLOW_LINKS),
                PosixFilePermissions.asFileAttribute(PrivateFiles.OWNER_RW));
        size = 0;
    }

    private Path numbered(int i) {
        return file.resolveSibling(file.getFileName() + "." + i);
    }

    private void closeQuietly() {
        if (out == null) return;
        try {
            out.close();
        } catch (IOException e) {
            // the data written is in the page cache already; nothing to do
        }
        out = null;
    }

    /** Closes the file; a later event opens it again. */
    @Override
    public synchronized void close() {
        closeQuietly();
    }
}
