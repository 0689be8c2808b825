package stream.server.internal.stream;

import stream.server.internal.settings.StreamName;
import stream.server.internal.feature.Features;
import stream.server.internal.metrics.Metrics;
import stream.server.internal.rtp.RtpTap;
import stream.server.internal.rtp.SdpWriter;
import stream.server.internal.supervisor.StreamPlan;
import stream.server.internal.supervisor.Supervisor;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import stream.server.internal.settings.SettingsGrammar.Endpoint;

/** What GET /metrics and a stream's stream.sdp show, from the supervisors' state. */
public final class StreamMetrics {
    private StreamMetrics() {}

    /**
     * @param streams every stream
     * @param features the server's features (their server-wide series)
     * @param requests the HTTP responses counted so far
     * @return the Prometheus text: every stream series labelled {@code stream="NAME"}
     */
    public static String of(List<Stream> streams, Features features, Metrics.RequestCounter requests) {
        Metrics m = new Metrics();
        Instant serverStart = streams.get(0).supervisor().createdAt();
        for (Stream s : streams) {
            if (s.name().equals(StreamName.MAIN)) serverStart = s.supervisor().createdAt();
            add(m, s.name(), s.supervisor());
            s.addMetrics(m);
        }
        features.addServerMetrics(m);
        m.gauge("stream_server_uptime_seconds", "Seconds since the server started.",
                Duration.between(serverStart, Instant.now()).toMillis() / 1000.0);
        requests.addTo(m, "stream_http_requests_total");
        return m.text();
    }

    /** One stream's series; {@link Metrics} keeps each family's samples together whatever the order. */
    private static void add(Metrics m, String name, Supervisor sup) {
        Supervisor.State state = sup.state();
        double uptime = sup.uptimeSeconds();
        RtpTap tap = sup.tap();
        RtpTap.Stats st = tap == null ? null : tap.snapshot();
        boolean child = uptime >= 0;
        Map<String, String> label = Map.of("stream", name);
        m.gauge("stream_up", "1 when a gst-launch-1.0 child is running and sending, else 0.", label,
                state == Supervisor.State.RUNNING ? 1 : 0);
        for (Supervisor.State s : Supervisor.State.values())
            m.gauge("stream_status", "The stream's status: 1 for the one in force, 0 for the others.",
                    Map.of("stream", name, "status", s.json()), s == state ? 1 : 0);
        m.gauge("stream_uptime_seconds", "Seconds the current child has run; 0 when there is none.", label, child ? uptime : 0)
                .counter("stream_restarts_total", "Restarts made by the restart policy (on-failure) since the server started.",
                        label, sup.restarts())
                .counter("stream_packets_total", "RTP packets the current child sent (seen on the server's loopback copy).",
                        label, child && st != null ? st.packets() : 0)
                .counter("stream_bytes_total", "Bytes of those RTP packets.", label, child && st != null ? st.bytes() : 0)
                .counter("stream_frames_total", "Frames sent (RTP packets with the marker bit).", label,
                        child && st != null ? st.frames() : 0)
                .gauge("stream_fps", "Frames per second over the last " + RtpTap.WINDOW_NANOS / 1_000_000_000L + " seconds.",
                        label, child && st != null ? st.fps() : 0)
                .gauge("stream_bitrate_bits_per_second", "RTP bits per second over the last "
                        + RtpTap.WINDOW_NANOS / 1_000_000_000L + " seconds.", label, child && st != null ? st.bitrate() : 0)
                .gauge("stream_seconds_since_last_packet", "Seconds since the last RTP packet of the current child; "
                        + "NaN when there is none.", label, child && st != null && st.anyPacket() ? st.secondsSinceLastPacket() : Double.NaN);
    }

    /**
     * @param sup the supervisor
     * @param index which destination (0 for the first)
     * @param local the server's address the client reached, for the o= line
     * @return the SDP of the running stream, or empty when none runs or there is no such destination
     */
    public static Optional<String> sdp(Supervisor sup, int index, InetAddress local) {
        Instant started = sup.childStartedAt();
        if (started == null) return Optional.empty();
        StreamPlan plan = sup.plan();
        List<Endpoint> targets = plan.settings().targets();
        if (index >= targets.size()) return Optional.empty();
        String origin = local.getHostAddress();
        if (local instanceof Inet6Address && origin.indexOf('%') >= 0) origin = origin.substring(0, origin.indexOf('%'));
        if (local.isAnyLocalAddress()) origin = local instanceof Inet6Address ? "::1" : "127.0.0.1";
        return Optional.of(SdpWriter.write(new SdpWriter.Description(targets.get(index), plan.settings().ttl(), origin,
                started.getEpochSecond(), plan.settings().framerate(), sup.h264Params().orElse(null), plan.settings().hasAudio(),
                sup.tap() == null ? stream.server.internal.rtp.VideoCodec.H264
                        : sup.tap().videoCodec().orElse(stream.server.internal.rtp.VideoCodec.H264))));
    }
}
