package stream.server.internal.webrtc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.eclipsesource.json.JsonObject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import stream.testkit.Await;
import stream.testkit.Chromium;
import stream.testkit.NetNs;
import stream.testkit.Ports;
import stream.testkit.ServerProcess;

/**
 * Sound in the browser, end to end: a stream-server process with {@code audio test}, its WebRTC
 * gateway and one headless Chromium, in a network namespace with only loopback. The dashboard's
 * Watch plays the stream over WHEP; Chromium's getStats shows inbound Opus packets with a non-zero
 * level beside the decoded video; the preview starts muted and the card's Unmute button unmutes it
 * (and Mute mutes it again). A video-only offer to the same endpoint still gets the video alone.
 */
class WebRtcAudioBrowserTest {
    private static NetNs ns;
    private static ServerProcess server;
    private static Path stateDir;
    private static Chromium chromium;
    private static String origin;

    @BeforeAll
    static void start() throws Exception {
        ns = NetNs.create("whepaudio");
        stateDir = Files.createTempDirectory("whepaudio-state"); // 0700, ours
        Path out = TestGateways.buildDir();
        server = ServerProcess.builder().prefix(ns.prefix())
                .jvm(List.of("-Xmx64m", "-D" + GatewayCommand.MODULE_PATH_PROPERTY + "=" + out.resolve("mods/stream.viewer.jar") + ":" + out.resolve("lib")))
                .args("--bind", "127.0.0.1", "--port", "0", "--state-dir", stateDir.toString(), "--source", "test",
                        "--width", "320", "--height", "240", "--framerate", "15", "--keyint", "1s",
                        "--dest", "127.0.0.1:" + Ports.freeUdp(), "--audio", "test", "--start")
                .start();
        origin = "http://127.0.0.1:" + server.awaitPort();
        chromium = Chromium.start(ns.prefix(), TestGateways.reportDir().resolve("whep-audio-chromium.log"));
    }

    @AfterAll
    static void stop() throws Exception {
        try {
            if (chromium != null) chromium.close();
            if (server != null) server.close();
        } finally {
            if (ns != null) ns.close(); // kills whatever is left inside (the gateway, gst-launch-1.0)
            if (stateDir != null) {
                try (var files = Files.walk(stateDir)) {
                    files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
                }
            }
        }
    }

    private static void click(Chromium.Tab tab, String selector) throws IOException {
        assertTrue(tab.evaluate("(() => { const b = document.querySelector('[data-stream=main] " + selector + "');"
                + " if (!b || b.disabled || b.hidden) return false; b.click(); return true; })()").asBoolean(),
                selector + " is there, shown and enabled");
    }

    /** The preview's inbound figures from getStats. */
    private static JsonObject stats(Chromium.Tab tab) throws IOException {
        return tab.evaluate("""
                (async () => {
                  const e = window.streamPreviews && window.streamPreviews.get('main');
                  const out = {framesDecoded: 0, audioPackets: 0, audioLevel: 0, audioEnergy: 0, audioCodec: ''};
                  if (!e) return out;
                  const all = await e.pc.getStats(), codecs = {};
                  all.forEach(s => { if (s.type === 'codec') codecs[s.id] = s.mimeType; });
                  all.forEach(s => {
                    if (s.type === 'inbound-rtp' && s.kind === 'video') out.framesDecoded = s.framesDecoded || 0;
                    if (s.type === 'inbound-rtp' && s.kind === 'audio') {
                      out.audioPackets = s.packetsReceived || 0;
                      out.audioLevel = s.audioLevel || 0;
                      out.audioEnergy = s.totalAudioEnergy || 0;
                      out.audioCodec = codecs[s.codecId] || '';
                    }
                  });
                  return out;
                })()""").asObject();
    }

    @Test
    void theDashboardPlaysTheStreamsOpusMutedAndUnmuteTurnsItOn() throws Exception {
        var tab = chromium.newTab();
        try {
            tab.navigate(origin + "/");
            Await.until("the dashboard shows main running", Duration.ofSeconds(30), () -> tab.evaluate(
                    "(document.querySelector('[data-stream=main] .status') || {}).textContent === 'running'").asBoolean());
            click(tab, ".watch");
            JsonObject[] last = {null};
            Await.until(() -> "inbound Opus packets and decoded video: " + last[0], Duration.ofSeconds(30), () -> {
                last[0] = stats(tab);
                return last[0].getInt("audioPackets", 0) > 50 && last[0].getInt("framesDecoded", 0) > 15;
            });
            assertEquals("audio/opus", last[0].getString("audioCodec", ""), last[0].toString());

            // Browsers autoplay muted media only: the preview starts muted, and Chromium renders no sound for it (its
            // audioLevel stays 0, measured); Unmute turns the sound on: then the level of the received tone shows.
            String muted = "document.querySelector('[data-stream=main] .preview').muted";
            assertTrue(tab.evaluate(muted).asBoolean(), "the preview starts muted");
            assertEquals("Unmute", tab.evaluate("document.querySelector('[data-stream=main] .unmute').textContent").asString());
            click(tab, ".unmute");
            assertFalse(tab.evaluate(muted).asBoolean(), "Unmute turns the sound on");
            assertEquals("Mute", tab.evaluate("document.querySelector('[data-stream=main] .unmute').textContent").asString());
            Await.until(() -> "a non-zero audio level once unmuted: " + last[0], Duration.ofSeconds(20), () -> {
                last[0] = stats(tab);
                return last[0].getDouble("audioLevel", 0) > 0 && last[0].getDouble("audioEnergy", 0) > 0;
            });
            System.out.println("browser stats with sound: " + last[0]);
            click(tab, ".unmute");
            assertTrue(tab.evaluate(muted).asBoolean(), "Mute turns it off again");
        } finally {
            tab.close();
        }
    }

    @Test
    void anOfferWithoutAudioStillGetsTheVideo() throws Exception {
        var tab = chromium.newTab();
        try {
            tab.navigate(origin + "/");
            JsonObject w = tab.evaluate("""
                    (async () => {
                      const pc = new RTCPeerConnection({iceServers: []});
                      window.videoOnly = pc;
                      pc.addTransceiver('video', {direction: 'recvonly'});
                      await pc.setLocalDescription(await pc.createOffer());
                      await new Promise(done => {
                        if (pc.iceGatheringState === 'complete') return done();
                        pc.addEventListener('icegatheringstatechange', () => pc.iceGatheringState === 'complete' && done());
                      });
                      const res = await fetch('/streams/main/whep', {method: 'POST', headers: {'Content-Type': 'application/sdp'},
                                                                     body: pc.localDescription.sdp});
                      const body = await res.text();
                      if (res.status === 201) await pc.setRemoteDescription({type: 'answer', sdp: body});
                      return {status: res.status, answer: body};
                    })()""").asObject();
            assertEquals(201, w.getInt("status", 0), "WHEP POST: " + w);
            assertFalse(w.getString("answer", "").contains("m=audio"), "no audio section answered: " + w);
            Await.until("video decoded without audio", Duration.ofSeconds(30), () -> tab.evaluate("""
                    (async () => {
                      let frames = 0;
                      (await window.videoOnly.getStats()).forEach(s => {
                        if (s.type === 'inbound-rtp' && s.kind === 'video') frames = s.framesDecoded || 0;
                      });
                      return frames > 15;
                    })()""").asBoolean());
        } finally {
            tab.close();
        }
    }
}
