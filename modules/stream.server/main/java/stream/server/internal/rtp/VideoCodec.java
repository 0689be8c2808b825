package stream.server.internal.rtp;

import java.util.Optional;

/**
 * The video codecs a stream's RTP may carry, told apart by the RTP payload type: H.264 is what
 * every local camera's child sends (payload type {@value SdpWriter#PAYLOAD_TYPE}); H.265 comes only
 * from an IP camera that sends it, passed through unchanged by the camera relay with payload type
 * {@value #H265_PAYLOAD_TYPE}. Every output reads the codec from the packets themselves (the RTP
 * tap, the recorder), so none needs to be told.
 */
public enum VideoCodec {
    /** H.264 (RFC 6184). */
    H264(SdpWriter.PAYLOAD_TYPE, "H264", "H.264", "rtph264depay", "h264parse", "rtph264pay", "avdec_h264"),
    /** H.265 (RFC 7798): passed through, decoded only for a snapshot. */
    H265(VideoCodec.H265_PAYLOAD_TYPE, "H265", "H.265", "rtph265depay", "h265parse", "rtph265pay", "avdec_h265");

    /** The RTP payload type of H.265 video (dynamic). */
    public static final int H265_PAYLOAD_TYPE = 98;

    /** Its RTP payload type. */
    public final int payloadType;
    /** Its RTP encoding name, as in caps and SDP. */
    public final String encodingName;
    /** Its name as people write it. */
    public final String label;
    /** The GStreamer elements: depayloader, parser, payloader, decoder. */
    public final String depay, parse, pay, decoder;

    VideoCodec(int payloadType, String encodingName, String label, String depay, String parse, String pay, String decoder) {
        this.payloadType = payloadType;
        this.encodingName = encodingName;
        this.label = label;
        this.depay = depay;
        this.parse = parse;
        this.pay = pay;
        this.decoder = decoder;
    }

    /** @param payloadType an RTP payload type @return the codec it stands for, or empty */
    public static Optional<VideoCodec> ofPayloadType(int payloadType) {
        for (VideoCodec c : values()) if (c.payloadType == payloadType) return Optional.of(c);
        return Optional.empty();
    }

    /** @param payloadType an RTP payload type @return its codec, H.264 for any other (what every local stream sends) */
    public static VideoCodec of(int payloadType) {
        return ofPayloadType(payloadType).orElse(H264);
    }

    /**
     * @param p an RTP packet of this codec
     * @return whether it carries (the start of) a picture a decoder can start with: an H.264 IDR
     *         slice, an H.265 IRAP picture (NAL types 16-23), alone, aggregated or as a first fragment
     */
    public boolean startsKeyframe(byte[] p) {
        int off = 12 + 4 * (p[0] & 0x0F);
        if ((p[0] & 0x10) != 0) { // header extension
            if (p.length < off + 4) return false;
            off += 4 + 4 * (((p[off + 2] & 0xFF) << 8) | (p[off + 3] & 0xFF));
        }
        int end = p.length;
        if ((p[0] & 0x20) != 0) end -= p[end - 1] & 0xFF; // padding
        if (off >= end) return false;
        return this == H264 ? h264(p, off, end) : h265(p, off, end);
    }

    private static boolean h264(byte[] p, int off, int end) {
        final int idr = 5, stapA = 24, fuA = 28;
        int type = p[off] & 0x1F;
        if (type == idr) return true;
        if (type == fuA) return off + 1 < end && (p[off + 1] & 0x80) != 0 && (p[off + 1] & 0x1F) == idr;
        if (type == stapA) {
            for (int i = off + 1; i + 2 < end; ) {
                int size = ((p[i] & 0xFF) << 8) | (p[i + 1] & 0xFF);
                i += 2;
                if (size == 0 || i + size > end) return false;
                if ((p[i] & 0x1F) == idr) return true;
                i += size;
            }
        }
        return false;
    }

    // RFC 7798: a two-byte NAL header, type in bits 1-6 of the first; AP = 48, FU = 49 (FU header: S bit, type).
    private static boolean h265(byte[] p, int off, int end) {
        if (off + 1 >= end) return false;
        int type = (p[off] >> 1) & 0x3F;
        if (irap(type)) return true;
        if (type == 49) return off + 2 < end && (p[off + 2] & 0x80) != 0 && irap(p[off + 2] & 0x3F);
        if (type == 48) {
            for (int i = off + 2; i + 2 < end; ) {
                int size = ((p[i] & 0xFF) << 8) | (p[i + 1] & 0xFF);
                i += 2;
                if (size == 0 || i + size > end) return false;
                if (irap((p[i] >> 1) & 0x3F)) return true;
                i += size;
            }
        }
        return false;
    }

    private static boolean irap(int type) {
        return type >= 16 && type <= 23;
    }
}
