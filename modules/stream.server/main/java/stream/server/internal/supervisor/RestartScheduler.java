package stream.server.internal.supervisor;

import stream.server.internal.settings.RestartPolicy;
import stream.server.internal.settings.StreamSettings;
import java.lang.System.Logger.Level;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.function.LongConsumer;
import stream.server.internal.settings.SettingsGrammar.Restart;

/**
 * Schedules the automatic restarts of one stream: asks its {@link RestartPolicy} whether and when,
 * and runs the restart on a timer of its own. Every user start and stop opens a new epoch, which
 * cancels a restart still pending; the timer hands its epoch back so the owner can tell.
 *
 * <p>Not thread-safe: the owner calls it under its own lock, the timer's callback included.
 */
public final class RestartScheduler {
    private static final System.Logger LOG = System.getLogger("stream.server");

    private RestartPolicy policy;
    private long epoch;   // bumped by every user start and stop
    private Instant due;  // when a pending restart is due, or null
    private int restarts; // made since the server started

    /** @param mode the restart setting in force at first */
    public RestartScheduler(Restart mode) {
        this.policy = RestartPolicy.standard(mode);
    }

    /**
     * A user start or stop: cancels a pending restart and starts the backoff afresh.
     * @param mode the restart setting from now on
     */
    public void reset(Restart mode) {
        reset(RestartPolicy.standard(mode));
    }

    /**
     * As {@link #reset(Restart)}, with the policy of the stream's settings (cameras back off less).
     * @param settings the settings from now on
     */
    public void reset(StreamSettings settings) {
        reset(RestartPolicy.of(settings));
    }

    private void reset(RestartPolicy next) {
        epoch++;
        due = null;
        policy = next;
    }

    /**
     * @param end why the child ended
     * @param ranFor how long it ran
     * @return the delay before the restart, or empty when the policy leaves the stream down
     */
    public Optional<Duration> onEnd(RestartPolicy.End end, Duration ranFor) {
        return policy.onEnd(end, ranFor);
    }

    /**
     * Runs {@code restart} after the delay, with the epoch it was scheduled in.
     * @param delay how long to wait
     * @param restart takes the lock, checks {@link #claim(long)} and starts the child
     */
    void schedule(Duration delay, LongConsumer restart) {
        long scheduled = epoch;
        due = Instant.now().plus(delay);
        LOG.log(Level.INFO, "restart policy on-failure: starting the stream again in {0} s", delay.toMillis() / 1000.0);
        Thread.ofVirtual().name("stream-restart").start(() -> {
            try {
                Thread.sleep(delay);
            } catch (InterruptedException e) {
                return;
            }
            restart.accept(scheduled);
        });
    }

    /**
     * @param scheduled the epoch the timer was started in
     * @return whether no user start or stop came since
     */
    boolean current(long scheduled) {
        return scheduled == epoch;
    }

    /** The pending restart happens now: counts it. @return the restarts so far, this one included */
    int claim() {
        due = null;
        return ++restarts;
    }

    /** @return restarts made since the server started */
    int restarts() {
        return restarts;
    }

    /** @return the restart setting in force */
    Restart mode() {
        return policy.mode();
    }

    /** @return seconds until a pending restart, or null when none is pending */
    Double secondsToRestart() {
        return due == null ? null : Math.max(0, Duration.between(Instant.now(), due).toMillis()) / 1000.0;
    }
}
