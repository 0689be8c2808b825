package bench;

/**
 * The pages the browser rows open: one watches over WHEP as soon as it loads (recvonly offer with
 * every ICE candidate, POST, 201 + Location + answer, DELETE to end), the other through Janus's
 * streaming plugin (its HTTP API on the page's own origin: session, handle, watch, answer, start).
 * Both share the measuring part: for every
 * frame the video presents (requestVideoFrameCallback) draws the frame's top-left corner onto a
 * canvas, reads the time {@link Stamper} burnt into it and subtracts it from the page's own clock
 * ({@code performance.timeOrigin + performance.now()}). {@code ?mode=plain} only counts frames (the
 * capacity rows, where reading pixels would cost the browser CPU of its own).
 */
final class BrowserPage {
    private BrowserPage() {}

    /** The part both pages share: the stamp reader, the frame callback, reset() and stats(). */
    private static final String COMMON = """
            <!doctype html>
            <meta charset="utf-8">
            <title>bench: browser viewer</title>
            <video id="v" autoplay muted playsinline></video>
            <canvas id="c" width="BLOCKSW" height="BLOCKSH" hidden></canvas>
            <script>
            const BITS = 32, BLOCK = 16;
            const v = document.getElementById('v');
            const g = document.getElementById('c').getContext('2d', {willReadFrequently: true});
            const stamps = !location.search.includes('mode=plain');
            const state = {firstFrameMs: null, frames: 0, samples: [], unreadable: 0, status: 0, error: null};
            let pc = null, resource = null;
            function readStamp() {
              g.drawImage(v, 0, 0, BITS * BLOCK, 2 * BLOCK, 0, 0, BITS * BLOCK, 2 * BLOCK);
              const d = g.getImageData(0, 0, BITS * BLOCK, 2 * BLOCK).data;
              let t = 0;
              for (let bit = 0; bit < BITS; bit++) {
                const x = bit * BLOCK + BLOCK / 2;
                const one = d[((BLOCK / 2) * BITS * BLOCK + x) * 4] >= 128;
                const inverse = d[((BLOCK + BLOCK / 2) * BITS * BLOCK + x) * 4] >= 128;
                if (one === inverse) return -1;
                t = t * 2 + (one ? 1 : 0);
              }
              return t;
            }
            state.split = {gateway: [], transit: [], chromium: [], stale: 0, callbacks: 0};
            function onFrame(cbNow, meta) {

              if (state.firstFrameMs === null) state.firstFrameMs = performance.now();
              state.frames++;
              if (stamps) {
                const t = readStamp();
                const now = Math.floor(performance.timeOrigin + performance.now());
                if (t < 0) state.unreadable++;
                else {
                  let d = (now % 4294967296) - t;
                  if (d < -2147483648) d += 4294967296;
                  if (d > 2147483648) d -= 4294967296;
                  if (state.samples.length < 20000) state.samples.push(d);
                  // where the time goes, per frame: the stamp before the encoder to the gateway's output (the stamp's
                  // latency less the page's figure), the gateway to Chromium's receipt, Chromium's receipt to display
                  // the canvas gave the same picture as at the last callback while the presented frame changed (its RTP
                  // timestamp did): the stamp read is then older than the frame on screen
                  if (meta && state.lastRtp !== undefined && meta.rtpTimestamp !== state.lastRtp && t === state.lastStamp) state.split.stale++;
                  if (meta) { state.lastRtp = meta.rtpTimestamp; state.lastStamp = t; state.split.callbacks++; }
                  if (state.clock && meta && meta.receiveTime && state.split.gateway.length < 2000) {
                    const live = frameLatency(state.clock, meta.rtpTimestamp, performance.timeOrigin + meta.expectedDisplayTime);
                    state.split.gateway.push(d - live);
                    state.split.transit.push(frameLatency(state.clock, meta.rtpTimestamp, performance.timeOrigin + meta.receiveTime));
                    state.split.chromium.push(meta.expectedDisplayTime - meta.receiveTime);
                  }
                }
              }
              v.requestVideoFrameCallback(onFrame);
            }
            function reset() { state.samples = []; state.unreadable = 0; state.live = []; state.split = {gateway: [], transit: [], chromium: [], stale: 0, callbacks: 0}; return true; }
            // The dashboard's own live latency figure (its latency.js, inlined below): per frame, and once a second the
            // median of that second's frames, as the dashboard shows it.
            state.live = [];
            let liveSecond = [];
            function trackLatency(rtpClock) {
              const clock = parseRtpClock(rtpClock);
              state.clock = clock;
              if (!clock) { state.error = 'no Rtp-Clock header in the answer'; return; }
              trackFrames(v, clock, ms => liveSecond.push(ms));
              setInterval(() => {
                if (liveSecond.length === 0) return;
                const sorted = liveSecond.slice().sort((a, b) => a - b);
                liveSecond = [];
                state.live.push(sorted[Math.floor(sorted.length / 2)]);
              }, 1000);
            }
            // ?jbt=N: the receiver's jitter-buffer target (and Chrome's playoutDelayHint) in ms, set on every receiver.
            const jbt = new URLSearchParams(location.search).get('jbt');
            function tune(receiver) {
              if (jbt === null || !receiver) return;
              try { receiver.jitterBufferTarget = Number(jbt); } catch (e) { state.error = 'jitterBufferTarget: ' + e; }
              try { receiver.playoutDelayHint = Number(jbt) / 1000; } catch (e) { /* not in this browser */ }
            }
            async function stats() {
              const out = {framesDecoded: 0, framesDropped: 0, packetsLost: 0, frames: state.frames,
                           state: pc ? pc.connectionState : 'none', status: state.status, error: state.error};
              if (pc) (await pc.getStats()).forEach(s => {
                if (s.type === 'inbound-rtp' && s.kind === 'video') {
                  out.framesDecoded = s.framesDecoded || 0;
                  out.framesDropped = s.framesDropped || 0;
                  out.packetsLost = s.packetsLost || 0;
                }
              });
              out.videoWidth = v.videoWidth;
              return out;
            }
            """;

    /** WHEP signalling against the bench's routed /whep (the image's gateway answers). */
    private static final String WHEP_SIGNALLING = """
            async function watch(url) {
              pc = new RTCPeerConnection();
              pc.addTransceiver('video', {direction: 'recvonly'});
              pc.ontrack = e => { tune(e.receiver); v.srcObject = new MediaStream([e.track]); };
              await pc.setLocalDescription(await pc.createOffer());
              await new Promise(done => {
                if (pc.iceGatheringState === 'complete') return done();
                pc.addEventListener('icegatheringstatechange', () => pc.iceGatheringState === 'complete' && done());
              });
              const res = await fetch(url, {method: 'POST', headers: {'Content-Type': 'application/sdp'},
                                            body: pc.localDescription.sdp});
              state.status = res.status;
              const body = await res.text();
              if (res.status !== 201) { state.error = body; return; }
              resource = new URL(res.headers.get('Location'), location.href).href;
              await pc.setRemoteDescription({type: 'answer', sdp: body});
              if (stamps) trackLatency(res.headers.get('Rtp-Clock'));
            }
            async function stop() {
              if (!resource) return 0;
              const res = await fetch(resource, {method: 'DELETE'});
              pc.close();
              return res.status;
            }
            v.requestVideoFrameCallback(onFrame);
            watch('/whep').catch(e => { state.error = String(e); });
            """;

    /**
     * Janus signalling, as stream.server's janus-player.js does it, against Janus's HTTP API (its
     * URL and the mountpoint id in the query: {@code ?janus=URL&id=N}; cross-origin, which Janus's
     * HTTP transport allows as it does for that player).
     */
    private static final String JANUS_SIGNALLING = """
            let session = null, tx = 0;
            const query = new URLSearchParams(location.search);
            const api = query.get('janus');
            async function janus(path, body) {
              const r = await fetch(api + path, {method: body ? 'POST' : 'GET',
                body: body ? JSON.stringify({...body, transaction: 't' + (++tx)}) : undefined});
              const a = await r.json();
              if (a.janus === 'error') throw new Error('Janus: ' + a.error.reason);
              return a;
            }
            const poll = () => janus('/' + session + '?maxev=1&rid=' + Date.now(), null);
            async function watch() {
              const id = Number(query.get('id'));
              session = (await janus('', {janus: 'create'})).data.id;
              const handle = (await janus('/' + session, {janus: 'attach', plugin: 'janus.plugin.streaming'})).data.id;
              const w = await janus('/' + session + '/' + handle, {janus: 'message', body: {request: 'watch', id}});
              let ev = w.jsep ? w : null;
              while (!ev || !ev.jsep) {
                ev = await poll();
                const d = ev.plugindata && ev.plugindata.data;
                if (d && d.error) throw new Error('Janus: ' + d.error);
              }
              pc = new RTCPeerConnection({iceServers: []});
              pc.ontrack = e => { tune(e.receiver); v.srcObject = new MediaStream([e.track]); };
              await pc.setRemoteDescription(ev.jsep);
              await pc.setLocalDescription(await pc.createAnswer());
              await new Promise(done => {
                if (pc.iceGatheringState === 'complete') return done();
                pc.addEventListener('icegatheringstatechange', () => pc.iceGatheringState === 'complete' && done());
              });
              await janus('/' + session + '/' + handle, {janus: 'message', body: {request: 'start'}, jsep: pc.localDescription});
              state.status = 201;
              // Janus drops a session nobody polls (session_timeout): keep polling while the page lives
              (async () => { while (session) await poll().catch(() => new Promise(ok => setTimeout(ok, 1000))); })();
            }
            async function stop() {
              if (!session) return 0;
              const s = session;
              session = null;
              await janus('/' + s, {janus: 'destroy'}).catch(() => {});
              if (pc) pc.close();
              return 200;
            }
            v.requestVideoFrameCallback(onFrame);
            watch().catch(e => { state.error = String(e); });
            """;

    /** The WHEP page. */
    static final String HTML = page(WHEP_SIGNALLING);

    /** The Janus page. */
    static final String JANUS_HTML = page(JANUS_SIGNALLING);

    /** The dashboard's latency.js, its exports made plain functions of the page. */
    static String latencyJs() {
        java.nio.file.Path file = java.nio.file.Path.of(System.getProperty("bench.root", "."),
                "modules/stream.server/main/resources/stream/server/dashboard/latency.js");
        try {
            return java.nio.file.Files.readString(file).replaceAll("(?m)^export ", "") + "\n";
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException("the dashboard's latency.js: " + e.getMessage(), e);
        }
    }

    private static String page(String signalling) {
        return (COMMON + latencyJs() + signalling + "</script>\n")
                .replace("BLOCKSW", String.valueOf(Stamper.BITS * Stamper.BLOCK)).replace("BLOCKSH", String.valueOf(2 * Stamper.BLOCK));
    }
}
