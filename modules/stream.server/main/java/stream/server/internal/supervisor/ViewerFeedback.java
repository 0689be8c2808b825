package stream.server.internal.supervisor;

import java.io.IOException;
import java.lang.System.Logger.Level;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.DatagramChannel;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.IntSupplier;
import java.util.function.LongSupplier;

/**
 * Where viewers on the network ask a stream's encoder for a keyframe. The child sends its video
 * from one port, {@link #sendPort()} (each destination's udpsink binds it); RTP puts a sender's
 * RTCP on the port after its RTP, so a viewer that joins mid-stream sends its feedback there,
 * to this socket: stream-viewer's decoder asks for a picture it can start from as soon as it
 * gets one it cannot decode (GStreamer builds the PLI; rtpbin sends it to the port after the one
 * the video came from). Without this the viewer waits for the next periodic keyframe, up to a
 * whole keyframe interval.
 *
 * <p>Only compound RTCP packets that carry a keyframe request (a PLI or a FIR) go on, to the
 * child's loopback keyframe port, where its rtpsession makes the encoder send a keyframe at
 * once; at most one every {@link #MIN_INTERVAL_NANOS}: the keyframe a request brings serves every
 * viewer that asked within that time, and a stranger on the network can make the encoder send
 * no more than four keyframes a second. Receiver reports and anything else are dropped.
 */
final class ViewerFeedback implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(ViewerFeedback.class.getName());
    /** The least time between two requests passed on to the child. */
    static final long MIN_INTERVAL_NANOS = 250_000_000L;
    private static final int MAX_PACKET = 1500;

    private final String stream;
    private final IntSupplier keyframePort;
    private final LongSupplier clock;
    private volatile DatagramChannel socket;
    private volatile int sendPort;
    private final AtomicLong passed = new AtomicLong();
    private final AtomicLong dropped = new AtomicLong();
    private long lastPassed;
    private boolean anyPassed;
    private volatile boolean closed;

    private ViewerFeedback(String stream, IntSupplier keyframePort, LongSupplier clock) {
        this.stream = stream;
        this.keyframePort = keyframePort;
        this.clock = clock;
    }

    /**
     * Binds a pair of ports (the send port and the one after it, on every address) and starts
     * listening on the second.
     * @param stream the stream's name, for the log
     * @param keyframePort the current child's loopback keyframe port, 0 when it has none
     * @return the feedback, or null when no pair of ports was free (the viewers then wait for the periodic keyframe)
     */
    static ViewerFeedback open(String stream, IntSupplier keyframePort) {
        return open(stream, keyframePort, System::nanoTime);
    }

    static ViewerFeedback open(String stream, IntSupplier keyframePort, LongSupplier clock) {
        var feedback = new ViewerFeedback(stream, keyframePort, clock);
        if (!feedback.bindPair()) return null;
        Thread.ofVirtual().name("feedback-" + stream).start(feedback::listen);
        return feedback;
    }

    /**
     * @return the port the child's video must leave from, free to bind now: when another program took it since the
     *         last start, a new pair is bound first (viewers learn the port from the packets); 0 when none is free
     */
    synchronized int sendPort() {
        if (closed) return 0;
        if (sendPort > 0 && free(sendPort)) return sendPort;
        DatagramChannel old = socket;
        if (!bindPair()) return 0;
        close(old); // its listener ends; the new socket's starts
        Thread.ofVirtual().name("feedback-" + stream).start(this::listen);
        return sendPort;
    }

    /** @return the port viewers send their feedback to (the send port + 1), or 0 */
    int port() {
        int p = sendPort;
        return p == 0 ? 0 : p + 1;
    }

    /** @return keyframe requests passed on to the child */
    long passed() {
        return passed.get();
    }

    /** @return packets not passed on: not a keyframe request, not RTCP, or within {@link #MIN_INTERVAL_NANOS} of the last */
    long dropped() {
        return dropped.get();
    }

    // An odd port on every address whose even neighbour below is free too (RTP on even ports, RTCP on the next one).
    private boolean bindPair() {
        for (int attempt = 0; attempt < 50; attempt++) {
            DatagramChannel c = null;
            try {
                c = DatagramChannel.open();
                c.bind(new InetSocketAddress(0));
                int port = ((InetSocketAddress) c.getLocalAddress()).getPort();
                if (port % 2 == 1 && port > 1024 && free(port - 1)) {
                    socket = c;
                    sendPort = port - 1;
                    return true;
                }
            } catch (IOException e) {
                LOG.log(Level.DEBUG, "stream {0}: no feedback port: {1}", stream, e.getMessage());
            }
            close(c);
        }
        LOG.log(Level.WARNING, "stream {0}: no free pair of UDP ports for viewers'' keyframe requests: viewers wait for the periodic keyframe", stream);
        return false;
    }

    private static boolean free(int port) {
        try (var s = new DatagramSocket(port)) { // the wildcard address, as udpsink's bind-port
            return s.getLocalPort() == port;
        } catch (IOException e) {
            return false;
        }
    }

    private void listen() {
        DatagramChannel c = socket;
        ByteBuffer in = ByteBuffer.allocate(MAX_PACKET + 1);
        try {
            while (!closed && c == socket) {
                in.clear();
                SocketAddress from = c.receive(in);
                if (from == null) continue;
                in.flip();
                if (in.remaining() > MAX_PACKET || !carriesKeyframeRequest(in) || !due()) {
                    dropped.incrementAndGet();
                    continue;
                }
                int target = keyframePort.getAsInt();
                if (target <= 0) {
                    dropped.incrementAndGet();
                    continue;
                }
                in.rewind();
                c.send(in, new InetSocketAddress(InetAddress.getLoopbackAddress(), target));
                passed.incrementAndGet();
            }
        } catch (ClosedChannelException e) {
            // closed: a new pair, or the stream is gone
        } catch (IOException e) {
            if (!closed && c == socket) LOG.log(Level.WARNING, "stream {0}: viewers'' keyframe requests: {1}", stream, e.getMessage());
        }
    }

    private synchronized boolean due() {
        long now = clock.getAsLong();
        if (anyPassed && now - lastPassed < MIN_INTERVAL_NANOS) return false;
        anyPassed = true;
        lastPassed = now;
        return true;
    }

    /**
     * Walks the packets of a compound RTCP datagram (RFC 3550 section 6.1: each a 4-byte header whose
     * last two bytes give its length in 32-bit words minus one) for a payload-specific feedback packet
     * (type 206) of format 1 (PLI) or 4 (FIR), RFC 4585 and 5104.
     * @param p the datagram, from its position to its limit (left as it was)
     * @return whether it is RTCP and asks for a keyframe
     */
    static boolean carriesKeyframeRequest(ByteBuffer p) {
        int at = p.position();
        int end = p.limit();
        while (at + 4 <= end) {
            int first = p.get(at) & 0xFF;
            int type = p.get(at + 1) & 0xFF;
            if ((first >> 6) != 2 || type < 192 || type > 223) return false; // not RTCP version 2
            int length = 4 * ((p.getShort(at + 2) & 0xFFFF) + 1);
            if (at + length > end) return false;
            int format = first & 0x1F;
            if (type == 206 && (format == 1 || format == 4)) return true;
            at += length;
        }
        return false;
    }

    @Override
    public synchronized void close() {
        closed = true;
        close(socket);
    }

    private static void close(DatagramChannel c) {
        if (c == null) return;
        try {
            c.close();
        } catch (IOException e) {
            // nothing left to do
        }
    }
}
