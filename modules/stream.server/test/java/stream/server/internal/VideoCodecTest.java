package stream.server.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import stream.server.internal.rtp.SdpWriter;
import stream.server.internal.rtp.VideoCodec;
import stream.server.internal.settings.SettingsGrammar.Endpoint;

/** An IP camera's H.265 told from H.264 by its payload type: its keyframes (RFC 7798 NAL units) and its SDP. */
class VideoCodecTest {
    /** An RTP packet of payload type pt whose payload starts with these bytes. */
    private static byte[] rtp(int pt, int... payload) {
        byte[] p = new byte[12 + payload.length];
        p[0] = (byte) 0x80;
        p[1] = (byte) pt;
        for (int i = 0; i < payload.length; i++) p[12 + i] = (byte) payload[i];
        return p;
    }

    @Test
    void h265KeyframesAreIrapPicturesAloneAggregatedOrFragmented() {
        assertEquals(VideoCodec.H265, VideoCodec.of(98));
        assertEquals(VideoCodec.H264, VideoCodec.of(96));
        // IDR_W_RADL (19) in a single NAL unit packet: header 0x26 0x01
        assertTrue(VideoCodec.H265.startsKeyframe(rtp(98, 0x26, 0x01, 0xAF)));
        // TRAIL_R (1): no keyframe; the same byte read as H.264 is no IDR either
        assertFalse(VideoCodec.H265.startsKeyframe(rtp(98, 0x02, 0x01, 0xAF)));
        // FU (49: 0x62 0x01), first fragment (S bit) of a CRA (21)
        assertTrue(VideoCodec.H265.startsKeyframe(rtp(98, 0x62, 0x01, 0x80 | 21, 0x00)));
        assertFalse(VideoCodec.H265.startsKeyframe(rtp(98, 0x62, 0x01, 21, 0x00)), "a middle fragment starts nothing");
        // AP (48: 0x60 0x01) holding VPS (32) then IDR_N_LP (20)
        assertTrue(VideoCodec.H265.startsKeyframe(rtp(98, 0x60, 0x01, 0x00, 0x02, 0x40, 0x01, 0x00, 0x03, 0x28, 0x01, 0xAF)));
        // H.264 as before: IDR (5) in a single NAL unit
        assertTrue(VideoCodec.H264.startsKeyframe(rtp(96, 0x65, 0x88)));
        // the H.265 IDR_N_LP header byte 0x28 is no H.264 IDR
        assertFalse(VideoCodec.H264.startsKeyframe(rtp(96, 0x28, 0x01)));
    }

    @Test
    void anH265StreamsSdpSaysH265WithItsPayloadType() {
        String sdp = SdpWriter.write(new SdpWriter.Description(new Endpoint("127.0.0.1", 5000), 1, "127.0.0.1", 1, 15, null, true,
                VideoCodec.H265));
        assertTrue(sdp.contains("m=video 5000 RTP/AVP 98\r\na=rtpmap:98 H265/90000\r\n"), sdp);
        assertFalse(sdp.contains("H264") || sdp.contains("packetization-mode"), sdp);
        assertTrue(sdp.contains("m=audio 5002 RTP/AVP 97\r\na=rtpmap:97 opus/48000/2"), sdp);
    }
}
