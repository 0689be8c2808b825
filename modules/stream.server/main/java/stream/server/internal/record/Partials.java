package stream.server.internal.record;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * Files being written carry {@link MediaName#PARTIAL} after their name; once their writer has
 * exited, however it exited, they get their name (an atomic rename) when they hold something
 * playable, and are removed when they do not.
 */
final class Partials {
    private Partials() {}

    /**
     * @param part the file as written, NAME.mp4.part
     * @return whether it got its name
     */
    static boolean publish(Path part) throws IOException {
        String name = part.getFileName().toString();
        if (!name.endsWith(MediaName.PARTIAL)) throw new IllegalArgumentException("not a partial file: " + part);
        if (!Files.exists(part)) return false;
        if (Files.size(part) == 0 || Mp4Duration.of(part).isEmpty()) {
            Files.delete(part); // cut before its first fragment: nothing playable
            return false;
        }
        Path target = part.resolveSibling(name.substring(0, name.length() - MediaName.PARTIAL.length()));
        Files.move(part, target, StandardCopyOption.ATOMIC_MOVE);
        return true;
    }

    /** Publishes what a server that died left behind (their children finished them when the pipe closed). */
    static void recover(Path dir) throws IOException {
        try (DirectoryStream<Path> s = Files.newDirectoryStream(dir, "*.mp4" + MediaName.PARTIAL)) {
            for (Path p : s) {
                String name = p.getFileName().toString();
                if (MediaName.valid(name.substring(0, name.length() - MediaName.PARTIAL.length()))) publish(p);
            }
        }
    }
}
