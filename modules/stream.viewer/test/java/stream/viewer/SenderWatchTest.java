package stream.viewer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Which RTP source is the stream, and what is said about another one (the clock is the test's). */
class SenderWatchTest {
    private long now;
    private final List<String> said = new ArrayList<>();
    private final SenderWatch watch = new SenderWatch(5000, said::add, () -> now);

    @Test
    void aSecondSourceWhileTheStreamSendsIsDroppedAndNamedOnce() {
        assertTrue(watch.packet(0xAAAA, () -> "127.0.0.1:40000"), "the first source is the stream");
        now += 10_000_000;
        assertFalse(watch.packet(0xBBBB, () -> "127.0.0.1:41000"));
        assertFalse(watch.packet(0xBBBB, () -> "127.0.0.1:41000"));
        assertTrue(watch.packet(0xAAAA, () -> "127.0.0.1:40000"), "the stream goes on");
        assertEquals(1, said.size(), "said once: " + said);
        assertTrue(said.get(0).startsWith("another sender on udp/5000: 127.0.0.1:41000 (RTP source 0000bbbb) sends beside the stream from 127.0.0.1:40000"), said.get(0));
    }

    @Test
    void aNewSourceAfterTheStreamFellSilentIsTheStreamStartedAgain() {
        assertTrue(watch.packet(0xAAAA, () -> "127.0.0.1:40000"));
        now += SenderWatch.QUIET_NANOS + 1;
        assertTrue(watch.packet(0xCCCC, () -> "127.0.0.1:40002"), "a restarted server's new source");
        now += 10_000_000;
        assertFalse(watch.packet(0xAAAA, () -> "127.0.0.1:40000"), "the old source is now the other one");
        assertEquals(1, said.size(), said.toString());
    }
}
