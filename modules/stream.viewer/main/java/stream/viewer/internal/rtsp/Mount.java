package stream.viewer.internal.rtsp;

import static stream.viewer.internal.rtsp.RtspLib.GOBJECT;
import static stream.viewer.internal.rtsp.RtspLib.GST;
import static stream.viewer.internal.rtsp.RtspLib.RTSP;

import com.sun.jna.Pointer;
import java.util.concurrent.atomic.AtomicLong;
import stream.viewer.internal.NativeProbes;

/**
 * One stream at {@code rtsp://HOST:PORT/NAME}: a shared media factory whose pipeline receives the
 * stream's RTP on a loopback UDP port and passes the H.264 through (depayload, parse, payload again;
 * never decoded); an IP camera's H.265 the same way with its own elements. Every client of the mount plays the same media.
 */
final class Mount {
    static final String CAPS = "application/x-rtp,media=video,clock-rate=90000,encoding-name=H264,payload=96";
    static final String H265_CAPS = "application/x-rtp,media=video,clock-rate=90000,encoding-name=H265,payload=98";
    static final String AUDIO_CAPS = "application/x-rtp,media=audio,clock-rate=48000,encoding-name=OPUS,payload=97";

    final String name;
    final String path;
    final int rtpPort;
    /** Where the stream's Opus RTP comes in, or 0 for a stream without sound. */
    final int audioPort;
    /** The multicast group of this stream's multicast transport, or null when it has none. */
    final String multicast;
    final int ttl;
    /** Whether the video is H.265 (an IP camera's, passed through the same way), else H.264. */
    final boolean h265;
    /** RTP bytes (headers included) the shared payloader made; every client is sent a copy. */
    private final AtomicLong payloadBytes = new AtomicLong();
    /** The latest media the factory made (a reference of ours), or null before the first client. */
    private Pointer media;
    // JNA keeps no reference to callbacks handed to C: these must live as long as the factory.
    private final RtspLib.MediaConfigure onConfigure = this::configured;
    private final NativeProbes.Probe counter = (pad, info, data) -> {
        Pointer item = NativeProbes.buffer(info);
        long size = NativeProbes.isList(info)
                ? GST.gst_buffer_list_calculate_size(item).longValue()
                : GST.gst_buffer_get_size(item).longValue();
        payloadBytes.addAndGet(size);
        return NativeProbes.OK;
    };

    Mount(String name, int rtpPort, String multicast, int ttl) {
        this(name, rtpPort, 0, multicast, ttl);
    }

    Mount(String name, int rtpPort, int audioPort, String multicast, int ttl) {
        this(name, rtpPort, audioPort, multicast, ttl, false);
    }

    Mount(String name, int rtpPort, int audioPort, String multicast, int ttl, boolean h265) {
        this.h265 = h265;
        this.name = name;
        this.path = "/" + name;
        this.rtpPort = rtpPort;
        this.audioPort = audioPort;
        this.multicast = multicast;
        this.ttl = ttl;
    }

    /**
     * The launch line: one udpsrc on the stream's own port; pay0 is what the server sends. With
     * sound a second udpsrc brings the Opus, passed through the same way as pay1 (never decoded);
     * both payloaders stamp what arrives with the one media clock, so the two stay in step.
     */
    String launch() {
        String video = h265
                ? "udpsrc name=src port=" + rtpPort + " address=127.0.0.1 caps=\"" + H265_CAPS + "\""
                        + " ! rtph265depay ! h265parse ! rtph265pay name=pay0 pt=98 config-interval=1"
                : "udpsrc name=src port=" + rtpPort + " address=127.0.0.1 caps=\"" + CAPS + "\""
                        + " ! rtph264depay ! h264parse ! rtph264pay name=pay0 pt=96 config-interval=1";
        if (audioPort == 0) return "( " + video + " )";
        return "( " + video + " udpsrc name=asrc port=" + audioPort + " address=127.0.0.1 caps=\"" + AUDIO_CAPS + "\""
                + " ! rtpopusdepay ! opusparse ! rtpopuspay name=pay1 pt=97 )";
    }

    /** The factory mounted (the mount points hold it; valid while mounted), or null before. */
    private Pointer factory;

    /**
     * @param roles the roles besides {@link RtspServer#ROLE} that may play it (users limited to streams)
     * @return (full) a new shared factory for this mount
     */
    synchronized Pointer newFactory(java.util.List<String> roles) {
        Pointer factory = RTSP.gst_rtsp_media_factory_new();
        this.factory = factory;
        RTSP.gst_rtsp_media_factory_set_launch(factory, launch());
        RTSP.gst_rtsp_media_factory_set_shared(factory, true);
        int protocols = RtspLib.LOWER_TRANS_TCP | RtspLib.LOWER_TRANS_UDP;
        if (multicast != null) {
            Pointer pool = RTSP.gst_rtsp_address_pool_new();
            // RTP and RTCP port pairs for the group; one pair serves every multicast client of the shared media.
            if (!RTSP.gst_rtsp_address_pool_add_range(pool, multicast, multicast, (short) 5000, (short) 5099,
                    (byte) ttl)) {
                GOBJECT.g_object_unref(pool);
                GOBJECT.g_object_unref(factory);
                throw new IllegalArgumentException("the address pool refused multicast group " + multicast);
            }
            RTSP.gst_rtsp_media_factory_set_address_pool(factory, pool);
            GOBJECT.g_object_unref(pool);
            protocols |= RtspLib.LOWER_TRANS_UDP_MCAST;
        }
        RTSP.gst_rtsp_media_factory_set_protocols(factory, protocols);
        // Used only once an auth is set on the server: every user's token carries this role.
        Pointer role = GST.gst_structure_new_from_string(
                RtspServer.ROLE + ", media.factory.access=(boolean)true, media.factory.construct=(boolean)true");
        RTSP.gst_rtsp_media_factory_add_role_from_structure(factory, role);
        for (String r : roles) permit(r);
        GOBJECT.g_signal_connect_data(factory, "media-configure", onConfigure, null, null, 0);
        return factory;
    }

    /** Lets a role (a user limited to some streams, this one among them) play this mount from now on. */
    synchronized void permit(String role) {
        if (factory == null) return;
        Pointer s = GST.gst_structure_new_from_string(role + ", media.factory.access=(boolean)true, media.factory.construct=(boolean)true");
        if (s == null) throw new IllegalArgumentException("not a role name: " + role);
        RTSP.gst_rtsp_media_factory_add_role_from_structure(factory, s);
    }

    /** A new media for this mount (the first client after none): count what its payloader makes. */
    private void configured(Pointer factory, Pointer newMedia, Pointer data) {
        try {
            synchronized (this) {
                if (media != null) GOBJECT.g_object_unref(media);
                media = GOBJECT.g_object_ref(newMedia);
            }
            Pointer bin = RTSP.gst_rtsp_media_get_element(newMedia);
            Pointer pay = GST.gst_bin_get_by_name(bin, "pay0");
            Pointer pad = GST.gst_element_get_static_pad(pay, "src");
            NativeProbes.add(pad, NativeProbes.BUFFER | NativeProbes.BUFFER_LIST, counter);
            GST.gst_object_unref(pad);
            GST.gst_object_unref(pay);
            GST.gst_object_unref(bin);
            Log.info("stream " + name + ": a new media (first client since none)");
        } catch (RuntimeException e) { // never let an exception cross into C
            Log.warn("stream " + name + ": configuring its media: " + e);
        }
    }

    long payloadBytes() {
        return payloadBytes.get();
    }

    /**
     * Sends EOS into the media's source: the payloader's session sends RTCP BYE, on which rtspsrc
     * posts EOS and ffmpeg ends its input. @return whether there was a media to end
     */
    synchronized boolean endOfStream() {
        if (media == null) return false;
        Pointer bin = RTSP.gst_rtsp_media_get_element(media);
        Pointer src = GST.gst_bin_get_by_name(bin, "src");
        boolean sent = src != null && GST.gst_element_send_event(src, GST.gst_event_new_eos());
        if (src != null) GST.gst_object_unref(src);
        Pointer asrc = audioPort == 0 ? null : GST.gst_bin_get_by_name(bin, "asrc");
        if (asrc != null) {
            GST.gst_element_send_event(asrc, GST.gst_event_new_eos());
            GST.gst_object_unref(asrc);
        }
        GST.gst_object_unref(bin);
        return sent;
    }

    /** Drops our reference to the latest media. */
    synchronized void release() {
        if (media != null) GOBJECT.g_object_unref(media);
        media = null;
    }
}
