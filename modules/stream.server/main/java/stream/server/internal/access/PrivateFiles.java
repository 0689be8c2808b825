package stream.server.internal.access;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.EnumSet;
import java.util.Set;

/**
 * The package's only way to read and write its files in the state directory: private (0600),
 * never through a symbolic link, written atomically (a temporary file created new, forced to
 * disk, renamed over the name, the directory forced).
 */
final class PrivateFiles {
    static final Set<PosixFilePermission> OWNER_RW = EnumSet.of(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE);
    private static final Set<PosixFilePermission> OTHERS = EnumSet.of(PosixFilePermission.GROUP_READ, PosixFilePermission.GROUP_WRITE,
            PosixFilePermission.GROUP_EXECUTE, PosixFilePermission.OTHERS_READ, PosixFilePermission.OTHERS_WRITE, PosixFilePermission.OTHERS_EXECUTE);

    private PrivateFiles() {}

    /**
     * Checks a file that holds secrets or their hashes before it is read.
     * @return whether it exists
     * @throws IOException naming the file when it is a symbolic link, not a regular file, or open to group or others
     */
    static boolean checkPrivate(Path file) throws IOException {
        if (Files.isSymbolicLink(file)) throw new AccessDeniedException(file.toString(), null, "is a symbolic link; the server reads no secrets through one");
        if (!Files.exists(file, LinkOption.NOFOLLOW_LINKS)) return false;
        PosixFileAttributes a = Files.readAttributes(file, PosixFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        if (!a.isRegularFile()) throw new AccessDeniedException(file.toString(), null, "is not a regular file");
        Set<PosixFilePermission> open = EnumSet.copyOf(a.permissions());
        open.retainAll(OTHERS);
        if (!open.isEmpty())
            throw new AccessDeniedException(file.toString(), null, "is open to other users (mode " + PosixFilePermissions.toString(a.permissions())
                    + "); make it private with: chmod 600 " + file);
        return true;
    }

    /** Writes bytes to file atomically, mode 0600, refusing a symbolic link at the name or at its temporary name. */
    static void writeAtomically(Path file, byte[] data) throws IOException {
        if (Files.isSymbolicLink(file)) throw new AccessDeniedException(file.toString(), null, "is a symbolic link; the server writes through none");
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        Files.deleteIfExists(tmp); // a crash's leftover; deletes a symlink itself, never its target
        try {
            try (FileChannel c = FileChannel.open(tmp, Set.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE, LinkOption.NOFOLLOW_LINKS),
                    PosixFilePermissions.asFileAttribute(OWNER_RW))) {
                ByteBuffer b = ByteBuffer.wrap(data);
                while (b.hasRemaining()) c.write(b);
                c.force(true);
            }
            Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException | RuntimeException e) {
            try {
                Files.deleteIfExists(tmp);
            } catch (IOException suppressed) {
                e.addSuppressed(suppressed);
            }
            throw e;
        }
        forceDirectory(file.toAbsolutePath().getParent());
    }

    /** Makes a rename in dir durable; a file system that cannot force a directory is left as it is. */
    static void forceDirectory(Path dir) {
        try (FileChannel d = FileChannel.open(dir, StandardOpenOption.READ)) {
            d.force(true);
        } catch (IOException e) {
            // not every file system allows it; the rename itself is atomic either way
        }
    }
}
