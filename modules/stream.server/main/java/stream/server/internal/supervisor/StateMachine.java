package stream.server.internal.supervisor;

import java.lang.System.Logger.Level;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import stream.server.internal.supervisor.Supervisor.State;

/**
 * The stream's state and the only way to change it. Every allowed change is in {@link #ALLOWED};
 * any other is a bug in the supervisor and throws, so tests fail loudly instead of showing a
 * state that cannot be.
 *
 * <pre>
 * stopped  → starting (spawned) | failed (could not spawn)
 * starting → running (caps on the network sink, or RTP seen) | stalled | stopping | failed | stopped (server shutdown)
 * running  → stalled | stopping | failed | stopped (server shutdown)
 * stalled  → running (sends again) | starting (restart) | stopping | failed | stopped (stop or server shutdown)
 * stopping → stopped
 * failed   → starting (start or restart) | failed (could not spawn again) | stopped (acknowledged by stop)
 * </pre>
 *
 * <p>Not thread-safe: the owner changes and reads it under its own lock.
 */
public final class StateMachine {
    private static final System.Logger LOG = System.getLogger("stream.server");
    public static final Map<State, Set<State>> ALLOWED = table();

    private static Map<State, Set<State>> table() {
        Map<State, Set<State>> t = new EnumMap<>(State.class);
        t.put(State.STOPPED, EnumSet.of(State.STARTING, State.FAILED));
        t.put(State.STARTING, EnumSet.of(State.RUNNING, State.STALLED, State.STOPPING, State.FAILED, State.STOPPED));
        t.put(State.RUNNING, EnumSet.of(State.STALLED, State.STOPPING, State.FAILED, State.STOPPED));
        t.put(State.STALLED, EnumSet.of(State.RUNNING, State.STARTING, State.STOPPING, State.FAILED, State.STOPPED));
        t.put(State.STOPPING, EnumSet.of(State.STOPPED));
        t.put(State.FAILED, EnumSet.of(State.STARTING, State.FAILED, State.STOPPED));
        t.replaceAll((from, to) -> Set.copyOf(to));
        return Map.copyOf(t);
    }

    private final String stream;
    private State state = State.STOPPED;
    private volatile long changes; // written under the owner's lock; read without it by the status cache

    /** @param stream the stream's name, which every log line names (several streams share one log) */
    public StateMachine(String stream) {
        this.stream = Objects.requireNonNull(stream, "stream");
    }

    /** @return how many changes there were: read from any thread, a status answer from before is out of date when it differs */
    public long changes() {
        return changes;
    }

    /** @return the state in force */
    public State state() {
        return state;
    }

    /**
     * Changes the state and logs why.
     * @param to the new state
     * @param detail what happened, for the log
     * @throws IllegalStateException when the table does not allow the change
     */
    public void to(State to, String detail) {
        Objects.requireNonNull(to, "to");
        State from = state;
        if (!ALLOWED.get(from).contains(to))
            throw new IllegalStateException("stream " + stream + ": state " + from.json() + " -> " + to.json() + " is not allowed (" + detail + ")");
        state = to;
        changes++;
        LOG.log(to == State.FAILED ? Level.WARNING : Level.INFO, "stream {0}: {1} -> {2}: {3}", stream, from.json(), to.json(), detail);
    }
}
