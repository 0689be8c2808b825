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
import org.freedesktop.gstreamer.PadProbeReturn;
import org.freedesktop.gstreamer.PadProbeType;
import org.freedesktop.gstreamer.Pipeline;
import org.freedesktop.gstreamer.State;
import org.freedesktop.gstreamer.StateChangeReturn;
import org.freedesktop.gstreamer.glib.GError;

import stream.viewer.ViewerException.Kind;
import stream.viewer.ViewerReport.Ending;

/**
 * The viewer's GStreamer pipeline: its description from the options, the parsed pipeline, and
 * the hooks through which the viewer learns of packets, shown frames, the snapshot frame and
 * the end (bus errors and end of stream).
 */
final class ViewerPipeline {
    private static final System.Logger LOG = System.getLogger(ViewerPipeline.class.getName());
    /** The caps of the original design, plus the encoding name rtph264depay wants. */
    private static final String RTP_CAPS =
            "application/x-rtp,media=video,payload=96,clock-rate=90000,encoding-name=H264";
    private static final String AUDIO_CAPS =
            "application/x-rtp,media=audio,payload=97,clock-rate=48000,encoding-name=OPUS";

    /** Kept in a field: the GC must not take the pipeline (nor the probes and listeners) while it plays. */
    private final Pipeline pipeline;
    private final List<Object> keepAlive = new ArrayList<>();
    /** The sound's pipeline ({@link #audioDescription}), or null. */
    private Pipeline audio;

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
        String desc = description(options);
        LOG.log(Level.DEBUG, "pipeline: {0}", desc);
        var errors = new ArrayList<GError>();
        Element element = Gst.parseLaunch(desc, errors);
        if (!errors.isEmpty() || !(element instanceof Pipeline)) {
            String why = errors.isEmpty() ? "not a pipeline" : errors.get(0).getMessage();
            throw new ViewerException(Kind.PIPELINE, "cannot build the viewer pipeline: " + why);
        }
        var viewer = new ViewerPipeline((Pipeline) element);
        String audio = audioDescription(options);
        if (audio != null) {
            var audioErrors = new ArrayList<GError>();
            Element a = Gst.parseLaunch(audio, audioErrors);
            if (audioErrors.isEmpty() && a instanceof Pipeline p) {
                viewer.audio = p;
                Bus bus = p.getBus();
                Bus.ERROR onError = (source, code, message) -> LOG.log(Level.WARNING, "sound: {0}", message);
                bus.connect(onError);
                viewer.keepAlive.addAll(List.of(bus, onError));
            } else {
                LOG.log(Level.WARNING, "no sound: {0}", audioErrors.isEmpty() ? "not a pipeline" : audioErrors.get(0).getMessage());
            }
        }
        return viewer;
    }

    static String description(ViewerOptions options) throws ViewerException {
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
        String sink = Preflight.sinkElement(options);
        // Without a window nothing needs another pixel format; a window sink may.
        String sinkDesc = sink.equals("fakesink") ? "fakesink name=sink sync=false" : "videoconvert ! " + sink + " name=sink";
        var d = new StringBuilder(src)
                // output-corrupt=false: a viewer joining mid-stream shows nothing until a keyframe instead of grey garbage.
                .append(" ! rtph264depay name=depay ! h264parse ! avdec_h264 output-corrupt=false ! ");
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
     * The sound's own pipeline: Opus from port + 2 (see the server's README), decoded and played,
     * or decoded into nothing without a window. A pipeline of its own, so that a stream without
     * sound (nothing ever arrives) or an audio output that fails never holds up the picture: in one
     * pipeline the audio sink, never prerolled, would keep the whole from PLAYING.
     * @return its description, or null with --mute (or no port + 2)
     */
    static String audioDescription(ViewerOptions options) throws ViewerException {
        if (options.mute() || options.port() > 65533) return null;
        var a = new StringBuilder("udpsrc name=asrc port=").append(options.port() + 2);
        if (options.multicastGroup() != null) {
            a.append(" address=").append(options.multicastGroup()).append(" auto-multicast=true");
            if (options.bindAddress() != null) a.append(" multicast-iface=").append(interfaceOf(options.bindAddress()));
        } else if (options.bindAddress() != null) {
            a.append(" address=").append(options.bindAddress());
        }
        String sink = Preflight.sinkElement(options);
        // No SO_REUSEADDR either: two viewers on one port would share the sound as they would the picture.
        a.append(multicastReuse(options)).append(" caps=\"").append(AUDIO_CAPS).append('"')
                .append(" ! rtpjitterbuffer latency=50 ! rtpopusdepay ! opusdec name=adec ! audioconvert ! audioresample ! ")
                .append(sink.equals("fakesink") ? "fakesink sync=false" : "autoaudiosink");
        return a.toString();
    }

    private static String multicastReuse(ViewerOptions options) {
        return options.multicastGroup() != null ? " reuse=true" : " reuse=false";
    }

    /**
     * Watches the RTP arriving on the port for a second sender (the viewer calls it for unicast
     * only: a multicast group is shared by design).
     * @param watch drops the packets of a second sender and says who sends them
     */
    void onRtp(SenderWatch watch) {
        probe("src", "src", watch);
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
        probe("depay", "src", (pad, info) -> {
            onPacket.run();
            return PadProbeReturn.OK;
        });
    }

    /**
     * Calls back for every frame the sink gets.
     * @param onFrame receives the sink's pad (for its caps); called on the streaming thread
     */
    void onFrame(Consumer<Pad> onFrame) {
        probe("sink", "sink", (pad, info) -> {
            onFrame.accept(pad);
            return PadProbeReturn.OK;
        });
    }

    /**
     * Calls back for every decoded block of sound (only built without --mute).
     * @param onAudio called on the streaming thread; must return quickly
     */
    void onAudio(Runnable onAudio) {
        if (audio == null) return;
        Pad pad = audio.getElementByName("adec").getStaticPad("src");
        Pad.PROBE probe = (p, info) -> {
            onAudio.run();
            return PadProbeReturn.OK;
        };
        pad.addProbe(PadProbeType.BUFFER, probe);
        keepAlive.addAll(List.of(pad, probe));
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

    private void probe(String element, String padName, Pad.PROBE probe) {
        Pad pad = pipeline.getElementByName(element).getStaticPad(padName);
        pad.addProbe(PadProbeType.BUFFER, probe);
        keepAlive.addAll(List.of(pad, probe));
    }

    /** @return what setting the pipeline to PLAYING gave */
    StateChangeReturn play() {
        if (audio != null && audio.play() == StateChangeReturn.FAILURE) {
            LOG.log(Level.WARNING, "no sound: its pipeline did not start; the picture goes on without it");
        }
        return pipeline.play();
    }

    /** Stops (state NULL) and releases the pipeline; never call it on a streaming or bus thread (it deadlocks). */
    void stop() {
        if (audio != null) {
            audio.setState(State.NULL);
            audio.getBus().dispose();
            audio.dispose();
        }
        pipeline.setState(State.NULL);
        pipeline.getBus().dispose();
        pipeline.dispose();
    }
}
