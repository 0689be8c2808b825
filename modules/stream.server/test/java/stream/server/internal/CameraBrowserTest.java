package stream.server.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.eclipsesource.json.Json;
import com.eclipsesource.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import stream.testkit.Chromium;
import stream.testkit.NetNs;

/**
 * A browser watches an IP camera: the stand-in camera (GStreamer's RTSP server library, H.264),
 * our server reading it through the camera relay, and headless Chromium playing the stream over
 * WHEP, all in a network namespace of the test's own with only loopback. The browser decodes
 * frames (getStats: inbound-rtp framesDecoded), of the camera's size.
 */
class CameraBrowserTest {
    @TempDir
    Path dir;

    @Test
    void chromiumPlaysACameraStreamOverWhep() throws Exception {
        Files.createDirectory(dir.resolve("state"), java.nio.file.attribute.PosixFilePermissions.asFileAttribute(
                java.nio.file.attribute.PosixFilePermissions.fromString("rwx------")));
        try (NetNs ns = NetNs.create("cambrowser")) {
            IpCamera cam = new IpCamera(ns.prefix(), Files.createDirectories(dir.resolve("camera")), null, null, "h264", "basic");
            try (cam) {
                List<String> args = List.of("--port", "0", "--bind", "127.0.0.1", "--source", cam.url(), "--width", "320", "--height", "240",
                        "--framerate", "15", "--dest", "127.0.0.1:5004", "--state-dir", dir.resolve("state").toString(), "--rtsp-port", "0");
                Path out = Path.of(System.getProperty("stream.build.dir"));
                List<String> jvm = List.of("-Xmx64m", "-Dstream.webrtc.module-path=" + out.resolve("mods/stream.viewer.jar") + ":" + out.resolve("lib"));
                try (TestSupport.ServerProcess server = new TestSupport.ServerProcess(ns.prefix(), jvm, args, Map.of());
                     Chromium browser = Chromium.start(ns.prefix(), dir.resolve("chromium.log"))) {
                    String api = "http://127.0.0.1:" + server.awaitPort();
                    ns.exec("curl", "-sS", "--max-time", "10", "-d", "{\"action\":\"start\"}", api + "/control");
                    TestSupport.waitUntil("the camera stream runs", Duration.ofSeconds(60), () -> {
                        try {
                            return Json.parse(ns.exec("curl", "-sS", "--max-time", "10", api + "/control")).asObject()
                                    .getString("status", "").equals("running");
                        } catch (Exception e) {
                            return false;
                        }
                    });
                    JsonObject status = Json.parse(ns.exec("curl", "-sS", "--max-time", "10", api + "/control")).asObject();
                    assertEquals("receiving video", status.get("camera").asObject().getString("message", ""), status.toString());
                    try (Chromium.Tab page = browser.newTab()) {
                        page.navigate(api + "/");
                        // WHEP by hand from the server's own origin: a recvonly offer, the answer, then the decoder's count
                        String answered = page.evaluate("""
                                (async () => {
                                  const pc = new RTCPeerConnection();
                                  window.cameraPc = pc;
                                  pc.addTransceiver('video', {direction: 'recvonly'});
                                  await pc.setLocalDescription(await pc.createOffer());
                                  await new Promise(r => { if (pc.iceGatheringState === 'complete') r();
                                    else pc.onicegatheringstatechange = () => { if (pc.iceGatheringState === 'complete') r(); }; });
                                  const res = await fetch('/whep', {method: 'POST', headers: {'Content-Type': 'application/sdp'},
                                    body: pc.localDescription.sdp});
                                  if (res.status !== 201) return res.status + ' ' + await res.text();
                                  await pc.setRemoteDescription({type: 'answer', sdp: await res.text()});
                                  return 'answered';
                                })()""").asString();
                        assertEquals("answered", answered, "the WHEP offer of the camera stream");
                        TestSupport.waitUntil("Chromium decodes the camera's frames over WHEP", Duration.ofSeconds(40), () -> {
                            try {
                                return page.evaluate("""
                                        (async () => {
                                          let frames = 0, width = 0;
                                          (await window.cameraPc.getStats()).forEach(s => {
                                            if (s.type === 'inbound-rtp' && s.kind === 'video') { frames = s.framesDecoded || 0; width = s.frameWidth || 0; }
                                          });
                                          return frames > 0 && width === 320;
                                        })()""").asBoolean();
                            } catch (Exception e) {
                                return false;
                            }
                        });
                        double frames = page.evaluate("""
                                (async () => { let f = 0; (await window.cameraPc.getStats()).forEach(s => {
                                  if (s.type === 'inbound-rtp' && s.kind === 'video') f = s.framesDecoded; }); return f; })()""").asDouble();
                        assertTrue(frames > 0, "frames decoded: " + frames);
                    }
                }
            }
        }
    }
}
