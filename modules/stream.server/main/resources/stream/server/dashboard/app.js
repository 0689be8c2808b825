// The dashboard: a card per stream with a live thumbnail, its state and figures, start/stop,
// a WebRTC preview, recording on/off, its links (RTSP, SDP) and its recordings and clips; a
// dialog to add and edit streams (streams-form.js). It polls the same JSON API curl uses once a
// second and says when the server is gone; nothing is loaded from anywhere else.
import * as api from './api.js';
import { play, stopPreview, previews } from './preview.js';
import { openStreamForm, wireStreamForm } from './streams-form.js';
import { wireMedia, refreshMedia } from './recordings.js';
import { $, say, explain, busy, confirmButton, copy, setRights, may } from './ui.js';
import { renderLatencySpread } from './latency.js';

const POLL_MS = 1000;
const THUMB_MS = 5000; // a snapshot is a short decode on the server: every few seconds, not every poll
const THUMB_WIDTH = 320;
const cards = new Map(); // name -> { el, stream, visible, thumbAt, thumbBusy }
const LIVE = ['running', 'starting', 'stalled'];

function fmtRate(bps) {
  return bps >= 1e6 ? `${(bps / 1e6).toFixed(2)} Mbit/s` : `${Math.round(bps / 1e3)} kbit/s`;
}

const size = (b) => (b >= 1048576 ? `${(b / 1048576).toFixed(1)} MiB` : `${Math.round(b / 1024)} KiB`);

function fmtUptime(s) {
  s = Math.floor(s);
  const h = Math.floor(s / 3600), m = Math.floor((s % 3600) / 60), sec = s % 60;
  return h ? `${h} h ${m} min` : m ? `${m} min ${sec} s` : `${sec} s`;
}

function pageSay(text) {
  document.getElementById('page-message').textContent = text || '';
}

// Thumbnails only for cards on screen, while the page is visible.
const seen = new IntersectionObserver((entries) => {
  for (const e of entries) {
    const entry = cards.get(e.target.dataset.stream);
    if (entry) entry.visible = e.isIntersecting;
  }
});

function makeCard(name) {
  const el = document.getElementById('stream-card').content.firstElementChild.cloneNode(true);
  el.dataset.stream = name;
  el.setAttribute('aria-label', `stream ${name}`);
  $(el, '.name').textContent = name;
  $(el, '.sdp').href = api.sdpUrl(name);
  $(el, '.sdp-url').textContent = new URL(api.sdpUrl(name), location.href).href;
  $(el, '.sdp').title = $(el, '.sdp-url').textContent;
  $(el, '.copy-rtsp').addEventListener('click', () => copy(el, $(el, '.rtsp-url').textContent, $(el, '.rtsp-url')));
  $(el, '.copy-sdp').addEventListener('click', () => copy(el, $(el, '.sdp-url').textContent, $(el, '.sdp-url')));

  const startButton = $(el, '.start');
  startButton.addEventListener('click', () => busy(startButton, async () => {
    say(el, 'starting…');
    try { say(el, (await api.start(name)).message); } catch (e) { say(el, explain(e), true); }
    refresh();
  }));
  const stopButton = $(el, '.stop');
  stopButton.addEventListener('click', () => busy(stopButton, async () => {
    say(el, 'stopping…');
    try { say(el, (await api.stop(name)).message); } catch (e) { say(el, explain(e), true); }
    refresh();
  }));
  const record = $(el, '.record');
  record.addEventListener('click', () => busy(record, async () => {
    const on = record.getAttribute('aria-pressed') !== 'true';
    try {
      await api.start(name, { record: on }); // on a running stream only recording changes; the child goes on
      say(el, on ? 'Recording.' : 'Recording stopped.');
    } catch (e) { say(el, `Record: ${explain(e)}`, true); }
    refresh();
  }));
  $(el, '.edit').addEventListener('click', () => {
    const entry = cards.get(name);
    openStreamForm(entry.stream, (answer) => { say(el, answer.message || 'Saved.'); refresh(); }, $(el, '.edit'));
  });
  confirmButton($(el, '.delete'), name, async () => {
    try {
      await stopPreview(name);
      await api.deleteStream(name);
      pageSay(`Stream ${name} deleted.`);
      removeCard(name);
      document.getElementById('add-stream').focus();
    } catch (e) { say(el, `Delete: ${explain(e)}`, true); }
  });
  const watch = $(el, '.watch');
  watch.addEventListener('click', () => busy(watch, async () => {
    if (previews.has(name)) {
      await endPreview(el, name);
      return;
    }
    try {
      showWatching(el, true);
      await play(name, $(el, '.preview'), (state) => {
        // A failed connection (e.g. the server's WebRTC process restarted) is ended here, so
        // one press of Watch starts a new one.
        if (state === 'failed') endPreview(el, name, 'The preview connection failed: press Watch to try again.');
      });
    } catch (e) {
      showWatching(el, false);
      say(el, `Preview: ${explain(e)}`, true);
    }
  }));
  const unmute = $(el, '.unmute');
  unmute.addEventListener('click', () => {
    const video = $(el, '.preview');
    video.muted = !video.muted;
    unmute.setAttribute('aria-pressed', String(!video.muted));
    unmute.textContent = video.muted ? 'Unmute' : 'Mute';
  });
  wireMedia(el, name);
  return el;
}

function showWatching(el, on) {
  const watch = $(el, '.watch');
  $(el, '.preview').hidden = !on;
  $(el, '.thumbnail').hidden = on || !$(el, '.thumbnail').src;
  const unmute = $(el, '.unmute');
  unmute.hidden = !on; // every preview starts muted
  unmute.setAttribute('aria-pressed', 'false');
  unmute.textContent = 'Unmute';
  watch.setAttribute('aria-pressed', String(on));
  watch.textContent = on ? 'Stop watching' : 'Watch';
}

async function endPreview(el, name, why) {
  await stopPreview(name);
  showWatching(el, false);
  if (why) say(el, why, true);
}

function removeCard(name) {
  const entry = cards.get(name);
  if (!entry) return;
  stopPreview(name);
  seen.unobserve(entry.el);
  const img = $(entry.el, '.thumbnail');
  if (img.src.startsWith('blob:')) URL.revokeObjectURL(img.src);
  entry.el.remove();
  cards.delete(name);
}

/** The latest picture of a running stream on its card, every few seconds while it is on screen. */
async function refreshThumbnail(entry, live) {
  const el = entry.el;
  const img = $(el, '.thumbnail');
  const noPicture = $(el, '.no-picture');
  const watching = previews.has(entry.stream.name);
  if (!live) {
    img.hidden = true;
    noPicture.hidden = watching;
    noPicture.textContent = entry.stream.status === 'failed' ? 'Failed' : 'Stopped';
    return;
  }
  noPicture.textContent = img.src ? '' : 'Waiting for a picture…';
  noPicture.hidden = watching || !!img.src;
  if (watching || entry.thumbBusy || !entry.visible || document.visibilityState !== 'visible' || !may('watch')) return;
  if (Date.now() - (entry.thumbAt || 0) < THUMB_MS) return;
  entry.thumbBusy = true;
  entry.thumbAt = Date.now();
  try {
    const res = await fetch(`${api.snapshotUrl(entry.stream.name)}?width=${THUMB_WIDTH}`, { cache: 'no-store' });
    if (!res.ok) return; // not sending yet (409): the next round tries again
    const old = img.src;
    img.src = URL.createObjectURL(await res.blob());
    img.alt = `latest picture of ${entry.stream.name}`;
    if (old.startsWith('blob:')) URL.revokeObjectURL(old);
    img.hidden = previews.has(entry.stream.name);
    noPicture.hidden = true;
  } catch { /* the poll says when the server is gone */ } finally {
    entry.thumbBusy = false;
  }
}

function renderFacts(el, stream, live) {
  const st = stream.stats || {};
  const s = stream.settings || {};
  const parts = [];
  if (s.width && s.height) parts.push(`${s.width}×${s.height}`);
  if (live && st.fps != null) parts.push(`${st.fps.toFixed(1)} fps`);
  if (live && st.bitrate != null) parts.push(fmtRate(st.bitrate));
  if (live && stream.uptimeSeconds != null) parts.push(`up ${fmtUptime(stream.uptimeSeconds)}`);
  const dests = s.destinations && s.destinations.length ? s.destinations.join(', ') : s.multicast || stream.destination;
  if (dests) parts.push(`to ${dests}`);
  if (stream.restarts) parts.push(`${stream.restarts} restart${stream.restarts === 1 ? '' : 's'}`);
  $(el, '.facts').textContent = parts.join(' · ');
  // Viewers only when someone watches; the WebRTC process (shared by every stream) only when it failed.
  const viewers = stream.viewers || 0;
  $(el, '.viewers-item').hidden = viewers === 0;
  $(el, '.viewers').textContent = String(viewers);
  const rtc = stream.webrtc;
  const rtcProblem = rtc && rtc.lastExit && !['running', 'idle'].includes(rtc.status);
  $(el, '.webrtc-item').hidden = !rtcProblem;
  $(el, '.webrtc').textContent = rtcProblem ? `${rtc.status}: ${rtc.lastExit.description}` : '';
}

function renderRecording(el, stream, live) {
  const rec = stream.recording;
  const recording = live && !!rec && rec.state === 'recording';
  $(el, '.rec-badge').hidden = !recording;
  el.classList.toggle('recording', recording);
  const button = $(el, '.record');
  button.hidden = !may('record') || !rec;
  button.disabled = !live;
  button.setAttribute('aria-pressed', String(!!rec && rec.enabled));
  button.textContent = rec && rec.enabled ? 'Stop recording' : 'Record';
  $(el, '.clip').hidden = !may('clip');
  $(el, '.clip').disabled = !live;
  $(el, '.rec-state').textContent = !rec ? ''
    : recording ? `Recording: ${rec.segments} segment${rec.segments === 1 ? '' : 's'} so far, ${size(rec.bytes)}`
      : rec.enabled ? `Recording: ${rec.state}${rec.message ? ` (${rec.message})` : ''}`
        : `Not recording; ${rec.segments} recorded segment${rec.segments === 1 ? '' : 's'} kept.`;
}

function render(stream) {
  let entry = cards.get(stream.name);
  if (!entry) {
    entry = { el: makeCard(stream.name), stream, visible: true };
    cards.set(stream.name, entry);
    document.getElementById('streams').append(entry.el);
    seen.observe(entry.el);
  }
  entry.stream = stream;
  const el = entry.el;
  const status = $(el, '.status');
  status.textContent = stream.status;
  status.className = `status ${stream.status}`;
  const live = LIVE.includes(stream.status);
  $(el, '.start').disabled = live;
  $(el, '.stop').disabled = !live && stream.status !== 'failed';
  $(el, '.start').hidden = $(el, '.stop').hidden = !may('start_stop');
  $(el, '.watch').hidden = !may('watch');
  $(el, '.watch').disabled = !live && !previews.has(stream.name);
  $(el, '.edit').hidden = !may('define');
  $(el, '.delete').hidden = !may('delete') || stream.name === 'main'; // main is the server's own: never deleted
  // Nothing to watch once the stream is stopped (the server ended its viewers).
  if (!live && previews.has(stream.name)) endPreview(el, stream.name);
  renderFacts(el, stream, live);
  renderLatencySpread(el, stream.latency);
  // The last exit only when the child failed: a stop that was asked for is no news.
  const exit = stream.lastExit;
  const failed = exit && !exit.requested;
  $(el, '.last-exit').hidden = !failed;
  if (failed) {
    $(el, '.exit-desc').textContent = `${exit.description} at ${new Date(exit.at).toLocaleTimeString()}`;
    $(el, '.stderr').textContent = (exit.stderr || []).join('\n') || '(it wrote nothing to stderr)';
  }
  $(el, '.media').hidden = stream.snapshots === false;
  renderRecording(el, stream, live);
  refreshMedia(el, stream.name);
  renderRtsp(el, stream);
  renderJanus(el, stream);
  refreshThumbnail(entry, live);
}

// The RTSP URL as this browser reaches the server: the page's host, the RTSP port and path from the status.
function renderRtsp(el, stream) {
  const r = stream.rtsp;
  const p = $(el, '.rtsp');
  p.hidden = !r || !r.url || !r.server;
  if (p.hidden) return;
  const host = location.hostname.includes(':') ? `[${location.hostname}]` : location.hostname;
  $(el, '.rtsp-url').textContent = $(el, '.rtsp-url').title = `${r.url.startsWith('rtsps:') ? 'rtsps' : 'rtsp'}://${host}:${r.server.port}${r.path}`;
}

// A player link per Janus instance of the stream (the page the server serves for it), with its state.
function renderJanus(el, stream) {
  const list = stream.janus || [];
  $(el, '.janus').hidden = list.length === 0;
  const links = $(el, '.janus-links');
  const key = JSON.stringify(list.map((j) => [j.url, j.state]));
  if (links.dataset.key === key) return;
  links.dataset.key = key;
  links.replaceChildren(...list.flatMap((j, i) => {
    const a = document.createElement('a');
    a.href = `/streams/${encodeURIComponent(stream.name)}/janus/${i}`;
    a.target = '_blank';
    a.rel = 'noopener';
    a.textContent = `${new URL(j.url).host} (${j.state})`;
    a.title = j.lastError || j.url;
    return i ? [' · ', a] : [a];
  }));
}

/** With the server gone, what the cards showed is no longer known: say so rather than show it as current. */
function markUnknown() {
  for (const [, entry] of cards) {
    const status = $(entry.el, '.status');
    status.textContent = 'unknown';
    status.className = 'status unknown';
    for (const b of entry.el.querySelectorAll('.start, .stop, .record, .clip')) b.disabled = true;
    $(entry.el, '.facts').textContent = '';
    $(entry.el, '.viewers-item').hidden = true;
  }
}

let polling = false;
async function refresh() {
  if (polling) return;
  polling = true;
  const gone = document.getElementById('gone');
  try {
    const streams = await api.listStreams();
    gone.hidden = true;
    document.getElementById('server').textContent =
      `${streams.length} stream${streams.length === 1 ? '' : 's'} · updated ${new Date().toLocaleTimeString()}`;
    document.getElementById('add-stream').hidden = !may('define');
    const names = new Set(streams.map((s) => s.name));
    for (const [name] of cards) if (!names.has(name)) removeCard(name);
    streams.forEach(render);
  } catch (e) {
    if (e instanceof api.ApiError && e.status === 401) {
      document.getElementById('auth').hidden = false; // the server asks who this is: not gone
      document.getElementById('server').textContent = 'sign in to see the streams';
      return;
    }
    if (gone.hidden) {
      document.getElementById('server').textContent = `not answering since ${new Date().toLocaleTimeString()}`;
      markUnknown();
    }
    gone.hidden = false;
  } finally {
    polling = false;
  }
}

async function showWho() {
  try {
    const s = await api.session();
    const who = document.getElementById('who');
    who.hidden = !(s.access === 'on' && s.signedIn);
    setRights(s.access === 'on' ? (s.signedIn && s.user.rights) || [] : null);
    if (!who.hidden) {
      const u = s.user;
      document.getElementById('who-name').textContent =
        `${u.name} (${u.role}${u.streams ? ': ' + u.streams.join(', ') : ''})`;
    }
    if (s.access === 'on' && !s.signedIn) document.getElementById('auth').hidden = false;
  } catch { /* the poll says the server is gone */ }
}

document.getElementById('token-form').addEventListener('submit', async (ev) => {
  ev.preventDefault();
  const name = document.getElementById('user');
  const token = document.getElementById('token');
  const message = document.getElementById('auth-message');
  try {
    await api.signIn(name.value, token.value);
    token.value = ''; // the session cookie stands for it from now on
    message.textContent = '';
    document.getElementById('auth').hidden = true;
    await showWho();
    refresh();
  } catch (e) {
    token.value = '';
    message.textContent = e instanceof api.ApiError ? e.message : 'The server did not answer.';
  }
});

document.getElementById('sign-out').addEventListener('click', async () => {
  try { await api.signOut(); } catch { /* gone: nothing to end */ }
  document.getElementById('who').hidden = true;
  document.getElementById('auth').hidden = false;
  setRights([]);
  refresh();
});

wireStreamForm();
document.getElementById('add-stream').addEventListener('click', () =>
  openStreamForm(null, (answer) => { pageSay(`${answer.message}: ${answer.name}. Press its Start button to run it.`); refresh(); },
    document.getElementById('add-stream')));

await showWho();
refresh();
setInterval(refresh, POLL_MS);
