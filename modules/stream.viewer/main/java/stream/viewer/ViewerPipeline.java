package stream.viewer;

import java.io.IOException;
import java.lang.System.Logger.Level;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BiConsumer;
import java.util.function.Consumer;

import org.freedesktop.gstreamer.Bus;
import org.freedesktop.gstreamer.Element;
import org.freedesktop.gstreamer.Gst;
import org.freedesktop.gstreamer.Pad;
import org.freedesktop.gstreamer.PadProbeType;
import org.freedesktop.gstreamer.Pipeline;
import org.freedesktop.gstreamer.State;
import org.freedesktop.gstreamer.StateChangeReturn;
import org.freedesktop.gstreamer.glib.GError;

import stream.viewer.ViewerException.Kind;
import stream.viewer.ViewerReport.Ending;
import stream.viewer.internal.NativeProbes;

/**
 * The viewer's GStreamer pipeline: its description from the options, the parsed pipeline, and
 * the hooks through which the viewer learns of packets, shown frames, the snapshot frame and
 * the end (bus errors and end of stream).
 */
final class ViewerPipeline {
    private static final System.Logger LOG = System.getLogger(ViewerPipeline.class.getName());
    /** The caps of the original design, plus the encoding name rtph264depay wants. */
    private static final String RTP_CAPS =
            "application/x-rtp,media=video,payload=96,clock-rate=90000,encoding-name=H264,rtcp-fb-nack-pli=(boolean)true";
    private static final String AUDIO_CAPS =
            "application/x-rtp,media=audio,payload=97,clock-rate=48000,encoding-name=OPUS";

    /** The names of the sound's elements (and autoaudiosink's children): their errors do not end the viewer. */
    private static final java.util.regex.Pattern SOUND_ELEMENTS = java.util.regex.Pattern.compile("(rtcpsrc|asrc|artcpsrc|adepay|adec|asink).*");
    /** Kept in a field: the GC must not take the pipeline (nor the probes and listeners) while it plays. */
    private final Pipeline pipeline;
    private final List<Object> keepAlive = new ArrayList<>();
    /** Why the sound is off without --mute, or null. */
    private String soundOffBecause;

    private ViewerPipeline(Pipeline pipeline) {
        this.pipeline = pipeline;
    }

    /**
     * Builds (but does not play) the pipeline for the options.
     * @param options what to receive and how to show it
     * @return the pipeline
     * @throws ViewerException when the description does not parse or --bind names no local address
     */
    static ViewerPipeline build(ViewerOptions options) throws ViewerException {
        String busy = options.mute() ? null : SoundPorts.busy(options);
        boolean sound = !options.mute() && busy == null;
        String desc = sound ? soundDescription(options) : description(options);
        LOG.log(Level.DEBUG, "pipeline: {0}", desc);
        var errors = new ArrayList<GError>();
        Element element = Gst.parseLaunch(desc, errors);
        if (!errors.isEmpty() || !(element instanceof Pipeline)) {
            String why = errors.isEmpty() ? "not a pipeline" : errors.get(0).getMessage();
            throw new ViewerException(Kind.PIPELINE, "cannot build the viewer pipeline: " + why);
        }
        var viewer = new ViewerPipeline((Pipeline) element);
        viewer.soundOffBecause = busy;
        if (sound) {
            viewer.linkSessions();
            viewer.nativeProbe("feedback", "sink", new KeyframeRequestsOnly());
        }
        return viewer;
    }

    /**
     * Links each stream rtpbin finds to its chain: session 0 (the picture) to the H.264
     * depayloader, session 1 (the sound) to the Opus one. A sender that restarts comes back with a
     * new SSRC and so a new pad: it replaces the old one's link.
     */
    private void linkSessions() {
        Element rtpbin = pipeline.getElementByName("rb");
        Element.PAD_ADDED onPad = (element, pad) -> {
            String name = pad.getName();
            String target = name.startsWith("recv_rtp_src_0_") ? "depay" : name.startsWith("recv_rtp_src_1_") ? "adepay" : null;
            if (target == null) return;
            Pad sink = pipeline.getElementByName(target).getStaticPad("sink");
            Pad old = sink.getPeer();
            if (old != null) old.unlink(sink);
            try {
                pad.link(sink);
            } catch (RuntimeException e) { // PadLinkException: caps that do not fit this chain
                LOG.log(Level.WARNING, "cannot play {0}: {1}", name, e.getMessage());
            }
        };
        rtpbin.connect(onPad);
        keepAlive.addAll(List.of(rtpbin, onPad));
    }

    /** @return why the sound is off though --mute was not given (a port it needs is taken), or null */
    String soundOffBecause() {
        return soundOffBecause;
    }

    static String description(ViewerOptions options) throws ViewerException {
        return videoSource(options) + " ! " + videoChain(options);
    }

    /** The picture's udpsrc, with its caps. */
    private static String videoSource(ViewerOptions options) throws ViewerException {
        var src = new StringBuilder("udpsrc name=src port=").append(options.port());
        if (options.multicastGroup() != null) {
            src.append(" address=").append(options.multicastGroup()).append(" auto-multicast=true reuse=true");
            if (options.bindAddress() != null) {
                src.append(" multicast-iface=").append(interfaceOf(options.bindAddress()));
            }
        } else {
            // No SO_REUSEADDR: a second viewer on the same port fails instead of stealing half the packets.
            src.append(" reuse=false");
            if (options.bindAddress() != null) {
                src.append(" address=").append(options.bindAddress());
            }
        }
        src.append(" caps=\"").append(RTP_CAPS).append('"');
        return src.toString();
    }

    /** The picture's chain from the depayloader to the sink (and the snapshot branch with --snapshot). */
    private static String videoChain(ViewerOptions options) {
        String sink = Preflight.sinkElement(options);
        // Without a window nothing needs another pixel format; a window sink may.
        String sinkDesc = sink.equals("fakesink") ? "fakesink name=sink sync=false" : "videoconvert ! " + sink + " name=sink";
        var d = new StringBuilder()
                // output-corrupt=false: a viewer joining mid-stream shows nothing until a keyframe instead of grey garbage;
                // automatic-request-sync-points: the decoder asks for that keyframe upstream (with sound, rtpbin sends the PLI).
                .append("rtph264depay name=depay ! h264parse ! avdec_h264 output-corrupt=false automatic-request-sync-points=true ! ");
        if (options.snapshot() == null) {
            // The decoder's thread feeds the sink directly, as gst-launch-1.0's receiver does: a queue would
            // only add a thread and a hand-over per frame.
            d.append(sinkDesc);
        } else {
            d.append("tee name=t t. ! queue ! ").append(sinkDesc)
                    .append(" t. ! queue leaky=downstream max-size-buffers=1 ! valve name=snapvalve")
                    .append(" ! videoconvert ! video/x-raw,format=RGB ! fakesink name=snap sync=false async=false");
        }
        return d.toString();
    }

    /**
     * Picture and sound in one pipeline, through one rtpbin that reads the sender's RTCP sender
     * reports (ports + 1 and + 3): they map both streams' RTP timestamps to the sender's one clock,
     * and rtpbin delays whichever stream is ahead, so the beep is heard when the flash is seen. The
     * picture's chain is the one of {@link #description} after the depayloader; rtpbin's jitter
     * buffers hold {@value #SOUND_LATENCY_MS} ms, which the sound needs to play without gaps (and the
     * picture then waits as long, to stay with it). The sound's sink does not preroll
     * (async-handling): a stream without sound, whose sink never sees a buffer, still plays.
     *
     * <p>rtpbin also asks the sender for a keyframe when the decoder wants one (a viewer that joins
     * mid-stream, a picture broken by loss): its RTCP for the picture goes to the port after the
     * one the video comes from ({@link #feedbackTo}), as RTP places a sender's RTCP; the AVPF
     * profile sends such a request at once rather than with the next regular report. Nothing goes
     * out before the first packet says where the sender is.
     * @return the description
     */
    static String soundDescription(ViewerOptions options) throws ViewerException {
        int p = options.port();
        String sink = Preflight.sinkElement(options);
        var d = new StringBuilder("rtpbin name=rb rtp-profile=avpf latency=").append(SOUND_LATENCY_MS).append(' ')
                .append(videoSource(options)).append(" ! rb.recv_rtp_sink_0 ")
                .append("rb.send_rtcp_src_0 ! multiudpsink name=feedback sync=false async=false ")
                .append(udpsrc("rtcpsrc", options, p + 1)).append(" caps=application/x-rtcp ! rb.recv_rtcp_sink_0 ")
                .append(udpsrc("asrc", options, p + 2)).append(" caps=\"").append(AUDIO_CAPS).append("\" ! rb.recv_rtp_sink_1 ")
                .append(udpsrc("artcpsrc", options, p + 3)).append(" caps=application/x-rtcp ! rb.recv_rtcp_sink_1 ")
                .append(videoChain(options))
                .append(" rtpopusdepay name=adepay ! opusdec name=adec ! audioconvert ! audioresample ! ")
                .append(sink.equals("fakesink") ? "fakesink name=asink sync=true async=false" : "autoaudiosink name=asink async-handling=true");
        return d.toString();
    }

    /** The jitter buffers' latency with sound: Opus comes in 20 ms packets. */
    static final int SOUND_LATENCY_MS = 40;

    private static String udpsrc(String name, ViewerOptions options, int port) throws ViewerException {
        var a = new StringBuilder("udpsrc name=").append(name).append(" port=").append(port);
        if (options.multicastGroup() != null) {
            a.append(" address=").append(options.multicastGroup()).append(" auto-multicast=true");
            if (options.bindAddress() != null) a.append(" multicast-iface=").append(interfaceOf(options.bindAddress()));
        } else if (options.bindAddress() != null) {
            a.append(" address=").append(options.bindAddress());
        }
        // No SO_REUSEADDR for unicast: two viewers on one port would share the sound as they would the picture.
        return a.append(multicastReuse(options)).toString();
    }

    private static String multicastReuse(ViewerOptions options) {
        return options.multicastGroup() != null ? " reuse=true" : " reuse=false";
    }

    /**
     * Watches the RTP arriving on the port: who sends it, and (on unicast) whether a second sender does.
     * @param watch drops the packets of a second sender and says who sends them; tells each new stream's sender
     */
    void onRtp(SenderWatch watch) {
        nativeProbe("src", "src", watch);
    }

    /**
     * Sends the picture's RTCP (its keyframe requests) to the sender of a new stream: the port after the one its
     * video came from. Without sound there is no RTP session, and so no request: the viewer waits for the periodic keyframe.
     * @param sender the address the stream's packets come from, "HOST:PORT" or "[V6]:PORT"
     */
    void feedbackTo(String sender) {
        Element sink = pipeline.getElementByName("feedback");
        int colon = sender.lastIndexOf(':');
        if (sink == null || colon < 0) return;
        String host = sender.substring(0, colon).replace("[", "").replace("]", "");
        int port;
        try {
            port = Integer.parseInt(sender.substring(colon + 1));
        } catch (NumberFormatException e) {
            return; // "an unknown address"
        }
        if (port <= 0 || port >= 65535) return;
        sink.emit("clear");
        sink.emit("add", host, port + 1);
        LOG.log(Level.DEBUG, "keyframe requests go to {0}:{1}", host, port + 1);
    }

    private static String interfaceOf(String address) throws ViewerException {
        try {
            var nif = NetworkInterface.getByInetAddress(InetAddress.getByName(address));
            if (nif == null) {
                throw new ViewerException(Kind.PIPELINE, "--bind " + address
                        + " is not an address of this machine: give one of its addresses (ip -brief address lists them)");
            }
            return nif.getName();
        } catch (IOException e) {
            throw new ViewerException(Kind.PIPELINE, "--bind " + address + ": " + e.getMessage(), e);
        }
    }

    /**
     * Reports errors and the end of stream; a closed window is its own ending.
     * @param onEnd receives how and why the pipeline ended; called on a GStreamer thread
     */
    void onEnd(BiConsumer<Ending, String> onEnd) {
        Bus bus = pipeline.getBus();
        Bus.ERROR onError = (source, code, message) -> {
            String name = source == null ? "pipeline" : source.getName();
            if (SOUND_ELEMENTS.matcher(name).matches()) {
                // The sound's chain failed (its device, say): the picture goes on, as it would without sound.
                LOG.log(Level.WARNING, "sound: {0} (in {1}); the picture goes on without it", message, name);
                return;
            }
            // ximagesink says "Output window was closed"; glimagesink (autovideosink's pick under X with GL) "Quit requested".
            if (message != null && (message.contains("Output window was closed") || message.contains("Quit requested"))) {
                onEnd.accept(Ending.WINDOW_CLOSED, "window closed");
            } else {
                onEnd.accept(Ending.ERROR, "GStreamer error in " + name + ": " + message);
            }
        };
        Bus.EOS onEos = source -> onEnd.accept(Ending.CLOSED, "end of stream");
        Bus.WARNING onWarning = (source, code, message) ->
                LOG.log(Level.DEBUG, "GStreamer warning in {0}: {1}", source == null ? "?" : source.getName(), message);
        bus.connect(onError);
        bus.connect(onEos);
        bus.connect(onWarning);
        keepAlive.addAll(List.of(onError, onEos, onWarning));
    }

    /**
     * Calls back for the data received: once per access unit the depayloader completes rather than
     * once per RTP packet (a 720p keyframe is dozens of packets), which is as good for telling a
     * stopped stream from a running one and costs a fraction of the calls into Java.
     * @param onPacket called on the receiving thread; must return quickly
     */
    void onPacket(Runnable onPacket) {
        nativeProbe("depay", "src", (pad, info, data) -> {
            onPacket.run();
            return NativeProbes.OK;
        });
    }

    /**
     * Calls back for every frame the sink gets.
     * @param onFrame receives the sink's pad (for its caps); called on the streaming thread
     */
    void onFrame(Consumer<Pad> onFrame) {
        Pad sinkPad = pipeline.getElementByName("sink").getStaticPad("sink");
        nativeProbe("sink", "sink", (pad, info, data) -> {
            onFrame.accept(sinkPad);
            return NativeProbes.OK;
        });
    }

    /**
     * Calls back for every decoded block of sound (only built without --mute).
     * @param onAudio called on the streaming thread; must return quickly
     */
    void onAudio(Runnable onAudio) {
        if (pipeline.getElementByName("adec") == null) return;
        nativeProbe("adec", "src", (p, info, data) -> {
            onAudio.run();
            return NativeProbes.OK;
        });
    }

    /**
     * Hands the RGB frames of the snapshot branch (only built with --snapshot) to the probe.
     * @param onSnapshotFrame decides whether each frame goes on (it ends in a fakesink)
     */
    void onSnapshotFrame(Pad.PROBE onSnapshotFrame) {
        probe("snap", "sink", onSnapshotFrame);
    }

    /** Closes the snapshot branch's valve: no more RGB conversions once the one frame is taken. */
    void closeSnapshotBranch() {
        pipeline.getElementByName("snapvalve").set("drop", true);
    }

    // The probes on every packet or frame: called straight from C (see NativeProbes for why).
    private void nativeProbe(String element, String padName, NativeProbes.Probe probe) {
        Pad pad = pipeline.getElementByName(element).getStaticPad(padName);
        // An exception would reach JNA, which prints it and returns 0: GStreamer would drop the buffer.
        NativeProbes.Probe guarded = (p, info, data) -> {
            try {
                return probe.invoke(p, info, data);
            } catch (RuntimeException e) {
                LOG.log(Level.WARNING, "{0}.{1}: {2}", element, padName, e.toString());
                return NativeProbes.OK;
            }
        };
        NativeProbes.add(pad, NativeProbes.BUFFER, guarded);
        keepAlive.addAll(List.of(pad, guarded));
    }

    private void probe(String element, String padName, Pad.PROBE probe) {
        Pad pad = pipeline.getElementByName(element).getStaticPad(padName);
        pad.addProbe(PadProbeType.BUFFER, probe);
        keepAlive.addAll(List.of(pad, probe));
    }

    /** @return what setting the pipeline to PLAYING gave */
    StateChangeReturn play() {
        return pipeline.play();
    }

    /** Stops (state NULL) and releases the pipeline; never call it on a streaming or bus thread (it deadlocks). */
    void stop() {
        pipeline.setState(State.NULL);
        pipeline.getBus().dispose();
        pipeline.dispose();
    }
}
