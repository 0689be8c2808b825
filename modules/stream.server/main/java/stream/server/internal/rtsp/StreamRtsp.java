package stream.server.internal.rtsp;

import stream.server.internal.rtp.VideoCodec;
import stream.server.internal.metrics.Metrics;
import com.eclipsesource.json.Json;
import com.eclipsesource.json.JsonObject;
import com.eclipsesource.json.JsonValue;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.util.Map;
import stream.server.internal.rtp.RtpTap;
import stream.server.internal.settings.StreamSettings;
import stream.server.internal.feature.StreamEvent;
import stream.server.internal.feature.StreamFeature;
import stream.server.internal.feature.StreamView;

/**
 * One stream's RTSP mount: while its child runs, every RTP packet of the stream's loopback copy is
 * forwarded to the RTSP server's port for it (one send per packet, never a wait), where one shared
 * media serves every client without decoding. When the child ends the clients see the end; when a
 * new child starts the stream is served again at the same URL.
 */
public final class StreamRtsp implements StreamFeature {
    private final StreamView stream;
    private final RtspService service;
    private final DatagramChannel out;
    private final RtpTap.PacketListener forward = (packet, nanos) -> forward(packet, this.target);
    private final RtpTap.PacketListener forwardAudio = (packet, nanos) -> forward(packet, this.audioTarget);
    private volatile InetSocketAddress target;
    private volatile InetSocketAddress audioTarget; // with sound: where the Opus RTP goes
    private volatile boolean audio;
    // What the mount was made with (rtsp-control thread only): a mount is made with its group and its sound.
    private String group;
    private boolean mountAudio;
    private VideoCodec mountCodec = VideoCodec.H264;
    private volatile VideoCodec codec = VideoCodec.H264;
    private volatile boolean live;
    // An IP camera's codec is known from its first packet (H.264 or H.265): its mount is made then.
    private final java.util.concurrent.atomic.AtomicReference<Runnable> mountOnFirstPacket = new java.util.concurrent.atomic.AtomicReference<>();
    private final RtpTap.PacketListener firstPacket = (packet, nanos) -> {
        Runnable mount = mountOnFirstPacket.getAndSet(null);
        if (mount == null) return;
        codec = VideoCodec.of(packet.get(packet.position() + 1) & 0x7F);
        mount.run();
    };

    StreamRtsp(StreamView stream, RtspService service) throws IOException {
        this.stream = stream;
        this.service = service;
        this.out = DatagramChannel.open();
        out.configureBlocking(false);
    }

    /** @return the stream's name */
    String name() {
        return stream.name();
    }

    /** @return the multicast group clients may ask for, or null (rtsp-control thread only) */
    String group() {
        return group;
    }

    /** @return whether its child runs */
    boolean isLive() {
        return live;
    }

    /** @return whether the running child has sound */
    boolean hasAudio() {
        return audio;
    }

    /** @return the video codec of the running child (an IP camera's may be H.265) */
    VideoCodec codec() {
        return codec;
    }

    private void forward(ByteBuffer packet, InetSocketAddress to) {
        if (to == null) return;
        try {
            out.send(packet.duplicate(), to);
        } catch (IOException e) {
            // the RTSP server just died: the service reports it and starts another
        }
    }

    @Override
    public void on(StreamEvent event) {
        switch (event) {
            case StreamEvent.ChildStarted started -> {
                live = true;
                audio = started.settings().hasAudio();
                stream.rtp().addListener(forward);
                if (audio) stream.audioRtp().addListener(forwardAudio);
                // The first start of the RTSP server takes a moment: never on the stream's event thread.
                String wanted = started.settings().get(StreamSettings.RTSP_MULTICAST);
                boolean withSound = audio;
                Runnable mount = () -> service.later(() -> {
                    var withCodec = codec;
                    if (!java.util.Objects.equals(wanted, group) || withSound != mountAudio || withCodec != mountCodec) service.removed(name());
                    group = wanted;
                    mountAudio = withSound;
                    mountCodec = withCodec;
                    served(live ? service.live(this) : null);
                });
                if (started.settings().camera()) {
                    mountOnFirstPacket.set(mount);
                    stream.rtp().addListener(firstPacket);
                } else {
                    codec = VideoCodec.H264;
                    mount.run();
                }
            }
            case StreamEvent.ChildEnded ended -> {
                live = false;
                // Not served until the next start's mount answers: a start right after this stop would otherwise
                // report "served" (the old mount's port) while the RTSP process is still ending that mount.
                target = null;
                audioTarget = null;
                stream.rtp().removeListener(forward);
                stream.rtp().removeListener(firstPacket);
                mountOnFirstPacket.set(null);
                stream.audioRtp().removeListener(forwardAudio);
                service.later(() -> service.ended(name()));
            }
            case StreamEvent.SettingsChanged changed -> { }
        }
    }

    /** @param ports where the RTSP server reads this stream's RTP ("rtpPort", "audioPort"), or null when it is not running */
    void served(JsonObject ports) {
        int port = ports == null ? -1 : ports.getInt("rtpPort", -1);
        int audioPort = ports == null ? -1 : ports.getInt("audioPort", -1);
        audioTarget = audioPort > 0 ? new InetSocketAddress(InetAddress.getLoopbackAddress(), audioPort) : null;
        target = port > 0 ? new InetSocketAddress(InetAddress.getLoopbackAddress(), port) : null;
    }

    /** The RTSP server died: nothing to forward to until a new one serves the stream. */
    void serverGone() {
        target = null;
        audioTarget = null;
    }

    /** Adds "rtsp": url, clients, and the RTSP server's state. */
    @Override
    public void addStatus(JsonObject status) {
        RtspConfig c = service.config();
        String host = c.address().equals("0.0.0.0") || c.address().equals("::") ? "HOST" : c.address().contains(":") ? "[" + c.address() + "]" : c.address();
        JsonObject stats = service.streamStats(name());
        status.add("rtsp", new JsonObject()
                .add("url", (c.tls() ? "rtsps://" : "rtsp://") + host + ":" + c.port() + "/" + name())
                .add("path", "/" + name())
                .add("served", live && target != null)
                .add("clients", stats.getInt("clients", 0))
                .add("multicast", stream.settings().get(StreamSettings.RTSP_MULTICAST) == null ? Json.NULL
                        : Json.value(stream.settings().get(StreamSettings.RTSP_MULTICAST)))
                .add("server", service.status()));
    }

    @Override
    public void addMetrics(Metrics m) {
        JsonObject stats = service.streamStats(name());
        Map<String, String> label = Map.of("stream", name());
        m.gauge("stream_rtsp_clients", "RTSP clients playing the stream now.", label, stats.getInt("clients", 0));
        JsonValue bytes = stats.get("payloadBytes");
        m.counter("stream_rtsp_payload_bytes_total", "RTP bytes the stream's shared RTSP media made while it had clients"
                + " (each client is sent a copy); since the RTSP server started.", label, bytes != null && bytes.isNumber() ? bytes.asLong() : 0);
    }

    @Override
    public void close() {
        stream.rtp().removeListener(forward);
        stream.audioRtp().removeListener(forwardAudio);
        live = false;
        service.later(() -> service.deleted(name()));
        try {
            out.close();
        } catch (IOException e) {
            // nothing to do
        }
    }

    /** @return a status member for a server that serves no RTSP */
    static JsonObject off() {
        return new JsonObject().add("url", Json.NULL).add("enabled", false);
    }
}
