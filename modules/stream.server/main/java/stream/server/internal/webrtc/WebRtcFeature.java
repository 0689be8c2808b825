package stream.server.internal.webrtc;

import java.util.List;
import java.util.Set;
import stream.server.internal.feature.Feature;
import stream.server.internal.feature.FeatureRoute;
import stream.server.internal.metrics.Metrics;
import stream.server.internal.feature.StreamView;

/**
 * WebRTC playback of every stream over WHEP: one gateway process for the server
 * ({@link WebRtcService}, started with the first viewer), and per stream its viewers
 * ({@link StreamWebRtc}). Routes: {@code POST /streams/NAME/whep} (an SDP offer; main also at
 * {@code /whep}) and {@code DELETE} of the Location it answers.
 */
public final class WebRtcFeature implements Feature<StreamWebRtc> {
    private final WebRtcService service;

    /** @param service the server's WebRTC gateway */
    public WebRtcFeature(WebRtcService service) {
        this.service = service;
    }

    @Override
    public String name() {
        return "webrtc";
    }

    @Override
    public StreamWebRtc attach(StreamView stream) {
        return new StreamWebRtc(stream, service);
    }

    @Override
    public List<FeatureRoute<StreamWebRtc>> routes() {
        return List.of(new FeatureRoute<>("whep", Set.of(), Set.of("POST", "DELETE"),
                "POST /streams/NAME/whep           WebRTC (WHEP): an SDP offer -> 201 with the answer; DELETE its Location ends it; POST Location/latency reports the viewer's latency",
                true, WhepRoutes::route));
    }

    @Override
    public void addServerMetrics(Metrics m) {
        m.gauge("stream_server_webrtc_gateway_up", "1 when the WebRTC gateway process runs (it starts with the first viewer).",
                service.up() ? 1 : 0);
    }

    @Override
    public void close() {
        service.close(); // its viewers end with it, so no stream waits on the gateway while closing
    }
}
