package stream.server.internal.state;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The server's private state directory (pid files; later the named streams' definitions), and
 * the only way the server writes there.
 *
 * <p>The default is {@code $XDG_STATE_HOME/stream-server} ({@code ~/.local/state/stream-server}),
 * made 0700: persistent, since the named streams' definitions are the user's data and must
 * survive a reboot (the runtime directory is wiped at logout). A
 * directory that another user could write (group or others may write, or another user than this
 * one or root owns it, like /tmp) is refused: whoever can plant files there could make the server
 * end a process or overwrite a file through a symlink.
 *
 * <p>Writes never follow a symbolic link: a symlink at the name or at its temporary name is
 * refused; the data goes to {@code NAME.tmp} created new ({@code O_EXCL|O_NOFOLLOW}, mode 0600),
 * is forced to disk and renamed over the name, so a reader sees the old file or the new one and a
 * failed write (a full disk) leaves no temporary file behind.
 */
public final class StateDir {
    /** The name of the server's folder inside the user's runtime or state directory. */
    public static final String NAME = "stream-server";
    private static final Set<PosixFilePermission> OTHERS_WRITE = Set.of(PosixFilePermission.GROUP_WRITE, PosixFilePermission.OTHERS_WRITE);
    private static final LinkOption NOFOLLOW = LinkOption.NOFOLLOW_LINKS;

    /** A state directory that is unsafe or unusable, or a name in it that would be written through a symlink. */
    public static final class UnsafeException extends IOException {
        private static final long serialVersionUID = 1L;

        UnsafeException(String message) {
            super(message);
        }
    }

    private final Path dir;

    private StateDir(Path dir) {
        this.dir = dir;
    }

    /**
     * The default state directory for an environment: {@code $XDG_STATE_HOME/stream-server},
     * else {@code $HOME/.local/state/stream-server}.
     * @param env the environment
     * @return the directory (not yet made)
     */
    public static Path defaultPath(Map<String, String> env) {
        String state = env.get("XDG_STATE_HOME");
        if (state != null && state.startsWith("/")) return Path.of(state, NAME);
        String home = env.getOrDefault("HOME", System.getProperty("user.home"));
        return Path.of(home, ".local", "state", NAME);
    }

    /**
     * Opens the default state directory, making it (0700) when it is missing.
     * @return it
     * @throws UnsafeException when it is unsafe or cannot be made
     */
    public static StateDir openDefault() throws UnsafeException {
        Path dir = defaultPath(System.getenv());
        try {
            if (!Files.isDirectory(dir)) {
                Files.createDirectories(dir.getParent());
                Files.createDirectory(dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
            }
        } catch (java.nio.file.FileAlreadyExistsException e) {
            // made meanwhile, or a file: the checks below say which
        } catch (UnsupportedOperationException e) {
            return open(dir); // not POSIX (Windows): no modes to set
        } catch (IOException e) {
            throw new UnsafeException("cannot make the state directory " + dir + ": " + describe(e)
                    + "; choose one with --state-dir");
        }
        return open(dir);
    }

    /**
     * Opens an existing state directory after checking that it is a directory this user can
     * write and nobody else can, reached through nothing another user can change: every directory
     * on the way belongs to this user or root and is not writable by others (unless sticky, as
     * /tmp), and every symlink on the way belongs to this user or root. The directory is then
     * known by its real path, resolved once here: writes never follow the given path's symlinks
     * again, so swapping one later moves nothing.
     * @param dir the directory
     * @return it
     * @throws UnsafeException naming the directory and what is wrong with it
     */
    public static StateDir open(Path dir) throws UnsafeException {
        Path abs = dir.toAbsolutePath().normalize();
        if (!Files.exists(abs))
            throw new UnsafeException("state directory " + abs + " does not exist; make it (mkdir -m 700) or leave out --state-dir");
        if (!Files.isDirectory(abs)) throw new UnsafeException("state directory " + abs + " is not a directory");
        Path real = abs;
        if (abs.getFileSystem().supportedFileAttributeViews().contains("unix")) real = PathWalk.verify(abs);
        PosixFileAttributes attrs;
        try {
            attrs = Files.readAttributes(real, PosixFileAttributes.class, NOFOLLOW); // the directory opened, not a link to it
        } catch (UnsupportedOperationException e) {
            attrs = null; // not POSIX: nothing more to check
        } catch (IOException e) {
            throw new UnsafeException("cannot read the state directory " + abs + ": " + describe(e));
        }
        if (attrs != null) {
            String mode = PosixFilePermissions.toString(attrs.permissions());
            boolean othersWrite = attrs.permissions().stream().anyMatch(OTHERS_WRITE::contains);
            String owner = attrs.owner().getName();
            String me = System.getProperty("user.name");
            String shown = real.equals(abs) ? abs.toString() : abs + " (" + real + ")";
            if (!attrs.isDirectory()) throw new UnsafeException("state directory " + shown + " is not a directory");
            if (othersWrite)
                throw new UnsafeException("state directory " + shown + " is writable by other users (" + mode + "): they could plant"
                        + " a pid file or a symlink there; use a private directory (chmod 700) or leave out --state-dir for "
                        + defaultPath(System.getenv()));
            if (!owner.equals(me) && !owner.equals("root"))
                throw new UnsafeException("state directory " + shown + " belongs to " + owner + ", not to " + me
                        + ": use a directory of your own or leave out --state-dir");
        }
        if (!Files.isWritable(real))
            throw new UnsafeException("state directory " + abs + " is not writable (read-only file system or permissions)");
        return new StateDir(real);
    }

    /** @return the directory, by its real path (resolved once, when it was opened) */
    public Path path() {
        return dir;
    }

    /**
     * @param name a file name in the directory
     * @return its path
     */
    public Path resolve(String name) {
        if (name.isEmpty() || name.contains("/") || name.equals(".") || name.equals(".."))
            throw new IllegalArgumentException("not a plain file name: '" + name + "'");
        return dir.resolve(name);
    }

    /**
     * Refuses a name that is a symbolic link: the server would write through it.
     * @param name a file name in the directory
     * @throws UnsafeException when it is a symlink
     */
    public void refuseSymlink(String name) throws UnsafeException {
        Path p = resolve(name);
        if (Files.isSymbolicLink(p)) {
            String target;
            try {
                target = Files.readSymbolicLink(p).toString();
            } catch (IOException e) {
                target = "?";
            }
            throw new UnsafeException(p + " is a symbolic link (to " + target + "); the server never writes through one: remove it");
        }
    }

    /**
     * Replaces a file's content atomically, never through a symlink.
     * @param name a file name in the directory
     * @param data the new content
     * @throws IOException when it cannot (a symlink: {@link UnsafeException}); no temporary file is left then
     */
    public void write(String name, byte[] data) throws IOException {
        String tmpName = name + ".tmp";
        Path target = resolve(name);
        Path tmp = resolve(tmpName);
        refuseSymlink(name);
        refuseSymlink(tmpName);
        Files.deleteIfExists(tmp); // a leftover of a crash; not a symlink (refused above), and delete never follows one
        try {
            try (FileChannel ch = createNew(tmp)) {
                ByteBuffer b = ByteBuffer.wrap(data);
                while (b.hasRemaining()) ch.write(b);
                ch.force(true);
            }
            Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException | RuntimeException e) {
            try {
                Files.deleteIfExists(tmp);
            } catch (IOException ignored) {
                // e says what went wrong; a read-only directory cannot have gained the file
            }
            throw e;
        }
        syncDirectory();
    }

    private static FileChannel createNew(Path p) throws IOException {
        Set<StandardOpenOption> opts = Set.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
        try {
            return FileChannel.open(p, Set.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE, NOFOLLOW),
                    PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        } catch (UnsupportedOperationException e) {
            return FileChannel.open(p, opts);
        }
    }

    /** So the rename survives a power cut; best effort (not every system can open a directory). */
    private void syncDirectory() {
        try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
            ch.force(true);
        } catch (IOException | RuntimeException e) {
            // the data is written; only its durability across a crash is less certain
        }
    }

    /**
     * Reads a file, never through a symlink.
     * @param name a file name in the directory
     * @return its content, or empty when there is none
     * @throws IOException when it cannot be read (a symlink: {@link UnsafeException})
     */
    public Optional<byte[]> read(String name) throws IOException {
        Path p = resolve(name);
        refuseSymlink(name);
        try (FileChannel ch = FileChannel.open(p, Set.of(StandardOpenOption.READ, NOFOLLOW))) {
            if (ch.size() > 1 << 20) throw new IOException(p + " is larger than 1 MiB; not a file of the server's");
            ByteBuffer b = ByteBuffer.allocate((int) ch.size());
            while (b.hasRemaining() && ch.read(b) >= 0) { }
            return Optional.of(b.array());
        } catch (NoSuchFileException e) {
            return Optional.empty();
        }
    }

    /**
     * Deletes a file; a symlink is left alone (refused).
     * @param name a file name in the directory
     * @throws IOException when it cannot
     */
    public void delete(String name) throws IOException {
        refuseSymlink(name);
        Files.deleteIfExists(resolve(name));
    }

    /**
     * @param e an I/O failure
     * @return its reason in a few words, e.g. "Read-only file system"
     */
    public static String describe(IOException e) {
        if (e instanceof FileSystemException f && f.getReason() != null) return f.getReason();
        return String.valueOf(e.getMessage());
    }

    @Override
    public String toString() {
        return dir.toString();
    }
}
