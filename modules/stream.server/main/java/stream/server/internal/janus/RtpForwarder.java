package stream.server.internal.janus;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.LongAdder;

/**
 * Sends a copy of each RTP packet of a stream to one UDP destination that may change or vanish
 * at any time (a Janus mountpoint's port, which a restarted Janus picks anew). The stream's
 * packets come from the server's loopback RTP tap, so a Janus that comes and goes never
 * restarts the encoder. Non-blocking: a full socket buffer drops the packet and counts it
 * rather than stall the tap's thread.
 */
public final class RtpForwarder implements AutoCloseable {
    private final DatagramChannel channel;
    private final AtomicReference<InetSocketAddress> target = new AtomicReference<>();
    private final LongAdder packets = new LongAdder();
    private final LongAdder bytes = new LongAdder();
    private final LongAdder dropped = new LongAdder();
    private volatile String lastError;

    /**
     * Opens an unbound, unconnected UDP socket (so an ICMP port-unreachable from a Janus that is
     * gone never turns into an exception on the next send).
     * @throws IOException when no socket can be opened
     */
    public RtpForwarder() throws IOException {
        DatagramChannel c = DatagramChannel.open(); // dual-stack where the host has IPv6
        try {
            c.configureBlocking(false);
            c.setOption(java.net.StandardSocketOptions.SO_SNDBUF, 1 << 20);
        } catch (IOException | RuntimeException e) {
            c.close();
            throw e;
        }
        this.channel = c;
    }

    /**
     * Where the packets go from now on.
     * @param destination the address, or null to send nothing
     */
    public void target(InetSocketAddress destination) {
        target.set(destination);
    }

    /** @return the current destination, or null */
    public InetSocketAddress target() {
        return target.get();
    }

    /**
     * Sends one packet to the current destination, if any. Called from the tap's thread.
     * @param buf the packet's bytes
     * @param off where it starts
     * @param len its length
     */
    public void accept(byte[] buf, int off, int len) {
        InetSocketAddress to = target.get();
        if (to == null) return;
        try {
            if (channel.send(ByteBuffer.wrap(buf, off, len), to) == 0) {
                dropped.increment();
            } else {
                packets.increment();
                bytes.add(len);
            }
        } catch (IOException e) {
            dropped.increment();
            lastError = e.getMessage();
        }
    }

    /**
     * Sends one packet (the remaining bytes of the buffer, which is left unchanged) to the current
     * destination, if any. Called from the tap's thread; the buffer may be read-only.
     * @param packet the packet
     */
    public void accept(ByteBuffer packet) {
        InetSocketAddress to = target.get();
        if (to == null) return;
        ByteBuffer b = packet.duplicate();
        int len = b.remaining();
        try {
            if (channel.send(b, to) == 0) {
                dropped.increment();
            } else {
                packets.increment();
                bytes.add(len);
            }
        } catch (IOException e) {
            dropped.increment();
            lastError = e.getMessage();
        }
    }

    /** @return packets sent */
    public long packets() {
        return packets.sum();
    }

    /** @return bytes sent */
    public long bytes() {
        return bytes.sum();
    }

    /** @return packets not sent: socket buffer full or a send error */
    public long dropped() {
        return dropped.sum();
    }

    /** @return the last send error, or null */
    public String lastError() {
        return lastError;
    }

    @Override
    public void close() {
        target.set(null);
        try {
            channel.close();
        } catch (IOException e) {
            // nothing was held but the socket
        }
    }
}
