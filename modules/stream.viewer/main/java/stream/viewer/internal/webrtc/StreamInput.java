package stream.viewer.internal.webrtc;

import com.sun.jna.Pointer;
import java.util.ArrayList;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

import org.freedesktop.gstreamer.Bus;
import org.freedesktop.gstreamer.Element;
import org.freedesktop.gstreamer.Gst;
import org.freedesktop.gstreamer.GstException;
import org.freedesktop.gstreamer.Pad;
import org.freedesktop.gstreamer.Pipeline;
import org.freedesktop.gstreamer.State;
import org.freedesktop.gstreamer.StateChangeReturn;
import stream.viewer.internal.NativeProbes;

/**
 * One stream's input: the RTP/H.264 the server forwards to a loopback UDP port, depayloaded and
 * parsed once ({@code udpsrc ! rtph264depay ! h264parse ! tee}); every viewer is a branch of the
 * tee. Nothing is decoded. The parsed stream is AVC with the parameter sets in the caps, so a
 * new branch's payloader knows them (sprop-parameter-sets) as soon as caps reach it.
 *
 * <p>Keyframes on request: the RTP passes an {@code rtpsession} (avpf) first, whose RTCP goes to the
 * stream's child ({@link #keyframeTarget}); {@link KeyframeRequests} asks it for a keyframe when a
 * viewer joins or a browser reports loss, and the child's own rtpsession makes its encoder send one.
 *
 * <p>Sound: a second udpsrc on a port of its own takes the stream's Opus RTP
 * ({@code udpsrc ! rtpjitterbuffer ! rtpopusdepay ! tee name=ta}); a viewer whose offer receives Opus gets a second
 * branch from it when the stream has sound (packets came within the last two seconds). A jitter
 * buffer before the depayloader times each Opus packet by its RTP timestamp (20 ms after the one
 * before) instead of its arrival: each viewer's payloader makes the browser's RTP timestamps from
 * these times, and arrival times a few tenths of a millisecond off made overlaps and gaps between
 * 20 ms frames, which Chromium concealed (10-35% of the samples) while its lip sync followed the
 * moving audio delay. Its caps name payload type 97 (every sender of ours uses it): rtpjitterbuffer
 * drops packets of a payload type its caps do not give.
 */
final class StreamInput implements AutoCloseable {
    private static final int PAYLOAD_TYPE = 96; // the server's video (and a camera relay's H.264)
    // rtcp-fb-nack-pli: rtpsession sends a PLI for a force-key-unit event only when the payload type's caps allow it.
    private static final String CAPS = "application/x-rtp,media=video,clock-rate=90000,encoding-name=H264,payload="
            + PAYLOAD_TYPE + ",rtcp-fb-nack-pli=(boolean)true";
    private static final String AUDIO_CAPS = "application/x-rtp,media=audio,clock-rate=48000,encoding-name=OPUS,payload=97";

    final String name;
    final Pipeline pipeline;
    final Element tee;
    final Element audioTee;
    private final int port;
    private final int audioPort;
    private volatile long lastAudioNanos;
    private volatile boolean anyAudio;
    private final NativeProbes.Probe audioCounter;
    private final Pad audioCounted;
    private final AtomicLong packets = new AtomicLong();
    private final NativeProbes.Probe counter;
    // JNA keeps no strong reference to a callback handed to C: the probes and their pads stay reachable through these.
    private final Pad counted;
    private final Bus bus;
    private volatile int ssrc; // of the sender's packets now (a restarted child has a new one)
    private final Element rtcpOut;
    final KeyframeRequests keyframes;
    final Map<String, ViewerBranch> viewers = new ConcurrentHashMap<>();
    private volatile String error;

    private StreamInput(String name, Pipeline pipeline) {
        this.name = name;
        this.pipeline = pipeline;
        this.tee = pipeline.getElementByName("t");
        this.audioTee = pipeline.getElementByName("ta");
        Element src = pipeline.getElementByName("src");
        Element asrc = pipeline.getElementByName("asrc");
        this.audioCounter = (pad, info, data) -> {
            lastAudioNanos = System.nanoTime();
            anyAudio = true;
            return NativeProbes.OK;
        };
        this.audioCounted = asrc.getStaticPad("src");
        NativeProbes.add(audioCounted, NativeProbes.BUFFER, audioCounter);
        byte[] ssrcBytes = new byte[4]; // used on udpsrc's one streaming thread only
        this.counter = (pad, info, data) -> {
            packets.incrementAndGet();
            // Every packet: a restarted child's new SSRC must be known from its first packet, or the first
            // keyframe request after a restart would name the old sender.
            Pointer buffer = NativeProbes.buffer(info);
            if (buffer != null && NativeProbes.extract(buffer, 8, ssrcBytes) == 4) {
                ssrc = ((ssrcBytes[0] & 0xFF) << 24) | ((ssrcBytes[1] & 0xFF) << 16) | ((ssrcBytes[2] & 0xFF) << 8) | (ssrcBytes[3] & 0xFF);
            }
            return NativeProbes.OK;
        };
        this.counted = src.getStaticPad("src");
        NativeProbes.add(counted, NativeProbes.BUFFER, counter);
        this.rtcpOut = pipeline.getElementByName("rtcp");
        this.keyframes = new KeyframeRequests(name, pipeline.getElementByName("depay").getStaticPad("sink"), () -> ssrc, PAYLOAD_TYPE);
        this.bus = pipeline.getBus();
        bus.connect((Bus.ERROR) (source, code, message) -> {
            error = message;
            Log.warn("stream " + name + ": " + message);
        });
        if (pipeline.play() == StateChangeReturn.FAILURE) {
            pipeline.stop();
            throw new GstException("stream " + name + ": the input pipeline did not start"
                    + (error == null ? "" : ": " + error));
        }
        pipeline.getState(5_000_000_000L); // READY has bound the socket by now; live: no preroll
        this.port = (Integer) src.get("port");
        this.audioPort = (Integer) asrc.get("port");
    }

    /** Binds a free loopback UDP port and starts receiving on it. */
    static StreamInput open(String name) {
        var errors = new ArrayList<org.freedesktop.gstreamer.glib.GError>();
        // port=0: the kernel picks a free port; udpsrc reports it in its port property once bound.
        Pipeline pipeline = (Pipeline) Gst.parseLaunch(
                "udpsrc name=src address=127.0.0.1 port=0 buffer-size=1048576 caps=\"" + CAPS + "\""
                        + " ! rs.recv_rtp_sink rtpsession name=rs rtp-profile=avpf"
                        + " rs.recv_rtp_src ! rtph264depay name=depay ! h264parse config-interval=-1"
                        + " ! video/x-h264,stream-format=avc,alignment=au"
                        + " ! tee name=t allow-not-linked=true"
                        + " udpsrc name=asrc address=127.0.0.1 port=0 buffer-size=262144 caps=\"" + AUDIO_CAPS + "\""
                        + " ! rtpjitterbuffer latency=40 ! rtpopusdepay ! tee name=ta allow-not-linked=true"
                        // The session's RTCP (receiver reports, the PLIs of keyframe requests) to the stream's child,
                        // once the server says where (keyframeTarget); nowhere before.
                        + " rs.send_rtcp_src ! multiudpsink name=rtcp sync=false async=false", errors);
        if (!errors.isEmpty()) {
            throw new GstException("stream " + name + ": " + errors.get(0).getMessage());
        }
        return new StreamInput(name, pipeline);
    }

    int port() {
        return port;
    }

    int audioPort() {
        return audioPort;
    }

    /** @return whether the stream has sound now: Opus arrived within the last two seconds */
    boolean hasAudio() {
        return anyAudio && System.nanoTime() - lastAudioNanos < 2_000_000_000L;
    }

    long packets() {
        return packets.get();
    }

    /**
     * Sends the video's RTCP (and so the keyframe requests) to the stream's child from now on.
     * @param port the child's loopback port for it, or 0 for nowhere (an IP camera, whose picture is not encoded)
     */
    void keyframeTarget(int port) {
        rtcpOut.set("clients", port > 0 ? "127.0.0.1:" + port : "");
    }

    String error() {
        return error;
    }

    @Override
    public void close() {
        for (ViewerBranch viewer : viewers.values()) viewer.close("stream removed");
        viewers.clear();
        pipeline.setState(State.NULL);
        pipeline.getState(5_000_000_000L);
        pipeline.dispose();
    }
}
