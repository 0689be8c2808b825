package stream.server.internal.http.server;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import stream.server.internal.stream.Stream;

/**
 * The text of each stream's {@code GET /control} answer, built once for the requests of the next
 * few milliseconds instead of once per request (under load the status assembly, the child's
 * command line and the JSON writing were most of the handler's time). An answer is never older
 * than a change the client could know of: none is reused while a state-changing request (any
 * method but GET, HEAD and OPTIONS, counted by {@link RequestGuard}) is being handled or after
 * one ended, nor after the stream's state changed (start, run, stall, fail, stop, restart). What
 * moves by itself (the RTP counters, uptime, viewers) is at most {@link #MAX_AGE_NANOS} old.
 */
final class StatusCache {
    /** How long a text is reused when nothing changed: the counters move on their own. */
    static final long MAX_AGE_NANOS = 20_000_000L;

    private static final AtomicInteger CHANGING = new AtomicInteger();
    private static final AtomicLong CHANGES = new AtomicLong();

    private record Entry(Stream stream, String text, long builtAt, long changes, long stateChanges) {}

    private final Map<String, Entry> entries = new ConcurrentHashMap<>();

    /** A state-changing request begins: no cached text is answered until it ends. */
    static void changeBegins() {
        CHANGING.incrementAndGet();
        CHANGES.incrementAndGet();
    }

    /** It ended (answered or not): texts built before are out of date. */
    static void changeEnds() {
        CHANGES.incrementAndGet();
        CHANGING.decrementAndGet();
    }

    /**
     * @param stream the stream
     * @return its status as the JSON text of GET /control, a line
     */
    String text(Stream stream) {
        long now = System.nanoTime();
        long changes = CHANGES.get();
        long stateChanges = stream.supervisor().stateChanges();
        boolean quiet = CHANGING.get() == 0;
        Entry e = entries.get(stream.name());
        if (quiet && e != null && e.stream() == stream && e.changes() == changes && e.stateChanges() == stateChanges
                && now - e.builtAt() < MAX_AGE_NANOS) {
            return e.text();
        }
        String text = stream.status().toString() + "\n";
        // Kept only when nothing changed while it was built: the counters are read before, so a change
        // during the build makes the next request build again.
        if (quiet) entries.put(stream.name(), new Entry(stream, text, now, changes, stateChanges));
        return text;
    }
}
