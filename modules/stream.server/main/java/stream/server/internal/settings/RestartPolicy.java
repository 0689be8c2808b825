package stream.server.internal.settings;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import stream.server.internal.settings.SettingsGrammar.Restart;

/**
 * Decides whether and when a child that ended or stalled is started again: never, or on failure
 * with exponential backoff (initial delay doubling up to a cap). A child that ran at least the
 * stable time before failing starts the backoff afresh, so one crash a day waits the initial
 * delay, not the cap. A clean end (exit 0, or a stop asked for by the user) is never restarted.
 *
 * <p>Pure: no threads, no clock; the supervisor tells it how long the child ran and schedules the
 * restart itself. Not thread-safe; the supervisor calls it under its own lock.
 */
public final class RestartPolicy {
    private final Restart mode;
    private final Duration initial;
    private final Duration cap;
    private final Duration stableAfter;
    private int failuresInARow;
    private int restarts;

    /**
     * @param mode never or on-failure
     * @param initial the first delay (positive)
     * @param cap the longest delay (at least {@code initial})
     * @param stableAfter a run at least this long resets the backoff
     */
    public RestartPolicy(Restart mode, Duration initial, Duration cap, Duration stableAfter) {
        this.mode = Objects.requireNonNull(mode, "mode");
        if (initial.isNegative() || initial.isZero()) throw new IllegalArgumentException("initial delay must be positive: " + initial);
        if (cap.compareTo(initial) < 0) throw new IllegalArgumentException("cap " + cap + " is below the initial delay " + initial);
        if (stableAfter.isNegative()) throw new IllegalArgumentException("stable time must not be negative: " + stableAfter);
        this.initial = initial;
        this.cap = cap;
        this.stableAfter = stableAfter;
    }

    /**
     * The policy used by the server: 1 s doubling to 30 s, reset after 60 s of running.
     * @param mode never or on-failure
     * @return the policy
     */
    public static RestartPolicy standard(Restart mode) {
        return new RestartPolicy(mode, Duration.ofSeconds(1), Duration.ofSeconds(30), Duration.ofSeconds(60));
    }

    /**
     * The policy of an IP camera's relay: a camera that is off or unreachable is asked again every
     * 0.5 s doubling to 2 s, forever, so it is picked up soon after it answers; reset after 10 s.
     * @param mode never or on-failure
     * @return the policy
     */
    public static RestartPolicy camera(Restart mode) {
        return new RestartPolicy(mode, Duration.ofMillis(500), Duration.ofSeconds(2), Duration.ofSeconds(10));
    }

    /**
     * @param settings a stream's settings
     * @return the camera policy for an rtsp:// source, else the standard one, with the restart setting in force
     */
    public static RestartPolicy of(StreamSettings settings) {
        return settings.camera() ? camera(settings.restart()) : standard(settings.restart());
    }

    /** Why a child ended. */
    public enum End {
        /** It exited 0, or the user stopped it: no restart. */ CLEAN,
        /** It exited non-zero or was killed by a signal it did not ask for. */ FAILED,
        /** It was alive but sent nothing for the stall timeout (the supervisor kills it). */ STALLED
    }

    /**
     * Called when a child ended; counts the restart when one is due.
     * @param end why it ended
     * @param ranFor how long it ran
     * @return the delay before starting it again, or empty to leave it down
     */
    public Optional<Duration> onEnd(End end, Duration ranFor) {
        Objects.requireNonNull(end, "end");
        if (end == End.CLEAN) {
            failuresInARow = 0;
            return Optional.empty();
        }
        if (mode == Restart.NEVER) return Optional.empty();
        if (ranFor.compareTo(stableAfter) >= 0) failuresInARow = 0;
        Duration delay = initial;
        for (int i = 0; i < failuresInARow && delay.compareTo(cap) < 0; i++) delay = delay.multipliedBy(2);
        if (delay.compareTo(cap) > 0) delay = cap;
        failuresInARow++;
        restarts++;
        return Optional.of(delay);
    }

    /** @return how many restarts were scheduled since the server started */
    public int restarts() {
        return restarts;
    }

    /** @return never or on-failure */
    public Restart mode() {
        return mode;
    }
}
