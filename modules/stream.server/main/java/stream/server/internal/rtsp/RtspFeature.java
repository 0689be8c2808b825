package stream.server.internal.rtsp;

import java.io.IOException;
import java.io.UncheckedIOException;
import stream.server.internal.feature.Feature;
import stream.server.internal.metrics.Metrics;
import stream.server.internal.feature.StreamFeature;
import stream.server.internal.feature.StreamView;

/**
 * RTSP output of every stream at {@code rtsp://HOST:PORT/NAME} (port 8554 by default,
 * {@code --rtsp-port 0} turns it off) for NVRs and players (Frigate, Home Assistant, VLC, ffmpeg):
 * GStreamer's RTSP server library in a supervised process of its own ({@link RtspService}), fed
 * each stream's RTP copy as it is (the H.264 passes through, one shared media per stream).
 */
public final class RtspFeature implements Feature<StreamFeature> {
    private final RtspService service; // null when off

    /** @param config how to serve */
    public RtspFeature(RtspConfig config) {
        this.service = config.enabled() ? new RtspService(config) : null;
    }

    @Override
    public String name() {
        return "rtsp";
    }

    @Override
    public StreamFeature attach(StreamView stream) {
        if (service == null) return new StreamFeature() {
            @Override
            public void addStatus(com.eclipsesource.json.JsonObject status) {
                status.add("rtsp", StreamRtsp.off());
            }

            @Override
            public void close() {}
        };
        try {
            return new StreamRtsp(stream, service);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open a UDP socket to forward stream " + stream.name() + " to RTSP", e);
        }
    }

    @Override
    public void addServerMetrics(Metrics m) {
        m.gauge("stream_server_rtsp_up", "1 when the RTSP server process runs (it starts with the first stream that runs).",
                service != null && service.up() ? 1 : 0);
    }

    @Override
    public void close() {
        if (service != null) service.close();
    }

    /** The TLS certificate was reloaded (SIGHUP): RTSPS serves the files' new content from the next connection on. */
    public void tlsChanged() {
        if (service != null) service.tlsChanged();
    }

    /** The credentials changed: the RTSP process is told (in order with the streams' requests). */
    public void usersChanged() {
        if (service != null) service.usersChanged();
    }
}
