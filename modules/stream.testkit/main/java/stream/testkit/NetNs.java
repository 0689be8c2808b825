package stream.testkit;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A network namespace of the test's (or the bench's) own with only loopback up: what runs in it
 * (Chromium, the WebRTC gateway, Janus, a sender) can reach nothing but itself and the namespaces
 * it is joined to by {@link #veth}, so no packet leaves the machine. {@link #close()} kills what
 * still runs inside and deletes it (and its veth ends). Needs root (CI runs as root); without it
 * the test fails, never skips.
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

    /**
     * Joins this namespace to another by a veth pair, each end up with its address (a /24 of 10.x
     * that exists only inside the two namespaces). Interface names are at most 15 characters.
     */
    public void veth(String here, String hereAddress, NetNs other, String there, String thereAddress)
            throws IOException, InterruptedException {
        run("ip", "link", "add", here, "netns", name, "type", "veth", "peer", "name", there, "netns", other.name);
        run("ip", "-n", name, "addr", "add", hereAddress + "/24", "dev", here);
        run("ip", "-n", other.name, "addr", "add", thereAddress + "/24", "dev", there);
        run("ip", "-n", name, "link", "set", here, "up");
        run("ip", "-n", other.name, "link", "set", there, "up");
    }

    /** @return the pids of every process in the namespace */
    public List<Long> pids() throws IOException, InterruptedException {
        var pids = new ArrayList<Long>();
        for (String line : run("ip", "netns", "pids", name).split("\n")) {
            if (!line.isBlank()) pids.add(Long.parseLong(line.strip()));
        }
        return pids;
    }

    /** Runs a command (outside any namespace) and returns its output; fails naming the command and its output. */
    public static String run(String... command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(30, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IOException(String.join(" ", command) + ": no answer in 30 s");
        }
        if (p.exitValue() != 0) {
            throw new IOException(String.join(" ", command) + " failed (exit " + p.exitValue() + "): " + output.strip()
                    + (output.contains("ermission") || output.contains("not permitted") ? " (network namespaces need root; CI runs as root)" : ""));
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
