package stream.server.internal.janus;

import com.eclipsesource.json.JsonArray;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Supplier;
import stream.server.internal.metrics.Metrics;
import stream.server.internal.rtp.SdpWriter.H264Params;

/**
 * One running stream feeding its Janus instances: a {@link MountpointKeeper} per instance, each
 * on its own, and one entry point for the stream's RTP packets ({@link #accept}), meant to be
 * the RTP tap's packet listener. Start it when the stream starts, close it when the stream
 * stops or is deleted: that destroys every mountpoint.
 */
public final class JanusFeed implements AutoCloseable {
    private final String stream;
    private final List<MountpointKeeper> keepers;

    private JanusFeed(String stream, List<MountpointKeeper> keepers) {
        this.stream = stream;
        this.keepers = List.copyOf(keepers);
    }

    /**
     * Starts a keeper per instance.
     * @param stream the stream's name
     * @param endpoints the stream's Janus instances (may be empty)
     * @param params the stream's H.264 parameters as far as known now (e.g. {@code tap::h264Params})
     * @param timing intervals and backoff, usually {@link KeeperTiming#DEFAULT}
     * @return the running feed
     * @throws IOException when a UDP socket cannot be opened (the keepers started are closed again)
     */
    public static JanusFeed start(String stream, List<JanusEndpoint> endpoints, Supplier<Optional<H264Params>> params,
                                  KeeperTiming timing) throws IOException {
        Objects.requireNonNull(stream, "stream");
        List<MountpointKeeper> started = new ArrayList<>();
        try {
            for (JanusEndpoint e : endpoints) started.add(MountpointKeeper.start(stream, e, params, timing));
        } catch (IOException | RuntimeException e) {
            started.forEach(MountpointKeeper::close);
            throw e;
        }
        return new JanusFeed(stream, started);
    }

    /**
     * Sends one RTP packet of the stream to every ready mountpoint. Cheap and non-blocking: meant
     * for the tap's receive thread.
     * @param buf the packet's bytes
     * @param off where it starts
     * @param len its length
     */
    public void accept(byte[] buf, int off, int len) {
        for (MountpointKeeper k : keepers) k.accept(buf, off, len);
    }

    /**
     * Sends one RTP packet of the stream (the buffer's remaining bytes, left unchanged; it may be
     * read-only) to every ready mountpoint: the RTP tap's packet listener.
     * @param packet the packet
     */
    public void accept(ByteBuffer packet) {
        for (MountpointKeeper k : keepers) k.accept(packet);
    }

    /** @return each instance's status, in the order of the settings */
    public List<KeeperStatus> status() {
        return keepers.stream().map(MountpointKeeper::status).toList();
    }

    /** @return the status as the JSON array for GET answers (no secrets) */
    public JsonArray toJson() {
        Instant now = Instant.now();
        JsonArray a = new JsonArray();
        for (KeeperStatus s : status()) a.add(s.toJson(now));
        return a;
    }

    /**
     * Adds this stream's Janus samples to a scrape.
     * @param m the metrics being built
     * @return m
     */
    public Metrics addTo(Metrics m) {
        for (KeeperStatus s : status()) {
            Map<String, String> l = Map.of("stream", stream, "janus", s.janus());
            m.gauge("stream_janus_up", "1 while the stream's mountpoint on this Janus exists and is fed", l, s.up() ? 1 : 0);
            for (KeeperState st : KeeperState.values())
                if (st != KeeperState.STOPPING && st != KeeperState.STOPPED)
                    m.gauge("stream_janus_state", "the keeper's state (1 for the current one)",
                            Map.of("stream", stream, "janus", s.janus(), "state", st.label()), s.state() == st ? 1 : 0);
            m.counter("stream_janus_mountpoint_creates_total", "mountpoints created (more than one: Janus restarted)", l, s.creates());
            m.gauge("stream_janus_failures", "consecutive failed attempts (0 while up)", l, s.failures());
            m.counter("stream_janus_packets_total", "RTP packets sent to this Janus", l, s.packets());
            m.counter("stream_janus_bytes_total", "RTP bytes sent to this Janus", l, s.bytes());
            m.counter("stream_janus_dropped_total", "RTP packets not sent to this Janus (socket buffer full or error)", l, s.dropped());
            if (s.janusAgeMs() >= 0)
                m.gauge("stream_janus_seconds_since_last_packet", "as Janus reported at the last check", l, s.janusAgeMs() / 1000.0);
            if (s.viewers() >= 0) m.gauge("stream_janus_viewers", "viewers Janus reported at the last check", l, s.viewers());
        }
        return m;
    }

    /** Destroys every mountpoint (in parallel: one unreachable Janus does not delay the others) and stops the keepers. */
    @Override
    public void close() {
        List<Thread> closing = new ArrayList<>();
        for (MountpointKeeper k : keepers) closing.add(Thread.ofPlatform().daemon().start(k::close));
        for (Thread t : closing) {
            try {
                t.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }
}
