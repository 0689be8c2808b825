package stream.server.internal.webrtc;

import com.eclipsesource.json.JsonObject;
import java.nio.ByteBuffer;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import stream.server.internal.metrics.Metrics;
import stream.server.internal.rtp.RtpTap;
import stream.server.internal.feature.StreamEvent;
import stream.server.internal.feature.StreamFeature;
import stream.server.internal.feature.StreamView;

/**
 * One stream's WebRTC: its WHEP viewers in the server's gateway ({@link WebRtcService}). The
 * stream's RTP tap forwards every packet to the gateway from the first offer on (before that the
 * tap has no listener and costs nothing more); its viewers count against the stream's
 * {@code max-viewers}, and they end when the stream is deleted.
 */
public final class StreamWebRtc implements StreamFeature {
    private final String name;
    private final StreamView stream;
    private final RtpTap tap;
    private final WebRtcService service;
    private final AtomicInteger offering = new AtomicInteger();
    private final ViewerLatency latency = new ViewerLatency();
    private volatile WebRtcGateway.Input input; // set with the first offer
    private final RtpTap.PacketListener forward = this::forward;
    private final RtpTap.PacketListener forwardAudio = (packet, nanos) -> {
        WebRtcGateway.Input in = this.input;
        if (in != null) in.forwardAudio(packet);
    };

    StreamWebRtc(StreamView stream, WebRtcService service) {
        this.name = stream.name();
        this.stream = stream;
        this.tap = stream.rtp();
        this.service = service;
    }

    /** @return the stream */
    StreamView stream() {
        return stream;
    }

    private void forward(ByteBuffer packet, long receivedNanos) {
        WebRtcGateway.Input in = input;
        if (in != null) in.forward(packet);
    }

    /**
     * Answers a WHEP offer.
     * @param sdp the offer
     * @param maxViewers the stream's limit
     * @param from the client's address (its offers not yet connected are bounded)
     * @return the viewer's id and the answer
     * @throws WhepException with the status to answer (503 past the limit, 429 past the client's offers not yet connected)
     * @throws InterruptedException when interrupted while waiting for the gateway
     */
    WebRtcGateway.Answer offer(String sdp, int maxViewers, java.net.InetAddress from) throws WhepException, InterruptedException {
        WebRtcGateway gateway = service.gateway();
        try {
            if (offering.incrementAndGet() + gateway.viewers(name) > maxViewers)
                throw new WhepException(503, "stream '" + name + "' already has " + gateway.viewers(name)
                        + " viewer(s), its max-viewers", "Try again later, or raise the stream's max-viewers"
                        + " (PUT /streams/" + name + " with \"max-viewers\", or --max-viewers for main).");
            synchronized (this) {
                if (input == null) {
                    input = gateway.input(name);
                    gateway.keyframePort(name, stream.keyframePort());
                    tap.addListener(forward);
                    stream.audioRtp().addListener(forwardAudio); // sends only while the stream has sound
                }
            }
            return gateway.offer(name, sdp, from);
        } finally {
            offering.decrementAndGet();
        }
    }

    /** A new child takes keyframe requests on a new port: the gateway's PLIs go there from now on. */
    @Override
    public void on(StreamEvent event) {
        if (event instanceof StreamEvent.ChildStarted && input != null) {
            WebRtcGateway gateway = service.existing();
            if (gateway != null) gateway.keyframePort(name, stream.keyframePort());
        }
    }

    /**
     * Ends a viewer (WHEP DELETE).
     * @param viewer its id
     * @throws WhepException 404 when no such viewer watches this stream
     * @throws InterruptedException when interrupted while waiting for the gateway
     */
    void delete(String viewer) throws WhepException, InterruptedException {
        WebRtcGateway gateway = service.existing();
        if (gateway == null || !gateway.watches(name, viewer))
            throw new WhepException(404, "no viewer " + viewer + " of stream '" + name + "'",
                    "It ended already (its browser went away, or the WebRTC gateway restarted).");
        gateway.delete(viewer);
    }

    /**
     * Takes a viewer's report of the latency it has now (POST /streams/NAME/whep/ID/latency).
     * @param viewer its id
     * @param ms glass-to-glass, as the browser measured it
     * @throws WhepException 404 when no such viewer watches this stream
     */
    void reportLatency(String viewer, double ms) throws WhepException {
        WebRtcGateway gateway = service.existing();
        if (gateway == null || !gateway.watches(name, viewer))
            throw new WhepException(404, "no viewer " + viewer + " of stream '" + name + "'",
                    "It ended already (its browser went away, or the WebRTC gateway restarted).");
        latency.report(viewer, ms);
    }

    /** @return the browsers watching now */
    int viewers() {
        WebRtcGateway gateway = service.existing();
        return gateway == null ? 0 : gateway.viewers(name);
    }

    /**
     * Adds "viewers", "viewersConnecting" (of those, answered but not connected yet), "webrtc" (the gateway's
     * state and last exit) and "latency" (the spread of the glass-to-glass latency its browser viewers report:
     * {viewers, minMs, medianMs, maxMs}).
     */
    @Override
    public void addStatus(JsonObject status) {
        WebRtcGateway gateway = service.existing();
        status.add("viewers", viewers()).add("viewersConnecting", gateway == null ? 0 : gateway.connecting(name)).add("webrtc", service.status())
                .add("latency", latency.spread(viewer -> gateway != null && gateway.watches(name, viewer)));
    }

    @Override
    public void addMetrics(Metrics m) {
        m.gauge("stream_webrtc_viewers", "Browsers watching the stream over WebRTC (WHEP).", Map.of("stream", name), viewers());
    }

    /** Stops forwarding and ends the stream's viewers (the stream is deleted or the server ends). */
    @Override
    public void close() {
        tap.removeListener(forward);
        stream.audioRtp().removeListener(forwardAudio);
        WebRtcGateway gateway = service.existing();
        if (gateway != null && input != null) gateway.removeStream(name);
    }
}
