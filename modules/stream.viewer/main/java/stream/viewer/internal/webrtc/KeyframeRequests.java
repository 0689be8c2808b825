package stream.viewer.internal.webrtc;

import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.IntSupplier;

import org.freedesktop.gstreamer.Pad;
import org.freedesktop.gstreamer.PadProbeReturn;
import org.freedesktop.gstreamer.PadProbeType;
import org.freedesktop.gstreamer.Structure;
import org.freedesktop.gstreamer.event.Event;

/**
 * A stream's requests for a keyframe, bounded: at most one per {@link #MIN_INTERVAL_MS}; one asked
 * for within that time is sent when it ends (once, however many were asked for). Each becomes an
 * upstream {@code GstForceKeyUnit} event, with the sender's SSRC and payload type, pushed from the
 * depayloader to the stream's rtpsession, which sends the PLI to the stream's child (GStreamer's
 * RTCP: nothing here builds a packet); the child's rtpsession turns it into a keyframe.
 *
 * <p>What asks: a viewer whose browser starts talking to us (its DTLS handshake begins; a keyframe
 * asked for earlier would be dropped by webrtcbin before the connection is up), and every
 * force-key-unit event that comes up the stream's pipeline (a browser's PLI after packet loss,
 * through webrtcbin, the payloader and the tee; the parser's own). Those are dropped at the
 * depayloader and asked for again here: they carry no SSRC, without which rtpsession passes them on
 * to the udpsrc, and unbounded, 100 viewers joining would make 100 keyframes.
 */
final class KeyframeRequests {
    /** The least time between two keyframe requests of one stream. */
    static final long MIN_INTERVAL_MS = 300;
    private static final int CUSTOM_UPSTREAM = 69121; // GST_EVENT_CUSTOM_UPSTREAM: GST_EVENT_MAKE_TYPE (270, UPSTREAM)
    private static final ScheduledExecutorService TIMER = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "keyframe-requests");
        t.setDaemon(true);
        return t;
    });

    private final String stream;
    private final Pad depayloaderSink;
    private final IntSupplier ssrc;
    private final int payloadType;
    private final AtomicLong sent = new AtomicLong();
    private long lastNanos;
    private boolean any;
    private boolean pending;
    // gst1-java-core keeps a probe's callback only in the Pad object: both stay reachable through this.
    private final Pad.PROBE upstream = (pad, info) -> {
        Event event = info.getEvent();
        Structure s = event == null ? null : event.getStructure();
        if (s == null || !s.hasName("GstForceKeyUnit") || s.hasField("ssrc")) return PadProbeReturn.OK; // ours pass
        request();
        return PadProbeReturn.DROP;
    };

    /**
     * @param stream the stream's name, for the log
     * @param depayloaderSink the depayloader's sink pad, whose peer is the rtpsession's recv_rtp_src
     * @param ssrc the SSRC of the sender's packets now (0 before the first)
     * @param payloadType the RTP payload type of the video
     */
    KeyframeRequests(String stream, Pad depayloaderSink, IntSupplier ssrc, int payloadType) {
        this.stream = stream;
        this.depayloaderSink = depayloaderSink;
        this.ssrc = ssrc;
        this.payloadType = payloadType;
        depayloaderSink.addProbe(PadProbeType.EVENT_UPSTREAM, upstream);
    }

    /** Asks the sender for a keyframe now, or as soon as the last request is {@link #MIN_INTERVAL_MS} old. */
    void request() {
        long wait;
        synchronized (this) {
            if (pending) return;
            long now = System.nanoTime();
            wait = any ? lastNanos + TimeUnit.MILLISECONDS.toNanos(MIN_INTERVAL_MS) - now : 0;
            if (wait > 0) {
                pending = true;
            } else {
                any = true;
                lastNanos = now;
            }
        }
        if (wait > 0) {
            TIMER.schedule(this::trailing, wait, TimeUnit.NANOSECONDS);
        } else {
            send();
        }
    }

    private void trailing() {
        synchronized (this) {
            pending = false;
            any = true;
            lastNanos = System.nanoTime();
        }
        send();
    }

    private void send() {
        int s = ssrc.getAsInt();
        if (s == 0) return; // nothing arrived yet: no sender to ask
        var structure = GLib.GST.gst_structure_new_from_string("GstForceKeyUnit, all-headers=(boolean)true, ssrc=(uint)"
                + Integer.toUnsignedString(s) + ", payload=(uint)" + payloadType);
        if (structure == null) return;
        var event = GLib.GST.gst_event_new_custom(CUSTOM_UPSTREAM, structure);
        if (GLib.GST.gst_pad_push_event(org.freedesktop.gstreamer.glib.Natives.getRawPointer(depayloaderSink), event)) {
            sent.incrementAndGet();
        } else {
            Log.info("stream " + stream + ": a keyframe request went nowhere");
        }
    }

    /** @return how many keyframe requests went to the sender */
    long sent() {
        return sent.get();
    }
}
