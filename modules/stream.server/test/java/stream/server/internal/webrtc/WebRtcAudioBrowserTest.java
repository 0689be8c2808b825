package stream.server.internal.webrtc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.eclipsesource.json.JsonObject;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import stream.testkit.Chromium;
import stream.testkit.NetNs;

/**
 * Sound over WebRTC: Debian's Chromium, headless, in a network namespace with only loopback,
 * offers video and audio (recvonly) to the gateway, which is fed H.264 and Opus as the server's
 * two taps feed it; the browser's getStats shows inbound audio packets with a non-zero level, and
 * video decoding beside it. An offer without audio still gets video alone.
 */
class WebRtcAudioBrowserTest {
    private static final String STREAM = "main";
    private static final String ORIGIN = "http://localhost:18802";
    private static NetNs ns;
    private static WebRtcGateway gateway;
    private static Process sender;
    private static Chromium chromium;

    private static final String PAGE = """
            <!doctype html>
            <meta charset="utf-8">
            <title>WHEP audio test</title>
            <video id="v" autoplay playsinline></video>
            <script>
            let pc = null;
            async function watch(url, withAudio) {
              if (pc) pc.close();
              pc = new RTCPeerConnection();
              pc.addTransceiver('video', {direction: 'recvonly'});
              if (withAudio) pc.addTransceiver('audio', {direction: 'recvonly'});
              const media = new MediaStream();
              pc.ontrack = e => { media.addTrack(e.track); document.getElementById('v').srcObject = media; };
              await pc.setLocalDescription(await pc.createOffer());
              await new Promise(done => {
                if (pc.iceGatheringState === 'complete') return done();
                pc.addEventListener('icegatheringstatechange', () => pc.iceGatheringState === 'complete' && done());
              });
              const res = await fetch(url, {method: 'POST', headers: {'Content-Type': 'application/sdp'},
                                            body: pc.localDescription.sdp});
              const body = await res.text();
              if (res.status !== 201) return {status: res.status, body};
              await pc.setRemoteDescription({type: 'answer', sdp: body});
              return {status: res.status, answer: body};
            }
            async function stats() {
              const out = {framesDecoded: 0, audioPackets: 0, audioLevel: 0, audioCodec: ''};
              const codecs = {};
              const all = await pc.getStats();
              all.forEach(s => { if (s.type === 'codec') codecs[s.id] = s.mimeType; });
              all.forEach(s => {
                if (s.type === 'inbound-rtp' && s.kind === 'video') out.framesDecoded = s.framesDecoded || 0;
                if (s.type === 'inbound-rtp' && s.kind === 'audio') {
                  out.audioPackets = s.packetsReceived || 0;
                  out.audioLevel = s.audioLevel || 0;
                  out.audioCodec = codecs[s.codecId] || '';
                }
              });
              return out;
            }
            </script>
            """;

    @BeforeAll
    static void start() throws Exception {
        ns = NetNs.create("webrtcaudio");
        gateway = new WebRtcGateway(TestGateways.command(ns.prefix()));
        int video = gateway.rtpPort(STREAM), audio = gateway.audioPort(STREAM);
        assertTrue(audio > 0, "the gateway gives an audio port");
        // H.264 and Opus from one pipeline, as the server's sender makes them (a 1 kHz tone).
        var command = new ArrayList<>(ns.prefix());
        command.addAll(List.of("gst-launch-1.0", "-q", "videotestsrc", "is-live=true", "pattern=ball",
                "!", "video/x-raw,width=320,height=240,framerate=15/1", "!", "videoconvert",
                "!", "video/x-raw,format=I420", "!", "x264enc", "tune=zerolatency", "speed-preset=ultrafast",
                "key-int-max=15", "!", "video/x-h264,profile=constrained-baseline",
                "!", "rtph264pay", "config-interval=1", "pt=96", "!", "udpsink", "host=127.0.0.1", "port=" + video,
                "audiotestsrc", "is-live=true", "freq=1000", "volume=0.5", "!", "audioconvert", "!", "audioresample",
                "!", "audio/x-raw,rate=48000,channels=2", "!", "opusenc", "!", "rtpopuspay", "pt=97",
                "!", "udpsink", "host=127.0.0.1", "port=" + audio));
        sender = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        chromium = Chromium.start(ns.prefix(), TestGateways.reportDir().resolve("chromium-audio.log"));
    }

    @AfterAll
    static void stop() throws Exception {
        try {
            if (chromium != null) chromium.close();
            if (gateway != null) gateway.close();
            if (sender != null) {
                sender.destroyForcibly();
                sender.waitFor(5, TimeUnit.SECONDS);
            }
        } finally {
            if (ns != null) ns.close();
        }
    }

    private static Chromium.Response site(Chromium.Request request) {
        String path = request.url().substring(ORIGIN.length());
        try {
            if (path.equals("/") && request.method().equals("GET"))
                return new Chromium.Response(200, Map.of("Content-Type", "text/html; charset=utf-8"), PAGE);
            if (path.equals("/whep") && request.method().equals("POST")) {
                var answer = gateway.offer(STREAM, request.body());
                return new Chromium.Response(201, Map.of("Content-Type", "application/sdp", "Location", "/whep/" + answer.viewer()),
                        answer.sdp());
            }
            return new Chromium.Response(404, Map.of(), "");
        } catch (WhepException e) {
            return new Chromium.Response(e.status(), Map.of("Content-Type", "application/json"),
                    new JsonObject().add("error", e.getMessage()).toString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Chromium.Response(503, Map.of(), "");
        }
    }

    private static Chromium.Tab page() throws Exception {
        var tab = chromium.newTab();
        tab.route(ORIGIN, WebRtcAudioBrowserTest::site);
        tab.navigate(ORIGIN + "/");
        return tab;
    }

    @Test
    void theBrowserReceivesOpusWithALevelBesideTheVideo() throws Exception {
        var tab = page();
        try {
            // The sender's first Opus packets may still be on their way: the gateway adds sound once it has some.
            JsonObject w = null;
            for (int i = 0; i < 5; i++) {
                w = tab.evaluate("watch('" + ORIGIN + "/whep', true)").asObject();
                if (w.getInt("status", 0) != 201 || w.getString("answer", "").toLowerCase(java.util.Locale.ROOT).contains("opus/48000")) break;
                Thread.sleep(1000);
            }
            assertEquals(201, w.getInt("status", 0), "WHEP POST: " + w);
            assertTrue(w.getString("answer", "").contains("m=audio") && w.getString("answer", "").toLowerCase(java.util.Locale.ROOT).contains("opus/48000"),
                    "the answer sends Opus: " + w);
            JsonObject stats = null;
            for (int i = 0; i < 200; i++) {
                stats = tab.evaluate("stats()").asObject();
                if (stats.getInt("audioPackets", 0) > 50 && stats.getDouble("audioLevel", 0) > 0
                        && stats.getInt("framesDecoded", 0) > 15) break;
                Thread.sleep(100);
            }
            System.out.println("browser stats with sound: " + stats);
            assertTrue(stats.getInt("audioPackets", 0) > 50, "inbound audio packets: " + stats + "; gateway " + gateway.status());
            assertTrue(stats.getDouble("audioLevel", 0) > 0, "a non-zero audio level: " + stats);
            assertEquals("audio/opus", stats.getString("audioCodec", ""), stats.toString());
            assertTrue(stats.getInt("framesDecoded", 0) > 15, "video decodes beside it: " + stats);
        } finally {
            tab.close();
        }
    }

    @Test
    void anOfferWithoutAudioStillGetsTheVideo() throws Exception {
        var tab = page();
        try {
            JsonObject w = tab.evaluate("watch('" + ORIGIN + "/whep', false)").asObject();
            assertEquals(201, w.getInt("status", 0), "WHEP POST: " + w);
            assertTrue(!w.getString("answer", "").contains("m=audio"), "no audio section answered: " + w);
            JsonObject stats = null;
            for (int i = 0; i < 200; i++) {
                stats = tab.evaluate("stats()").asObject();
                if (stats.getInt("framesDecoded", 0) > 15) return;
                Thread.sleep(100);
            }
            fail("no video decoded without audio: " + stats);
        } finally {
            tab.close();
        }
    }
}
