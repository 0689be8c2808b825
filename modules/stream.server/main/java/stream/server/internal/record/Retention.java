package stream.server.internal.record;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Deletes finished segments, oldest first: those that ended (were last written) before
 * {@code now - maxAge}, then as many more as it takes to bring all segments, the one being
 * written included, under {@code maxBytes}. A file still being written is never deleted.
 */
public final class Retention {
    private Retention() {}

    /**
     * @param catalog the segments
     * @param maxAge the age bound, or zero for none
     * @param maxBytes the size bound, or 0 for none
     * @param now the time to measure age against
     * @return the names deleted, oldest first
     * @throws IOException when the directory cannot be read
     */
    public static List<String> apply(Catalog catalog, Duration maxAge, long maxBytes, Instant now) throws IOException {
        List<String> deleted = new ArrayList<>();
        List<Catalog.Entry> finished = new ArrayList<>(catalog.list());
        long total = partialBytes(catalog.dir());
        for (Catalog.Entry e : finished) total += e.size();
        for (Catalog.Entry e : finished) {
            boolean old = !maxAge.isZero()
                    && Files.getLastModifiedTime(e.path()).toInstant().isBefore(now.minus(maxAge));
            boolean over = maxBytes > 0 && total > maxBytes;
            if (!old && !over) continue;
            if (Files.deleteIfExists(e.path())) deleted.add(e.name());
            total -= e.size();
        }
        return deleted;
    }

    private static long partialBytes(Path dir) throws IOException {
        long n = 0;
        if (!Files.isDirectory(dir)) return 0;
        try (DirectoryStream<Path> s = Files.newDirectoryStream(dir, "*" + MediaName.PARTIAL)) {
            for (Path p : s) n += Files.size(p);
        }
        return n;
    }
}
