package stream.server.internal;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A network namespace of the test's own with only loopback up: what runs in it (Chromium, the
 * WebRTC gateway, a sender) can reach nothing but itself, so no packet of a test leaves the
 * machine. Needs root (CI runs as root); without it the test fails, never skips.
 */
public final class NetNs implements AutoCloseable {
    private final String name;

    private NetNs(String name) {
        this.name = name;
    }

    /** Creates {@code stream-test-<pid>-<suffix>} with loopback up. */
    public static NetNs create(String suffix) throws IOException, InterruptedException {
        String name = "stream-test-" + ProcessHandle.current().pid() + "-" + suffix;
        run("ip", "netns", "add", name);
        var ns = new NetNs(name);
        try {
            run("ip", "-n", name, "link", "set", "lo", "up");
        } catch (IOException e) {
            ns.close();
            throw e;
        }
        return ns;
    }

    public String name() {
        return name;
    }

    /** @return {@code ip netns exec NAME}, to put before a command */
    public List<String> prefix() {
        return List.of("ip", "netns", "exec", name);
    }

    /** @return the command run inside the namespace */
    public List<String> wrap(List<String> command) {
        var all = new ArrayList<>(prefix());
        all.addAll(command);
        return all;
    }

    /** Runs a command inside the namespace and returns its stdout. */
    public String exec(String... command) throws IOException, InterruptedException {
        return run(wrap(List.of(command)).toArray(String[]::new));
    }

    /** @return the pids of every process in the namespace */
    public List<Long> pids() throws IOException, InterruptedException {
        var pids = new ArrayList<Long>();
        for (String line : run("ip", "netns", "pids", name).split("\n")) {
            if (!line.isBlank()) pids.add(Long.parseLong(line.strip()));
        }
        return pids;
    }

    private static String run(String... command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(30, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IOException(String.join(" ", command) + ": no answer in 30 s");
        }
        if (p.exitValue() != 0) {
            throw new IOException(String.join(" ", command) + " failed (exit " + p.exitValue() + "): " + output.strip()
                    + (output.contains("ermission") ? " (network namespaces need root; CI runs as root)" : ""));
        }
        return output;
    }

    /** Kills whatever still runs inside, then deletes the namespace. */
    @Override
    public void close() throws IOException {
        try {
            try {
                for (long pid : pids()) ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);
            } finally {
                run("ip", "netns", "del", name);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while deleting network namespace " + name, e);
        }
    }
}
