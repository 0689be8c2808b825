package stream.server.internal.webrtc;

import com.eclipsesource.json.JsonObject;
import stream.testkit.Chromium;
import java.util.Map;

/**
 * What the browser tests serve through {@link Chromium.Tab#route}: a page whose script watches a
 * stream over WHEP the way any WHEP player does (recvonly offer with every ICE candidate, POST,
 * 201 + Location + answer, DELETE to end) and reports getStats and the video's size; and the WHEP
 * resource itself, answered by a {@link WebRtcGateway} as the server's route will be.
 */
final class WhepTestSite {
    static final String ORIGIN = "http://localhost:18801";

    static final String PAGE = """
            <!doctype html>
            <meta charset="utf-8">
            <title>WHEP test</title>
            <video id="v" autoplay muted playsinline></video>
            <script>
            let pc = null, resource = null;
            async function watch(url) {
              pc = new RTCPeerConnection();
              pc.addTransceiver('video', {direction: 'recvonly'});
              pc.ontrack = e => { document.getElementById('v').srcObject = new MediaStream([e.track]); };
              await pc.setLocalDescription(await pc.createOffer());
              await new Promise(done => {
                if (pc.iceGatheringState === 'complete') return done();
                pc.addEventListener('icegatheringstatechange',
                    () => pc.iceGatheringState === 'complete' && done());
              });
              const res = await fetch(url, {method: 'POST', headers: {'Content-Type': 'application/sdp'},
                                            body: pc.localDescription.sdp});
              const body = await res.text();
              if (res.status !== 201) return {status: res.status, body};
              resource = new URL(res.headers.get('Location'), url).href;
              await pc.setRemoteDescription({type: 'answer', sdp: body});
              return {status: res.status, location: resource};
            }
            async function stats() {
              const out = {framesDecoded: 0, state: pc ? pc.connectionState : 'none'};
              if (pc) (await pc.getStats()).forEach(s => {
                if (s.type === 'inbound-rtp' && s.kind === 'video') {
                  out.framesDecoded = s.framesDecoded || 0;
                  out.frameWidth = s.frameWidth || 0;
                  out.packetsLost = s.packetsLost || 0;
                }
              });
              const v = document.getElementById('v');
              out.videoWidth = v.videoWidth;
              out.videoHeight = v.videoHeight;
              return out;
            }
            async function connected(ms) {
              const until = Date.now() + ms;
              while (pc.connectionState !== 'connected' && Date.now() < until) await new Promise(r => setTimeout(r, 10));
              return pc.connectionState;
            }
            async function cycle(url) {
              const w = await watch(url);
              if (w.status !== 201) return w;
              const state = await connected(10000);
              const deleted = await stop();
              return {status: w.status, state, deleted};
            }
            async function stop() {
              const res = await fetch(resource, {method: 'DELETE'});
              pc.close();
              return res.status;
            }
            </script>
            """;

    private final WebRtcGateway gateway;
    private final String stream;

    WhepTestSite(WebRtcGateway gateway, String stream) {
        this.gateway = gateway;
        this.stream = stream;
    }

    Chromium.Response handle(Chromium.Request request) {
        String path = request.url().substring(ORIGIN.length());
        try {
            if (path.equals("/") && request.method().equals("GET")) {
                return new Chromium.Response(200, Map.of("Content-Type", "text/html; charset=utf-8"), PAGE);
            }
            if (path.equals("/whep") && request.method().equals("POST")) {
                var answer = gateway.offer(stream, request.body());
                return new Chromium.Response(201, Map.of("Content-Type", "application/sdp",
                        "Location", "/whep/" + answer.viewer()), answer.sdp());
            }
            if (path.startsWith("/whep/") && request.method().equals("DELETE")) {
                gateway.delete(path.substring("/whep/".length()));
                return new Chromium.Response(200, Map.of(), "");
            }
            return new Chromium.Response(404, Map.of(), "");
        } catch (WhepException e) {
            var body = new JsonObject().add("error", e.getMessage());
            if (e.hint() != null) body.add("hint", e.hint());
            return new Chromium.Response(e.status(), Map.of("Content-Type", "application/json"), body.toString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Chromium.Response(503, Map.of(), "");
        }
    }
}
