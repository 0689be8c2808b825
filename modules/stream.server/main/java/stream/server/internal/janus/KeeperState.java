package stream.server.internal.janus;

import java.util.EnumMap;
import java.util.EnumSet;
import java.util.Map;
import java.util.Set;

/**
 * Where a stream's mountpoint on one Janus instance stands, and which changes are allowed: the
 * whole life of a {@link MountpointKeeper} in one table.
 */
public enum KeeperState {
    /** Opening a session and creating the mountpoint (first time, or after Janus forgot it). */
    CONNECTING,
    /** The mountpoint exists and the stream's packets go to it. */
    READY,
    /** Janus does not answer; retried with backoff. */
    UNREACHABLE,
    /** Janus answers but refuses (wrong secret, id taken by a mountpoint not ours, ...); retried with backoff. */
    REFUSED,
    /** The stream stopped: the mountpoint is being destroyed. */
    STOPPING,
    /** Done; the mountpoint is gone (or Janus was unreachable to destroy it, and forgets it when it restarts). */
    STOPPED;

    private static final Map<KeeperState, Set<KeeperState>> NEXT = new EnumMap<>(KeeperState.class);

    static {
        Set<KeeperState> running = EnumSet.of(CONNECTING, READY, UNREACHABLE, REFUSED, STOPPING);
        NEXT.put(CONNECTING, running);
        NEXT.put(READY, running);
        NEXT.put(UNREACHABLE, running);
        NEXT.put(REFUSED, running);
        NEXT.put(STOPPING, EnumSet.of(STOPPED));
        NEXT.put(STOPPED, EnumSet.noneOf(KeeperState.class));
    }

    /**
     * @param next the state wanted
     * @return whether this state may change to it (staying is always allowed)
     */
    public boolean mayBecome(KeeperState next) {
        return next == this || NEXT.get(this).contains(next);
    }

    /** @return the lower-case name used in status answers and metrics */
    public String label() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
