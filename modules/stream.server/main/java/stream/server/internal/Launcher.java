package stream.server.internal;

import java.io.File;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * Turns a gst-launch-1.0 command line into a running process: the one place where children are
 * spawned, so how they are launched can change without touching their supervision.
 *
 * <p>Signals: the server owns the child's lifecycle, so the child must not get the signals of the
 * server's terminal or process group (Ctrl+C, {@code timeout}, {@code kill -TERM -PGID}); else it
 * dies on its own at the moment the server's shutdown begins and looks like a failure. Where
 * util-linux {@code setsid} exists the child is started through it, in a session (and process
 * group) of its own. The JVM's child is never a group leader, so setsid does not fork: it execs
 * gst-launch-1.0 in place and the pid and the pid file stay gst-launch's own.
 */
final class Launcher {
    private final String setsid; // path of setsid(1), or null: the child then shares the server's process group

    /** @param setsid path of setsid(1) to start children in their own session, or null to start them in the server's process group */
    Launcher(String setsid) {
        this.setsid = setsid;
    }

    /** @return a launcher that uses setsid where this machine has it */
    static Launcher standard() {
        return new Launcher(findSetsid());
    }

    /**
     * setsid(1) of util-linux, where there is one (Linux; not macOS by default).
     * @return its path, or null
     */
    static String findSetsid() {
        if (System.getProperty("os.name", "").startsWith("Windows")) return null;
        return Executables.find("setsid", "/usr/bin", "/bin").orElse(null);
    }

    /** @return whether children start in a session of their own (through setsid) */
    boolean isolated() {
        return setsid != null;
    }

    /**
     * @param command the gst-launch-1.0 command line
     * @return the started process, its stdin reading nothing
     * @throws IOException when it cannot be started
     */
    Process launch(List<String> command) throws IOException {
        List<String> argv = command;
        if (setsid != null) {
            argv = new ArrayList<>(command.size() + 1);
            argv.add(setsid); // no --fork: the JVM's child is not a group leader, so setsid execs in place
            argv.addAll(command);
        }
        File nul = new File(System.getProperty("os.name", "").startsWith("Windows") ? "NUL" : "/dev/null");
        return new ProcessBuilder(argv).redirectInput(ProcessBuilder.Redirect.from(nul)).start();
    }
}
