package stream.viewer.internal.webrtc;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.freedesktop.gstreamer.Buffer;
import org.freedesktop.gstreamer.BufferFlags;
import org.freedesktop.gstreamer.Gst;
import org.freedesktop.gstreamer.Pad;
import org.freedesktop.gstreamer.PadProbeReturn;
import org.freedesktop.gstreamer.PadProbeType;
import org.freedesktop.gstreamer.Version;
import org.junit.jupiter.api.Test;
import stream.testkit.Await;
import stream.testkit.Ports;

/**
 * A gateway input asks a real sender for keyframes by RTCP: the sender is the server's child as
 * it runs without sound (x264enc, a keyframe only every 20 s, rtpsession reading RTCP on a loopback
 * port), the input is the gateway's own ({@link StreamInput}), and a burst of 100 requests, as 100
 * viewers joining at once, sends at most two PLIs: one at once (or when the last is 300 ms old) and
 * one at the end of the interval, and the sender makes a keyframe for it. Only loopback UDP, no ICE.
 */
class KeyframeRequestsTest {
    @Test
    void aBurstOfRequestsSendsAtMostTwoAndTheSenderAnswersWithAKeyframe() throws Exception {
        if (!Gst.isInitialized()) Gst.init(Version.of(1, 16), "keyframe-requests-test");
        int rtcpPort = Ports.freeUdp();
        StreamInput input = StreamInput.open("t");
        Process sender = null;
        try {
            AtomicLong keyframes = new AtomicLong();
            Pad teeSink = input.tee.getStaticPad("sink");
            Pad.PROBE count = (pad, info) -> {
                Buffer b = info.getBuffer();
                if (!b.getFlags().contains(BufferFlags.DELTA_UNIT)) keyframes.incrementAndGet();
                return PadProbeReturn.OK;
            };
            teeSink.addProbe(PadProbeType.BUFFER, count);
            input.keyframeTarget(rtcpPort);
            sender = new ProcessBuilder(List.of("gst-launch-1.0", "-q", "-e", "videotestsrc", "is-live=true", "pattern=ball",
                    "!", "video/x-raw,format=I420,width=320,height=240,framerate=15/1", "!", "x264enc", "tune=zerolatency",
                    "speed-preset=ultrafast", "key-int-max=300", "!", "rtph264pay", "config-interval=1", "pt=96",
                    "!", "rs.send_rtp_sink", "rtpsession", "name=rs", "rs.send_rtp_src", "!",
                    "udpsink", "host=127.0.0.1", "port=" + input.port(), "sync=false",
                    "udpsrc", "address=127.0.0.1", "port=" + rtcpPort, "caps=application/x-rtcp", "!", "rs.recv_rtcp_sink"))
                    .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            // The sender's first keyframe may come before the input listens; the parser then asks for one itself.
            Await.until("a first keyframe through the input", Duration.ofSeconds(10), () -> keyframes.get() >= 1);
            long keyframesBefore = keyframes.get();
            // A request of the parser's still held back absorbs the burst: it can only make the count smaller.
            long sentBefore = input.keyframes.sent();

            for (int i = 0; i < 100; i++) input.keyframes.request();
            long sentAtOnce = input.keyframes.sent() - sentBefore;
            assertTrue(sentAtOnce <= 1, "100 requests at once sent " + sentAtOnce + " PLIs at once");

            Await.until(() -> "a keyframe after the burst (" + keyframes.get() + " before it, the next periodic one is 20 s away)",
                    Duration.ofSeconds(10), () -> keyframes.get() > keyframesBefore);
            Await.until("the request held back within the interval sent at its end", Duration.ofSeconds(5),
                    () -> input.keyframes.sent() >= sentBefore + 1);
            long sent = input.keyframes.sent() - sentBefore;
            assertTrue(sent >= 1 && sent <= 2, "100 requests at once sent " + sent + " PLIs");
            teeSink.removeProbe(count);
        } finally {
            if (sender != null) {
                sender.destroy();
                if (!sender.waitFor(5, TimeUnit.SECONDS)) sender.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
            }
            input.close();
        }
    }
}
