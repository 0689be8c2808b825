package stream.server.internal.supervisor;

import stream.server.internal.rtp.RtpTap;
import java.lang.System.Logger.Level;
import java.util.function.BooleanSupplier;
import stream.server.internal.supervisor.Supervisor.State;

/**
 * Watches one stream's RTP tap every 200 ms: a live child that sent no packet for the stall
 * timeout is stalled, one that sends again is running. {@link #judge} decides from a snapshot;
 * the owner acts on the verdict under its own lock.
 */
final class StallWatch {
    private static final System.Logger LOG = System.getLogger("stream.server");

    /** What a look at the tap found. */
    enum Verdict {
        /** Nothing changed. */ NONE,
        /** A starting child sent RTP: it runs. */ SENDING,
        /** Quiet for the stall timeout. */ STALLED,
        /** A stalled child sends again. */ RECOVERED
    }

    private StallWatch() {}

    /**
     * @param state the stream's state (starting, running or stalled)
     * @param stats the tap's snapshot
     * @param timeout the stall timeout in seconds
     * @return the verdict
     */
    static Verdict judge(State state, RtpTap.Stats stats, int timeout) {
        // The tap saw RTP: the stream runs, even if the caps line on stdout came garbled (with a tee,
        // several streaming threads print at once) or not yet.
        if (state == State.STARTING && stats.anyPacket()) return Verdict.SENDING;
        boolean quiet = stats.secondsSinceLastPacket() >= timeout;
        if (quiet && state != State.STALLED) return Verdict.STALLED;
        // Only with a packet since the tap's reset: a camera relay that lost its camera resets it and asks again.
        if (!quiet && state == State.STALLED && stats.anyPacket()) return Verdict.RECOVERED;
        return Verdict.NONE;
    }

    /**
     * Starts the watching thread.
     * @param closed true once the stream's owner closes: the thread ends
     * @param check looks at the tap and acts on the verdict
     */
    static void start(BooleanSupplier closed, Runnable check) {
        Thread.ofPlatform().daemon().name("stream-watchdog").start(() -> {
            while (!closed.getAsBoolean()) {
                try {
                    check.run();
                    Thread.sleep(200);
                } catch (InterruptedException e) {
                    return;
                } catch (RuntimeException e) {
                    LOG.log(Level.ERROR, "stall watchdog", e);
                }
            }
        });
    }
}
