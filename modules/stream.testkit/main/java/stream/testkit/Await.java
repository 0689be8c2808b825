package stream.testkit;

import java.time.Duration;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * The one way tests wait: poll a condition until a deadline, and fail naming what did not happen.
 * Never a bare {@code Thread.sleep} as synchronization.
 *
 * <p>An {@link AssertionError} thrown by the condition ends the wait at once (a process that died
 * will never answer); any other exception counts as "not yet" and the last one is named in the
 * failure, "timed out after N s waiting for: WHAT (last error: ...)".
 */
public final class Await {
    private static final Duration POLL = Duration.ofMillis(50);

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
     * @param what what is awaited, as the failure message names it
     * @throws AssertionError "timed out after N s waiting for: WHAT" when the deadline passes
     */
    public static void until(String what, Duration max, Condition condition) {
        until(what, max, POLL, condition);
    }

    /** As {@link #until(String, Duration, Condition)}, polling every {@code every} (for a costly check). */
    public static void until(String what, Duration max, Duration every, Condition condition) {
        Objects.requireNonNull(what, "what");
        until(() -> what, max, every, condition);
    }

    /**
     * As {@link #until(String, Duration, Condition)}, with the description made when the wait
     * fails, so that it can show the state the condition saw last.
     */
    public static void until(Supplier<String> what, Duration max, Condition condition) {
        until(what, max, POLL, condition);
    }

    private static void until(Supplier<String> what, Duration max, Duration every, Condition condition) {
        Objects.requireNonNull(condition, "condition");
        poll(what, max, every, () -> condition.holds() ? Boolean.TRUE : null);
    }

    /**
     * Polls {@code probe} every 50 ms until it gives a value other than null, and returns that value.
     * @throws AssertionError "timed out after N s waiting for: WHAT" when the deadline passes
     */
    public static <T> T value(String what, Duration max, Probe<T> probe) {
        return value(what, max, POLL, probe);
    }

    /** As {@link #value(String, Duration, Probe)}, with the description made when the wait fails. */
    public static <T> T value(Supplier<String> what, Duration max, Probe<T> probe) {
        return poll(what, max, POLL, probe);
    }

    /** As {@link #value(String, Duration, Probe)}, polling every {@code every}. */
    public static <T> T value(String what, Duration max, Duration every, Probe<T> probe) {
        Objects.requireNonNull(what, "what");
        return poll(() -> what, max, every, probe);
    }

    private static <T> T poll(Supplier<String> what, Duration max, Duration every, Probe<T> probe) {
        Objects.requireNonNull(what, "what");
        Objects.requireNonNull(max, "max");
        Objects.requireNonNull(probe, "probe");
        if (every.isNegative() || every.isZero()) throw new IllegalArgumentException("poll interval must be positive: " + every);
        long deadline = System.nanoTime() + max.toNanos();
        Exception last = null;
        while (true) {
            try {
                T value = probe.get();
                if (value != null) return value;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted while waiting for: " + what.get(), e);
            } catch (Exception e) {
                last = e;
            }
            if (System.nanoTime() > deadline) {
                var failure = new AssertionError("timed out after " + max.toSeconds() + " s waiting for: " + what.get()
                        + (last == null ? "" : " (last error: " + last + ")"));
                if (last != null) failure.initCause(last);
                throw failure;
            }
            try {
                Thread.sleep(every.toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted while waiting for: " + what.get(), e);
            }
        }
    }
}
