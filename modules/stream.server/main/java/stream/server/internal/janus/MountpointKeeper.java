package stream.server.internal.janus;

import java.io.IOException;
import java.lang.System.Logger.Level;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;
import stream.server.internal.rtp.SdpWriter.H264Params;
import stream.server.internal.janus.JanusClient.Handle;
import stream.server.internal.janus.JanusClient.MountpointInfo;

/**
 * Keeps one stream's mountpoint alive on one Janus instance while the stream runs, and points
 * the stream's {@link RtpForwarder} at it. One daemon thread per keeper: it creates the
 * mountpoint, then checks it with an {@code info} request every {@link KeeperTiming#check()}
 * (which also keeps the Janus session alive). A Janus that restarted (session or mountpoint
 * gone) gets the mountpoint again at the next check, with nobody acting; one that does not
 * answer is reported {@link KeeperState#UNREACHABLE} with the error and tried again with
 * backoff. Other keepers and the stream itself never wait on this one. {@link #close()}
 * destroys the mountpoint.
 */
public final class MountpointKeeper implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger("stream.server");

    private final String stream;
    private final JanusEndpoint endpoint;
    private final Supplier<Optional<H264Params>> params;
    private final KeeperTiming timing;
    private final JanusClient client;
    private final RtpForwarder forwarder;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition wake = lock.newCondition();
    private final long startNanos = System.nanoTime();
    private final Thread thread;
    private volatile boolean stopRequested;

    // the keeper thread's own
    private Handle handle;
    private volatile MountpointSpec spec; // read by status()
    private boolean createdByUs;

    // guarded by this: what status() reports
    private KeeperState state = KeeperState.CONNECTING;
    private Instant since = Instant.now();
    private String lastError;
    private Instant lastErrorAt;
    private long ageMs = -1;
    private int viewers = -1;
    private long creates;
    private int failures;

    private MountpointKeeper(String stream, JanusEndpoint endpoint, Supplier<Optional<H264Params>> params, KeeperTiming timing)
            throws IOException {
        this.stream = Objects.requireNonNull(stream, "stream");
        this.endpoint = Objects.requireNonNull(endpoint, "endpoint");
        this.params = Objects.requireNonNull(params, "params");
        this.timing = Objects.requireNonNull(timing, "timing");
        this.forwarder = new RtpForwarder();
        this.client = new JanusClient(endpoint, timing.request());
        this.thread = Thread.ofPlatform().daemon().name("janus-keeper-" + stream + "-" + endpoint.url().getHost()).unstarted(this::run);
    }

    /**
     * Starts keeping a stream's mountpoint on one instance.
     * @param stream the stream's name (the mountpoint's name; its id unless the endpoint sets one)
     * @param endpoint the Janus instance
     * @param params the stream's H.264 parameters as far as known now (e.g. the RTP tap's SPS/PPS)
     * @param timing intervals and backoff
     * @return the running keeper
     * @throws IOException when no UDP socket can be opened
     */
    public static MountpointKeeper start(String stream, JanusEndpoint endpoint, Supplier<Optional<H264Params>> params,
                                         KeeperTiming timing) throws IOException {
        MountpointKeeper k = new MountpointKeeper(stream, endpoint, params, timing);
        k.thread.start();
        return k;
    }

    /** @return the instance kept */
    public JanusEndpoint endpoint() {
        return endpoint;
    }

    /**
     * Forwards one RTP packet of the stream to the mountpoint, when it is ready. Called from the tap's thread.
     * @param buf the packet's bytes
     * @param off where it starts
     * @param len its length
     */
    public void accept(byte[] buf, int off, int len) {
        forwarder.accept(buf, off, len);
    }

    /**
     * Forwards one RTP packet of the stream (the buffer's remaining bytes, left unchanged) when the
     * mountpoint is ready. Called from the tap's thread.
     * @param packet the packet
     */
    public void accept(ByteBuffer packet) {
        forwarder.accept(packet);
    }

    /** @return what this keeper reports now */
    public synchronized KeeperStatus status() {
        InetSocketAddress t = forwarder.target();
        String target = t == null ? null : (t.getAddress() != null ? t.getAddress().getHostAddress() : t.getHostString()) + ":" + t.getPort();
        long id = spec != null ? spec.id() : endpoint.mountpointId() != 0 ? endpoint.mountpointId() : MountpointSpec.idFor(stream);
        return new KeeperStatus(endpoint.label(), state, since, lastError, lastErrorAt, id, target, ageMs, viewers, creates,
                failures, forwarder.packets(), forwarder.bytes(), forwarder.dropped());
    }

    private void run() {
        Duration backoff = timing.minBackoff();
        while (!stopRequested) {
            Duration wait;
            try {
                wait = step();
                backoff = timing.minBackoff();
            } catch (JanusException e) {
                int n = failed(e);
                // Janus forgot a session or mountpoint: recreate at once; a second time in a row, back off
                boolean quick = n <= 2 && (e.kind() == JanusException.Kind.SESSION_GONE
                        || e.kind() == JanusException.Kind.HANDLE_GONE || e.kind() == JanusException.Kind.NO_SUCH_MOUNTPOINT);
                wait = quick ? Duration.ZERO : backoff;
                if (!quick) backoff = min(backoff.multipliedBy(2), timing.maxBackoff());
            } catch (RuntimeException e) { // an answer shaped unlike Janus's: keep going, report it
                failed(new JanusException(JanusException.Kind.REFUSED, 0, "an answer not shaped as Janus answers"
                        + (e.getMessage() == null ? "" : " (" + e.getMessage() + ")")));
                wait = backoff;
                backoff = min(backoff.multipliedBy(2), timing.maxBackoff());
            }
            sleep(wait);
        }
        shutdown();
    }

    /** One round: make sure the session and the mountpoint exist and the packets go there. */
    private Duration step() throws JanusException {
        if (handle == null) handle = client.open();
        if (spec == null) {
            Optional<H264Params> p = params.get();
            if (p.isEmpty() && System.nanoTime() - startNanos < timing.paramsWait().toNanos()) {
                return Duration.ofMillis(100); // the stream's SPS/PPS come with its first keyframe
            }
            spec = MountpointSpec.of(stream, endpoint, p);
        }
        MountpointInfo info;
        try {
            info = client.info(handle, spec.id(), spec.secret());
            if (!createdByUs) { // left by an earlier server (a crash), or not ours at all
                destroyLeftover("exists already");
                info = create();
            }
        } catch (JanusException e) {
            if (e.kind() != JanusException.Kind.NO_SUCH_MOUNTPOINT) throw e;
            forwarder.target(null);
            if (createdByUs) LOG.log(Level.WARNING, "{0}: mountpoint {1} of stream {2} is gone (Janus restarted?): creating it again",
                    endpoint, spec.id(), stream);
            info = create();
        }
        if (info.videoPort() <= 0)
            throw new JanusException(JanusException.Kind.REFUSED, 0, "Janus did not tell mountpoint " + spec.id() + "'s port");
        InetSocketAddress target = new InetSocketAddress(endpoint.mediaHost(), info.videoPort());
        if (target.isUnresolved())
            throw new JanusException(JanusException.Kind.UNREACHABLE, 0, "cannot resolve " + endpoint.mediaHost());
        if (!target.equals(forwarder.target())) forwarder.target(target);
        ready(info);
        return timing.check();
    }

    private MountpointInfo create() throws JanusException {
        try {
            client.create(handle, spec);
        } catch (JanusException e) {
            if (e.kind() != JanusException.Kind.EXISTS) throw e;
            destroyLeftover("appeared meanwhile");
            client.create(handle, spec);
        }
        createdByUs = true;
        synchronized (this) {
            creates++;
        }
        LOG.log(Level.INFO, "{0}: created mountpoint {1} for stream {2}", endpoint, spec.id(), stream);
        return client.info(handle, spec.id(), spec.secret());
    }

    private void destroyLeftover(String how) throws JanusException {
        try {
            client.destroy(handle, spec.id(), spec.secret());
            LOG.log(Level.INFO, "{0}: mountpoint {1} {2}, ours from before: destroyed to create it afresh", endpoint, spec.id(), how);
        } catch (JanusException e) {
            if (e.kind() == JanusException.Kind.NO_SUCH_MOUNTPOINT) return;
            if (e.kind() == JanusException.Kind.UNAUTHORIZED || e.kind() == JanusException.Kind.REFUSED)
                throw new JanusException(JanusException.Kind.REFUSED, e.code(), "mountpoint " + spec.id()
                        + " exists on this Janus and is not ours (another secret): set another \"mountpoint\" id or destroy it");
            throw e;
        }
    }

    private synchronized void ready(MountpointInfo info) {
        ageMs = info.ageMs();
        viewers = info.viewers();
        failures = 0;
        become(KeeperState.READY, null);
    }

    private int failed(JanusException e) {
        switch (e.kind()) {
            case SESSION_GONE, HANDLE_GONE, UNREACHABLE, UNAUTHORIZED -> handle = null;
            default -> { }
        }
        if (e.kind() != JanusException.Kind.SESSION_GONE && e.kind() != JanusException.Kind.HANDLE_GONE) forwarder.target(null);
        KeeperState next = switch (e.kind()) {
            case UNREACHABLE -> KeeperState.UNREACHABLE;
            case UNAUTHORIZED, REFUSED, EXISTS -> KeeperState.REFUSED;
            case SESSION_GONE, HANDLE_GONE, NO_SUCH_MOUNTPOINT -> KeeperState.CONNECTING;
        };
        synchronized (this) {
            failures++;
            ageMs = -1;
            viewers = -1;
            lastErrorAt = Instant.now();
            become(next, e.getMessage());
            return failures;
        }
    }

    /** Changes state; logs a change of state or of error once, not every retry. Caller holds this. */
    private void become(KeeperState next, String error) {
        if (!state.mayBecome(next)) throw new IllegalStateException(state + " -> " + next);
        boolean changed = next != state || (error != null && !error.equals(lastError));
        if (error != null) lastError = error;
        if (next != state) since = Instant.now();
        state = next;
        if (!changed) return;
        if (error == null) LOG.log(Level.INFO, "{0}: stream {1}: {2}", endpoint, stream, next.label());
        else LOG.log(Level.WARNING, "{0}: stream {1}: {2}: {3}", endpoint, stream, next.label(), error);
    }

    private void sleep(Duration d) {
        if (d.isZero()) return;
        lock.lock();
        try {
            long left = d.toNanos();
            while (!stopRequested && left > 0) left = wake.awaitNanos(left);
        } catch (InterruptedException e) {
            stopRequested = true;
        } finally {
            lock.unlock();
        }
    }

    private void shutdown() {
        forwarder.target(null);
        synchronized (this) {
            become(KeeperState.STOPPING, null);
        }
        try {
            if (spec != null && createdByUs) {
                if (handle == null) handle = client.open();
                client.destroy(handle, spec.id(), spec.secret());
                LOG.log(Level.INFO, "{0}: destroyed mountpoint {1} of stream {2}", endpoint, spec.id(), stream);
            }
        } catch (JanusException e) {
            if (e.kind() != JanusException.Kind.NO_SUCH_MOUNTPOINT) {
                synchronized (this) {
                    lastError = "mountpoint not destroyed: " + e.getMessage();
                    lastErrorAt = Instant.now();
                }
                LOG.log(Level.WARNING, "{0}: mountpoint {1} of stream {2} not destroyed: {3}", endpoint, spec.id(), stream,
                        e.getMessage());
            }
        }
        try {
            if (handle != null) client.destroySession(handle.session());
        } catch (JanusException e) {
            // the session times out on Janus's side anyway
        }
        handle = null;
        synchronized (this) {
            become(KeeperState.STOPPED, null);
        }
        client.close();
        forwarder.close();
    }

    /** Stops keeping: destroys the mountpoint and the session, and waits for that (a few request timeouts at most). */
    @Override
    public void close() {
        lock.lock();
        try {
            stopRequested = true;
            wake.signalAll();
        } finally {
            lock.unlock();
        }
        try {
            thread.join(timing.request().multipliedBy(4).plusSeconds(1).toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (thread.isAlive()) LOG.log(Level.WARNING, "{0}: keeper of stream {1} did not end in time", endpoint, stream);
    }

    private static Duration min(Duration a, Duration b) {
        return a.compareTo(b) <= 0 ? a : b;
    }
}
