package stream.server.internal.http.server;

import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * Says once, in the log, when the server stops taking new connections, and once when it takes them
 * again: jdk.httpserver closes connections over its cap without a word, and with no file
 * descriptor left it cannot accept at all (clients wait in the kernel's queue). Looks once a
 * second at the kernel's connection table for the HTTP port and at this process's descriptors.
 */
public final class ConnectionWatch {
    private static final System.Logger LOG = System.getLogger("stream.server");
    private static final List<Path> TABLES = List.of(Path.of("/proc/net/tcp"), Path.of("/proc/net/tcp6"));
    // Connections a server holds: established (accepted, or waiting in the queue) and closed by the
    // client but not yet by us. Not TIME_WAIT: thousands of those linger after a flood, holding nothing.
    private static final java.util.Set<String> HELD = java.util.Set.of("01", "08");

    private final int port;
    private final int maxConnections;
    private volatile boolean refusing;
    private long fdLimit = -1; // the last one read: with no descriptor left, /proc cannot be read
    private volatile boolean closed;

    private ConnectionWatch(int port, int maxConnections) {
        this.port = port;
        this.maxConnections = maxConnections;
    }

    /**
     * Starts watching.
     * @param port the HTTP port
     * @param maxConnections the connection cap in force
     * @return the watch, to close with the server
     */
    public static ConnectionWatch start(int port, int maxConnections) {
        ConnectionWatch w = new ConnectionWatch(port, maxConnections);
        Thread.ofPlatform().daemon().name("http-connection-watch").start(w::run);
        return w;
    }

    /** Stops watching. */
    public void close() {
        closed = true;
    }

    private void run() {
        while (!closed) {
            try {
                Thread.sleep(1000);
            } catch (InterruptedException e) {
                return;
            }
            long fds = descriptors();
            long limit = descriptorLimit();
            if (limit > 0) fdLimit = limit;
            // Every connection the server accepted holds one descriptor, so with fewer than half the cap in
            // use it cannot be full: the kernel's tables (which list every socket of the host, and cost
            // the server most of its idle CPU when read each second) are read only when it might be.
            boolean mayBeFull = maxConnections > 0 && (refusing || fds < 0 || fds >= maxConnections / 2);
            int connections = mayBeFull ? connections() : 0;
            boolean full = maxConnections > 0 && connections >= maxConnections;
            boolean noFds = fds == NONE_LEFT || fdLimit > 0 && fds >= fdLimit - 2;
            if ((full || noFds) && !refusing) {
                refusing = true;
                LOG.log(Level.WARNING, "refusing new HTTP connections: {0}", full
                        ? connections + " open, the limit is " + maxConnections + " (--max-connections)"
                        : "no file descriptor left (limit " + fdLimit + "); new clients wait in the kernel's queue until some close");
            } else if (!full && !noFds && refusing) {
                refusing = false;
                LOG.log(Level.INFO, "taking new HTTP connections again ({0} open, {1} file descriptors in use)", connections, fds);
            }
        }
    }

    /** @return the connections on the HTTP port the kernel holds (accepted or queued), or -1 */
    private int connections() {
        String local = String.format(Locale.ROOT, ":%04X", port);
        int n = 0;
        for (Path table : TABLES) {
            try (var lines = Files.lines(table)) {
                n += (int) lines.skip(1).map(l -> l.strip().split("\\s+"))
                        .filter(f -> f.length > 3 && f[1].endsWith(local) && HELD.contains(f[3])).count();
            } catch (IOException | RuntimeException e) {
                return -1;
            }
        }
        return n;
    }

    private static final long NONE_LEFT = Long.MAX_VALUE;

    /** @return the descriptors in use, {@link #NONE_LEFT} when not even /proc can be opened, or -1 */
    private static long descriptors() {
        long n = 0;
        try (var fds = Files.newDirectoryStream(Path.of("/proc/self/fd"))) {
            for (var it = fds.iterator(); it.hasNext(); it.next()) n++;
            return n;
        } catch (IOException | RuntimeException e) {
            return String.valueOf(e.getMessage()).contains("Too many open files") ? NONE_LEFT : -1;
        }
    }

    // prlimit may lower it while the server runs: read each time (one small file, parsed without regexes).
    private static long descriptorLimit() {
        try {
            String limits = Files.readString(Path.of("/proc/self/limits"));
            int i = limits.indexOf("Max open files");
            if (i < 0) return -1;
            int j = i + "Max open files".length();
            while (j < limits.length() && limits.charAt(j) == ' ') j++;
            long v = 0;
            int start = j;
            while (j < limits.length() && Character.isDigit(limits.charAt(j))) v = v * 10 + (limits.charAt(j++) - '0');
            return j > start ? v : -1; // "unlimited"
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }
}
