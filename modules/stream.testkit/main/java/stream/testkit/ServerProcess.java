package stream.testkit;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A stream-server started as a real process: from the test module path ({@code java -m
 * stream.server/stream.server.internal.Main}) or from a jlink image ({@code bin/stream-server}),
 * optionally behind a prefix such as {@code ip netns exec NAME}. Its stdout and stderr are
 * collected line by line; {@link #close()} kills it with its whole process tree.
 *
 * <pre>{@code
 * try (var server = ServerProcess.builder().args("--port", "0", "--bind", "127.0.0.1").start()) {
 *     int port = server.awaitPort();
 * }
 * }</pre>
 *
 * The server gets none of the test's own {@code STREAM_*} variables, only those given to {@link Builder#env}.
 */
public final class ServerProcess implements AutoCloseable {
    /** The line the server prints once it listens; group 1 is its base URL. */
    private static final Pattern LISTENING = Pattern.compile("^stream-server listening on (https?://\\S+?:(\\d+))/control");
    private static final Duration START = Duration.ofSeconds(60);

    private final Process process;
    private final LinkedBlockingQueue<String> stdout = new LinkedBlockingQueue<>();
    private final List<String> stdoutSeen = Collections.synchronizedList(new ArrayList<>());
    private final List<String> stderr = Collections.synchronizedList(new ArrayList<>());
    private final Thread outThread;
    private final Thread errThread;
    private volatile String url;

    private ServerProcess(List<String> command, Map<String, String> env) throws IOException {
        ProcessBuilder pb = new ProcessBuilder(command);
        pb.environment().keySet().removeIf(k -> k.startsWith("STREAM_"));
        env.forEach((k, v) -> {
            if (v == null) pb.environment().remove(k);
            else pb.environment().put(k, v);
        });
        process = pb.start();
        outThread = Processes.pump(process.getInputStream(), line -> {
            stdoutSeen.add(line);
            stdout.add(line);
        });
        errThread = Processes.pump(process.getErrorStream(), stderr::add);
    }

    /** @return a builder for a server from the test module path, with {@code -Xmx64m} */
    public static Builder builder() {
        return new Builder();
    }

    /** What to start and how. */
    public static final class Builder {
        private final List<String> prefix = new ArrayList<>();
        private final List<String> jvm = new ArrayList<>(List.of("-Xmx64m"));
        private final List<String> args = new ArrayList<>();
        private final Map<String, String> env = new LinkedHashMap<>();
        private Path image;

        private Builder() {}

        /** Words before the command that exec it in place, e.g. {@code ip netns exec NAME} or setsid. */
        public Builder prefix(List<String> words) {
            prefix.addAll(words);
            return this;
        }

        /** JVM options besides the serial collector and C1 (replaces the default {@code -Xmx64m}). */
        public Builder jvm(List<String> options) {
            jvm.clear();
            jvm.addAll(options);
            return this;
        }

        public Builder args(List<String> arguments) {
            args.addAll(arguments);
            return this;
        }

        public Builder args(String... arguments) {
            return args(List.of(arguments));
        }

        /** Sets a variable; a null value removes it. */
        public Builder env(String name, String value) {
            env.put(Objects.requireNonNull(name, "name"), value);
            return this;
        }

        public Builder env(Map<String, String> variables) {
            env.putAll(variables);
            return this;
        }

        /** Runs {@code IMAGE/bin/stream-server} (JVM options through STREAM_JAVA_OPTS) instead of the module path. */
        public Builder image(Path image) {
            if (!Files.isExecutable(image.resolve("bin/stream-server")))
                throw new IllegalArgumentException("no bin/stream-server in the image " + image + ": run ./build.sh image");
            this.image = image;
            return this;
        }

        public ServerProcess start() throws IOException {
            List<String> command = new ArrayList<>(prefix);
            Map<String, String> variables = new LinkedHashMap<>(env);
            List<String> options = new ArrayList<>(List.of("-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1"));
            options.addAll(jvm);
            if (image == null) {
                command.add(Processes.java());
                command.addAll(options);
                command.addAll(List.of("-p", Processes.modulePath(), "-m", "stream.server/stream.server.internal.Main"));
            } else {
                command.add(image.resolve("bin/stream-server").toString());
                variables.putIfAbsent("STREAM_JAVA_OPTS", String.join(" ", options));
            }
            command.addAll(args);
            return new ServerProcess(command, variables);
        }
    }

    /** @return the process (the prefix's, which execs the server in place) */
    public Process process() {
        return process;
    }

    /** @return stdout lines not yet taken by {@link #awaitPort()} / {@link #awaitUrl()} */
    public LinkedBlockingQueue<String> stdout() {
        return stdout;
    }

    /** @return every stderr line so far (a live, synchronized list) */
    public List<String> stderr() {
        return stderr;
    }

    public String stdoutText() {
        synchronized (stdoutSeen) {
            return String.join("\n", stdoutSeen);
        }
    }

    public String stderrText() {
        synchronized (stderr) {
            return String.join("\n", stderr);
        }
    }

    /** Waits (60 s) for the "listening on" line and returns the port. */
    public int awaitPort() {
        String base = awaitUrl();
        return Integer.parseInt(base.substring(base.lastIndexOf(':') + 1));
    }

    /**
     * Waits (60 s) for the "listening on" line, taking stdout's lines up to it.
     * @return the server's base URL, e.g. {@code http://127.0.0.1:PORT}
     * @throws AssertionError naming the server's stderr when it ends or does not listen in time
     */
    public String awaitUrl() {
        if (url != null) return url;
        long deadline = System.nanoTime() + START.toNanos();
        try {
            while (System.nanoTime() < deadline) {
                String line = stdout.poll(200, TimeUnit.MILLISECONDS);
                if (line != null) {
                    Matcher m = LISTENING.matcher(line);
                    if (m.find()) return url = m.group(1);
                } else if (!process.isAlive()) {
                    outThread.join(2000);
                    if (stdout.isEmpty()) break;
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted while waiting for the server to listen", e);
        }
        throw new AssertionError("server did not start" + (process.isAlive() ? " within " + START.toSeconds() + " s"
                : " (exit " + process.exitValue() + ")") + "; stderr: " + stderrText());
    }

    /** Waits (60 s) for the server to end, then for its output to be read, and returns its exit status. */
    public int awaitExit() {
        try {
            if (!process.waitFor(60, TimeUnit.SECONDS)) throw new AssertionError("server process did not exit; stderr: " + stderrText());
            outThread.join(5000);
            errThread.join(5000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted while waiting for the server to exit", e);
        }
        return process.exitValue();
    }

    /** Kills the server and everything below it. */
    @Override
    public void close() {
        Processes.killTree(process);
    }
}
