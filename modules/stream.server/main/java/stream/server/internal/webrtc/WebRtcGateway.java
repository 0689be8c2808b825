package stream.server.internal.webrtc;

import com.eclipsesource.json.Json;
import com.eclipsesource.json.JsonArray;
import com.eclipsesource.json.JsonObject;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import stream.server.internal.process.LineChild;

/**
 * Starts and supervises the WebRTC gateway process (module stream.viewer) for the server, and
 * speaks its line protocol ({@link LineChild}): WHEP offers become viewers, DELETE ends them, and
 * every stream's RTP is forwarded to the gateway's loopback port for it.
 *
 * <p>The gateway starts with the first viewer, so a server nobody watches in a browser neither
 * runs it nor grows. A gateway that dies (a native crash, {@code kill -9}) takes only its viewers
 * with it: the server keeps answering, {@link #status()} says how it ended, and the next offer
 * starts a new one. The gateway reads its requests from our pipe and ends when the pipe closes,
 * so it never outlives the server either.
 */
public final class WebRtcGateway implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger("stream.server");
    private static final Duration ANSWER_TIMEOUT = Duration.ofSeconds(20);

    private final GatewayCommand command;
    private final Map<String, Input> inputs = new ConcurrentHashMap<>();

    // guarded by this
    private Running running;
    private int starts;
    private JsonObject lastExit;
    private List<String> lastStderr = List.of(); // of the last gateway that died
    private volatile DatagramChannel out;
    private boolean closed;
    private boolean endedIdle; // the last gateway was ended for having no viewers, not by a failure
    private volatile int idleSeconds; // 0: a gateway runs until the server ends
    private final java.util.concurrent.atomic.AtomicInteger offering = new java.util.concurrent.atomic.AtomicInteger();

    /**
     * Offers from one client address not yet connected (answered, but no packet from the browser
     * yet; the gateway drops them after 15 s): more are refused with 429, so that a stranger's
     * never-completed offers hold at most this many of a stream's viewer places, for at most 15 s.
     */
    public static final int MAX_CONNECTING_PER_ADDRESS = 4;

    /**
     * A started gateway process, its viewers (id to stream), the address of each viewer not yet
     * connected; a new one after each restart.
     */
    private record Running(LineChild child, Map<String, String> viewers, Map<String, InetAddress> connecting) {}

    // offers being answered now, per client address (guarded by itself)
    private final Map<InetAddress, Integer> answering = new java.util.HashMap<>();

    /**
     * One stream as the gateway sees it: where its RTP goes while a gateway runs.
     * {@link #forward} is called for every packet by the server's RTP tap, so it does nothing
     * but a send (or nothing at all, when no gateway runs).
     */
    public final class Input {
        private final String name;
        private volatile InetSocketAddress target;
        private volatile InetSocketAddress audioTarget; // where the stream's Opus RTP goes
        private volatile Running owner;
        private volatile int keyframePort; // where the stream's child takes the gateway's RTCP (PLI), or 0

        private Input(String name) {
            this.name = name;
        }

        /**
         * Forwards one RTP packet to the gateway, if one runs for this stream; never blocks on it.
         * @param buf the packet's bytes
         * @param off where it starts
         * @param len its length
         */
        public void forward(byte[] buf, int off, int len) {
            InetSocketAddress to = target;
            DatagramChannel channel = out;
            if (to == null || channel == null) return;
            try {
                channel.send(ByteBuffer.wrap(buf, off, len), to);
            } catch (IOException e) {
                // a gateway that just died: its death is reported by the process watcher
            }
        }

        /**
         * Forwards one RTP packet as the server's RTP tap hands it over; never blocks on it.
         * @param packet the datagram (its position and limit are left as they were)
         */
        public void forward(ByteBuffer packet) {
            InetSocketAddress to = target;
            DatagramChannel channel = out;
            if (to == null || channel == null) return;
            try {
                channel.send(packet.duplicate(), to);
            } catch (IOException e) {
                // a gateway that just died: its death is reported by the process watcher
            }
        }

        /**
         * Forwards one Opus RTP packet as the server's audio tap hands it over; never blocks on it.
         * @param packet the datagram (its position and limit are left as they were)
         */
        public void forwardAudio(ByteBuffer packet) {
            InetSocketAddress to = audioTarget;
            DatagramChannel channel = out;
            if (to == null || channel == null) return;
            try {
                channel.send(packet.duplicate(), to);
            } catch (IOException e) {
                // a gateway that just died: its death is reported by the process watcher
            }
        }

        /** @return the stream's name */
        public String name() {
            return name;
        }
    }

    /** @param command how to start the gateway */
    public WebRtcGateway(GatewayCommand command) {
        this.command = command;
    }

    /**
     * @param stream a stream's name
     * @return its input, whose {@link Input#forward} the RTP tap calls; the same object each time
     */
    public Input input(String stream) {
        return inputs.computeIfAbsent(stream, Input::new);
    }

    /**
     * The answer to a WHEP offer.
     * @param viewer the viewer's id (the last segment of the WHEP resource's Location)
     * @param sdp the SDP answer
     * @param rtpClock the video's RTP clock against the wall clock, "rtp=R; unix-ms=T" (the RTP timestamp of a
     *     frame that reached the gateway at Unix time T ms; 90 kHz), or null from a gateway that does not say
     */
    public record Answer(String viewer, String sdp, String rtpClock) {}

    /**
     * Answers a viewer's SDP offer for a stream, starting the gateway when none runs.
     * @param stream the stream to watch
     * @param offer the SDP offer
     * @return the viewer's id and the SDP answer
     * @throws WhepException with the status to answer: 400 for an offer that cannot be served,
     *     503 past the viewer limit, when the stream sends nothing yet or the gateway cannot start
     * @throws InterruptedException when interrupted while waiting
     */
    public Answer offer(String stream, String offer) throws WhepException, InterruptedException {
        return offer(stream, offer, null);
    }

    /**
     * As {@link #offer(String, String)}, bounding the offers of one client address that are not
     * connected yet ({@value #MAX_CONNECTING_PER_ADDRESS}).
     * @param from the client's address, or null for no bound
     * @throws WhepException also 429 when that address has as many offers not yet connected
     */
    public Answer offer(String stream, String offer, InetAddress from) throws WhepException, InterruptedException {
        offering.incrementAndGet();
        boolean counted = false;
        try {
            Input input = input(stream);
            Running gateway = ensureStream(input);
            if (from != null) {
                synchronized (answering) {
                    long connecting = gateway.connecting().values().stream().filter(from::equals).count() + answering.getOrDefault(from, 0);
                    if (connecting >= MAX_CONNECTING_PER_ADDRESS)
                        throw new WhepException(429, connecting + " WebRTC offers from " + from.getHostAddress() + " are not connected yet",
                                "A browser connects within seconds of its answer; offers that never connect are dropped after 15 s."
                                        + " Try again then, or DELETE the viewers not used.");
                    answering.merge(from, 1, Integer::sum);
                    counted = true;
                }
            }
            JsonObject reply = call(gateway, new JsonObject().add("op", "offer").add("stream", stream).add("sdp", offer));
            String viewer = reply.getString("viewer", null);
            String sdp = reply.getString("sdp", null);
            if (viewer == null || sdp == null) throw new WhepException(502, "the WebRTC gateway answered nothing usable", null);
            if (from != null) gateway.connecting().put(viewer, from);
            gateway.viewers().put(viewer, stream);
            JsonObject clock = reply.get("rtpClock") != null && reply.get("rtpClock").isObject() ? reply.get("rtpClock").asObject() : null;
            String rtpClock = clock == null ? null : "rtp=" + clock.getLong("rtp", 0) + "; unix-ms="
                    + String.format(java.util.Locale.ROOT, "%.3f", clock.getDouble("unixMs", 0));
            return new Answer(viewer, sdp, rtpClock);
        } finally {
            if (counted) {
                synchronized (answering) {
                    answering.computeIfPresent(from, (k, n) -> n > 1 ? n - 1 : null);
                }
            }
            offering.decrementAndGet();
            endLaterIfIdle();
        }
    }

    /**
     * Ends a gateway that has had no viewer for this long (it costs about 110 MB while it runs);
     * the next offer starts a new one.
     * @param seconds the idle time, 0 to keep it until the server ends
     */
    public void endWhenIdle(int seconds) {
        idleSeconds = seconds;
    }

    private void endLaterIfIdle() {
        int seconds = idleSeconds;
        if (seconds <= 0) return;
        Running gateway;
        synchronized (this) {
            gateway = running;
        }
        if (gateway == null || !gateway.viewers().isEmpty()) return;
        CompletableFuture.delayedExecutor(seconds, TimeUnit.SECONDS).execute(() -> endIfIdle(gateway));
    }

    private void endIfIdle(Running gateway) {
        synchronized (this) {
            if (running != gateway || !gateway.viewers().isEmpty() || offering.get() > 0) return;
            running = null;
            endedIdle = true;
        }
        LOG.log(Level.INFO, "WebRTC gateway (pid {0}) ended: no viewer for {1} s",
                String.valueOf(gateway.child().pid()), idleSeconds);
        end(gateway);
    }

    /**
     * Ends a viewer (WHEP DELETE).
     * @param viewer its id
     * @throws WhepException 404 when no such viewer watches (it ended, or its gateway died)
     * @throws InterruptedException when interrupted while waiting
     */
    public void delete(String viewer) throws WhepException, InterruptedException {
        Running gateway;
        synchronized (this) {
            gateway = running;
        }
        if (gateway == null || !gateway.viewers().containsKey(viewer)) {
            throw new WhepException(404, "no viewer " + viewer, "it ended already, or the WebRTC gateway restarted");
        }
        try {
            call(gateway, new JsonObject().add("op", "delete").add("viewer", viewer));
        } finally {
            gateway.viewers().remove(viewer);
            gateway.connecting().remove(viewer);
            endLaterIfIdle();
        }
    }

    /**
     * Starts the gateway when none runs and has it receive a stream.
     * @param stream the stream's name
     * @return the loopback UDP port the gateway receives the stream's RTP on (forward sends there)
     * @throws WhepException 503 when the gateway cannot start
     * @throws InterruptedException when interrupted while waiting
     */
    public int rtpPort(String stream) throws WhepException, InterruptedException {
        Input input = input(stream);
        ensureStream(input);
        InetSocketAddress target = input.target;
        return target == null ? -1 : target.getPort();
    }

    /**
     * Like {@link #rtpPort}, for the stream's Opus RTP ({@link Input#forwardAudio} sends there).
     * @param stream the stream's name
     * @return the loopback UDP port, or -1 when the gateway gave none
     * @throws WhepException 503 when the gateway cannot start
     * @throws InterruptedException when interrupted while waiting
     */
    public int audioPort(String stream) throws WhepException, InterruptedException {
        Input input = input(stream);
        ensureStream(input);
        InetSocketAddress target = input.audioTarget;
        return target == null ? -1 : target.getPort();
    }

    /**
     * The gateway's own figures: per stream its RTP port, packets received and viewers.
     * @return the gateway's stats reply
     * @throws WhepException 503 when no gateway runs or it does not answer
     * @throws InterruptedException when interrupted while waiting
     */
    public JsonObject gatewayStats() throws WhepException, InterruptedException {
        Running gateway;
        synchronized (this) {
            gateway = running;
        }
        if (gateway == null) throw new WhepException(503, "no WebRTC gateway runs", null);
        return call(gateway, new JsonObject().add("op", "stats"));
    }

    /**
     * @param stream a stream's name
     * @return the browsers watching it now
     */
    public int viewers(String stream) {
        Running gateway;
        synchronized (this) {
            gateway = running;
        }
        if (gateway == null) return 0;
        return (int) gateway.viewers().values().stream().filter(stream::equals).count();
    }

    /**
     * @param stream a stream's name
     * @return its viewers answered but not connected yet
     */
    public int connecting(String stream) {
        Running gateway;
        synchronized (this) {
            gateway = running;
        }
        if (gateway == null) return 0;
        return (int) gateway.connecting().keySet().stream().filter(v -> stream.equals(gateway.viewers().get(v))).count();
    }

    /**
     * @param stream a stream's name
     * @param viewer a viewer's id
     * @return whether that viewer watches that stream in the running gateway
     */
    public boolean watches(String stream, String viewer) {
        Running gateway;
        synchronized (this) {
            gateway = running;
        }
        return gateway != null && stream.equals(gateway.viewers().get(viewer));
    }

    /** @return whether a gateway process runs now */
    public synchronized boolean isRunning() {
        return running != null;
    }

    /** @return the gateway's pid, or -1 when none runs */
    public synchronized long pid() {
        return running == null ? -1 : running.child().pid();
    }

    /**
     * The gateway as the status shows it: whether it runs, its pid, how often it was started,
     * viewers per stream, and how the last one ended with its last stderr lines.
     * @return the status object
     */
    public synchronized JsonObject status() {
        var viewers = new TreeMap<String, Integer>();
        if (running != null) running.viewers().values().forEach(s -> viewers.merge(s, 1, Integer::sum));
        var perStream = new JsonObject();
        viewers.forEach(perStream::add);
        var status = new JsonObject().add("status", running != null ? "running" : lastExit != null && !endedIdle ? "exited" : "idle")
                .add("pid", running == null ? Json.NULL : Json.value(running.child().pid()))
                .add("starts", starts)
                .add("viewers", viewers.values().stream().mapToInt(Integer::intValue).sum())
                .add("viewersPerStream", perStream)
                .add("viewersConnecting", running == null ? 0 : running.connecting().size())
                .add("lastExit", lastExit == null ? Json.NULL : lastExit);
        var tail = new JsonArray();
        (running != null ? running.child().stderrTail() : lastStderr).forEach(tail::add);
        return status.add("lastStderr", tail);
    }

    /** Removes a stream from the gateway (it was deleted): its viewers end. */
    public void removeStream(String stream) {
        Input input = inputs.remove(stream);
        if (input == null) return;
        Running gateway = input.owner;
        input.target = null;
        input.audioTarget = null;
        input.owner = null;
        if (gateway == null) return;
        gateway.viewers().entrySet().removeIf(e -> {
            if (!e.getValue().equals(stream)) return false;
            gateway.connecting().remove(e.getKey());
            return true;
        });
        try {
            call(gateway, new JsonObject().add("op", "removeStream").add("name", stream));
        } catch (WhepException | InterruptedException e) {
            LOG.log(Level.DEBUG, "removing stream {0} from the WebRTC gateway: {1}", stream, e.getMessage());
        }
    }

    private Running ensureStream(Input input) throws WhepException, InterruptedException {
        Running gateway = ensureRunning();
        synchronized (input) {
            if (input.owner != gateway) {
                JsonObject reply = call(gateway, new JsonObject().add("op", "addStream").add("name", input.name));
                int port = reply.getInt("rtpPort", 0);
                if (port <= 0) throw new WhepException(502, "the WebRTC gateway gave no RTP port", null);
                input.target = new InetSocketAddress(InetAddress.getLoopbackAddress(), port);
                int audioPort = reply.getInt("audioPort", 0);
                input.audioTarget = audioPort > 0 ? new InetSocketAddress(InetAddress.getLoopbackAddress(), audioPort) : null;
                input.owner = gateway;
                sendKeyframePort(gateway, input);
            }
        }
        return gateway;
    }

    /**
     * Tells the gateway where the stream's current child takes RTCP feedback for its video: the gateway's PLIs
     * (a viewer joined, a browser lost packets) go there and the child answers with a keyframe. Called with each
     * start of the child (the port changes); kept for a gateway that starts later.
     * @param stream the stream
     * @param port the child's loopback port, or 0 for none (an IP camera)
     */
    public void keyframePort(String stream, int port) {
        Input input = inputs.get(stream);
        if (input == null) return;
        synchronized (input) {
            input.keyframePort = port;
            Running gateway = input.owner;
            if (gateway != null) sendKeyframePort(gateway, input);
        }
    }

    private static void sendKeyframePort(Running gateway, Input input) {
        try {
            call(gateway, new JsonObject().add("op", "keyframes").add("name", input.name).add("port", input.keyframePort));
        } catch (WhepException | InterruptedException e) {
            if (e instanceof InterruptedException) Thread.currentThread().interrupt();
            LOG.log(Level.DEBUG, "keyframe port of stream {0} to the WebRTC gateway: {1}", input.name, e.getMessage());
        }
    }

    private synchronized Running ensureRunning() throws WhepException {
        if (closed) throw new WhepException(503, "the server is shutting down", null);
        if (running != null) return running;
        try {
            if (out == null) out = DatagramChannel.open();
            Running[] self = new Running[1];
            LineChild child = LineChild.start("WebRTC gateway", command.command(), new LineChild.Listener() {
                @Override
                public void event(JsonObject event) {
                    String viewer = event.getString("viewer", "");
                    switch (event.getString("event", "")) {
                        case "viewerConnected" -> self[0].connecting().remove(viewer);
                        case "viewerRemoved" -> {
                            self[0].connecting().remove(viewer);
                            self[0].viewers().remove(viewer);
                            endLaterIfIdle();
                        }
                        default -> { }
                    }
                }

                @Override
                public void exited(int code, String how, List<String> stderr) {
                    died(self[0], code, how, stderr);
                }
            });
            starts++;
            Running started = new Running(child, new ConcurrentHashMap<>(), new ConcurrentHashMap<>());
            self[0] = started;
            running = started;
            endedIdle = false;
            LOG.log(Level.INFO, "WebRTC gateway started (pid {0})", String.valueOf(child.pid()));
            return started;
        } catch (IOException e) {
            throw new WhepException(503, "the WebRTC gateway could not start: " + e.getMessage(),
                    "check that the server runs from its image (bin/java and module stream.viewer)");
        }
    }

    private static JsonObject call(Running gateway, JsonObject request) throws WhepException, InterruptedException {
        try {
            return gateway.child().call(request, ANSWER_TIMEOUT);
        } catch (LineChild.CallException e) {
            throw new WhepException(e.status(), e.getMessage(), e.hint());
        }
    }

    /** A gateway ended on its own (a crash, a kill): its viewers are lost, its streams forward nowhere. */
    private void died(Running gateway, int code, String how, List<String> stderr) {
        synchronized (this) {
            if (running == gateway) running = null;
            lastStderr = stderr;
            if (!closed) {
                lastExit = new JsonObject().add("code", code).add("description", how)
                        .add("at", Instant.now().toString()).add("viewersLost", gateway.viewers().size());
            }
        }
        forget(gateway);
        if (!closed) {
            LOG.log(Level.WARNING, "WebRTC gateway (pid {0}) {1}; {2} viewer(s) lost; the next viewer starts a new one",
                    String.valueOf(gateway.child().pid()), how, gateway.viewers().size());
        }
    }

    /** The streams that the gateway received forward nowhere until a new gateway adds them. */
    private void forget(Running gateway) {
        for (Input input : inputs.values()) {
            synchronized (input) {
                if (input.owner == gateway) {
                    input.owner = null;
                    input.target = null;
                    input.audioTarget = null;
                }
            }
        }
    }

    /** Closes the gateway's stdin, so it ends its viewers and exits; killed after 3 s. */
    private void end(Running gateway) {
        gateway.child().close();
        forget(gateway);
    }

    /** Ends the gateway: its stdin closes, it ends its viewers and exits; killed after 3 s. */
    @Override
    public void close() {
        Running gateway;
        synchronized (this) {
            closed = true;
            gateway = running;
            running = null;
        }
        if (gateway != null) end(gateway);
        synchronized (this) {
            if (out != null) {
                try {
                    out.close();
                } catch (IOException e) {
                    // nothing to do
                }
            }
        }
    }
}
