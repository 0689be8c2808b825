package stream.server.internal.rtp;

import com.eclipsesource.json.Json;
import com.eclipsesource.json.JsonObject;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.DatagramChannel;
import java.util.ArrayDeque;
import java.util.Base64;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.LongSupplier;

/**
 * Receives one more copy of the stream's RTP output on a loopback port and counts what actually
 * leaves the pipeline: packets, bytes, frames (RTP marker bits), and over a sliding window of the
 * last few seconds the frame rate and bitrate; the time since the last packet tells a stall. It
 * also keeps the last H.264 SPS and PPS seen (NAL types 7 and 8, single or in STAP-A) for the SDP.
 *
 * <p>One daemon thread reads the channel; readers take {@link #snapshot()} from any thread.
 * Packets that are not RTP version 2 are dropped, and anything from another address than
 * loopback is not accepted since the channel is bound to 127.0.0.1.
 */
public final class RtpTap implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger("stream.server");
    /** The sliding window over which fps and bitrate are computed. */
    public static final long WINDOW_NANOS = 3_000_000_000L;

    private final DatagramChannel channel;
    private final LongSupplier clock;
    private final Thread reader;
    private final CopyOnWriteArrayList<PacketListener> listeners = new CopyOnWriteArrayList<>();

    /** Gets every RTP packet the tap receives, on the tap's reader thread. */
    @FunctionalInterface
    public interface PacketListener {
        /**
         * Called for each RTP version 2 packet, in the order received; must return quickly.
         * @param packet the datagram, read-only; valid only during the call (copy what you keep)
         * @param receivedNanos when it arrived, on the tap's clock ({@link System#nanoTime()} for {@link #open()})
         */
        void onPacket(ByteBuffer packet, long receivedNanos);
    }

    // guarded by this
    private final ArrayDeque<long[]> window = new ArrayDeque<>(); // {nanos, bytes, marker}
    private long packets, bytes, frames, keyframes, lastPacketNanos, since;
    private boolean anyPacket;
    private byte[] sps, pps;
    private VideoCodec codec; // of the last packet, by its payload type; null before the first

    /**
     * Binds 127.0.0.1 on a free port and starts reading.
     * @return the tap
     * @throws IOException when no port can be bound
     */
    public static RtpTap open() throws IOException {
        return new RtpTap(System::nanoTime);
    }

    public RtpTap(LongSupplier clock) throws IOException {
        this.clock = clock;
        this.channel = DatagramChannel.open();
        try {
            channel.setOption(java.net.StandardSocketOptions.SO_RCVBUF, 1 << 20);
            channel.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        } catch (IOException | RuntimeException e) {
            channel.close();
            throw e;
        }
        this.since = clock.getAsLong();
        this.reader = Thread.ofPlatform().daemon().name("rtp-tap-" + port()).unstarted(this::run);
        reader.start();
    }

    /** @return the loopback port the copy of the stream must be sent to */
    public int port() {
        try {
            return ((InetSocketAddress) channel.getLocalAddress()).getPort();
        } catch (IOException e) {
            throw new IllegalStateException("tap channel closed", e);
        }
    }

    /** @return "127.0.0.1:PORT", a destination for the pipeline */
    public String destination() {
        return InetAddress.getLoopbackAddress().getHostAddress() + ":" + port();
    }

    private void run() {
        ByteBuffer buf = ByteBuffer.allocate(65536);
        while (channel.isOpen()) {
            try {
                buf.clear();
                if (channel.receive(buf) == null) continue;
                buf.flip();
                long now = clock.getAsLong();
                accept(buf, now);
                if (!listeners.isEmpty()) tell(buf.asReadOnlyBuffer(), now);
            } catch (ClosedChannelException e) {
                return;
            } catch (IOException e) {
                LOG.log(Level.WARNING, "RTP tap: {0}", e.getMessage());
            }
        }
    }

    /** Counts one datagram received at {@code now}. */
    public synchronized void accept(ByteBuffer p, long now) {
        int len = p.remaining();
        if (len < 12 || (p.get(0) & 0xC0) != 0x80) return; // not RTP v2
        boolean marker = (p.get(1) & 0x80) != 0;
        packets++;
        bytes += len;
        if (marker) frames++;
        lastPacketNanos = now;
        anyPacket = true;
        window.addLast(new long[] {now, len, marker ? 1 : 0});
        trim(now);
        codec = VideoCodec.of(p.get(1) & 0x7F);
        if (codec == VideoCodec.H264) parameterSets(p); // H.265 carries its parameter sets in band only
    }

    private void tell(ByteBuffer packet, long now) {
        if (packet.remaining() < 12 || (packet.get(0) & 0xC0) != 0x80) return; // not RTP v2
        for (PacketListener l : listeners) {
            try {
                l.onPacket(packet.duplicate(), now);
            } catch (RuntimeException e) { // one bad listener must not end the statistics
                LOG.log(Level.WARNING, "RTP tap listener failed: {0}", e.toString());
            }
        }
    }

    /**
     * Adds a listener that gets every packet from now on.
     * @param listener the listener
     */
    public void addListener(PacketListener listener) {
        listeners.add(java.util.Objects.requireNonNull(listener, "listener"));
    }

    /**
     * Removes a listener; it gets no packet after this returns, except one being delivered.
     * @param listener the listener
     */
    public void removeListener(PacketListener listener) {
        listeners.remove(listener);
    }

    private void trim(long now) {
        while (!window.isEmpty() && now - window.peekFirst()[0] > WINDOW_NANOS) window.removeFirst();
    }

    private void parameterSets(ByteBuffer p) {
        int cc = p.get(0) & 0x0F;
        int off = 12 + 4 * cc;
        if ((p.get(0) & 0x10) != 0) { // header extension
            if (p.limit() < off + 4) return;
            off += 4 + 4 * (p.getShort(off + 2) & 0xFFFF);
        }
        int end = p.limit();
        if ((p.get(0) & 0x20) != 0) end -= p.get(end - 1) & 0xFF; // padding
        if (off >= end) return;
        int type = p.get(off) & 0x1F;
        if (type == 7 || type == 8) {
            keep(type, p, off, end - off);
        } else if (type == 5) {
            if (off + 1 < end) countKeyframe(p.get(off + 1));
        } else if (type == 28) { // FU-A: its FU header (S bit 0x80, E bit 0x40) says where a fragmented NAL starts and its type
            if (off + 2 < end && (p.get(off + 1) & 0x80) != 0 && (p.get(off + 1) & 0x1F) == 5) countKeyframe(p.get(off + 2));
        } else if (type == 24) { // STAP-A: 16-bit size, NAL, ...
            int i = off + 1;
            while (i + 2 < end) {
                int size = p.getShort(i) & 0xFFFF;
                i += 2;
                if (size == 0 || i + size > end) return;
                int t = p.get(i) & 0x1F;
                if (t == 7 || t == 8) keep(t, p, i, size);
                else if (t == 5 && size > 1) countKeyframe(p.get(i + 1));
                i += size;
            }
        }
    }

    // An IDR slice whose first_mb_in_slice is 0 (ue(v) 0 is the single bit 1) begins a keyframe; an encoder may cut
    // one frame into several slices.
    private void countKeyframe(byte sliceHeader) {
        if ((sliceHeader & 0x80) != 0) keyframes++;
    }

    private void keep(int type, ByteBuffer p, int off, int len) {
        byte[] nal = new byte[len];
        p.get(off, nal);
        if (type == 7) sps = nal;
        else pps = nal;
    }

    /** Forgets the counts and the time since the last packet: call when a new child starts. */
    public synchronized void reset() {
        window.clear();
        packets = bytes = frames = keyframes = 0;
        anyPacket = false;
        since = clock.getAsLong();
        sps = pps = null;
        codec = null;
    }

    /** @return the video codec of the packets coming in (by their payload type), empty before the first since the reset */
    public synchronized Optional<VideoCodec> videoCodec() {
        return Optional.ofNullable(codec);
    }

    /**
     * What the tap has seen.
     * @param packets RTP packets since the last reset
     * @param bytes bytes of those packets (RTP header and payload)
     * @param frames packets with the marker bit: the last packet of each frame
     * @param keyframes H.264 keyframes (IDR) since the last reset: the periodic ones and those viewers asked for
     * @param fps frames per second over the window
     * @param bitrate bits per second over the window
     * @param secondsSinceLastPacket seconds since the last packet, or since the reset when none came
     * @param anyPacket whether any packet came since the reset
     */
    public record Stats(long packets, long bytes, long frames, long keyframes, double fps, double bitrate, double secondsSinceLastPacket,
                        boolean anyPacket) {
        /** @return the stats as the JSON object reported in GET /control */
        public JsonObject toJson() {
            return new JsonObject().add("packets", packets).add("bytes", bytes).add("frames", frames).add("keyframes", keyframes)
                    .add("fps", round(fps, 2)).add("bitrate", Math.round(bitrate))
                    .add("secondsSinceLastPacket", anyPacket ? Json.value(round(secondsSinceLastPacket, 2)) : Json.NULL)
                    .add("windowSeconds", WINDOW_NANOS / 1e9);
        }

        private static double round(double v, int digits) {
            double f = Math.pow(10, digits);
            return Math.round(v * f) / f;
        }
    }

    /** @return the counts now; fps and bitrate are zero until two frames arrived in the window */
    public synchronized Stats snapshot() {
        long now = clock.getAsLong();
        trim(now);
        double fps = 0, bitrate = 0;
        long firstMarker = -1, lastMarker = -1, markers = 0, windowBytes = 0;
        for (long[] e : window) {
            if (e[2] == 1) {
                if (firstMarker < 0) firstMarker = e[0];
                lastMarker = e[0];
                markers++;
            }
            // bytes of the frames after the first marker: the same span the frame count covers
            if (firstMarker >= 0 && e[0] > firstMarker) windowBytes += e[1];
        }
        if (markers >= 2 && lastMarker > firstMarker) {
            double span = (lastMarker - firstMarker) / 1e9;
            fps = (markers - 1) / span;
            bitrate = windowBytes * 8 / span;
        }
        double quiet = (now - (anyPacket ? lastPacketNanos : since)) / 1e9;
        return new Stats(packets, bytes, frames, keyframes, fps, bitrate, quiet, anyPacket);
    }

    /**
     * Whether a live child counts as stalled: no packet for the timeout, counted from the last
     * packet or, before the first, from the reset (so a child that never sends is stalled too).
     * @param timeoutSeconds the stall timeout
     * @return true when stalled
     */
    public boolean stalled(double timeoutSeconds) {
        return snapshot().secondsSinceLastPacket() >= timeoutSeconds;
    }

    /** @return the last SPS and PPS seen, when both were */
    public synchronized Optional<SdpWriter.H264Params> h264Params() {
        if (sps == null || pps == null) return Optional.empty();
        Base64.Encoder b64 = Base64.getEncoder();
        String profileLevelId = sps.length >= 4 ? String.format("%02x%02x%02x", sps[1], sps[2], sps[3]) : null;
        return Optional.of(new SdpWriter.H264Params(b64.encodeToString(sps) + "," + b64.encodeToString(pps), profileLevelId));
    }

    @Override
    public void close() {
        try {
            channel.close();
        } catch (IOException e) {
            LOG.log(Level.DEBUG, "closing RTP tap: {0}", e.getMessage());
        }
        try {
            reader.join(2000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
