package stream.server.internal;

import stream.server.internal.settings.RestartPolicy;
import stream.server.internal.supervisor.RestartScheduler;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import stream.server.internal.settings.RestartPolicy.End;
import stream.server.internal.settings.SettingsGrammar.Restart;

class RestartPolicyTest {
    private static final Duration SHORT = Duration.ofSeconds(2);

    @Test
    void neverRestartsWithNever() {
        RestartPolicy p = RestartPolicy.standard(Restart.NEVER);
        assertEquals(Optional.empty(), p.onEnd(End.FAILED, SHORT));
        assertEquals(Optional.empty(), p.onEnd(End.STALLED, SHORT));
        assertEquals(0, p.restarts());
    }

    @Test
    void cleanEndIsNotRestarted() {
        RestartPolicy p = RestartPolicy.standard(Restart.ON_FAILURE);
        assertEquals(Optional.empty(), p.onEnd(End.CLEAN, SHORT));
        assertEquals(0, p.restarts());
    }

    @Test
    void backoffDoublesToTheCapAndCountsRestarts() {
        RestartPolicy p = RestartPolicy.standard(Restart.ON_FAILURE);
        List<Long> delays = new ArrayList<>();
        for (int i = 0; i < 8; i++) delays.add(p.onEnd(i % 2 == 0 ? End.FAILED : End.STALLED, SHORT).orElseThrow().toSeconds());
        assertEquals(List.of(1L, 2L, 4L, 8L, 16L, 30L, 30L, 30L), delays);
        assertEquals(8, p.restarts());
    }

    @Test
    void stableRunOrUserStartResetsTheBackoff() {
        RestartPolicy p = RestartPolicy.standard(Restart.ON_FAILURE);
        p.onEnd(End.FAILED, SHORT);
        p.onEnd(End.FAILED, SHORT);
        assertEquals(Duration.ofSeconds(4), p.onEnd(End.FAILED, SHORT).orElseThrow());
        assertEquals(Duration.ofSeconds(1), p.onEnd(End.FAILED, Duration.ofMinutes(5)).orElseThrow());
        assertEquals(Duration.ofSeconds(2), p.onEnd(End.FAILED, SHORT).orElseThrow());
        assertEquals(5, p.restarts());
        // A user start gives the stream a fresh policy.
        RestartScheduler s = new RestartScheduler(Restart.ON_FAILURE);
        s.onEnd(End.FAILED, SHORT);
        assertEquals(Duration.ofSeconds(2), s.onEnd(End.FAILED, SHORT).orElseThrow());
        s.reset(Restart.ON_FAILURE);
        assertEquals(Duration.ofSeconds(1), s.onEnd(End.STALLED, SHORT).orElseThrow());
    }

    @Test
    void manyFailuresDoNotOverflow() {
        RestartPolicy p = new RestartPolicy(Restart.ON_FAILURE, Duration.ofMillis(1), Duration.ofDays(1), Duration.ofHours(1));
        Duration last = Duration.ZERO;
        for (int i = 0; i < 200; i++) last = p.onEnd(End.FAILED, SHORT).orElseThrow();
        assertEquals(Duration.ofDays(1), last);
    }

    @Test
    void rejectsNonsense() {
        assertThrows(IllegalArgumentException.class,
                () -> new RestartPolicy(Restart.ON_FAILURE, Duration.ZERO, Duration.ofSeconds(1), Duration.ZERO));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new RestartPolicy(Restart.ON_FAILURE, Duration.ofSeconds(5), Duration.ofSeconds(1), Duration.ZERO));
        assertTrue(e.getMessage().contains("cap"), e.getMessage());
    }
}
