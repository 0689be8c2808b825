// Plays a stream through Janus: its HTTP API (session, streaming plugin handle, watch, start)
// and the browser's own RTCPeerConnection. Settings come in the URL fragment, which the browser
// sends to no server: #janus=http://HOST:8088/janus&id=MOUNTPOINT[&token=T][&apisecret=S]
// [&video=0: receive without showing (load tests)][&label=L: names this viewer in the reports].
// Served by the stream server at /streams/NAME/janus/I, it needs no janus/id: it reads instance I's
// URL and mountpoint from the stream's status (GET /streams/NAME); the fragment adds the token.
// Every second it shows, and logs as "JANUS-PLAYER {json}", what getStats says it decoded.
'use strict';
const p = new URLSearchParams(location.hash.slice(1));
let base = p.get('janus'), id = Number(p.get('id'));
const auth = {};
if (p.get('apisecret')) auth.apisecret = p.get('apisecret');
if (p.get('token')) auth.token = p.get('token');
const show = s => { document.getElementById('state').textContent = s; };
let tx = 0;
async function janus(path, body) {
  const r = await fetch(base + path, {method: body ? 'POST' : 'GET',
    body: body ? JSON.stringify({...body, ...auth, transaction: 't' + (++tx)}) : undefined});
  const a = await r.json();
  if (a.janus === 'error') throw new Error('Janus: ' + a.error.reason);
  return a;
}
async function settings() {
  if (base && id) return;
  const m = location.pathname.match(/^(\/streams\/[^/]+)\/janus\/([0-9]+)$/);
  if (!m) throw new Error('no Janus given: #janus=URL&id=MOUNTPOINT');
  const j = ((await (await fetch(m[1])).json()).janus || [])[Number(m[2])];
  if (!j) throw new Error('the stream has no Janus instance ' + m[2]);
  base = base || j.url;
  id = id || Number(j.mountpoint);
}
async function play() {
  await settings();
  const session = (await janus('', {janus: 'create'})).data.id;
  const handle = (await janus('/' + session, {janus: 'attach', plugin: 'janus.plugin.streaming'})).data.id;
  const poll = async () => {
    const q = new URLSearchParams({maxev: '1', rid: String(Date.now()), ...auth});
    return janus('/' + session + '?' + q, null);
  };
  await janus('/' + session + '/' + handle, {janus: 'message', body: {request: 'watch', id}});
  let ev;
  do { ev = await poll(); } while (!ev.jsep);
  const pc = new RTCPeerConnection({iceServers: []});
  if (p.get('video') !== '0') pc.ontrack = e => { document.getElementById('v').srcObject = e.streams[0]; };
  await pc.setRemoteDescription(ev.jsep);
  await pc.setLocalDescription(await pc.createAnswer());
  await new Promise(ok => pc.iceGatheringState === 'complete' ? ok()
    : pc.addEventListener('icegatheringstatechange', () => pc.iceGatheringState === 'complete' && ok()));
  await janus('/' + session + '/' + handle, {janus: 'message', body: {request: 'start'}, jsep: pc.localDescription});
  (async () => { for (;;) await poll().catch(() => new Promise(ok => setTimeout(ok, 1000))); })();
  setInterval(async () => {
    let s = {label: p.get('label') || '', framesDecoded: 0, width: 0, height: 0, packetsReceived: 0, bytesReceived: 0,
             packetsLost: 0,
             ice: pc.iceConnectionState};
    (await pc.getStats()).forEach(r => {
      if (r.type === 'inbound-rtp' && r.kind === 'video')
        s = {...s, framesDecoded: r.framesDecoded || 0, width: r.frameWidth || 0, height: r.frameHeight || 0,
             packetsReceived: r.packetsReceived || 0, bytesReceived: r.bytesReceived || 0, packetsLost: r.packetsLost || 0};
    });
    show(`${s.ice}: ${s.framesDecoded} frames, ${s.width}x${s.height}, ${s.packetsLost} lost`);
    console.log('JANUS-PLAYER ' + JSON.stringify(s));
  }, 1000);
}
play().catch(e => { show(String(e)); console.log('JANUS-PLAYER ' + JSON.stringify({error: String(e)})); });
