package stream.server.internal;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

/**
 * Builds the gst-launch-1.0 argument list from {@link StreamSettings}. One element or property
 * per argument; every value was validated by StreamSettings.
 *
 * <p>Why each part is there (GROUND.md): {@code video/x-raw,format=I420} before the encoder,
 * else x264enc negotiates 10-bit 4:4:4 that most players cannot decode; the profile caps after
 * it pin constrained-baseline (8-bit 4:2:0, plays everywhere); tune=zerolatency and
 * speed-preset=ultrafast take the encode delay from ~1.6 s to ~10 ms; key-int-max bounds how
 * long a late viewer waits for a picture; config-interval=1 repeats SPS/PPS with every IDR.
 */
public final class PipelineBuilder {
    private PipelineBuilder() {}

    /** The name given to the network sink; the supervisor watches its caps to know the stream runs. */
    public static final String SINK_NAME = "out";

    /**
     * @param gstLaunch the gst-launch-1.0 executable
     * @param s the settings
     * @return the full command line, program first
     */
    public static List<String> command(String gstLaunch, StreamSettings s) {
        List<String> a = new ArrayList<>();
        a.add(gstLaunch);
        a.add("-e"); // SIGINT becomes EOS: a clean end
        a.add("-v"); // prints caps as they are negotiated: tells us when the chain reaches the sink
        a.addAll(s.source().arguments());
        a.addAll(List.of("!", "videoconvert", "!", "videoscale", "!", "videorate", "!",
                "video/x-raw,format=I420,width=" + s.width() + ",height=" + s.height() + ",framerate=" + s.framerate() + "/1",
                "!", "x264enc", "tune=zerolatency", "speed-preset=" + s.speedPreset(),
                "key-int-max=" + s.keyframeInterval(), "bitrate=" + s.bitrateKbps(),
                "!", "video/x-h264,profile=constrained-baseline",
                "!", "rtph264pay", "config-interval=1", "pt=96", "!"));
        if (s.destinations().size() == 1) {
            var d = s.destinations().get(0);
            a.addAll(List.of("udpsink", "name=" + SINK_NAME, "host=" + d.host(), "port=" + d.port()));
        } else {
            a.addAll(List.of("multiudpsink", "name=" + SINK_NAME, "clients="
                    + s.destinations().stream().map(d -> d.host() + ":" + d.port()).collect(Collectors.joining(","))));
        }
        return List.copyOf(a);
    }
}
