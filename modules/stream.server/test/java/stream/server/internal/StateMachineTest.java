package stream.server.internal;

import stream.server.internal.supervisor.StateMachine;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.EnumSet;
import org.junit.jupiter.api.Test;
import stream.server.internal.supervisor.Supervisor.State;

/** The table of allowed state changes: every state has its row, and a change outside it throws. */
class StateMachineTest {
    @Test
    void everyStateHasARowAndIsReachable() {
        assertEquals(EnumSet.allOf(State.class), EnumSet.copyOf(StateMachine.ALLOWED.keySet()));
        EnumSet<State> reachable = EnumSet.of(State.STOPPED);
        StateMachine.ALLOWED.values().forEach(reachable::addAll);
        assertEquals(EnumSet.allOf(State.class), reachable);
    }

    @Test
    void aStartStopCycleAndAFailureAreAllowed() {
        StateMachine m = new StateMachine();
        for (State s : new State[] {State.STARTING, State.RUNNING, State.STALLED, State.RUNNING, State.STOPPING, State.STOPPED,
                State.STARTING, State.FAILED, State.STARTING, State.STALLED, State.STOPPED}) {
            m.to(s, "test");
            assertEquals(s, m.state());
        }
    }

    @Test
    void aChangeOutsideTheTableThrowsAndChangesNothing() {
        StateMachine m = new StateMachine();
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> m.to(State.RUNNING, "no child"));
        assertTrue(e.getMessage().contains("stopped -> running"), e.getMessage());
        assertEquals(State.STOPPED, m.state());
        m.to(State.STARTING, "test");
        m.to(State.STOPPING, "test");
        for (State s : EnumSet.complementOf(EnumSet.of(State.STOPPED)))
            assertThrows(IllegalStateException.class, () -> m.to(s, "a stop in progress ends only in stopped"));
        assertEquals(State.STOPPING, m.state());
    }
}
