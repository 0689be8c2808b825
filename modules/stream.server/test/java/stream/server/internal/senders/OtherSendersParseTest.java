package stream.server.internal.senders;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

/** What a command line says about where it sends UDP (OtherSenders). */
class OtherSendersParseTest {
    private static final class OtherSendersProbe {
        static List<String> destinations(String... argv) {
            return OtherSenders.destinations(List.of(argv)).stream().map(hp -> hp[0] + ":" + hp[1]).toList();
        }
    }

    @Test
    void commandLinesNameTheirDestinations() {
        assertEquals(List.of("127.0.0.1:5000"), OtherSendersProbe.destinations(
                "gst-launch-1.0", "-q", "videotestsrc", "!", "rtph264pay", "!", "udpsink", "host=127.0.0.1", "port=5000"));
        assertEquals(List.of("localhost:5004"), OtherSendersProbe.destinations("/usr/bin/gst-launch-1.0", "videotestsrc ! udpsink"),
                "udpsink's defaults, and a pipeline given as one argument");
        assertEquals(List.of("127.0.0.1:5002", "[::1]:5006"), OtherSendersProbe.destinations(
                "gst-launch-1.0", "fakesrc", "!", "multiudpsink", "clients=127.0.0.1:5002,[::1]:5006"));
        assertEquals(List.of("127.0.0.1:5000"), OtherSendersProbe.destinations("ffmpeg", "-re", "-i", "in.mp4", "-f", "rtp", "rtp://127.0.0.1:5000"));
        assertEquals(List.of(), OtherSendersProbe.destinations("ffmpeg", "-i", "udp://127.0.0.1:5000", "out.mp4"), "an input is no sender");
        assertEquals(List.of(), OtherSendersProbe.destinations("ffplay", "udp://127.0.0.1:5000"), "a player receives");
        assertEquals(List.of(), OtherSendersProbe.destinations("gst-launch-1.0", "udpsrc", "port=5000", "!", "fakesink"), "a receiver");
    }
}
