package bench;

import com.sun.jna.Library;
import com.sun.jna.Native;
import com.sun.jna.Pointer;
import java.io.IOException;
import java.io.PrintStream;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The bench's receiver: decodes an H.264/RTP stream from UDP with GStreamer (through plain JNA,
 * no gst1-java-core), and
 * <ul>
 * <li>{@code first}: prints the wall-clock time (epoch ns) at which the first frame was decoded, then exits;</li>
 * <li>{@code latency}: for every decoded frame reads the RFC 6051 NTP-64 capture time that rtpbin put
 *     into a {@code timestamp/x-ntp} reference timestamp meta and prints wall clock minus capture time.</li>
 * <li>{@code stamps}: for every decoded frame reads the wall-clock time {@link Stamper} burnt into its
 *     pixels and prints wall clock minus that time (what the browser rows' page does from a canvas).</li>
 * <li>{@code rtspstamps}: the same from an RTSP URL, received by {@code rtspsrc protocols=tcp latency=0}.</li>
 * </ul>
 * Usage: {@code Probe first PORT TIMEOUT_S} | {@code Probe latency PORT SECONDS OUTFILE} |
 * {@code Probe stamps PORT SECONDS OUTFILE WIDTH} | {@code Probe rtspstamps URL SECONDS OUTFILE WIDTH}.
 * The decoded frame is taken at an appsink with sync=false: the time is "decoded", not "displayed".
 */
public final class Probe {
    private Probe() {}

    /** The few GStreamer calls the probe needs. */
    public interface Gst extends Library {
        Gst I = Native.load("gstreamer-1.0", Gst.class);
        void gst_init(Pointer argc, Pointer argv);
        Pointer gst_parse_launch(String description, Pointer[] error);
        int gst_element_set_state(Pointer element, int state);
        Pointer gst_bin_get_by_name(Pointer bin, String name);
        Pointer gst_sample_get_buffer(Pointer sample);
        Pointer gst_buffer_get_reference_timestamp_meta(Pointer buffer, Pointer reference);
        Pointer gst_caps_from_string(String caps);
        void gst_mini_object_unref(Pointer obj);
        Pointer gst_element_get_bus(Pointer element);
        Pointer gst_bus_pop_filtered(Pointer bus, int types);
        boolean gst_buffer_map(Pointer buffer, Pointer info, int flags);
        void gst_buffer_unmap(Pointer buffer, Pointer info);
    }

    /** gst_app_sink_try_pull_sample lives in libgstapp. */
    public interface GstApp extends Library {
        GstApp I = Native.load("gstapp-1.0", GstApp.class);
        Pointer gst_app_sink_try_pull_sample(Pointer appsink, long timeoutNs);
    }

    static final long NTP_EPOCH_OFFSET_NS = 2_208_988_800L * 1_000_000_000L;
    static final int GST_STATE_NULL = 1, GST_STATE_PLAYING = 4;
    static final int GST_MESSAGE_ERROR = 1 << 1;

    static long nowNtpNs() {
        Instant now = Instant.now();
        return now.getEpochSecond() * 1_000_000_000L + now.getNano() + NTP_EPOCH_OFFSET_NS;
    }

    static long nowEpochNs() {
        Instant now = Instant.now();
        return now.getEpochSecond() * 1_000_000_000L + now.getNano();
    }

    static String receiver(int port, boolean ntp) {
        String caps = "application/x-rtp,media=video,clock-rate=90000,encoding-name=H264,payload=96";
        String decode = "rtph264depay ! h264parse ! avdec_h264 ! appsink name=sink sync=false max-buffers=4 drop=false";
        if (!ntp) return "udpsrc port=" + port + " caps=\"" + caps + "\" ! " + decode;
        return "rtpbin name=rb add-reference-timestamp-meta=true "
            + "udpsrc port=" + port + " caps=\"" + caps + ",extmap-1=(string)urn:ietf:params:rtp-hdrext:ntp-64\" "
            + "! rb.recv_rtp_sink_0 rb. ! " + decode;
    }

    /**
     * An RTSP client in place of udpsrc: rtspsrc over TCP (RTP interleaved in the RTSP connection)
     * with no jitter-buffer latency, then the same decoding as {@link #receiver}.
     */
    static String rtspReceiver(String url) {
        return "rtspsrc location=\"" + url + "\" protocols=tcp latency=0 ! rtph264depay ! h264parse ! avdec_h264 "
            + "! appsink name=sink sync=false max-buffers=4 drop=false";
    }

    public static void main(String[] args) throws IOException {
        if (args.length < 3) {
            System.err.println("usage: Probe first PORT TIMEOUT_S | Probe latency PORT SECONDS OUTFILE | Probe stamps PORT SECONDS OUTFILE WIDTH"
                    + " | Probe rtspstamps URL SECONDS OUTFILE WIDTH");
            System.exit(2);
        }
        String mode = args[0];
        if (mode.equals("av")) {
            Gst.I.gst_init(null, null);
            System.exit(av(Integer.parseInt(args[1]), Double.parseDouble(args[2]), args[3], Integer.parseInt(args[4])));
        }
        boolean rtsp = mode.equals("rtspstamps");
        int port = rtsp ? 0 : Integer.parseInt(args[1]);
        double seconds = Double.parseDouble(args[2]);
        Gst.I.gst_init(null, null);
        boolean ntp = mode.equals("latency");
        Pointer[] err = new Pointer[1];
        Pointer pipeline = Gst.I.gst_parse_launch(rtsp ? rtspReceiver(args[1]) : receiver(port, ntp), err);
        if (pipeline == null || err[0] != null) {
            System.err.println("probe: cannot build the receiver pipeline");
            System.exit(3);
        }
        Pointer sink = Gst.I.gst_bin_get_by_name(pipeline, "sink");
        Pointer bus = Gst.I.gst_element_get_bus(pipeline);
        Gst.I.gst_element_set_state(pipeline, GST_STATE_PLAYING);
        System.out.println("ready " + nowEpochNs());
        System.out.flush();
        long deadline = System.nanoTime() + (long) (seconds * 1e9);
        int rc = 0;
        if (mode.equals("first")) {
            rc = 1;
            while (System.nanoTime() < deadline) {
                Pointer sample = GstApp.I.gst_app_sink_try_pull_sample(sink, 20_000_000L);
                if (sample != null) {
                    long t = nowEpochNs();
                    Gst.I.gst_mini_object_unref(sample);
                    System.out.println("first " + t);
                    rc = 0;
                    break;
                }
                if (failed(bus)) { rc = 1; break; }
            }
        } else if (mode.equals("stamps") || rtsp) {
            rc = stamps(sink, bus, seconds, args[3], Integer.parseInt(args[4]));
        } else {
            Pointer ntpCaps = Gst.I.gst_caps_from_string("timestamp/x-ntp");
            List<long[]> rows = new ArrayList<>(2048);
            int frames = 0, withMeta = 0;
            long startWait = System.nanoTime();
            boolean started = false;
            // The measurement window starts at the first frame, so late starts do not shorten it.
            while (true) {
                if (!started && System.nanoTime() - startWait > 30_000_000_000L) break;
                if (started && System.nanoTime() > deadline) break;
                Pointer sample = GstApp.I.gst_app_sink_try_pull_sample(sink, 20_000_000L);
                if (sample == null) { if (failed(bus)) break; continue; }
                long now = nowNtpNs();
                if (!started) { started = true; deadline = System.nanoTime() + (long) (seconds * 1e9); }
                frames++;
                Pointer buffer = Gst.I.gst_sample_get_buffer(sample);
                Pointer meta = buffer == null ? null : Gst.I.gst_buffer_get_reference_timestamp_meta(buffer, ntpCaps);
                if (meta != null) {
                    long captured = meta.getLong(24);
                    withMeta++;
                    rows.add(new long[] {now, now - captured});
                }
                Gst.I.gst_mini_object_unref(sample);
            }
            try (PrintStream out = new PrintStream(args[3], "UTF-8")) {
                out.println("# frames " + frames + " with_ntp_meta " + withMeta);
                for (long[] r : rows) out.println(r[0] + " " + r[1]);
            }
            System.out.println("frames " + frames + " with_ntp_meta " + withMeta);
            rc = withMeta > 0 ? 0 : 1;
        }
        Gst.I.gst_element_set_state(pipeline, GST_STATE_NULL);
        System.out.flush();
        System.exit(rc);
    }

    /** Reads Stamper's time from every decoded frame for SECONDS after the first; 0 when some were read. */
    static int stamps(Pointer sink, Pointer bus, double seconds, String outFile, int width) throws IOException {
        int stride = (width + 3) & ~3;
        com.sun.jna.Memory info = new com.sun.jna.Memory(128); // GstMapInfo
        List<long[]> rows = new ArrayList<>(2048);
        int frames = 0, unreadable = 0;
        long startWait = System.nanoTime(), deadline = Long.MAX_VALUE;
        while (System.nanoTime() < deadline && (frames > 0 || System.nanoTime() - startWait < 30_000_000_000L)) {
            Pointer sample = GstApp.I.gst_app_sink_try_pull_sample(sink, 20_000_000L);
            if (sample == null) { if (failed(bus)) break; continue; }
            long now = System.currentTimeMillis();
            if (frames++ == 0) deadline = System.nanoTime() + (long) (seconds * 1e9);
            Pointer buffer = Gst.I.gst_sample_get_buffer(sample);
            if (buffer != null && Gst.I.gst_buffer_map(buffer, info, 1)) {
                long stamp = readStamp(info.getPointer(16), stride);
                Gst.I.gst_buffer_unmap(buffer, info);
                if (stamp < 0) unreadable++;
                else rows.add(new long[] {now, (int) ((now & 0xffffffffL) - stamp)}); // modulo 2^32, signed
            }
            Gst.I.gst_mini_object_unref(sample);
        }
        try (PrintStream out = new PrintStream(outFile, "UTF-8")) {
            out.println("# frames " + frames + " unreadable " + unreadable);
            for (long[] r : rows) out.println(r[0] + " " + r[1]);
        }
        System.out.println("frames " + frames + " stamped " + rows.size() + " unreadable " + unreadable);
        return rows.isEmpty() ? 1 : 0;
    }

    /**
     * {@code av PORT SECONDS OUTFILE WIDTH}: the native viewer's pipeline with sound (stream-viewer with a window: one
     * rtpbin, video on PORT, Opus on PORT + 2, their RTCP on + 1 and + 3), its two chains each ending in an appsink with
     * sync=true where the viewer has its window sink and autoaudiosink, so a buffer leaves when that sink would
     * present it (the audio device's own buffer not included). Writes "flash MS" for each frame whose top-left
     * corner turned white and "beep MS" for each first loud sample after quiet (monotonic ms); 0 when both were seen.
     */
    static int av(int port, double seconds, String outFile, int width) throws IOException {
        // stream-viewer's pipeline with sound (ViewerPipeline.soundDescription): one rtpbin reading both RTCP ports
        String desc = "rtpbin name=rb latency=40"
                + " udpsrc port=" + port + " caps=\"application/x-rtp,media=video,clock-rate=90000,encoding-name=H264,payload=96\" ! rb.recv_rtp_sink_0"
                + " udpsrc port=" + (port + 1) + " caps=application/x-rtcp ! rb.recv_rtcp_sink_0"
                + " udpsrc port=" + (port + 2) + " caps=\"application/x-rtp,media=audio,payload=97,clock-rate=48000,encoding-name=OPUS\" ! rb.recv_rtp_sink_1"
                + " udpsrc port=" + (port + 3) + " caps=application/x-rtcp ! rb.recv_rtcp_sink_1"
                + " rb. ! rtph264depay ! h264parse ! avdec_h264 output-corrupt=false ! videoconvert ! video/x-raw,format=GRAY8"
                + " ! appsink name=sink sync=true max-buffers=8 drop=false"
                + " rb. ! rtpopusdepay ! opusdec ! audioconvert ! audioresample"
                + " ! audio/x-raw,format=S16LE,channels=1,rate=48000 ! appsink name=asink sync=true async=false max-buffers=100 drop=false";
        Pointer[] err = new Pointer[1];
        Pointer vp = Gst.I.gst_parse_launch(desc, err);
        if (vp == null || err[0] != null) {
            System.err.println("probe: cannot build the viewer's pipeline");
            return 3;
        }
        Pointer vsink = Gst.I.gst_bin_get_by_name(vp, "sink"), asink = Gst.I.gst_bin_get_by_name(vp, "asink");
        Pointer vbus = Gst.I.gst_element_get_bus(vp);
        Gst.I.gst_element_set_state(vp, GST_STATE_PLAYING);
        System.out.println("ready " + nowEpochNs());
        System.out.flush();
        int stride = (width + 3) & ~3;
        com.sun.jna.Memory info = new com.sun.jna.Memory(128); // GstMapInfo: data at 16, size at 24
        List<String> rows = new ArrayList<>();
        long deadline = System.nanoTime() + (long) (seconds * 1e9);
        boolean white = false;
        double lastLoudMs = -1e9;
        int flashes = 0, beeps = 0, frames = 0;
        while (System.nanoTime() < deadline) {
            boolean any = false;
            Pointer sample = GstApp.I.gst_app_sink_try_pull_sample(vsink, 0);
            if (sample != null) {
                any = true;
                double now = System.nanoTime() / 1e6;
                frames++;
                Pointer buffer = Gst.I.gst_sample_get_buffer(sample);
                if (buffer != null && Gst.I.gst_buffer_map(buffer, info, 1)) {
                    boolean bright = (info.getPointer(16).getByte(5L * stride + 5) & 0xff) > 200;
                    Gst.I.gst_buffer_unmap(buffer, info);
                    if (bright && !white) { rows.add("flash " + now); flashes++; }
                    white = bright;
                }
                Gst.I.gst_mini_object_unref(sample);
            }
            sample = GstApp.I.gst_app_sink_try_pull_sample(asink, 0);
            if (sample != null) {
                any = true;
                double now = System.nanoTime() / 1e6;
                Pointer buffer = Gst.I.gst_sample_get_buffer(sample);
                if (buffer != null && Gst.I.gst_buffer_map(buffer, info, 1)) {
                    Pointer data = info.getPointer(16);
                    long n = info.getLong(24) / 2;
                    for (long i = 0; i < n; i++) {
                        if (Math.abs(data.getShort(2 * i)) > 3000) {
                            double t = now + i / 48.0;
                            if (t - lastLoudMs > 300) { rows.add("beep " + t); beeps++; }
                            lastLoudMs = t;
                        }
                    }
                    Gst.I.gst_buffer_unmap(buffer, info);
                }
                Gst.I.gst_mini_object_unref(sample);
            }
            if (!any) {
                if (failed(vbus)) break;
                try { Thread.sleep(0, 300_000); } catch (InterruptedException e) { break; }
            }
        }
        Gst.I.gst_element_set_state(vp, GST_STATE_NULL);
        try (PrintStream out = new PrintStream(outFile, "UTF-8")) {
            out.println("# frames " + frames + " flashes " + flashes + " beeps " + beeps);
            for (String r : rows) out.println(r);
        }
        System.out.println("frames " + frames + " flashes " + flashes + " beeps " + beeps);
        return flashes > 0 && beeps > 0 ? 0 : 1;
    }

    /** The time in a luma plane, or -1 when the two rows of blocks do not agree. */
    static long readStamp(Pointer y, int stride) {
        long t = 0;
        int half = Stamper.BLOCK / 2;
        for (int bit = 0; bit < Stamper.BITS; bit++) {
            int x = bit * Stamper.BLOCK + half;
            boolean one = (y.getByte((long) half * stride + x) & 0xff) >= 128;
            boolean inverse = (y.getByte((long) (Stamper.BLOCK + half) * stride + x) & 0xff) >= 128;
            if (one == inverse) return -1;
            t = (t << 1) | (one ? 1 : 0);
        }
        return t;
    }

    static boolean failed(Pointer bus) {
        Pointer msg = Gst.I.gst_bus_pop_filtered(bus, GST_MESSAGE_ERROR);
        if (msg == null) return false;
        System.err.println("probe: the receiver pipeline reported an error");
        Gst.I.gst_mini_object_unref(msg);
        return true;
    }

    static String join(String[] a) { return String.join(" ", Arrays.asList(a)); }
}
