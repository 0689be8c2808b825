package stream.viewer.internal.webrtc;

import stream.viewer.internal.process.LineServer.Refusal;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import org.freedesktop.gstreamer.Bin;
import org.freedesktop.gstreamer.Caps;
import org.freedesktop.gstreamer.Element;
import org.freedesktop.gstreamer.Gst;
import org.freedesktop.gstreamer.Pad;
import org.freedesktop.gstreamer.PadProbeReturn;
import org.freedesktop.gstreamer.PadProbeType;
import org.freedesktop.gstreamer.State;
import org.freedesktop.gstreamer.glib.Natives;
import org.freedesktop.gstreamer.webrtc.WebRTCBin;
import org.freedesktop.gstreamer.webrtc.WebRTCICEGatheringState;
import org.freedesktop.gstreamer.webrtc.WebRTCPeerConnectionState;

/**
 * One browser watching one stream: a branch of the stream's tee,
 * {@code queue leaky=downstream ! rtph264pay ! webrtcbin}, that passes the H.264 through as it is
 * (no decoding, no second encode) with the payload type the viewer's offer gives H.264.
 *
 * <p>The answer is made only once the stream's caps reached the branch (before that it would
 * carry no ssrc and no parameter sets, and the browser would decode nothing) and once ICE
 * gathering is complete (no trickle: WHEP's simple case). A viewer that goes away without saying
 * so is noticed by the silence of its peer: a watching browser sends RTCP (receiver reports,
 * feedback) every second or so, and libnice's consent freshness is off, so the connection state
 * alone would stay "connected" for ever.
 */
final class ViewerBranch {
    private static final long CAPS_TIMEOUT_MS = 5_000;
    private static final long STEP_TIMEOUT_MS = 10_000;
    private static final long RTCP_INTERVAL_NS = 1_000_000_000L;

    final String id;
    final StreamInput input;
    private final Bin bin;
    private final WebRTCBin webrtc;
    private Pad teePad;
    private Pad audioTeePad; // with sound: the stream's Opus tee's pad for this viewer
    private final int audioPt;
    private final long createdNanos = System.nanoTime();
    private volatile long lastPeerPacketNanos;
    private volatile boolean peerSeen;
    private final AtomicBoolean closed = new AtomicBoolean();
    private final Pad.PROBE peerProbe = (pad, info) -> {
        lastPeerPacketNanos = System.nanoTime();
        // Its first packet (DTLS): the connection is about to be up, a keyframe asked for now reaches it.
        if (!peerSeen) askKeyframe();
        peerSeen = true;
        return PadProbeReturn.OK;
    };
    private final Bin.DEEP_ELEMENT_ADDED guard;
    // gst1-java-core keeps a probe's callback only in the Pad object: the pad must stay reachable.
    private final List<Pad> probedPads = new CopyOnWriteArrayList<>();

    // The video's RTP timestamp is this plus the frame's running time (its arrival in the stream's pipeline) at
    // 90 kHz: known here, so the wall-clock time of any frame's arrival follows from its RTP timestamp (rtpClock()).
    private final long timestampOffset = java.util.concurrent.ThreadLocalRandom.current().nextLong(1L << 32);

    private ViewerBranch(String id, StreamInput input, OfferSdp.H264 format, int audioPt, GatewayOptions options) {
        this.id = id;
        this.input = input;
        this.audioPt = audioPt;
        String stun = options.stunServer() == null ? "" : " stun-server=" + options.stunServer();
        // webrtcbin 1.22 pairs the offer's video with this branch only when the caps match field for
        // field, profile-level-id included (browsers escape it with level-asymmetry-allowed=1), and
        // answers "inactive" otherwise: the viewer then gets nothing, its webrtcbin not even the DTLS
        // handshake. The stream is constrained baseline, which every H.264 profile the offer may name
        // decodes, so the offer's own value is announced.
        String profile = format.profileLevelId() == null ? ""
                : " ! capssetter caps=\"application/x-rtp,profile-level-id=(string)" + format.profileLevelId() + "\"";
        String video = "queue name=q leaky=downstream max-size-buffers=0 max-size-bytes=0 max-size-time=500000000"
                + " ! rtph264pay name=pay config-interval=-1 aggregate-mode=zero-latency pt=" + format.payloadType()
                + " timestamp-offset=" + timestampOffset
                + profile + " ! webrtcbin name=w bundle-policy=max-bundle" + stun;
        if (audioPt < 0) {
            this.bin = Gst.parseBinFromDescription(video, true);
        } else {
            // Sound: the Opus passed through as it is, with the payload type the offer gives it. Its queue holds
            // 5 packets (100 ms): what waits while the peer connects is sent at once when it has, and the
            // browser's jitter buffer then starts that deep (with 500 ms it was sped up by 2 s over 20 s). Two
            // inputs: the ghost pads are made here ("sink" video, "asink" audio), not guessed by the parser.
            this.bin = Gst.parseBinFromDescription(video + " queue name=aq leaky=downstream max-size-buffers=5"
                    + " max-size-bytes=0 max-size-time=0 ! rtpopuspay name=apay pt=" + audioPt + " ! w.", false);
            bin.addPad(new org.freedesktop.gstreamer.GhostPad("sink", bin.getElementByName("q").getStaticPad("sink")));
            bin.addPad(new org.freedesktop.gstreamer.GhostPad("asink", bin.getElementByName("aq").getStaticPad("sink")));
        }
        bin.setName("viewer-" + id);
        this.webrtc = (WebRTCBin) bin.getElementByName("w");
        // One MediaStream for the video and the sound (a=msid with one stream id): browsers lip-sync only the
        // tracks of one stream (by the RTCP sender reports); without it webrtcbin gives each pad an id of its own.
        for (Pad p : webrtc.getSinkPads()) p.set("msid", "stream");
        Ice.restrict(webrtc, options.iceAddresses());
        // Belt and braces: every nicesrc/nicesink that appears gets its agent's UPnP checked off,
        // and a probe on each nicesrc sees every packet the peer sends (DTLS, SRTP, SRTCP).
        this.guard = (parent, sub, element) -> {
            var elementFactory = element.getFactory(); // internal bins have none
            String factory = elementFactory == null ? "" : elementFactory.getName();
            if (factory.equals("rtpsession")) {
                // A sender report every second (not every 5 s): it maps the video's RTP time to the wall clock,
                // which the browser's live latency figure (dashboard/latency.js) is computed from.
                element.set("rtcp-min-interval", RTCP_INTERVAL_NS);
            }
            if (factory.equals("nicesrc") || factory.equals("nicesink")) {
                Ice.upnpOffOnElement(element);
            }
            if (factory.equals("nicesrc")) {
                Pad pad = element.getStaticPad("src");
                probedPads.add(pad);
                pad.addProbe(java.util.Set.of(PadProbeType.BUFFER, PadProbeType.BUFFER_LIST), peerProbe);
            }
        };
        webrtc.connect(guard);
    }

    private void askKeyframe() {
        input.keyframes.request();
    }

    /**
     * Adds a viewer to the stream and answers its offer.
     * @return the branch, playing; {@link #answer()} is the SDP answer
     * @throws Refusal when the stream has no video yet or a step fails
     */
    static Answered open(String id, StreamInput input, String offer, OfferSdp.H264 format, int audioPt, GatewayOptions options)
            throws Refusal, InterruptedException {
        var viewer = new ViewerBranch(id, input, format, audioPt, options);
        try {
            String sdp = viewer.negotiate(offer);
            return new Answered(viewer, sdp);
        } catch (Refusal | InterruptedException | RuntimeException e) {
            viewer.close("failed: " + e.getMessage());
            throw e;
        }
    }

    /** A viewer and its SDP answer. */
    record Answered(ViewerBranch viewer, String answer) {}

    private String negotiate(String offer) throws Refusal, InterruptedException {
        synchronized (input) {
            input.pipeline.add(bin);
            bin.syncStateWithParent();
            teePad = input.tee.getRequestPad("src_%u");
            try {
                teePad.link(bin.getStaticPad("sink"));
            } catch (org.freedesktop.gstreamer.PadLinkException e) {
                throw new Refusal(500, "could not link the viewer's branch: " + e.getLinkResult(), null);
            }
            if (audioPt >= 0) {
                audioTeePad = input.audioTee.getRequestPad("src_%u");
                try {
                    audioTeePad.link(bin.getStaticPad("asink"));
                } catch (org.freedesktop.gstreamer.PadLinkException e) {
                    throw new Refusal(500, "could not link the viewer's audio branch: " + e.getLinkResult(), null);
                }
            }
        }
        waitForCaps();
        if (audioPt >= 0) waitForAudioCaps();
        try {
            GLib.setRemoteOffer(Natives.getRawPointer(webrtc), offer);
            GLib.answer(Natives.getRawPointer(webrtc));
        } catch (GLib.StepFailed e) {
            throw new Refusal(400, "this offer cannot be answered: " + e.getMessage(), "offer H.264 video, recvonly");
        }
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(STEP_TIMEOUT_MS);
        while (webrtc.getICEGatheringState() != WebRTCICEGatheringState.COMPLETE) {
            if (System.nanoTime() > deadline) {
                throw new Refusal(500, "ICE gathering did not complete", null);
            }
            Thread.sleep(5);
        }
        String sdp = GLib.localDescription(Natives.getRawPointer(webrtc));
        if (sdp != null && !sdp.contains("a=sendonly") && !sdp.contains("a=sendrecv")) {
            throw new Refusal(400, "the offer's H.264 video could not be paired with the stream (webrtcbin answered: "
                    + (sdp.contains("a=inactive") ? "inactive" : "no sending direction") + ")", "offer H.264 video, recvonly");
        }
        if (sdp == null || !sdp.contains("a=candidate")) {
            throw new Refusal(503, "no ICE candidate on the allowed addresses",
                    "check the gateway's --ice-address list against this host's addresses");
        }
        lastPeerPacketNanos = System.nanoTime();
        return sdp;
    }

    /** Waits until the stream's caps, with its parameter sets, reached this branch's payloader. */
    private void waitForCaps() throws Refusal, InterruptedException {
        Pad src = bin.getElementByName("pay").getStaticPad("src");
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(CAPS_TIMEOUT_MS);
        while (true) {
            Caps caps = src.getCurrentCaps();
            if (caps != null && caps.toString().contains("sprop-parameter-sets")) return;
            if (System.nanoTime() > deadline) {
                Log.info("no caps on viewer " + id + "'s branch: " + caps + "; packets in " + input.packets());
                throw new Refusal(503, "no video has arrived for stream " + input.name + " yet",
                        "start the stream, or wait a second and try again");
            }
            Thread.sleep(5);
        }
    }

    /** Waits until the Opus caps reached this branch's audio payloader (its ssrc goes into the answer). */
    private void waitForAudioCaps() throws Refusal, InterruptedException {
        Pad src = bin.getElementByName("apay").getStaticPad("src");
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(CAPS_TIMEOUT_MS);
        while (src.getCurrentCaps() == null) {
            if (System.nanoTime() > deadline)
                throw new Refusal(503, "no sound has arrived for stream " + input.name + " yet", "wait a second and try again");
            Thread.sleep(5);
        }
    }

    /**
     * The viewer's video RTP clock against the wall clock: the RTP timestamp {@code rtp} that a frame
     * arriving in the gateway at Unix time {@code unixMs} carries (90 kHz from there on, modulo 2^32). The
     * browser subtracts it from the time it shows a frame of RTP timestamp R (requestVideoFrameCallback's
     * rtpTimestamp): {@code shown - (unixMs + (R - rtp) / 90)} is the latency the viewer has, from the gateway on.
     * @return {rtp, unixMs}
     */
    com.eclipsesource.json.JsonObject rtpClock() {
        org.freedesktop.gstreamer.Clock clock = input.pipeline.getClock();
        long base = input.pipeline.getBaseTime();
        long before = clock.getTime();
        java.time.Instant wall = java.time.Instant.now();
        long after = clock.getTime();
        long running = (before + after) / 2 - base;
        long rtp = (timestampOffset + Math.floorDiv(running, 1_000_000_000L) * 90_000L
                + Math.floorMod(running, 1_000_000_000L) * 90_000L / 1_000_000_000L) & 0xffffffffL;
        double unixMs = wall.getEpochSecond() * 1000.0 + wall.getNano() / 1e6;
        return new com.eclipsesource.json.JsonObject().add("rtp", rtp).add("unixMs", Math.round(unixMs * 1000) / 1000.0);
    }

    /** @return seconds since the peer last sent anything (or since the answer, before it did) */
    double secondsSincePeerPacket() {
        return (System.nanoTime() - lastPeerPacketNanos) / 1e9;
    }

    boolean peerSeen() {
        return peerSeen;
    }

    double ageSeconds() {
        return (System.nanoTime() - createdNanos) / 1e9;
    }

    WebRTCPeerConnectionState state() {
        return webrtc.getConnectionState();
    }

    boolean isClosed() {
        return closed.get();
    }

    /** Removes the branch from the running pipeline and frees it; idempotent. */
    void close(String reason) {
        if (!closed.compareAndSet(false, true)) return;
        synchronized (input) {
            if (teePad != null) {
                teePad.unlink(bin.getStaticPad("sink"));
                input.tee.releaseRequestPad(teePad);
                teePad = null;
            }
            if (audioTeePad != null) {
                audioTeePad.unlink(bin.getStaticPad("asink"));
                input.audioTee.releaseRequestPad(audioTeePad);
                audioTeePad = null;
            }
            bin.setState(State.NULL);
            bin.getState(5_000_000_000L);
            input.pipeline.remove(bin);
        }
        webrtc.disconnect(guard);
        for (Pad pad : probedPads) pad.removeProbe(peerProbe);
        probedPads.clear();
        webrtc.dispose();
        bin.dispose();
        Log.info("viewer " + id + " of stream " + input.name + " removed: " + reason);
    }
}
