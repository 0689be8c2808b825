package stream.client.internal;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.DatagramSocket;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** Runs stream-client (or another module) as a real process, as a user or a script would. */
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

    static String java() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    /** The command line that starts a module's Main, on the module path the tests run on. */
    static List<String> command(String module, boolean readsJna, List<String> args) {
        var cmd = new ArrayList<>(List.of(java(), "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1"));
        if (readsJna) {
            cmd.add("--enable-native-access=com.sun.jna");
        }
        cmd.addAll(List.of("-p", System.getProperty("jdk.module.path"), "-m", module + "/" + module + ".internal.Main"));
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
                kill(p);
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

    /** Kills a process and all its descendants, and waits for them to go. */
    static void kill(Process p) {
        if (p == null) {
            return;
        }
        var all = new ArrayList<ProcessHandle>(p.descendants().toList());
        all.add(p.toHandle());
        all.forEach(ProcessHandle::destroy);
        for (ProcessHandle h : all) {
            try {
                h.onExit().get(5, TimeUnit.SECONDS);
            } catch (Exception e) {
                h.destroyForcibly();
            }
        }
    }

    /** A TCP port nobody listens on right now. */
    static int freeTcpPort() {
        try (var s = new ServerSocket(0)) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A UDP port nobody uses right now. */
    static int freeUdpPort() {
        try (var s = new DatagramSocket(0)) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Polls until the condition holds, failing with the message after the deadline. */
    static void await(Duration deadline, String what, java.util.function.BooleanSupplier condition) {
        long end = System.nanoTime() + deadline.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > end) {
                fail("gave up waiting " + deadline.toSeconds() + " s for: " + what);
            }
            try {
                Thread.sleep(200);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                fail("interrupted while waiting for: " + what);
            }
        }
    }
}
