package stream.server.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import stream.server.internal.rtp.SdpWriter;
import stream.server.internal.settings.InvalidValueException;
import stream.server.internal.settings.SettingsGrammar;
import stream.server.internal.settings.StreamSettings;
import stream.server.internal.sources.AudioSource;
import stream.server.internal.sources.Source;
import stream.server.internal.supervisor.StreamPlan;

/** The audio setting's grammar, the sender pipeline with and without sound, and the SDP's m=audio. */
class AudioPlanTest {
    private static final String GST = "/usr/bin/gst-launch-1.0";
    private static final Source TEST = new Source(Source.Kind.TEST, null, "t");

    @Test
    void withoutSoundThePipelineIsTheOneItAlwaysWas() {
        StreamSettings s = StreamSettings.defaults();
        assertEquals("none", s.get(StreamSettings.AUDIO));
        assertFalse(s.hasAudio());
        List<String> plain = new StreamPlan(s, TEST).command(GST, 40000);
        assertEquals(plain, new StreamPlan(s, TEST).command(GST, 40000, 40002), "an audio tap changes nothing without sound");
        assertEquals(String.join(" ", List.of(GST, "-e", "-v", "videotestsrc", "is-live=true", "pattern=ball", "!", "videoconvert", "!",
                "videoscale", "!", "videorate", "drop-only=true", "!", "video/x-raw,format=I420,width=1280,height=720,framerate=30/1",
                "!", "x264enc", "tune=zerolatency", "speed-preset=ultrafast", "key-int-max=30", "bitrate=2000", "!",
                "video/x-h264,profile=constrained-baseline", "!", "rtph264pay", "config-interval=1", "pt=96", "!", "tee", "name=t",
                "t.", "!", "queue", "!", "udpsink", "name=out", "host=127.0.0.1", "port=5000", "sync=false",
                "t.", "!", "queue", "!", "udpsink", "name=out1", "host=127.0.0.1", "port=40000", "sync=false")), String.join(" ", plain));
    }

    @Test
    void withTheTestToneOneRtpbinSendsH264AndOpusWithSenderReports() {
        StreamSettings s = StreamSettings.defaults().with("audio", "test").with("destinations", "10.0.0.2:6000");
        List<String> cmd = new StreamPlan(s, TEST).command(GST, 40000, 40100);
        for (String a : cmd) assertTrue(!a.isEmpty() && !a.contains(" "), "one token: '" + a + "'");
        String j = String.join(" ", cmd);
        assertTrue(j.startsWith(GST + " -e -v rtpbin name=rb rtcp-sync-send-time=false videotestsrc"), j);
        assertTrue(j.contains("rtph264pay config-interval=1 pt=96 ! rb.send_rtp_sink_0"), j);
        assertTrue(j.contains("audiotestsrc is-live=true wave=ticks freq=1000 sine-periods-per-tick=200"), j);
        assertTrue(j.contains("opusenc bitrate=64000 ! rtpopuspay pt=97 ! rb.send_rtp_sink_1"), j);
        assertTrue(j.contains("videotestsrc is-live=false pattern=blink foreground-color=0xff000000 background-color=0xffffffff"),
                "the flash (white first) in step with the beep, not live (a live 2 fps source makes the compositor send in bursts): " + j);
        assertTrue(j.contains("rb.send_rtp_src_0 ! tee name=t t. ! queue ! udpsink name=out host=10.0.0.2 port=6000 sync=false"), j);
        assertTrue(j.contains("udpsink name=out1 host=127.0.0.1 port=40000"), "the video tap: " + j);
        assertTrue(j.contains("udpsink name=ta0 host=10.0.0.2 port=6002"), "audio on port + 2: " + j);
        assertTrue(j.contains("udpsink name=ta1 host=127.0.0.1 port=40100"), "the audio tap: " + j);
        assertTrue(j.contains("rb.send_rtcp_src_0 ! tee name=tc tc. ! queue ! udpsink name=tc0 host=10.0.0.2 port=6001"), j);
        assertTrue(j.contains("rb.send_rtcp_src_1 ! tee name=tac tac. ! queue ! udpsink name=tac0 host=10.0.0.2 port=6003"), j);
        assertEquals(cmd.stream().filter("udpsink"::equals).count(), cmd.stream().filter("sync=false"::equals).count(), j);
    }

    @Test
    void aMicrophoneIsAlsasrcOrPulsesrcWithItsDevice() {
        assertEquals(List.of("alsasrc", "device=hw:1,0"), AudioSource.resolve("hw:1,0").arguments());
        assertEquals(List.of("alsasrc", "device=plughw:2"), AudioSource.resolve("plughw:2").arguments());
        assertEquals(List.of("pulsesrc", "device=alsa_input.usb-Mic-00.mono"),
                AudioSource.resolve("pulse:alsa_input.usb-Mic-00.mono").arguments());
        assertEquals(List.of(), AudioSource.resolve("none").arguments());
        // The microphone is captured by a child of its own, which sends raw sound to the stream's pipeline over loopback UDP.
        StreamPlan plan = new StreamPlan(StreamSettings.defaults().with("audio", "hw:1,0"), TEST);
        String j = String.join(" ", plan.command(GST, 0, 0, 40000));
        assertFalse(j.contains("alsasrc"), "the device is not in the stream's pipeline: " + j);
        assertTrue(j.contains("udpsrc address=127.0.0.1 port=40000 do-timestamp=true caps=" + AudioSource.RAW_CAPS + " ! queue ! audiomixer name=mix"), j);
        assertTrue(j.contains("audiotestsrc is-live=true wave=silence"), "silence while the microphone is gone: " + j);
        assertTrue(j.contains("mix. ! audioconvert ! audioresample ! audio/x-raw,rate=48000,channels=2 ! opusenc"), j);
        assertFalse(j.contains("blink"), "no flash without the test tone: " + j);
        assertEquals("hw:1,0", plan.microphone().label());
        assertEquals(List.of(GST, "-v", "alsasrc", "device=hw:1,0", "latency-time=10000", "!", "audioconvert", "!", "audioresample", "!",
                AudioSource.RAW_CAPS, "!", "udpsink", "name=mic", "host=127.0.0.1", "port=40000", "sync=false"),
                plan.microphone().captureArguments(GST, 40000));
        assertNull(new StreamPlan(StreamSettings.defaults().with("audio", "test"), TEST).microphone(), "the test tone is made in the pipeline");
    }

    @Test
    void theGrammarTakesNamesAndNothingThatCouldBecomePipelineSyntax() {
        for (String ok : List.of("none", "test", "auto", "hw:0", "hw:1,0", "plughw:10,3", "pulse:alsa_input.pci-0000_00_1f.3.analog-stereo"))
            assertEquals(ok, StreamSettings.defaults().with("audio", ok).get(StreamSettings.AUDIO));
        for (String bad : List.of("", "on", "hw:", "hw:a,b", "hw:1,0 ! fakesink", "pulse:", "pulse:a b", "pulse:x\"y", "/dev/snd/pcmC0D0c",
                "default"))
            assertThrows(SettingsGrammar.Invalid.class, () -> StreamSettings.defaults().with("audio", bad), bad);
        var e = assertThrows(SettingsGrammar.Invalid.class,
                () -> StreamSettings.defaults().with("audio", "test").with("destinations", "10.0.0.2:65534"));
        assertTrue(e.getMessage().contains("65532"), e.getMessage());
    }

    @Test
    void aDeviceThatIsNotHereIsNamedWithWhatIsHere() {
        var e = assertThrows(InvalidValueException.class, () -> AudioSource.requireHere("hw:42,7"));
        assertTrue(e.getMessage().contains("hw:42,7") && e.getMessage().contains("no such ALSA capture device"), e.getMessage());
        var p = assertThrows(InvalidValueException.class, () -> AudioSource.requireHere("pulse:nowhere"));
        assertTrue(p.getMessage().contains("pulse:nowhere"), p.getMessage());
    }

    @Test
    void theSdpHasAnAudioSectionOnlyWithSound() {
        var target = new SettingsGrammar.Endpoint("127.0.0.1", 5000);
        String without = SdpWriter.write(new SdpWriter.Description(target, 1, "127.0.0.1", 1, 30, null));
        assertFalse(without.contains("m=audio"), without);
        String with = SdpWriter.write(new SdpWriter.Description(target, 1, "127.0.0.1", 1, 30, null, true));
        assertTrue(with.startsWith(without), "the video section is unchanged");
        assertEquals("m=audio 5002 RTP/AVP 97\r\na=rtpmap:97 opus/48000/2\r\na=fmtp:97 sprop-stereo=1\r\na=recvonly\r\n",
                with.substring(without.length()));
    }
}
