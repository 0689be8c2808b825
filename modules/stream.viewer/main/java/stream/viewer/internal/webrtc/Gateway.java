package stream.viewer.internal.webrtc;

import stream.viewer.internal.process.LineServer.Refusal;
import stream.viewer.internal.process.LineServer;
import com.eclipsesource.json.Json;
import com.eclipsesource.json.JsonObject;
import com.eclipsesource.json.JsonValue;
import com.eclipsesource.json.ParseException;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.freedesktop.gstreamer.Version;
import org.freedesktop.gstreamer.webrtc.WebRTCPeerConnectionState;

/**
 * The WebRTC gateway: a process of its own that the server starts when the first browser asks to
 * watch, so a native crash here leaves the server answering and its memory untouched. It serves
 * every stream of one server: each stream's RTP arrives on a loopback UDP port the gateway binds
 * and reports, and each viewer is a branch that passes the H.264 through to webrtcbin.
 *
 * <p>Control is one JSON object per line on stdin, each answered by one line on stdout with the
 * same {@code id}: {@code addStream {name}} gives {@code {rtpPort}}; {@code offer {stream, sdp}}
 * gives {@code {viewer, sdp, rtpClock}} (the answer, and the video's RTP clock against the wall clock:
 * {@code {rtp, unixMs}}, see {@link ViewerBranch#rtpClock()}); {@code delete {viewer}}; {@code removeStream {name}};
 * {@code stats} gives viewers per stream. A refusal is {@code {error, status, hint}}, status being
 * the HTTP status the server should answer. Lines without an id are events ({@code ready},
 * {@code viewerConnected} once its browser's packets arrive, {@code viewerRemoved}). End of stdin ends the gateway, so it never outlives its server.
 */
public final class Gateway {
    /** How long a new viewer may take to connect (ICE, then DTLS with its retransmits) before it is dropped. */
    private static final double CONNECT_SECONDS = 15;
    private final GatewayOptions options;
    private final LineServer out;
    private final Map<String, StreamInput> streams = new ConcurrentHashMap<>();
    private final Map<String, ViewerBranch> viewers = new ConcurrentHashMap<>();
    private final AtomicInteger pending = new AtomicInteger(); // offers being answered
    private final java.util.Set<String> connected = ConcurrentHashMap.newKeySet(); // viewers announced connected
    private final java.util.concurrent.atomic.AtomicBoolean collect = new java.util.concurrent.atomic.AtomicBoolean();
    private final ScheduledExecutorService watch = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "gateway-watch");
        t.setDaemon(true);
        return t;
    });

    private Gateway(GatewayOptions options, LineServer out) {
        this.options = options;
        this.out = out;
    }

    /**
     * Runs the gateway until stdin closes.
     * @param args see {@link GatewayOptions#USAGE}
     */
    public static void main(String[] args) {
        if (Arrays.asList(args).contains("--help")) {
            System.out.print(GatewayOptions.USAGE);
            return;
        }
        GatewayOptions options;
        try {
            options = GatewayOptions.parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println("stream-webrtc: " + e.getMessage());
            System.err.print(GatewayOptions.USAGE);
            System.exit(2);
            return;
        }
        LineServer protocol = new LineServer("stream-webrtc"); // stdout is the protocol from here on
        int code = 0;
        try {
            stream.viewer.internal.GstStart.init(Version.of(1, 16), "stream-webrtc");
            new Gateway(options, protocol).run();
        } catch (Throwable e) { // one line, never a stack trace
            System.err.println("stream-webrtc: " + e);
            code = 1;
        }
        // GStreamer's threads must not keep a gateway alive whose server is gone.
        System.exit(code);
    }

    private void run() throws IOException {
        watch.scheduleWithFixedDelay(this::removeGone, 1, 1, TimeUnit.SECONDS);
        send(new JsonObject().add("event", "ready").add("pid", ProcessHandle.current().pid())
                .add("maxViewers", options.maxViewers()));
        Log.info("ready; ICE addresses " + (options.iceAddresses().isEmpty() ? "all of the host's"
                : options.iceAddresses()) + ", at most " + options.maxViewers() + " viewers");
        out.serve(this::dispatch);
        watch.shutdownNow();
        for (StreamInput input : streams.values()) input.close();
    }

    private JsonObject dispatch(JsonObject request) throws Refusal, InterruptedException {
        String op = LineServer.text(request, "op");
        return switch (op) {
            case "addStream" -> addStream(LineServer.text(request, "name"));
            case "removeStream" -> removeStream(LineServer.text(request, "name"));
            case "offer" -> offer(LineServer.text(request, "stream"), LineServer.text(request, "sdp"));
            case "delete" -> delete(LineServer.text(request, "viewer"));
            case "stats" -> stats();
            case "keyframes" -> keyframes(LineServer.text(request, "name"), request.getInt("port", 0));
            default -> throw new Refusal(400, "unknown op '" + op + "'",
                    "addStream, removeStream, offer, delete, stats, keyframes");
        };
    }

    private JsonObject addStream(String name) {
        StreamInput input = streams.computeIfAbsent(name, n -> {
            StreamInput s = StreamInput.open(n);
            Log.info("stream " + n + ": RTP in on 127.0.0.1:" + s.port() + ", Opus on 127.0.0.1:" + s.audioPort());
            return s;
        });
        return new JsonObject().add("rtpPort", input.port()).add("audioPort", input.audioPort());
    }

    // Where the stream's child takes RTCP feedback for its video: the gateway's keyframe requests go there.
    private JsonObject keyframes(String name, int port) throws Refusal {
        StreamInput input = streams.get(name);
        if (input == null) throw new Refusal(404, "no stream '" + name + "'", "addStream first");
        if (port < 0 || port > 65535) throw new Refusal(400, "port " + port + " is out of range", "0 (none) to 65535");
        input.keyframeTarget(port);
        return new JsonObject().add("keyframes", name).add("port", port);
    }

    private JsonObject removeStream(String name) throws Refusal {
        StreamInput input = streams.remove(name);
        if (input == null) throw new Refusal(404, "no stream '" + name + "'", null);
        input.viewers.keySet().forEach(viewers::remove);
        input.viewers.keySet().forEach(connected::remove);
        input.close();
        return new JsonObject().add("removed", name);
    }

    private JsonObject offer(String stream, String sdp) throws Refusal, InterruptedException {
        StreamInput input = streams.get(stream);
        if (input == null) throw new Refusal(404, "no stream '" + stream + "' in the gateway", "addStream first");
        OfferSdp.H264 format;
        try {
            format = OfferSdp.h264(sdp);
        } catch (OfferSdp.Rejected e) {
            throw new Refusal(400, e.getMessage(), null);
        }
        int opus = OfferSdp.opus(sdp); // -1: the offer receives no Opus, the viewer gets video alone
        for (int i = 0; i < 60 && input.packets() == 0; i++) Thread.sleep(50); // a stream just (re)started
        if (input.packets() == 0) {
            throw new Refusal(503, "no video has arrived for stream " + stream + " yet",
                    "start the stream, or wait a second and try again");
        }
        if (pending.incrementAndGet() + viewers.size() > options.maxViewers()) {
            pending.decrementAndGet();
            throw new Refusal(503, "already " + viewers.size() + " viewers, the most this server allows",
                    "try again later, or start the server with a larger --max-viewers");
        }
        try {
            String id = UUID.randomUUID().toString();
            int audioPt = opus >= 0 && input.hasAudio() ? opus : -1;
            var answered = ViewerBranch.open(id, input, sdp, format, audioPt, options);
            viewers.put(id, answered.viewer());
            input.viewers.put(id, answered.viewer());
            Log.info("viewer " + id + " of stream " + stream + " answered (H.264 as payload type " + format.payloadType()
                    + (format.profileLevelId() == null ? "" : ", profile-level-id " + format.profileLevelId())
                    + (audioPt >= 0 ? "; Opus as payload type " + audioPt : "") + ")");
            return new JsonObject().add("viewer", id).add("sdp", answered.answer()).add("rtpClock", answered.viewer().rtpClock());
        } finally {
            pending.decrementAndGet();
        }
    }

    private JsonObject delete(String id) throws Refusal {
        ViewerBranch viewer = viewers.remove(id);
        if (viewer == null) throw new Refusal(404, "no viewer '" + id + "'", "it may have timed out already");
        viewer.input.viewers.remove(id);
        connected.remove(id);
        closed(viewer, "deleted");
        return new JsonObject().add("deleted", id);
    }

    private JsonObject stats() {
        var perStream = new JsonObject();
        for (var e : streams.entrySet()) {
            StreamInput input = e.getValue();
            perStream.add(e.getKey(), new JsonObject().add("rtpPort", input.port()).add("packets", input.packets())
                    .add("keyframeRequests", input.keyframes.sent())
                    .add("viewers", input.viewers.size()));
        }
        return new JsonObject().add("streams", perStream).add("viewers", viewers.size())
                .add("maxViewers", options.maxViewers());
    }

    /**
     * gst1-java-core releases its references to GStreamer objects (the wrappers of every element,
     * pad and signal argument it handed us) only when the garbage collector takes the wrappers; a
     * removed viewer's webrtcbin, with its sockets and threads, lives until then. The Java heap
     * hardly grows meanwhile, so a collection after viewers left is asked for explicitly.
     */
    private void collectRemovedViewers() {
        if (collect.getAndSet(false)) System.gc();
    }

    private void closed(ViewerBranch viewer, String reason) {
        viewer.close(reason);
        collect.set(true);
    }

    /** Removes viewers whose browser went quiet or whose connection failed. */
    private void removeGone() {
        collectRemovedViewers();
        for (ViewerBranch viewer : viewers.values()) {
            try {
                String reason = null;
                WebRTCPeerConnectionState state = viewer.state();
                if (state == WebRTCPeerConnectionState.FAILED || state == WebRTCPeerConnectionState.CLOSED) {
                    reason = "connection " + state.name().toLowerCase(java.util.Locale.ROOT);
                } else if (viewer.peerSeen() ? viewer.secondsSincePeerPacket() > options.idleSeconds()
                        : viewer.secondsSincePeerPacket() > CONNECT_SECONDS) {
                    reason = viewer.peerSeen() ? "its browser sent nothing for " + options.idleSeconds() + " s"
                            : "its browser never connected";
                }
                if (reason == null && viewer.peerSeen() && connected.add(viewer.id)) {
                    // The server bounds offers not yet connected per client address: this one is connected now.
                    send(new JsonObject().add("event", "viewerConnected").add("viewer", viewer.id).add("stream", viewer.input.name));
                }
                if (reason != null && viewers.remove(viewer.id, viewer)) {
                    connected.remove(viewer.id);
                    viewer.input.viewers.remove(viewer.id);
                    closed(viewer, reason);
                    send(new JsonObject().add("event", "viewerRemoved").add("viewer", viewer.id)
                            .add("stream", viewer.input.name).add("reason", reason));
                }
            } catch (RuntimeException e) {
                Log.warn("watching viewer " + viewer.id + ": " + e);
            }
        }
    }

    private void send(JsonObject message) {
        out.send(message);
    }
}
