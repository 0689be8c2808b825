package stream.server.internal.record;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * The recent past of a stream in memory, as whole keyframe intervals (GOPs): always starting at
 * a keyframe, so whatever is taken from it decodes from its first frame. It keeps at least
 * {@code keepNanos} back from the newest unit (plus the rest of the GOP that reaches past that)
 * and at most {@code maxBytes}, dropping the oldest GOPs first.
 *
 * <p>Thread-safe: the tap's reader adds, request threads take copies.
 */
public final class PreRoll {
    private record Gop(long startNanos, List<AccessUnit> units) {}

    private final long keepNanos, maxBytes;
    private final ArrayDeque<Gop> gops = new ArrayDeque<>();
    private long bytes;

    /**
     * @param keepNanos how far back clips may reach
     * @param maxBytes the memory bound
     */
    public PreRoll(long keepNanos, long maxBytes) {
        if (keepNanos <= 0) throw new IllegalArgumentException("keepNanos must be positive: " + keepNanos);
        if (maxBytes <= 0) throw new IllegalArgumentException("maxBytes must be positive: " + maxBytes);
        this.keepNanos = keepNanos;
        this.maxBytes = maxBytes;
    }

    /**
     * Adds the newest unit; units before the first keyframe are not kept (they cannot be decoded).
     * @param unit the unit
     */
    public synchronized void add(AccessUnit unit) {
        Objects.requireNonNull(unit, "unit");
        if (unit.keyframe()) gops.addLast(new Gop(unit.receivedNanos(), new ArrayList<>()));
        if (gops.isEmpty()) return;
        gops.peekLast().units().add(unit);
        bytes += unit.bytes();
        long now = unit.receivedNanos();
        // a GOP may go once the next one still starts at or before the oldest moment to keep
        while (gops.size() > 1 && second().startNanos() <= now - keepNanos) dropOldest();
        while (bytes > maxBytes && !gops.isEmpty()) dropOldest(); // even the newest GOP when it alone is too big
    }

    private Gop second() {
        var it = gops.iterator();
        it.next();
        return it.next();
    }

    private void dropOldest() {
        for (AccessUnit u : gops.removeFirst().units()) bytes -= u.bytes();
    }

    /**
     * @param fromNanos the moment the copy should reach back to
     * @return the units from the last keyframe at or before {@code fromNanos} (or the oldest kept
     *     keyframe when none is that old) to the newest; empty when there is no keyframe yet
     */
    public synchronized List<AccessUnit> since(long fromNanos) {
        List<Gop> all = new ArrayList<>(gops);
        int start = 0;
        for (int i = 0; i < all.size(); i++) if (all.get(i).startNanos() <= fromNanos) start = i;
        List<AccessUnit> out = new ArrayList<>();
        for (Gop g : all.subList(start, all.size())) out.addAll(g.units());
        return out;
    }

    /** @return the newest GOP: its keyframe and every unit after it; empty when none */
    public synchronized List<AccessUnit> latestGop() {
        return gops.isEmpty() ? List.of() : List.copyOf(gops.peekLast().units());
    }

    /** @return when the newest unit arrived, or empty when nothing is kept */
    public synchronized java.util.OptionalLong newestNanos() {
        if (gops.isEmpty()) return java.util.OptionalLong.empty();
        List<AccessUnit> u = gops.peekLast().units();
        return java.util.OptionalLong.of(u.get(u.size() - 1).receivedNanos());
    }

    /** @return bytes kept */
    public synchronized long bytes() {
        return bytes;
    }

    /** Forgets everything: a new child means a new stream. */
    public synchronized void clear() {
        gops.clear();
        bytes = 0;
    }
}
