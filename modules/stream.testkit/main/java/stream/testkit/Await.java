package stream.testkit;

import java.time.Duration;
import java.util.Objects;

/**
 * The one way tests wait: poll a condition until a deadline, and fail naming what did not happen.
 * Never a bare {@code Thread.sleep} as synchronization.
 */
public final class Await {
    private static final long POLL_MILLIS = 50;

    private Await() {}

    /** A condition that may throw while it is not yet true (a refused connection, say). */
    @FunctionalInterface
    public interface Condition {
        boolean holds() throws Exception;
    }

    /** A value that may not be there yet: null (or a throw) means "not yet". */
    @FunctionalInterface
    public interface Probe<T> {
        T get() throws Exception;
    }

    /**
     * Polls {@code condition} every 50 ms until it holds.
     *
     * <p>An {@link AssertionError} thrown by the condition ends the wait at once (a process that
     * died will never answer); any other exception counts as "not yet" and is named in the failure.
     *
     * @param what what is awaited, as the failure message names it
     * @throws AssertionError "timed out after N s waiting for: WHAT" when the deadline passes
     */
    public static void until(String what, Duration max, Condition condition) {
        until(what, max, Duration.ofMillis(POLL_MILLIS), condition);
    }

    /** As {@link #until(String, Duration, Condition)}, polling every {@code every} (for a costly check). */
    public static void until(String what, Duration max, Duration every, Condition condition) {
        Objects.requireNonNull(condition, "condition");
        value(what, max, every, () -> condition.holds() ? Boolean.TRUE : null);
    }

    /**
     * Polls {@code probe} until it gives a value other than null, and returns that value.
     * @throws AssertionError "timed out after N s waiting for: WHAT" when the deadline passes
     */
    public static <T> T value(String what, Duration max, Probe<T> probe) {
        return value(what, max, Duration.ofMillis(POLL_MILLIS), probe);
    }

    /** As {@link #value(String, Duration, Probe)}, polling every {@code every}. */
    public static <T> T value(String what, Duration max, Duration every, Probe<T> probe) {
        Objects.requireNonNull(what, "what");
        if (every.isNegative() || every.isZero()) throw new IllegalArgumentException("poll interval must be positive: " + every);
        Objects.requireNonNull(max, "max");
        Objects.requireNonNull(probe, "probe");
        long deadline = System.nanoTime() + max.toNanos();
        Exception last = null;
        while (true) {
            try {
                T value = probe.get();
                if (value != null) return value;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted while waiting for: " + what, e);
            } catch (Exception e) {
                last = e;
            }
            if (System.nanoTime() > deadline) {
                var failure = new AssertionError("timed out after " + max.toSeconds() + " s waiting for: " + what
                        + (last == null ? "" : " (last error: " + last + ")"));
                if (last != null) failure.initCause(last);
                throw failure;
            }
            try {
                Thread.sleep(every.toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted while waiting for: " + what, e);
            }
        }
    }
}
