package stream.server.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.TestInstance;
import stream.server.internal.ReadmeExamples.Example;
import stream.server.internal.ReadmeExamples.Mode;
import stream.server.internal.process.MediaCommand;
import stream.testkit.Await;
import stream.testkit.Ports;
import stream.testkit.Processes;

/**
 * Every shell example of README.md and docs/*.md, run in order with bash against a real server
 * that the first session's example starts, each checked for the answers the page shows beside it
 * (docs/examples.md gives the conventions). The examples keep the numbers a reader sees (port
 * 8590, udp/5000, ...); the test gives each a free port, runs {@code out/image/bin/...} from the
 * modules under test, keeps the server's state and files in a folder of its own ({@code HOME}),
 * and makes main's test pattern small. An example that needs what is not here is skipped with its
 * reason; an example that fails fails its test with its code, output and the missing answer.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ReadmeExamplesTest {
    private static final Duration ONE = Duration.ofSeconds(60);
    private static final Duration RETRY = Duration.ofSeconds(30);

    private final List<Process> background = new ArrayList<>();
    private Path dir;

    @AfterAll
    void stopServers() {
        for (Process p : background) {
            p.destroy(); // SIGTERM: the server stops its streams in order
            try {
                if (!p.waitFor(15, TimeUnit.SECONDS)) Processes.killTree(p);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                Processes.killTree(p);
            }
            p.toHandle().descendants().forEach(ProcessHandle::destroyForcibly);
        }
        if (dir != null) {
            try (Stream<Path> files = Files.walk(dir)) {
                files.sorted(java.util.Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
            } catch (IOException e) {
                System.out.println("could not remove " + dir + ": " + e);
            }
        }
    }

    private static Path project() {
        return Path.of(System.getProperty("stream.build.dir")).getParent();
    }

    /** README.md, then the pages of docs/ by name. */
    static List<Example> allExamples() throws IOException {
        Path root = project();
        List<Example> all = new ArrayList<>(ReadmeExamples.parse(root.resolve("README.md"), "README.md"));
        try (Stream<Path> docs = Files.list(root.resolve("docs"))) {
            for (Path page : docs.filter(p -> p.toString().endsWith(".md")).sorted().toList())
                all.addAll(ReadmeExamples.parse(page, "docs/" + page.getFileName()));
        }
        return all;
    }

    @TestFactory
    Stream<DynamicTest> everyExampleAnswersAsShown() throws IOException {
        dir = Files.createTempDirectory("readme-examples");
        Path home = Files.createDirectories(dir.resolve("home"));
        Path work = Files.createDirectories(dir.resolve("work"));
        Path bin = shims(Files.createDirectories(dir.resolve("bin")));
        int http = Ports.freeTcp();
        int rtsp = Ports.freeTcp();
        Map<String, String> ports = new LinkedHashMap<>();
        ports.put("8590", Integer.toString(http));
        ports.put("8554", Integer.toString(rtsp));
        for (String udp : List.of("5000", "5002", "5004")) ports.put(udp, Integer.toString(Ports.freeUdp()));
        Map<String, String> env = new LinkedHashMap<>();
        env.put("HOME", home.toString());
        env.put("STREAM_PORT", ports.get("8590"));
        env.put("STREAM_RTSP_PORT", ports.get("8554"));
        env.put("STREAM_DEST", "127.0.0.1:" + ports.get("5000"));
        env.put("STREAM_SERVER", "http://localhost:" + http);
        env.put("STREAM_WIDTH", "320"); // main's test pattern, small: the machine is shared
        env.put("STREAM_HEIGHT", "240");
        env.put("STREAM_FRAMERATE", "15");
        List<Example> examples = allExamples();
        assertTrue(examples.stream().filter(e -> e.needs().isEmpty()).count() >= 10, "the README has examples that run: " + examples);
        return examples.stream().map(e -> {
            Example ex = e;
            for (var p : ports.entrySet()) ex = ex.substitute(p.getKey(), p.getValue());
            Example run = new Example(ex.where(), ex.code().replace("out/image/bin/", bin + "/"), ex.answers(), ex.needs(), ex.mode());
            return DynamicTest.dynamicTest(e.where() + " " + firstLine(e.code()), () -> {
                if (run.needs().isPresent()) {
                    System.out.println("skipped " + run.where() + ": needs " + run.needs().get());
                    Assumptions.abort("needs " + run.needs().get());
                }
                switch (run.mode()) {
                    case BACKGROUND -> runInBackground(run, work, env);
                    case RETRY -> retry(run, work, env);
                    case ONCE -> check(run, runOnce(run, work, env));
                }
            });
        });
    }

    private static String firstLine(String code) {
        return code.lines().filter(l -> !l.isBlank() && !l.startsWith("#")).findFirst().orElse(code.lines().findFirst().orElse(""));
    }

    /** Launchers named as the image's, running the modules under test. */
    private static Path shims(Path bin) throws IOException {
        String javaCommand = Processes.java();
        String path = Arrays.stream(Processes.modulePath().split(File.pathSeparator)) // absolute: the examples run elsewhere
                .filter(e -> !e.isEmpty()).map(e -> Path.of(e).toAbsolutePath().toString()).collect(Collectors.joining(File.pathSeparator));
        Map<String, String> mains = Map.of(
                "stream-server", "-Xmx96m '-D" + MediaCommand.MODULE_PATH_PROPERTY + "=" + path + "' -m stream.server/stream.server.internal.Main", // the media processes' modules
                "stream-client", "--enable-native-access=com.sun.jna -m stream.client/stream.client.internal.Main",
                "stream-viewer", "--enable-native-access=com.sun.jna -m stream.viewer/stream.viewer.internal.Main");
        for (var m : mains.entrySet()) {
            Path f = bin.resolve(m.getKey());
            Files.writeString(f, "#!/bin/sh\nexec '" + javaCommand + "' -XX:+UseSerialGC -XX:TieredStopAtLevel=1 -p '" + path + "' "
                    + m.getValue() + " \"$@\"\n");
            Files.setPosixFilePermissions(f, PosixFilePermissions.fromString("rwx------"));
        }
        return bin;
    }

    private static ProcessBuilder bash(Example e, Path work, Map<String, String> env) {
        ProcessBuilder pb = new ProcessBuilder("bash", "-e", "-o", "pipefail", "-c", e.code()).directory(work.toFile()).redirectErrorStream(true);
        pb.environment().keySet().removeIf(k -> k.startsWith("STREAM_") || k.startsWith("XDG_"));
        pb.environment().putAll(env);
        return pb;
    }

    private record Run(int exit, String output) {}

    private static Run runOnce(Example e, Path work, Map<String, String> env) throws Exception {
        Process p = bash(e, work, env).redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null"))).start();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        Thread reader = Thread.ofPlatform().daemon().start(() -> copy(p.getInputStream(), out));
        try {
            if (!p.waitFor(ONE.toSeconds(), TimeUnit.SECONDS))
                fail(e.where() + ": the example did not end within " + ONE.toSeconds() + " s:\n" + e.code() + "output so far:\n" + text(out));
            reader.join(5000);
            return new Run(p.exitValue(), text(out));
        } finally {
            Processes.killTree(p);
        }
    }

    private static void check(Example e, Run run) {
        String report = e.where() + ":\n" + e.code() + "--- exit " + run.exit() + ", output:\n" + run.output();
        assertEquals(0, run.exit(), () -> "the example failed: " + report);
        String missing = ReadmeExamples.missing(run.output(), e.answers());
        assertNull(missing, () -> "the example does not answer \"" + missing + "\" as the page shows: " + report);
    }

    private static void retry(Example e, Path work, Map<String, String> env) {
        Run[] last = new Run[1];
        Await.until(() -> e.where() + " to answer as the page shows; last run: exit " + last[0].exit() + ", output:\n" + last[0].output()
                + "missing: " + ReadmeExamples.missing(last[0].output(), e.answers()) + "\n" + e.code(), RETRY, () -> {
            last[0] = runOnce(e, work, env);
            return last[0].exit() == 0 && ReadmeExamples.missing(last[0].output(), e.answers()) == null;
        });
    }

    /** Starts the example and leaves it running (a server), once its output shows the answers. */
    private void runInBackground(Example e, Path work, Map<String, String> env) throws Exception {
        Process p = bash(e, work, env).start();
        background.add(p);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        Thread.ofPlatform().daemon().start(() -> copy(p.getInputStream(), out));
        Await.until(() -> e.where() + (p.isAlive() ? "" : " (ended with exit " + p.exitValue() + ")") + " to show \""
                + ReadmeExamples.missing(text(out), e.answers()) + "\":\n" + e.code() + "--- output:\n" + text(out), ONE,
                () -> {
                    if (ReadmeExamples.missing(text(out), e.answers()) == null) return true;
                    if (!p.isAlive()) fail(e.where() + " ended with exit " + p.exitValue() + " before its answers:\n" + e.code() + "--- output:\n" + text(out));
                    return false;
                });
        System.out.println(e.where() + " runs in the background:\n" + text(out));
    }

    private static void copy(InputStream in, ByteArrayOutputStream out) {
        byte[] buf = new byte[8192];
        try (in) {
            for (int n; (n = in.read(buf)) > 0; ) {
                synchronized (out) {
                    out.write(buf, 0, n);
                }
            }
        } catch (IOException e) {
            // the process ended
        }
    }

    private static String text(ByteArrayOutputStream out) {
        synchronized (out) {
            return out.toString(StandardCharsets.UTF_8);
        }
    }

    /** The reference page names every option the launcher takes (the README links it for them). */
    @Test
    void docsServerNamesEveryOption() throws IOException {
        String page = Files.readString(project().resolve("docs/server.md"));
        List<String> missing = Main.OPTIONS.stream().map(o -> o.flag()).filter(f -> !page.contains(f)).toList();
        assertEquals(List.of(), missing, "options of stream-server --help that docs/server.md does not name");
    }

    @Test
    void answersAreFoundInOrderWithEllipses() {
        String out = "stream-server listening on http://0.0.0.0:1234/control\ndashboard: http://box:1234/\n";
        assertNull(ReadmeExamples.missing(out, List.of("listening on http://0.0.0.0:1234/control", "dashboard: http://...:1234/")));
        assertEquals("listening", ReadmeExamples.missing(out, List.of("dashboard: http://", "listening")), "in order");
        assertEquals("{\"status\":\"running\"...", ReadmeExamples.missing("{\"status\":\"stopped\"}", List.of("{\"status\":\"running\"...")));
        assertEquals("a...c", ReadmeExamples.missing("a\nc", List.of("a...c")), "... stays on one line");
    }
}
