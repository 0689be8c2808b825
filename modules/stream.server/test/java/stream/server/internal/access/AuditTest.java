package stream.server.internal.access;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.eclipsesource.json.Json;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** JSON lines, private, rotated by size, from many threads, and never an exception. */
class AuditTest {
    @TempDir
    Path dir;

    private static Audit.Event event(int i) {
        return new Audit.Event(Instant.parse("2026-11-26T15:04:05Z"), "ops", Role.OPERATOR, "192.0.2.7", "POST /streams/cam-a/control", "cam-a", "200 " + i);
    }

    @Test
    void linesArePrivateAndComplete() throws Exception {
        try (Audit audit = Audit.in(dir)) {
            audit.record(new Audit.Event(Instant.parse("2026-11-26T15:04:05Z"), null, null, "192.0.2.7", "GET /control", "main", "401 x"));
            audit.record(event(1));
        }
        Path file = dir.resolve(Audit.FILE);
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
        List<String> lines = Files.readAllLines(file);
        assertEquals("{\"at\":\"2026-11-26T15:04:05Z\",\"who\":null,\"role\":null,\"from\":\"192.0.2.7\",\"action\":\"GET /control\",\"stream\":\"main\",\"outcome\":\"401 x\"}", lines.get(0));
        assertEquals("operator", Json.parse(lines.get(1)).asObject().getString("role", null));
    }

    @Test
    void rotatesBySizeKeepingThree() throws Exception {
        int lineBytes = (event(0).toJson() + "\n").length();
        try (Audit audit = Audit.in(dir, lineBytes * 10L, 3)) {
            for (int i = 0; i < 100; i++) audit.record(event(i % 10));
        }
        for (String n : List.of(Audit.FILE, Audit.FILE + ".1", Audit.FILE + ".2", Audit.FILE + ".3")) {
            Path f = dir.resolve(n);
            assertTrue(Files.size(f) <= lineBytes * 10L, n);
            assertEquals(10, Files.readAllLines(f).size(), n);
        }
        assertFalse(Files.exists(dir.resolve(Audit.FILE + ".4")));
    }

    @Test
    void manyThreadsWriteWholeLines() throws Exception {
        try (Audit audit = Audit.in(dir); ExecutorService pool = Executors.newFixedThreadPool(8)) {
            List<Future<?>> done = new ArrayList<>();
            for (int t = 0; t < 8; t++) done.add(pool.submit(() -> {
                for (int i = 0; i < 200; i++) audit.record(event(i));
            }));
            for (Future<?> f : done) f.get();
        }
        List<String> lines = Files.readAllLines(dir.resolve(Audit.FILE));
        assertEquals(1600, lines.size());
        for (String l : lines) Json.parse(l); // each one whole
    }

    @Test
    void anUnwritableFileNeverThrows() throws IOException {
        Path target = Files.createFile(dir.resolve("elsewhere"));
        Files.createSymbolicLink(dir.resolve(Audit.FILE), target);
        try (Audit audit = Audit.in(dir)) {
            audit.record(event(1));
            audit.record(event(2));
        }
        assertEquals(0, Files.size(target), "never through a symbolic link");
        try (Audit audit = Audit.in(dir.resolve("missing-dir"))) {
            audit.record(event(1));
        }
    }
}
