package stream.testkit;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/** Killing process trees, reading their output, and the java that runs the tests. */
public final class Processes {
    private Processes() {}

    /** Kills a process and everything below it, and waits (10 s at most) for it to go. */
    public static void killTree(ProcessHandle h) {
        if (h == null) return;
        List<ProcessHandle> below = h.descendants().toList();
        below.forEach(ProcessHandle::destroyForcibly);
        h.destroyForcibly();
        h.onExit().completeOnTimeout(null, 10, TimeUnit.SECONDS).join();
        for (ProcessHandle d : below) d.onExit().completeOnTimeout(null, 5, TimeUnit.SECONDS).join();
    }

    /** Kills a process and everything below it (null: nothing). */
    public static void killTree(Process p) {
        if (p != null) killTree(p.toHandle());
    }

    /** @return the java executable of the running JVM, to start another on the same JDK */
    public static String java() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    /** @return the module path the tests run on (the test modules, the kit, the libraries) */
    public static String modulePath() {
        String path = System.getProperty("jdk.module.path");
        if (path == null) throw new IllegalStateException("not on a module path: the tests run with build.sh test");
        return path;
    }

    /** Reads lines from a stream on a daemon thread until it ends, giving each to {@code sink}. */
    public static Thread pump(InputStream in, Consumer<String> sink) {
        return Thread.ofPlatform().daemon().start(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
                String line;
                while ((line = r.readLine()) != null) sink.accept(line);
            } catch (IOException e) {
                // the process is gone
            }
        });
    }
}
