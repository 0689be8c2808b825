package stream.server.internal;

import stream.server.internal.rtp.RtpTap;
import stream.server.internal.rtp.SdpWriter;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import stream.server.internal.rtp.SdpWriter.Description;
import stream.server.internal.rtp.SdpWriter.H264Params;
import stream.server.internal.settings.SettingsGrammar.Endpoint;
import java.time.Duration;
import stream.testkit.Await;

class SdpWriterTest {
    // A line printed by gst-launch-1.0 -v (GStreamer 1.22) for the server's pipeline.
    private static final String CAPS = "/GstPipeline:pipeline0/GstRtpH264Pay:rtph264pay0.GstPad:src: caps = application/x-rtp, "
            + "media=(string)video, clock-rate=(int)90000, encoding-name=(string)H264, packetization-mode=(string)1, "
            + "sprop-parameter-sets=(string)\"Z0LAFdoFB+wFqDAwNSgAAAMACAAAAwD0eLF1\\,aM48gA\\=\\=\", "
            + "profile-level-id=(string)42c015, profile=(string)constrained-baseline, payload=(int)96, ssrc=(uint)199386799";

    @Test
    void parsesTheParameterSetsFromGstLaunchVerboseOutput() {
        H264Params p = SdpWriter.parseCapsLine(CAPS).orElseThrow();
        assertEquals("Z0LAFdoFB+wFqDAwNSgAAAMACAAAAwD0eLF1,aM48gA==", p.spropParameterSets());
        assertEquals("42c015", p.profileLevelId());
        // the same caps on the sink's pad, and other lines, are not taken
        assertEquals(Optional.empty(), SdpWriter.parseCapsLine(CAPS.replace("GstRtpH264Pay:rtph264pay0.GstPad:src",
                "GstUDPSink:out.GstPad:sink")));
        assertEquals(Optional.empty(), SdpWriter.parseCapsLine("Setting pipeline to PLAYING ..."));
        assertEquals(Optional.empty(), SdpWriter.parseCapsLine(null));
        // a value that is not base64 never reaches the SDP
        assertEquals(Optional.empty(), SdpWriter.parseCapsLine(CAPS.replace("aM48gA", "a=b\r\nm=audio")
                .replace("profile-level-id=(string)42c015, ", "")));
    }

    @Test
    void writesUnicastIpv4() {
        String sdp = SdpWriter.write(new Description(new Endpoint("127.0.0.1", 5000), 1, "127.0.0.1", 42, 15,
                new H264Params("Z0LAFQ==,aM48gA==", "42c015")));
        assertEquals(String.join("\r\n", "v=0", "o=- 42 1 IN IP4 127.0.0.1", "s=stream-server", "c=IN IP4 127.0.0.1",
                "t=0 0", "m=video 5000 RTP/AVP 96", "a=rtpmap:96 H264/90000",
                "a=fmtp:96 packetization-mode=1;profile-level-id=42c015;sprop-parameter-sets=Z0LAFQ==,aM48gA==",
                "a=framerate:15", "a=recvonly", ""), sdp);
    }

    @Test
    void writesMulticastWithTtlAndIpv6WithoutParams() {
        String v4 = SdpWriter.write(new Description(new Endpoint("239.255.0.1", 5004), 4, "192.0.2.2", 1, 30, null));
        assertTrue(v4.contains("\r\nc=IN IP4 239.255.0.1/4\r\n"), v4);
        assertTrue(v4.contains("\r\na=fmtp:96 packetization-mode=1\r\n"), v4);
        String v6 = SdpWriter.write(new Description(new Endpoint("ff15::1", 5004), 4, "::1", 1, 30, null));
        assertTrue(v6.contains("\r\no=- 1 1 IN IP6 ::1\r\n"), v6);
        assertTrue(v6.contains("\r\nc=IN IP6 ff15::1\r\n"), v6);
        assertThrows(IllegalArgumentException.class, () -> new H264Params("Z0 LA", null));
        assertThrows(IllegalArgumentException.class, () -> new Description(new Endpoint("::1", 1), 1, "a b", 1, 1, null));
    }

    @Test
    void ffprobeDecodesARealStreamFromTheSdp(@TempDir Path dir) throws Exception {
        int port = TestSupport.freeUdpPort();
        try (RtpTap tap = RtpTap.open(); Gst gst = Gst.sender(320, 240, 15, "127.0.0.1:" + port + "," + tap.destination())) {
            Await.until(() -> "gst.lines.stream().anyMatch(l -> SdpWriter.parseCapsLine(l).isPresent()): " + gst.output(), Duration.ofSeconds(30), () -> gst.lines.stream().anyMatch(l -> SdpWriter.parseCapsLine(l).isPresent()));
            H264Params fromCaps = gst.lines.stream().map(SdpWriter::parseCapsLine).flatMap(Optional::stream).findFirst()
                    .orElseThrow();
            Await.until(() -> "tap.h264Params().isPresent(): " + "no SPS/PPS in the RTP copy", Duration.ofSeconds(30), () -> tap.h264Params().isPresent());
            assertEquals(fromCaps, tap.h264Params().orElseThrow(), "parameter sets in the caps and in the stream agree");

            Path sdp = dir.resolve("stream.sdp");
            Files.writeString(sdp, SdpWriter.write(new Description(new Endpoint("127.0.0.1", port), 1, "127.0.0.1",
                    1, 15, fromCaps)));
            Gst.ffprobeH264(sdp, "key_frame", 320, 240);
        }
    }
}
