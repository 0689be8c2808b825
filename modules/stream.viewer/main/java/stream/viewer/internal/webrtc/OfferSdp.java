package stream.viewer.internal.webrtc;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * What the gateway needs from a viewer's SDP offer: the payload type it gives H.264 in a form our
 * stream can be passed through to unchanged (packetization-mode=1, a constrained-baseline
 * compatible profile), chosen from the first video section. Chromium numbers its codecs itself
 * (its 96 is VP8), so the number is never assumed.
 */
final class OfferSdp {
    /** An offer we cannot answer, with a message for the person who sent it. */
    static final class Rejected extends Exception {
        private static final long serialVersionUID = 1L;

        Rejected(String message) {
            super(message);
        }
    }

    /**
     * The H.264 format chosen from an offer.
     * @param payloadType the payload type to send H.264 with
     * @param profileLevelId the offer's profile-level-id for it (lower case), or null when it gives none
     */
    record H264(int payloadType, String profileLevelId) {}

    private OfferSdp() {}

    /**
     * @param sdp the offer
     * @return the H.264 format to send, with the payload type and profile-level-id the offer gives it
     * @throws Rejected when the text is no SDP offer with a video section that receives H.264
     */
    static H264 h264(String sdp) throws Rejected {
        if (sdp == null || !sdp.startsWith("v=0")) {
            throw new Rejected("the body is not an SDP offer (it must start with v=0)");
        }
        List<String> video = videoSection(sdp);
        if (video == null) {
            throw new Rejected("the offer has no video section (m=video)");
        }
        if (video.stream().anyMatch(l -> l.equals("a=sendonly") || l.equals("a=inactive"))) {
            throw new Rejected("the offer's video section must receive (recvonly or sendrecv): this server only sends");
        }
        Map<Integer, String> rtpmap = new HashMap<>();
        Map<Integer, String> fmtp = new HashMap<>();
        for (String line : video) {
            if (line.startsWith("a=rtpmap:")) {
                entry(line, "a=rtpmap:", rtpmap);
            } else if (line.startsWith("a=fmtp:")) {
                entry(line, "a=fmtp:", fmtp);
            }
        }
        List<Integer> order = payloadOrder(video.get(0));
        H264 fallback = null;
        for (int pt : order) {
            String map = rtpmap.getOrDefault(pt, "");
            if (!map.toUpperCase(Locale.ROOT).startsWith("H264/90000")) continue;
            String params = fmtp.getOrDefault(pt, "").toLowerCase(Locale.ROOT);
            if (!params.contains("packetization-mode=1")) continue;
            String profile = value(params, "profile-level-id");
            if (profile != null && !profile.matches("[0-9a-f]{6}")) continue; // three bytes in hex (RFC 6184)
            // 42e0xx is constrained baseline; 42xxxx (baseline) and 4d/64 decoders accept it too,
            // but the exact profile is what browsers match first.
            if (profile != null && profile.startsWith("42e0")) return new H264(pt, profile);
            if (fallback == null && (profile == null || profile.startsWith("42") || profile.startsWith("4d")
                    || profile.startsWith("64"))) {
                fallback = new H264(pt, profile);
            }
        }
        if (fallback != null) return fallback;
        throw new Rejected("the offer does not accept H.264 with packetization-mode=1 (constrained baseline),"
                + " which is what this stream sends; offer H.264 (every current browser does)");
    }

    /**
     * The payload type the offer's first audio section gives Opus (opus/48000/2, RFC 7587), when
     * that section receives.
     * @param sdp the offer (already accepted by {@link #h264})
     * @return the payload type, or -1 when the offer receives no Opus
     */
    static int opus(String sdp) {
        List<String> audio = section(sdp, "m=audio ");
        if (audio == null || audio.stream().anyMatch(l -> l.equals("a=sendonly") || l.equals("a=inactive"))) return -1;
        if (audio.get(0).split(" ").length > 1 && audio.get(0).split(" ")[1].equals("0")) return -1; // rejected section
        Map<Integer, String> rtpmap = new HashMap<>();
        for (String line : audio) if (line.startsWith("a=rtpmap:")) entry(line, "a=rtpmap:", rtpmap);
        for (int pt : payloadOrder(audio.get(0)))
            if (rtpmap.getOrDefault(pt, "").toLowerCase(Locale.ROOT).startsWith("opus/48000")) return pt;
        return -1;
    }

    private static List<String> videoSection(String sdp) {
        return section(sdp, "m=video ");
    }

    private static List<String> section(String sdp, String kind) {
        List<String> section = null;
        for (String raw : sdp.split("\r?\n")) {
            String line = raw.strip();
            if (line.startsWith("m=")) {
                if (section != null) break;
                if (line.startsWith(kind)) section = new ArrayList<>();
            }
            if (section != null) section.add(line);
        }
        return section;
    }

    private static List<Integer> payloadOrder(String mLine) {
        String[] parts = mLine.split(" ");
        List<Integer> order = new ArrayList<>();
        for (int i = 3; i < parts.length; i++) {
            try {
                order.add(Integer.parseInt(parts[i]));
            } catch (NumberFormatException e) {
                // not RTP/AVP numbers: skipped
            }
        }
        return order;
    }

    private static void entry(String line, String prefix, Map<Integer, String> into) {
        String rest = line.substring(prefix.length());
        int space = rest.indexOf(' ');
        if (space <= 0) return;
        try {
            into.putIfAbsent(Integer.parseInt(rest.substring(0, space)), rest.substring(space + 1).strip());
        } catch (NumberFormatException e) {
            // malformed attribute: ignored, as SDP parsers do
        }
    }

    private static String value(String params, String key) {
        for (String kv : params.split(";")) {
            String[] p = kv.strip().split("=", 2);
            if (p.length == 2 && p[0].equals(key)) return p[1];
        }
        return null;
    }
}
