// The dashboard: every stream with its status, start/stop, settings, live figures and a
// WebRTC preview. It polls the same JSON API curl uses once a second and says when the
// server is gone; nothing is loaded from anywhere else.
import * as api from './api.js';
import { play, stopPreview, previews } from './preview.js';
import { renderLatencySpread } from './latency.js';
import { buildFields, readFields, showFieldError, clearFieldErrors } from './settings.js';

const POLL_MS = 1000;
const cards = new Map(); // name -> { el, last }
const $ = (root, sel) => root.querySelector(sel);

function fmtRate(bps) {
  if (bps == null) return '–';
  return bps >= 1e6 ? `${(bps / 1e6).toFixed(2)} Mbit/s` : `${Math.round(bps / 1e3)} kbit/s`;
}

function fmtUptime(s) {
  if (s == null) return '–';
  s = Math.floor(s);
  const h = Math.floor(s / 3600), m = Math.floor((s % 3600) / 60), sec = s % 60;
  return h ? `${h} h ${m} min` : m ? `${m} min ${sec} s` : `${sec} s`;
}

function say(card, text, isError = false) {
  const p = $(card, '.message');
  p.textContent = text || '';
  p.classList.toggle('error', isError);
}

function explain(e) {
  if (e instanceof api.ApiError) {
    if (e.status === 401) document.getElementById('auth').hidden = false;
    return [e.message, e.body.hint].filter(Boolean).join(' ');
  }
  return `The server did not answer (${e.message}). Is stream-server still running?`;
}

async function busy(button, fn) {
  button.disabled = true;
  try { await fn(); } finally { button.disabled = false; }
}

// The RTSP URL as this browser reaches the server: the page's host, the RTSP port and path from the status.
function renderRtsp(el, stream) {
  const r = stream.rtsp;
  const p = $(el, '.rtsp');
  p.hidden = !r || !r.url || !r.server;
  if (p.hidden) return;
  const host = location.hostname.includes(':') ? `[${location.hostname}]` : location.hostname;
  $(el, '.rtsp-url').textContent = `rtsp://${host}:${r.server.port}${r.path}`;
}

function makeCard(name) {
  const el = document.getElementById('stream-card').content.firstElementChild.cloneNode(true);
  el.dataset.stream = name;
  el.setAttribute('aria-label', `stream ${name}`);
  $(el, '.name').textContent = name;
  $(el, '.sdp').href = api.sdpUrl(name);
  const copy = $(el, '.copy-rtsp');
  copy.addEventListener('click', async () => {
    const url = $(el, '.rtsp-url').textContent;
    try {
      await navigator.clipboard.writeText(url);
      say(el, `copied ${url}`);
    } catch {
      // No clipboard (a page over plain HTTP from another host): select it for Ctrl+C instead.
      getSelection().selectAllChildren($(el, '.rtsp-url'));
      say(el, 'press Ctrl+C to copy the selected URL');
    }
  });
  const form = $(el, '.settings-form');
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
  form.addEventListener('submit', (ev) => {
    ev.preventDefault();
    const submit = $(form, 'button[type=submit]');
    busy(submit, async () => {
      clearFieldErrors(form);
      try {
        say(el, (await api.start(name, readFields(form))).message);
      } catch (e) {
        if (!(e instanceof api.ApiError && showFieldError(form, e.body))) say(el, explain(e), true);
        else say(el, 'Not started: see the field marked below.', true);
      }
      refresh();
    });
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
  buildFields($(form, '.fields'), `s-${name}`, null);
  return el;
}

function showWatching(el, on) {
  const watch = $(el, '.watch');
  $(el, '.preview').hidden = !on;
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

function wireMedia(el, name) {
  const snapButton = $(el, '.snap');
  snapButton.addEventListener('click', () => busy(snapButton, async () => {
    const img = $(el, '.snapshot');
    const res = await fetch(api.snapshotUrl(name), { cache: 'no-store' }).catch(() => null);
    if (!res || !res.ok) {
      const body = res ? await res.json().catch(() => ({})) : {};
      say(el, `Snapshot: ${body.error || 'no answer'}${body.hint ? ' ' + body.hint : ''}`, true);
      return;
    }
    const old = img.src;
    img.src = URL.createObjectURL(await res.blob());
    if (old.startsWith('blob:')) URL.revokeObjectURL(old);
    img.hidden = false;
  }));
  const clipButton = $(el, '.clip');
  clipButton.addEventListener('click', () => busy(clipButton, async () => {
    try {
      const c = await api.saveClip(name, 10, 10);
      say(el, `Clip ${c.name || ''} saving: complete in 10 s.`);
    } catch (e) { say(el, `Clip: ${explain(e)}`, true); }
  }));
}

async function refreshMedia(el, name) {
  const box = $(el, '.media');
  if (!box.open) return;
  const fill = (ul, list, kind) => {
    ul.replaceChildren();
    for (const f of list) {
      const li = document.createElement('li');
      const a = document.createElement('a');
      a.href = `/streams/${encodeURIComponent(name)}/${kind}/${encodeURIComponent(f.name)}`;
      a.textContent = `${f.name} (${f.duration != null ? f.duration.toFixed(1) + ' s, ' : ''}${Math.round(f.size / 1024)} KiB)`;
      li.append(a);
      ul.append(li);
    }
  };
  try { fill($(el, '.recordings'), (await api.recordings(name)).recordings || [], 'recordings'); } catch { /* listed when available */ }
  try { fill($(el, '.clips'), (await api.clips(name)).clips || [], 'clips'); } catch { /* listed when available */ }
}

function render(stream) {
  let entry = cards.get(stream.name);
  if (!entry) {
    entry = { el: makeCard(stream.name), filled: false };
    cards.set(stream.name, entry);
    document.getElementById('streams').append(entry.el);
  }
  const el = entry.el;
  const status = $(el, '.status');
  status.textContent = stream.status;
  status.className = `status ${stream.status}`;
  const live = ['running', 'starting', 'stalled'].includes(stream.status);
  $(el, '.start').disabled = live;
  $(el, '.stop').disabled = !live && stream.status !== 'failed';
  // Nothing to watch once the stream is stopped (the server ended its viewers).
  if (!live && previews.has(stream.name)) endPreview(el, stream.name);
  const st = stream.stats || {};
  $(el, '.fps').textContent = st.fps != null ? st.fps.toFixed(1) : '–';
  $(el, '.bitrate').textContent = fmtRate(st.bitrate);
  $(el, '.viewers').textContent = stream.viewers != null ? String(stream.viewers) : '0';
  // The server's WebRTC process: idle until someone watches; how the last one died, if it did.
  const rtc = stream.webrtc;
  $(el, '.webrtc').textContent = !rtc ? '–'
    : rtc.lastExit && rtc.status !== 'running' ? `${rtc.status}: ${rtc.lastExit.description}` : rtc.status;
  renderLatencySpread(el, stream.latency);
  $(el, '.uptime').textContent = fmtUptime(stream.uptimeSeconds);
  $(el, '.restarts').textContent = String(stream.restarts ?? 0);
  const dests = stream.settings && stream.settings.destinations;
  $(el, '.destinations').textContent = dests ? dests.join(', ') : (stream.destination || '–');
  const exit = stream.lastExit;
  const details = $(el, '.last-exit');
  details.hidden = !exit;
  if (exit) {
    $(el, '.exit-desc').textContent = `${exit.description} at ${new Date(exit.at).toLocaleTimeString()}`;
    $(el, '.stderr').textContent = (exit.stderr || []).join('\n') || '(no stderr)';
  }
  if (!entry.filled && stream.settings) {
    buildFields($(el, '.fields'), `s-${stream.name}`, stream.settings);
    entry.filled = true;
  }
  $(el, '.media').hidden = stream.snapshots === false;
  const rec = stream.recording;
  $(el, '.rec-state').textContent = rec
    ? `Recording: ${rec.state}${rec.message ? ` (${rec.message})` : ''}; ${rec.segments} segments, ${(rec.bytes / 1048576).toFixed(1)} MiB`
    : '';
  refreshMedia(el, stream.name);
  renderRtsp(el, stream);
  renderJanus(el, stream);
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
    for (const b of entry.el.querySelectorAll('.start, .stop')) b.disabled = true;
    for (const dd of entry.el.querySelectorAll('.figures dd')) dd.textContent = '–';
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
    const names = new Set(streams.map((s) => s.name));
    for (const [name, entry] of cards) {
      if (!names.has(name)) { stopPreview(name); entry.el.remove(); cards.delete(name); }
    }
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
  refresh();
});

showWho();
refresh();
setInterval(refresh, POLL_MS);
