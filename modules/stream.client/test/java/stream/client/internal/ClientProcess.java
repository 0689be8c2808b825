package stream.client.internal;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import stream.testkit.Processes;

/**
 * Runs stream-client (or another module) as a real process, as a user or a script would; servers,
 * ports and waiting are the test kit's ({@code stream.testkit}).
 */
final class ClientProcess {
    private ClientProcess() {}

    /** What a finished process left behind. */
    record Result(int exit, String out, String err) {
        /** @return stdout and stderr, for failure messages */
        String both() {
            return "exit " + exit + "\n--- stdout\n" + out + "--- stderr\n" + err;
        }

        /** Fails when stderr shows a Java stack trace or exception name: users must never see one. */
        void assertNoStackTrace() {
            assertFalse(err.contains("\tat ") || err.contains("Exception") || out.contains("\tat ")
                    || out.contains("Exception"), "a stack trace or exception leaked:\n" + both());
        }
    }

    /** The command line that starts a module's Main, on the module path the tests run on. */
    static List<String> command(String module, boolean readsJna, List<String> args) {
        var cmd = new ArrayList<>(List.of(Processes.java(), "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1"));
        if (readsJna) {
            cmd.add("--enable-native-access=com.sun.jna");
        }
        cmd.addAll(List.of("-p", Processes.modulePath(), "-m", module + "/" + module + ".internal.Main"));
        cmd.addAll(args);
        return cmd;
    }

    /**
     * Runs stream-client to its end.
     * @param args its arguments
     * @param env variables to set (a null value removes one); STREAM_* of the test's own environment are removed
     * @param stdin what to type, then end of input
     */
    static Result run(List<String> args, Map<String, String> env, String stdin, Path dir) {
        return run(List.of(), args, env, stdin, dir);
    }

    /**
     * Runs stream-client to its end behind a wrapper command.
     * @param wrapper the command that runs it, for example {@code ip netns exec NAME}; empty for none
     */
    static Result run(List<String> wrapper, List<String> args, Map<String, String> env, String stdin, Path dir) {
        try {
            var cmd = new ArrayList<>(wrapper);
            cmd.addAll(command("stream.client", true, args));
            var pb = new ProcessBuilder(cmd);
            pb.environment().keySet().removeIf(k -> k.startsWith("STREAM_"));
            env.forEach((k, v) -> {
                if (v == null) {
                    pb.environment().remove(k);
                } else {
                    pb.environment().put(k, v);
                }
            });
            Path out = Files.createTempFile(dir, "out", ".txt");
            Path err = Files.createTempFile(dir, "err", ".txt");
            pb.redirectOutput(out.toFile()).redirectError(err.toFile());
            Process p = pb.start();
            try {
                try (var in = p.getOutputStream()) {
                    in.write(stdin.getBytes(StandardCharsets.UTF_8));
                }
            } catch (IOException closedEarly) {
                // the client ended before reading everything: its output says why
            }
            if (!p.waitFor(120, TimeUnit.SECONDS)) {
                Processes.killTree(p);
                fail("stream-client " + args + " did not end within 120 s; stdout so far:\n" + Files.readString(out)
                        + "\nstderr:\n" + Files.readString(err));
            }
            return new Result(p.exitValue(), Files.readString(out), Files.readString(err));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    static Result run(List<String> args, Path dir) {
        return run(args, Map.of(), "", dir);
    }
}
