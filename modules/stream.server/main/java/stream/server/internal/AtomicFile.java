package stream.server.internal;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;

/**
 * Writes and reads a small file of the state directory safely: a write goes to a temporary file in
 * the same directory, is forced to disk, then renamed over the old one (so a crash or kill -9 leaves
 * the old file or the new one, never half of one) and the directory is forced too. Neither a read
 * nor a write follows a symbolic link. The one place stream.server writes user data, so a shared
 * safe-write helper can replace it.
 */
final class AtomicFile {
    private AtomicFile() {}

    /**
     * @param file the file to replace
     * @param text its new content
     * @throws IOException when it cannot be written, or is a symbolic link
     */
    static void write(Path file, String text) throws IOException {
        Path dir = file.toAbsolutePath().getParent();
        if (Files.isSymbolicLink(file)) throw new IOException(file + " is a symbolic link; refusing to write through it");
        Path tmp = Files.createTempFile(dir, "." + file.getFileName() + "-", ".tmp"); // 0600 on POSIX
        try {
            try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING,
                    LinkOption.NOFOLLOW_LINKS)) {
                ByteBuffer b = ByteBuffer.wrap(text.getBytes(StandardCharsets.UTF_8));
                while (b.hasRemaining()) ch.write(b);
                ch.force(true);
            }
            // rename(2) replaces the name itself: a link put there meanwhile is replaced, not followed.
            Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } finally {
            Files.deleteIfExists(tmp);
        }
        try (FileChannel d = FileChannel.open(dir, StandardOpenOption.READ)) {
            d.force(true); // the rename itself survives a power loss
        } catch (IOException e) {
            // some file systems cannot open or sync a directory; the file's own data is on disk
        }
    }

    /**
     * @param file the file
     * @return its text (UTF-8)
     * @throws IOException when it cannot be read or is a symbolic link
     */
    static String read(Path file) throws IOException {
        if (Files.isSymbolicLink(file)) throw new IOException("it is a symbolic link; refusing to follow it");
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS)) {
            if (ch.size() > 4 << 20) throw new IOException("it is larger than 4 MiB");
            ByteBuffer b = ByteBuffer.allocate((int) ch.size());
            while (b.hasRemaining() && ch.read(b) >= 0) { }
            return StandardCharsets.UTF_8.newDecoder().decode(b.flip()).toString();
        }
    }
}
