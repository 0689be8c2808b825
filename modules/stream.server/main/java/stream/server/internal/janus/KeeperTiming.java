package stream.server.internal.janus;

import java.time.Duration;
import java.util.Objects;

/**
 * How often a {@link MountpointKeeper} looks, and how it backs off.
 *
 * @param check the interval between checks of a ready mountpoint (each check also keeps the Janus session alive)
 * @param minBackoff the first wait after a failure
 * @param maxBackoff the longest wait: a Janus that comes back is found within this plus one request
 * @param request the limit for connecting and for each request
 * @param paramsWait how long to wait for the stream's SPS/PPS before creating the mountpoint without them
 */
public record KeeperTiming(Duration check, Duration minBackoff, Duration maxBackoff, Duration request, Duration paramsWait) {
    /** Checks every 2 s, backs off 0.5 s doubling to 5 s (a restarted Janus is fed again within about 8 s). */
    public static final KeeperTiming DEFAULT = new KeeperTiming(Duration.ofSeconds(2), Duration.ofMillis(500),
            Duration.ofSeconds(5), Duration.ofSeconds(3), Duration.ofSeconds(3));

    /** Checks the values. */
    public KeeperTiming {
        for (Duration d : new Duration[] {check, minBackoff, maxBackoff, request, paramsWait}) {
            Objects.requireNonNull(d, "duration");
            if (d.isNegative()) throw new IllegalArgumentException("negative duration " + d);
        }
        if (minBackoff.compareTo(maxBackoff) > 0) throw new IllegalArgumentException("minBackoff > maxBackoff");
    }
}
