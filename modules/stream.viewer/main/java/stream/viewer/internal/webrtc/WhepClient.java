package stream.viewer.internal.webrtc;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

import org.freedesktop.gstreamer.Bin;
import org.freedesktop.gstreamer.Bus;
import org.freedesktop.gstreamer.Caps;
import org.freedesktop.gstreamer.Element;
import org.freedesktop.gstreamer.Gst;
import org.freedesktop.gstreamer.Pad;
import org.freedesktop.gstreamer.PadDirection;
import org.freedesktop.gstreamer.PadProbeReturn;
import org.freedesktop.gstreamer.PadProbeType;
import org.freedesktop.gstreamer.Pipeline;
import org.freedesktop.gstreamer.State;
import org.freedesktop.gstreamer.glib.Natives;
import org.freedesktop.gstreamer.webrtc.WebRTCBin;
import org.freedesktop.gstreamer.webrtc.WebRTCICEGatheringState;

/**
 * Watches a stream over WHEP with webrtcbin: a recvonly H.264 offer (every candidate gathered
 * first, no trickle) POSTed to the URL, the 201's answer set, the video decoded
 * ({@code rtph264depay ! h264parse ! avdec_h264 ! videoconvert ! sink}); DELETE on the Location
 * ends the session. The ICE agent has UPnP off and gathers only on the allowed addresses.
 */
final class WhepClient implements AutoCloseable {
    /** A refusal or failure, with the exit code it stands for. */
    static final class Failed extends Exception {
        private static final long serialVersionUID = 1L;
        final boolean environment;

        Failed(String message, boolean environment) {
            super(message);
            this.environment = environment;
        }
    }

    // As browsers offer it: level-asymmetry-allowed=1 (the decoder takes any level) is what lets a
    // 1.22 webrtcbin pair this offer with a stream of another profile-level-id (seen: 42c015 paired
    // with it, not without it; the gateway also announces the offer's own value since).
    private static final String CAPS = "application/x-rtp,media=video,encoding-name=H264,clock-rate=90000,payload=96,"
            + "packetization-mode=(string)1,profile-level-id=(string)42e01f,level-asymmetry-allowed=(string)1";

    private final URI url;
    private final Pipeline pipeline;
    private final WebRTCBin webrtc;
    private final String sink;
    private final Consumer<String> progress;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
    private final AtomicLong frames = new AtomicLong();
    private final CountDownLatch firstFrame = new CountDownLatch(1);
    private volatile String error;
    private URI resource;
    // gst1-java-core keeps callbacks only in these objects: they must stay reachable.
    private final List<Object> keep = new ArrayList<>();

    WhepClient(URI url, String sink, List<String> iceAddresses, Consumer<String> progress) {
        this.url = url;
        this.sink = sink;
        this.progress = progress;
        this.pipeline = new Pipeline("whep");
        this.webrtc = new WebRTCBin("w");
        GLib.GST.gst_util_set_object_arg(Natives.getRawPointer(webrtc), "bundle-policy", "max-bundle");
        pipeline.add(webrtc);
        Ice.restrict(webrtc, iceAddresses);
        Bin.DEEP_ELEMENT_ADDED guard = (parent, sub, element) -> {
            var factory = element.getFactory();
            String name = factory == null ? "" : factory.getName();
            if (name.equals("nicesrc") || name.equals("nicesink")) Ice.upnpOffOnElement(element);
        };
        webrtc.connect(guard);
        // The decoder is linked inside pad-added, before the pad's first buffer (as GStreamer's own
        // webrtc examples do): linked later from another thread, that buffer finds the pad unlinked
        // and the not-linked flow error stops the receiving.
        Element.PAD_ADDED padAdded = (element, pad) -> {
            if (pad.getDirection() == PadDirection.SRC) decode(pad);
        };
        webrtc.connect(padAdded);
        Bus bus = pipeline.getBus();
        Bus.ERROR onError = (source, code, message) -> error = message;
        bus.connect(onError);
        keep.addAll(List.of(guard, padAdded, bus, onError));
        Caps caps = Caps.fromString(CAPS);
        GLib.addRecvonlyTransceiver(Natives.getRawPointer(webrtc), Natives.getRawPointer(caps));
        keep.add(caps);
    }

    private void decode(Pad pad) {
        progress.accept("video arriving (" + pad.getName() + "), decoding");
        Bin decoder = Gst.parseBinFromDescription("rtph264depay ! h264parse ! avdec_h264 name=dec ! videoconvert ! "
                + (sink.equals("none") ? "fakesink sync=false" : sink.equals("auto") ? "autovideosink" : sink), true);
        Pad decoded = decoder.getElementByName("dec").getStaticPad("src");
        Pad.PROBE count = (p, info) -> {
            frames.incrementAndGet();
            firstFrame.countDown();
            return PadProbeReturn.OK;
        };
        decoded.addProbe(PadProbeType.BUFFER, count);
        synchronized (keep) {
            keep.addAll(List.of(decoder, decoded, count));
        }
        pipeline.add(decoder);
        decoder.syncStateWithParent();
        try {
            pad.link(decoder.getStaticPad("sink"));
        } catch (org.freedesktop.gstreamer.PadLinkException e) {
            error = "could not link the received video: " + e.getLinkResult();
        }
    }

    /** Negotiates with the WHEP endpoint; the video then plays. */
    void connect() throws Failed, InterruptedException {
        pipeline.play();
        try {
            GLib.offer(Natives.getRawPointer(webrtc));
        } catch (GLib.StepFailed e) {
            throw new Failed("could not make an offer: " + e.getMessage(), true);
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (webrtc.getICEGatheringState() != WebRTCICEGatheringState.COMPLETE) {
            if (System.nanoTime() > deadline) throw new Failed("ICE gathering did not complete in 10 s: no usable local address?"
                    + " (loopback is not used unless named; name one with --ice-address)", true);
            Thread.sleep(5);
        }
        String offer = GLib.localDescription(Natives.getRawPointer(webrtc));
        HttpResponse<String> response;
        try {
            response = http.send(HttpRequest.newBuilder(url).timeout(Duration.ofSeconds(30))
                    .header("Content-Type", "application/sdp").POST(HttpRequest.BodyPublishers.ofString(offer)).build(),
                    HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new Failed("cannot reach " + url + ": " + (e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage()), true);
        }
        if (response.statusCode() != 201) {
            throw new Failed(url + " answered " + response.statusCode() + ": " + response.body().strip(), false);
        }
        resource = response.headers().firstValue("Location").map(url::resolve).orElse(null);
        try {
            GLib.setRemote(Natives.getRawPointer(webrtc), GLib.SDP_TYPE_ANSWER, response.body());
        } catch (GLib.StepFailed e) {
            throw new Failed("the server's answer cannot be used: " + e.getMessage(), false);
        }
    }

    long frames() {
        return frames.get();
    }

    boolean awaitFirstFrame(long millis) throws InterruptedException {
        return firstFrame.await(millis, TimeUnit.MILLISECONDS);
    }

    String error() {
        return error;
    }

    /** Ends the session (DELETE on the WHEP resource) and the pipeline. */
    @Override
    public void close() {
        if (resource != null) {
            try {
                http.send(HttpRequest.newBuilder(resource).timeout(Duration.ofSeconds(5)).DELETE().build(),
                        HttpResponse.BodyHandlers.discarding());
            } catch (IOException e) {
                // the server is gone: nothing to end there
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            resource = null;
        }
        pipeline.setState(State.NULL);
        pipeline.getState(5_000_000_000L);
    }
}
