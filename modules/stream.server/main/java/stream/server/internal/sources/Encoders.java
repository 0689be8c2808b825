package stream.server.internal.sources;

import stream.server.internal.process.ChildEnvironment;
import stream.server.internal.settings.EncoderGrammar;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * The H.264 encoder of a local camera's child: x264 (software, everywhere) or a hardware encoder
 * GStreamer offers. {@code auto} takes the first hardware encoder that is installed and encodes a
 * test frame, else x264; an encoder asked for by name that is not installed, fails its test frame
 * or failed at the start of a stream ({@link #failed}) gives way to x264. Every choice carries its
 * reason, for the status and the log. Probes run once per encoder and JVM (a gst-launch-1.0 of a
 * two-frame test pattern), when a stream first needs them.
 */
public final class Encoders {
    private static final System.Logger LOG = System.getLogger("stream.server");

    /** The software encoder. */
    public static final String X264 = "x264enc";
    /** The hardware encoders, in the order auto tries them: Linux V4L2 M2M (Raspberry Pi), VA-API (new, old), NVIDIA, Intel QSV. */
    public static final List<String> HARDWARE = EncoderGrammar.HARDWARE;

    /** Why each probed encoder cannot be used, or "" for one that works; by element. */
    private static final Map<String, String> PROBED = new ConcurrentHashMap<>();

    private Encoders() {}

    /**
     * An encoder chosen for a stream.
     * @param element the GStreamer element
     * @param reason why, e.g. "auto: no hardware H.264 encoder works here (...), so x264"
     */
    public record Choice(String element, String reason) {
        /** @return whether it is a hardware encoder */
        public boolean hardware() {
            return !element.equals(X264);
        }

        /**
         * @param bitrate kbit/s
         * @param keyint frames between keyframes
         * @param preset x264's speed preset (x264 only)
         * @return the caps before the encoder, the encoder with its properties and the caps after it, as gst-launch arguments
         */
        public List<String> arguments(int bitrate, int keyint, String preset) {
            String kbps = Integer.toString(bitrate), k = Integer.toString(keyint);
            return switch (element) {
                case "vah264enc" -> List.of("vah264enc", "rate-control=cbr", "bitrate=" + kbps, "key-int-max=" + k);
                case "vaapih264enc" -> List.of("vaapih264enc", "rate-control=cbr", "bitrate=" + kbps, "keyframe-period=" + k);
                case "nvh264enc" -> List.of("nvh264enc", "preset=low-latency-hq", "rc-mode=cbr", "zerolatency=true",
                        "bitrate=" + kbps, "gop-size=" + k);
                case "qsvh264enc" -> List.of("qsvh264enc", "rate-control=cbr", "low-latency=true", "bitrate=" + kbps, "gop-size=" + k);
                case "v4l2h264enc" -> List.of("v4l2h264enc",
                        "extra-controls=controls,video_bitrate=" + bitrate * 1000 + ",h264_i_frame_period=" + k);
                default -> List.of("x264enc", "tune=zerolatency", "speed-preset=" + preset, "key-int-max=" + k, "bitrate=" + kbps,
                        "!", "video/x-h264,profile=constrained-baseline");
            };
        }

        /** @return the raw format the encoder takes: NV12 for VA-API and QSV, else I420 */
        public String rawFormat() {
            return element.equals("vah264enc") || element.equals("vaapih264enc") || element.equals("qsvh264enc") ? "NV12" : "I420";
        }
    }

    /**
     * @param setting the encoder setting: auto, x264 or a hardware element
     * @return the encoder to use and why
     */
    public static Choice choose(String setting) {
        if (setting.equals("x264")) return new Choice(X264, "encoder x264");
        if (setting.equals("auto")) {
            List<String> why = new ArrayList<>();
            for (String e : HARDWARE) {
                String problem = probe(e);
                if (problem.isEmpty()) return new Choice(e, "auto: " + e + " is installed and encodes a test frame");
                why.add(e + " " + problem);
            }
            return new Choice(X264, "auto: no hardware H.264 encoder works here (" + String.join("; ", why) + "), so x264");
        }
        String problem = probe(setting);
        if (problem.isEmpty()) return new Choice(setting, "encoder " + setting);
        return new Choice(X264, "encoder " + setting + " " + problem + ": x264 instead");
    }

    private static final java.util.concurrent.atomic.AtomicBoolean WARMING = new java.util.concurrent.atomic.AtomicBoolean();

    /** Probes the hardware encoders once, in the background, so that no status or start waits for the probes later. */
    public static void warmUp() {
        if (WARMING.compareAndSet(false, true)) Thread.ofVirtual().name("encoder-probe").start(() -> choose("auto"));
    }

    /**
     * A hardware encoder that ended a stream's child before it ran: from now on it counts as broken.
     * @param element the encoder
     * @param why what the child said last
     */
    public static void failed(String element, String why) {
        PROBED.put(element, "failed at the start of a stream (" + why + ")");
        LOG.log(Level.WARNING, "encoder {0} failed at the start of a stream ({1}): x264 from now on", element, why);
    }

    /** @return "" when the encoder works, else why not; probed once */
    private static String probe(String element) {
        return PROBED.computeIfAbsent(element, e -> {
            String result = test(e);
            LOG.log(Level.INFO, "encoder {0}: {1}", e, result.isEmpty() ? "installed and encodes a test frame" : result);
            return result;
        });
    }

    private static String test(String element) {
        String gstLaunch = Sources.findGstLaunch().orElse(null);
        if (gstLaunch == null) return "not checked (no gst-launch-1.0)";
        String inspect = gstLaunch.replace("gst-launch-1.0", "gst-inspect-1.0");
        if (run(List.of(inspect, "--exists", element)) != 0) return "is not installed";
        Choice c = new Choice(element, "");
        List<String> cmd = new ArrayList<>(List.of(gstLaunch, "-q", "videotestsrc", "num-buffers=2", "!",
                "video/x-raw,format=" + c.rawFormat() + ",width=320,height=240,framerate=15/1", "!"));
        cmd.addAll(c.arguments(500, 15, "ultrafast"));
        cmd.addAll(List.of("!", "h264parse", "!", "fakesink"));
        return run(cmd) == 0 ? "" : "is installed but does not encode a test frame (no device or driver?)";
    }

    private static int run(List<String> cmd) {
        try {
            Process p = ChildEnvironment.builder(cmd).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            if (!p.waitFor(10, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                return -1;
            }
            return p.exitValue();
        } catch (IOException e) {
            return -1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        }
    }
}
