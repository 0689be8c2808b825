package bench;

import java.util.List;

/**
 * What {@link Discovery} learns once and every later phase reads: our server's gst-launch-1.0
 * argv (the raw pipeline runs exactly this), the UDP port it sent to, the source caps, the body of
 * GET /control when stopped, and whether our viewer can serve as the receiver.
 */
record Baseline(List<String> serverArgv, int discoverUdp, String sourceCaps, String controlBody, boolean viewerUsable) {
    Baseline {
        serverArgv = List.copyOf(serverArgv);
    }

    /** Our pipeline by hand, up to and with the payloader, then one udpsink to udp. */
    List<String> rawArgv(int udp) { return Pipelines.withPort(serverArgv, udp, discoverUdp); }

    /** The original design's sender at our source caps. */
    List<String> originalArgv(String gstLaunch, int udp) { return Pipelines.originalArgv(gstLaunch, sourceCaps, udp); }

    /** The frame rate the source caps ask for, or 30 when they name none. */
    double frameRate() {
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("framerate=(\\d+)/(\\d+)").matcher(sourceCaps);
        return m.find() ? Double.parseDouble(m.group(1)) / Double.parseDouble(m.group(2)) : 30;
    }

    String receiverName() {
        return viewerUsable ? "stream-viewer --sink none (our viewer, decoding without a window)"
                : "bench.Probe (GStreamer through JNA: udpsrc ! rtph264depay ! h264parse ! avdec_h264 ! appsink)";
    }
}
