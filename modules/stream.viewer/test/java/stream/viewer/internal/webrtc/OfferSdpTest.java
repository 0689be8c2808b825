package stream.viewer.internal.webrtc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The payload type chosen from real offers' shapes, and the offers refused with a reason. */
class OfferSdpTest {
    private static String offer(String... media) {
        return String.join("\r\n", "v=0", "o=- 1 2 IN IP4 127.0.0.1", "s=-", "t=0 0", String.join("\r\n", media), "");
    }

    /** Chromium's order: VP8 96 first, H.264 with several profiles, constrained baseline 108. */
    private static final String CHROMIUM = offer("m=video 9 UDP/TLS/RTP/SAVPF 96 97 102 103 104 105 106 107 108 109",
            "a=recvonly",
            "a=rtpmap:96 VP8/90000", "a=rtpmap:97 rtx/90000", "a=fmtp:97 apt=96",
            "a=rtpmap:102 H264/90000", "a=fmtp:102 level-asymmetry-allowed=1;packetization-mode=1;profile-level-id=42001f",
            "a=rtpmap:104 H264/90000", "a=fmtp:104 level-asymmetry-allowed=1;packetization-mode=0;profile-level-id=42e01f",
            "a=rtpmap:106 H264/90000", "a=fmtp:106 level-asymmetry-allowed=1;packetization-mode=1;profile-level-id=42e01f",
            "a=rtpmap:108 H264/90000", "a=fmtp:108 level-asymmetry-allowed=1;packetization-mode=1;profile-level-id=4d001f");

    @Test
    void constrainedBaselineWithPacketizationMode1IsPicked() throws Exception {
        assertEquals(new OfferSdp.H264(106, "42e01f"), OfferSdp.h264(CHROMIUM));
    }

    @Test
    void anotherCompatibleH264IsTheFallback() throws Exception {
        assertEquals(new OfferSdp.H264(102, "42001f"),
                OfferSdp.h264(CHROMIUM.replace("profile-level-id=42e01f", "profile-level-id=640c1f")));
    }

    @Test
    void aProfileLevelIdThatIsNoHexTripletIsNotTaken() throws Exception {
        // it goes into the branch's caps: only three bytes in hex may get there
        assertEquals(new OfferSdp.H264(102, "42001f"), OfferSdp.h264(CHROMIUM.replace("profile-level-id=42e01f",
                "profile-level-id=42e01f\",x=\"1")));
        String none = offer("m=video 9 UDP/TLS/RTP/SAVPF 96", "a=recvonly", "a=rtpmap:96 H264/90000",
                "a=fmtp:96 packetization-mode=1");
        assertEquals(new OfferSdp.H264(96, null), OfferSdp.h264(none));
    }

    @Test
    void audioBeforeVideoIsSkipped() throws Exception {
        String sdp = offer("m=audio 9 UDP/TLS/RTP/SAVPF 111", "a=rtpmap:111 opus/48000/2",
                "m=video 9 UDP/TLS/RTP/SAVPF 120", "a=recvonly", "a=rtpmap:120 H264/90000",
                "a=fmtp:120 packetization-mode=1;profile-level-id=42e01f");
        assertEquals(120, OfferSdp.h264(sdp).payloadType());
    }

    @Test
    void unusableOffersAreRefusedWithAReason() {
        for (var bad : List.of(
                List.of("", "not an SDP"),
                List.of("hello", "not an SDP"),
                List.of(offer("m=audio 9 RTP/AVP 0"), "no video"),
                List.of(offer("m=video 9 RTP/AVP 96", "a=sendonly", "a=rtpmap:96 H264/90000",
                        "a=fmtp:96 packetization-mode=1"), "only sends"),
                List.of(offer("m=video 9 RTP/AVP 96", "a=rtpmap:96 VP8/90000"), "H.264"),
                List.of(offer("m=video 9 RTP/AVP 96", "a=rtpmap:96 H264/90000", "a=fmtp:96 packetization-mode=0"),
                        "packetization-mode=1"))) {
            var e = assertThrows(OfferSdp.Rejected.class, () -> OfferSdp.h264(bad.get(0)), bad.get(0));
            assertTrue(e.getMessage().contains(bad.get(1)), e.getMessage());
        }
        assertThrows(OfferSdp.Rejected.class, () -> OfferSdp.h264(null));
    }

    @Test
    void gatewayOptionsAreCheckedAndNamed() {
        var defaults = GatewayOptions.parse(new String[0]);
        assertEquals(GatewayOptions.DEFAULT_MAX_VIEWERS, defaults.maxViewers());
        assertTrue(defaults.iceAddresses().isEmpty());
        assertEquals(null, defaults.stunServer(), "no STUN server unless one is configured");
        var set = GatewayOptions.parse(new String[] {"--ice-address", "127.0.0.1,10.0.0.2", "--max-viewers", "3",
                "--stun-server", "stun://stun.example:3478"});
        assertEquals(List.of("127.0.0.1", "10.0.0.2"), set.iceAddresses());
        assertEquals(3, set.maxViewers());
        for (var bad : List.of(List.of("--max-viewers", "0"), List.of("--max-viewers", "x"), List.of("--ice-address", "a b"),
                List.of("--idle-timeout", "0.5"), List.of("--stun-server", "http://x"), List.of("--what", "1"),
                List.of("--max-viewers"))) {
            var e = assertThrows(IllegalArgumentException.class, () -> GatewayOptions.parse(bad.toArray(String[]::new)));
            assertTrue(e.getMessage().contains(bad.get(0)), e.getMessage());
        }
    }
}
