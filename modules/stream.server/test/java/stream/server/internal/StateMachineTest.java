package stream.server.internal;

import stream.server.internal.supervisor.StateMachine;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
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
        StateMachine m = new StateMachine("cam2");
        for (State s : new State[] {State.STARTING, State.RUNNING, State.STALLED, State.RUNNING, State.STOPPING, State.STOPPED,
                State.STARTING, State.FAILED, State.STARTING, State.STALLED, State.STOPPED}) {
            m.to(s, "test");
            assertEquals(s, m.state());
        }
    }

    @Test
    void aChangeOutsideTheTableThrowsAndChangesNothing() {
        StateMachine m = new StateMachine("cam2");
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> m.to(State.RUNNING, "no child"));
        assertTrue(e.getMessage().contains("stream cam2: state stopped -> running"), e.getMessage());
        assertEquals(State.STOPPED, m.state());
        m.to(State.STARTING, "test");
        m.to(State.STOPPING, "test");
        for (State s : EnumSet.complementOf(EnumSet.of(State.STOPPED)))
            assertThrows(IllegalStateException.class, () -> m.to(s, "a stop in progress ends only in stopped"));
        assertEquals(State.STOPPING, m.state());
    }

    @Test
    void everyLogLineNamesTheStream() {
        List<String> lines = new ArrayList<>();
        Handler capture = new Handler() {
            @Override
            public void publish(LogRecord r) {
                lines.add(java.text.MessageFormat.format(r.getMessage(), r.getParameters()));
            }

            @Override
            public void flush() {}

            @Override
            public void close() {}
        };
        Logger log = Logger.getLogger("stream.server");
        log.addHandler(capture);
        try {
            StateMachine m = new StateMachine("cam2");
            m.to(State.STARTING, "pid 42");
            m.to(State.RUNNING, "caps seen");
            m.to(State.FAILED, "exit code 1");
        } finally {
            log.removeHandler(capture);
        }
        assertEquals(List.of("stream cam2: stopped -> starting: pid 42", "stream cam2: starting -> running: caps seen",
                "stream cam2: running -> failed: exit code 1"), lines);
    }
}
