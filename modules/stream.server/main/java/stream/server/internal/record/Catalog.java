package stream.server.internal.record;

import com.eclipsesource.json.JsonArray;
import com.eclipsesource.json.JsonObject;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The finished MP4 files of one directory, addressed only by {@link MediaName}: what
 * {@code GET .../recordings} and {@code .../clips} list, download and delete. A name from a
 * request is checked against the grammar before anything touches the file system, and only
 * regular files (not links) in the directory itself are ever opened; files still being written
 * carry {@link MediaName#PARTIAL} and are not listed.
 */
public final class Catalog {
    private final Path dir;

    /**
     * One file.
     * @param name its name
     * @param start its UTC start
     * @param durationSeconds its duration, when readable
     * @param size bytes
     * @param path where it is; never shown to users
     */
    public record Entry(String name, Instant start, Double durationSeconds, long size, Path path) {
        /** @return name, start, duration (null when unreadable) and size */
        public JsonObject toJson() {
            JsonObject o = new JsonObject().add("name", name).add("start", start.toString());
            if (durationSeconds == null) o.add("duration", com.eclipsesource.json.Json.NULL);
            else o.add("duration", Math.round(durationSeconds * 1000) / 1000.0);
            return o.add("size", size);
        }
    }

    /** @param dir the directory (need not exist yet) */
    public Catalog(Path dir) {
        this.dir = Objects.requireNonNull(dir, "dir").toAbsolutePath().normalize();
    }

    /** @return the directory */
    public Path dir() {
        return dir;
    }

    /**
     * @return the finished files, oldest first
     * @throws IOException when the directory cannot be read
     */
    public List<Entry> list() throws IOException {
        List<Entry> out = new ArrayList<>();
        if (!Files.isDirectory(dir)) return out;
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir)) {
            for (Path p : files) {
                String name = p.getFileName().toString();
                if (MediaName.valid(name)) entry(name).ifPresent(out::add);
            }
        }
        out.sort(Comparator.comparing(Entry::start));
        return out;
    }

    /** @return the list as a JSON array */
    public JsonArray listJson() throws IOException {
        JsonArray a = new JsonArray();
        for (Entry e : list()) a.add(e.toJson());
        return a;
    }

    /**
     * @param name a name from a request
     * @return the file, when the name is valid and such a finished regular file exists
     * @throws IOException when it cannot be read
     */
    public Optional<Entry> entry(String name) throws IOException {
        Optional<Instant> start = MediaName.parse(name);
        if (start.isEmpty()) return Optional.empty();
        Path p = dir.resolve(name);
        BasicFileAttributes a;
        try {
            a = Files.readAttributes(p, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        } catch (NoSuchFileException e) {
            return Optional.empty();
        }
        if (!a.isRegularFile()) return Optional.empty();
        var d = Mp4Duration.of(p);
        return Optional.of(new Entry(name, start.get(), d.isPresent() ? d.getAsDouble() : null, a.size(), p));
    }

    /**
     * Deletes one file.
     * @param name a name from a request
     * @return whether a file of that name was deleted
     * @throws IOException when it cannot be deleted
     */
    public boolean delete(String name) throws IOException {
        Optional<Entry> e = entry(name);
        return e.isPresent() && Files.deleteIfExists(e.get().path());
    }
}
