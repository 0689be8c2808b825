package stream.server.internal.supervisor;

import stream.server.internal.process.ChildEnvironment;
import stream.server.internal.state.PidFile;
import stream.server.internal.sources.Executables;
import java.io.File;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;

/**
 * Turns a gst-launch-1.0 command line into a running process: the one place where children are
 * spawned, so that they end with the server, whatever ends it, and carry none of its secrets.
 *
 * <p>The command is prefixed with util-linux's {@code setsid} (a session of its own: the
 * terminal's Ctrl+C reaches only the server, which then stops the child in order) and
 * {@code setpriv --pdeathsig KILL} (Linux's parent-death signal: the kernel kills the child when
 * its parent dies, by {@code kill -9}, SIGUSR1 or a crash, when no shutdown hook runs). Both exec
 * in place: the child's pid is gst-launch-1.0's own.
 *
 * <p>The parent-death signal fires when the <em>thread</em> that spawned the child ends, not the
 * process. A child spawned from a request thread (or a virtual thread's carrier, which the JDK
 * retires when idle) would be killed when that thread goes. So every child is spawned from one
 * platform thread that lives as long as the JVM and never ends on an error. (setpriv sets the
 * signal a few milliseconds after the spawn; a server that dies within them leaves its child
 * without it, and the pid file covers that.)
 *
 * <p>The child's environment loses every {@code STREAM_*} variable (the token among them) and
 * gains {@link #CHILD_ID_VARIABLE}, a random value per child: proof, for a later server reading
 * {@code /proc/PID/environ} (which only the same user or root can read), that a process is a
 * child this server started, not merely one a pid file names.
 *
 * <p>Without setpriv (macOS, or the {@code stream.server.pdeathsig=false} system property, which
 * exercises that fallback) a child outlives a {@code kill -9} of its server, and the next server
 * on the same port ends it through its pid file (said once, at start); without setsid it shares
 * the server's process group.
 */
public final class Launcher {
    private static final System.Logger LOG = System.getLogger("stream.server");
    /** The variable that carries a child's random identity. */
    public static final String CHILD_ID_VARIABLE = PidFile.CHILD_ID_VARIABLE;
    private static final SecureRandom RANDOM = new SecureRandom();

    /** A started child and the identity put in its environment. */
    record Launched(Process process, String childId) {
        /** Checks the values are present. */
        public Launched {
            Objects.requireNonNull(process, "process");
            Objects.requireNonNull(childId, "childId");
        }
    }

    private static volatile Launcher standard;

    private final String setsid;
    private final String setpriv;
    private final LinkedBlockingQueue<Runnable> tasks = new LinkedBlockingQueue<>();

    /**
     * @param setsid path of setsid(1), or null: the child then shares the server's process group
     * @param setpriv path of setpriv(1) for the parent-death signal, or null: the child then outlives a kill -9
     */
    public Launcher(String setsid, String setpriv) {
        this.setsid = setsid;
        this.setpriv = setpriv;
        Thread.ofPlatform().daemon().name("stream-child-launcher").start(this::serve);
    }

    /**
     * The launcher of this JVM, made once with the setsid and setpriv found on this machine; it
     * says at its making when children will not die with the server.
     * @return the launcher
     */
    public static Launcher standard() {
        Launcher l = standard;
        if (l != null) return l;
        synchronized (Launcher.class) {
            if (standard == null) {
                String setpriv = Boolean.parseBoolean(System.getProperty("stream.server.pdeathsig", "true")) ? findSetpriv() : null;
                if (setpriv == null)
                    LOG.log(Level.WARNING, "setpriv (util-linux) not found or disabled: a gst-launch-1.0 child outlives a kill -9 "
                            + "of this server and streams on until the next server on this port ends it through its pid file");
                standard = new Launcher(findSetsid(), setpriv);
            }
            return standard;
        }
    }

    /**
     * setsid(1) of util-linux, where there is one (Linux; not macOS by default).
     * @return its path, or null
     */
    public static String findSetsid() {
        return findSystemTool("setsid");
    }

    /**
     * setpriv(1) of util-linux, where there is one (Linux only).
     * @return its path, or null
     */
    static String findSetpriv() {
        return findSystemTool("setpriv");
    }

    private static String findSystemTool(String name) {
        if (System.getProperty("os.name", "").startsWith("Windows")) return null;
        return Executables.find(name, "/usr/bin", "/bin").orElse(null);
    }

    /** @return whether children start in a session of their own (setsid) */
    boolean isolated() {
        return setsid != null;
    }

    /** @return whether children die with the server (setpriv --pdeathsig) */
    public boolean diesWithServer() {
        return setpriv != null;
    }

    /**
     * The programs put before a child's own command.
     * @return e.g. [/usr/bin/setsid, /usr/bin/setpriv, --pdeathsig, KILL]
     */
    public List<String> prefix() {
        List<String> p = new ArrayList<>();
        if (setsid != null) p.add(setsid); // no --fork: the JVM's child is no group leader, so setsid execs in place
        if (setpriv != null) p.addAll(List.of(setpriv, "--pdeathsig", "KILL")); // KILL: a hung child must go too
        return p;
    }

    /**
     * Starts a child on the launcher's thread, its stdin from /dev/null, its stdout and stderr
     * piped to the caller.
     * @param command the child's own command line, e.g. gst-launch-1.0 and its arguments
     * @return the child and its identity
     * @throws IOException when it cannot be started
     */
    Launched launch(List<String> command) throws IOException {
        return launch(command, null);
    }

    /**
     * As {@link #launch(List)}, with a first line on the child's stdin: how a secret (a camera's
     * password) reaches a child without its command line or environment. The pipe stays open, so
     * the child sees its end when the server goes.
     * @param command the child's command line
     * @param stdin what to write to its stdin, or null for /dev/null
     * @return the child and its identity
     * @throws IOException when it cannot be started
     */
    Launched launch(List<String> command, String stdin) throws IOException {
        List<String> argv = new ArrayList<>(prefix());
        argv.addAll(command);
        String id = HexFormat.of().formatHex(randomBytes());
        ProcessBuilder pb = new ProcessBuilder(argv).redirectInput(stdin == null
                ? ProcessBuilder.Redirect.from(nullFile()) : ProcessBuilder.Redirect.PIPE);
        // The server's settings and secrets (STREAM_TOKEN and any other) are none of the child's business.
        ChildEnvironment.apply(pb);
        pb.environment().put(CHILD_ID_VARIABLE, id);
        CompletableFuture<Process> started = new CompletableFuture<>();
        tasks.add(() -> {
            try {
                started.complete(pb.start());
            } catch (Throwable t) {
                started.completeExceptionally(t);
            }
        });
        try {
            Process p = started.get();
            if (stdin != null) {
                try {
                    p.getOutputStream().write(stdin.getBytes(java.nio.charset.StandardCharsets.UTF_8));
                    p.getOutputStream().flush();
                } catch (IOException e) {
                    // it died at once: its exit says why
                    LOG.log(Level.DEBUG, "could not write to the stdin of pid {0}: {1}", Long.toString(p.pid()), e.getMessage());
                }
            }
            return new Launched(p, id);
        } catch (InterruptedException e) {
            // The spawn goes on regardless; the caller must learn of the child, so wait it out.
            Thread.currentThread().interrupt();
            return new Launched(started.join(), id);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof IOException io) throw io;
            throw new IOException("could not start " + command.get(0) + ": " + e.getCause(), e.getCause());
        }
    }

    private static byte[] randomBytes() {
        byte[] b = new byte[16];
        RANDOM.nextBytes(b);
        return b;
    }

    /** The launcher thread: runs spawns one after another and never ends, for its children's sake. */
    private void serve() {
        while (true) {
            try {
                tasks.take().run();
            } catch (InterruptedException e) {
                // nobody may end this thread: its end would kill every child it spawned
            } catch (Throwable t) {
                LOG.log(Level.ERROR, "child launcher: " + t);
            }
        }
    }

    private static File nullFile() {
        return new File(System.getProperty("os.name", "").startsWith("Windows") ? "NUL" : "/dev/null");
    }
}
