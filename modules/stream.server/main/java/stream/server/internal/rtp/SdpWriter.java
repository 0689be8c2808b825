package stream.server.internal.rtp;

import stream.server.internal.settings.SettingsGrammar;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import stream.server.internal.settings.SettingsGrammar.Endpoint;

/**
 * Writes the SDP (RFC 4566) of the running H.264 RTP stream (RFC 6184), so that ffplay, VLC,
 * ffprobe or MediaMTX can receive it with no GStreamer on their side:
 * {@code ffplay -protocol_whitelist file,udp,rtp -i stream.sdp}.
 */
public final class SdpWriter {
    private SdpWriter() {}

    /** The RTP payload type of the stream (dynamic). */
    public static final int PAYLOAD_TYPE = 96;
    /** The RTP payload type of the Opus audio (dynamic), when the stream has sound. */
    public static final int AUDIO_PAYLOAD_TYPE = 97;

    /**
     * The H.264 parameters of RFC 6184's fmtp line, as far as known.
     * @param spropParameterSets base64 SPS and PPS separated by a comma, or null
     * @param profileLevelId six hex digits (profile_idc, constraint flags, level_idc), or null
     */
    public record H264Params(String spropParameterSets, String profileLevelId) {
        private static final Pattern SPROP = Pattern.compile("[A-Za-z0-9+/=]+(,[A-Za-z0-9+/=]+)*");
        private static final Pattern PLI = Pattern.compile("[0-9A-Fa-f]{6}");

        /** Checks both, so nothing but base64 and hex can reach the SDP text. */
        public H264Params {
            if (spropParameterSets != null && !SPROP.matcher(spropParameterSets).matches())
                throw new IllegalArgumentException("sprop-parameter-sets is not base64: " + spropParameterSets);
            if (profileLevelId != null && !PLI.matcher(profileLevelId).matches())
                throw new IllegalArgumentException("profile-level-id is not 6 hex digits: " + profileLevelId);
        }
    }

    private static final Pattern CAPS_LINE = Pattern.compile("GstRtpH264Pay:[^.]*\\.GstPad:src: caps = application/x-rtp");
    private static final Pattern SPROP_IN_CAPS = Pattern.compile("sprop-parameter-sets=\\(string\\)(\"((?:[^\"\\\\]|\\\\.)*)\"|([^,\\s]+))");
    private static final Pattern PLI_IN_CAPS = Pattern.compile("profile-level-id=\\(string\\)\"?([0-9A-Fa-f]{6})\"?");

    /**
     * Reads the H.264 parameters from one line of {@code gst-launch-1.0 -v} output: the caps of
     * rtph264pay's src pad, e.g. {@code ... GstRtpH264Pay:rtph264pay0.GstPad:src: caps = application/x-rtp, ...,
     * sprop-parameter-sets=(string)"Z0LAFdoFB+wFqDAwNSgAAAMACAAAAwD0eLF1\,aM48gA\=\=", profile-level-id=(string)42c015, ...}.
     * @param line a line of output
     * @return the parameters, when the line is that caps line and carries them
     */
    public static Optional<H264Params> parseCapsLine(String line) {
        if (line == null || !CAPS_LINE.matcher(line).find()) return Optional.empty();
        Matcher s = SPROP_IN_CAPS.matcher(line);
        Matcher p = PLI_IN_CAPS.matcher(line);
        String sprop = null;
        if (s.find()) sprop = (s.group(2) != null ? s.group(2) : s.group(3)).replaceAll("\\\\(.)", "$1");
        String pli = p.find() ? p.group(1).toLowerCase(java.util.Locale.ROOT) : null;
        if (sprop == null && pli == null) return Optional.empty();
        try {
            return Optional.of(new H264Params(sprop, pli));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    /**
     * What the SDP describes.
     * @param target where the RTP goes: a unicast destination or a multicast group
     * @param ttl the multicast TTL (ignored for unicast)
     * @param origin the address of the sending host for the o= line (an IP literal or name)
     * @param sessionId a number that identifies this stream (e.g. the start time in seconds)
     * @param framerate frames per second, for a=framerate
     * @param params the H.264 parameters when known, else null
     * @param audio whether the stream carries Opus audio (payload type {@value #AUDIO_PAYLOAD_TYPE}) on
     *              the target's port + 2
     */
    public record Description(Endpoint target, int ttl, String origin, long sessionId, int framerate, H264Params params,
                              boolean audio, VideoCodec codec) {
        /** An H.264 stream, with or without sound. */
        public Description(Endpoint target, int ttl, String origin, long sessionId, int framerate, H264Params params, boolean audio) {
            this(target, ttl, origin, sessionId, framerate, params, audio, VideoCodec.H264);
        }

        /** A stream without sound. */
        public Description(Endpoint target, int ttl, String origin, long sessionId, int framerate, H264Params params) {
            this(target, ttl, origin, sessionId, framerate, params, false);
        }

        /** Checks that the parts are there. */
        public Description {
            Objects.requireNonNull(target, "target");
            Objects.requireNonNull(origin, "origin");
            Objects.requireNonNull(codec, "codec");
            if (!SettingsGrammar.isIpv4(origin) && !SettingsGrammar.isIpv6(origin) && !SettingsGrammar.isDnsName(origin))
                throw new IllegalArgumentException("origin is not an address or host name: " + origin);
            if (sessionId < 0) throw new IllegalArgumentException("negative session id");
        }
    }

    /**
     * @param d what to describe
     * @return the SDP text, lines ended by CRLF as RFC 4566 asks
     */
    public static String write(Description d) {
        String addrType = d.target().ipv6() ? "IP6" : "IP4";
        String originType = SettingsGrammar.isIpv6(d.origin()) ? "IP6" : "IP4";
        String connection = d.target().host();
        // RFC 4566 5.7: an IPv4 multicast address carries its TTL; IPv6 multicast has none.
        if (d.target().multicast() && !d.target().ipv6()) connection += "/" + d.ttl();
        StringBuilder b = new StringBuilder();
        line(b, "v=0");
        line(b, "o=- " + d.sessionId() + " 1 IN " + originType + " " + d.origin());
        line(b, "s=stream-server");
        line(b, "c=IN " + addrType + " " + connection);
        line(b, "t=0 0");
        if (d.codec() == VideoCodec.H265) { // RFC 7798; an IP camera's, passed through: VPS, SPS and PPS come in band
            int pt = VideoCodec.H265_PAYLOAD_TYPE;
            line(b, "m=video " + d.target().port() + " RTP/AVP " + pt);
            line(b, "a=rtpmap:" + pt + " H265/90000");
            return audioAndEnd(b, d);
        }
        line(b, "m=video " + d.target().port() + " RTP/AVP " + PAYLOAD_TYPE);
        line(b, "a=rtpmap:" + PAYLOAD_TYPE + " H264/90000");
        StringBuilder fmtp = new StringBuilder("a=fmtp:" + PAYLOAD_TYPE + " packetization-mode=1");
        H264Params p = d.params();
        if (p != null && p.profileLevelId() != null) fmtp.append(";profile-level-id=").append(p.profileLevelId());
        if (p != null && p.spropParameterSets() != null) fmtp.append(";sprop-parameter-sets=").append(p.spropParameterSets());
        line(b, fmtp.toString());
        return audioAndEnd(b, d);
    }

    private static String audioAndEnd(StringBuilder b, Description d) {
        line(b, "a=framerate:" + d.framerate());
        line(b, "a=recvonly");
        if (d.audio()) { // RFC 7587: Opus is always 48000/2 in SDP, whatever it carries
            line(b, "m=audio " + (d.target().port() + 2) + " RTP/AVP " + AUDIO_PAYLOAD_TYPE);
            line(b, "a=rtpmap:" + AUDIO_PAYLOAD_TYPE + " opus/48000/2");
            line(b, "a=fmtp:" + AUDIO_PAYLOAD_TYPE + " sprop-stereo=1");
            line(b, "a=recvonly");
        }
        return b.toString();
    }

    private static void line(StringBuilder b, String s) {
        b.append(s).append("\r\n");
    }
}
