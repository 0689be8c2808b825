package stream.server.internal.janus;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** The keeper's transitions: any running state to any other, and stopping only ever ends in stopped. */
class KeeperStateTest {
    @Test
    void transitions() {
        for (KeeperState s : KeeperState.values()) assertTrue(s.mayBecome(s), s + " stays");
        assertTrue(KeeperState.READY.mayBecome(KeeperState.UNREACHABLE));
        assertTrue(KeeperState.UNREACHABLE.mayBecome(KeeperState.CONNECTING));
        assertTrue(KeeperState.REFUSED.mayBecome(KeeperState.STOPPING));
        assertTrue(KeeperState.STOPPING.mayBecome(KeeperState.STOPPED));
        assertFalse(KeeperState.STOPPING.mayBecome(KeeperState.READY));
        assertFalse(KeeperState.STOPPED.mayBecome(KeeperState.CONNECTING));
        assertFalse(KeeperState.READY.mayBecome(KeeperState.STOPPED));
    }
}
