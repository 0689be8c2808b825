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

    @Test
    void eachNewStreamsSenderIsToldOnceAsWhereKeyframeRequestsGo() {
        List<String> senders = new ArrayList<>();
        var told = new SenderWatch(5000, said::add, () -> now, true, senders::add);
        told.packet(0xAAAA, () -> "[::1]:40000");
        told.packet(0xAAAA, () -> "[::1]:40000");
        now += 10_000_000;
        told.packet(0xBBBB, () -> "127.0.0.1:41000"); // another sender: not where requests go
        now += SenderWatch.QUIET_NANOS + 1;
        told.packet(0xCCCC, () -> "127.0.0.1:40002");
        assertEquals(List.of("[::1]:40000", "127.0.0.1:40002"), senders);
    }

    @Test
    void onAMulticastGroupNothingIsDroppedOrSaid() {
        List<String> senders = new ArrayList<>();
        var shared = new SenderWatch(5000, said::add, () -> now, false, senders::add);
        assertTrue(shared.packet(0xAAAA, () -> "10.0.0.1:40000"));
        now += 10_000_000;
        assertTrue(shared.packet(0xBBBB, () -> "10.0.0.2:40000"), "a second sender on a group is by design");
        assertEquals(List.of(), said);
        assertEquals(List.of("10.0.0.1:40000"), senders);
    }
}
