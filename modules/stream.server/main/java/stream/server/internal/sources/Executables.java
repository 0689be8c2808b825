package stream.server.internal.sources;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** Finds programs the server runs (gst-launch-1.0, setsid) the way a shell would, on PATH. */
public final class Executables {
    private Executables() {}

    /**
     * @param name the program's name, without ".exe" (added on Windows)
     * @param firstDirs folders searched before PATH, e.g. where a system tool must come from
     * @return the absolute path of the first regular executable file of that name
     */
    public static Optional<String> find(String name, String... firstDirs) {
        boolean windows = System.getProperty("os.name", "").startsWith("Windows");
        List<String> dirs = new ArrayList<>(List.of(firstDirs));
        String path = System.getenv("PATH");
        if (path != null) dirs.addAll(List.of(path.split(File.pathSeparator)));
        for (String dir : dirs) {
            if (dir.isEmpty()) continue;
            Path p = Path.of(dir, windows ? name + ".exe" : name);
            if (Files.isRegularFile(p) && Files.isExecutable(p)) return Optional.of(p.toAbsolutePath().toString());
        }
        return Optional.empty();
    }
}
