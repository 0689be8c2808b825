// A card's recordings and clips: the list by day (newest first), played in the page in one
// <video> on the file's URL (the server answers Range), deleted with a second press, and the
// clip button that saves the last 30 seconds (the server keeps them in memory, the pre-roll).
import * as api from './api.js';
import { $, say, explain, busy, confirmButton, may } from './ui.js';

const CLIP_BEFORE = 30, CLIP_AFTER = 1;
const REFRESH_MS = 3000;

const day = (d) => d.toLocaleDateString(undefined, { weekday: 'short', year: 'numeric', month: 'short', day: 'numeric' });
const size = (b) => (b >= 1048576 ? `${(b / 1048576).toFixed(1)} MiB` : `${Math.max(1, Math.round(b / 1024))} KiB`);

/** Wires the clip button, the player and the panel of a new card. */
export function wireMedia(el, name) {
  const clipButton = $(el, '.clip');
  clipButton.addEventListener('click', () => busy(clipButton, async () => {
    try {
      const c = await api.saveClip(name, CLIP_BEFORE, CLIP_AFTER);
      say(el, `Clip ${c.name || ''} saving: the last ${CLIP_BEFORE} s, ready in ${CLIP_AFTER} s.`);
      refreshMedia(el, name, true);
    } catch (e) { say(el, `Clip: ${explain(e)}`, true); }
  }));
  $(el, '.close-player').addEventListener('click', () => closePlayer(el));
  $(el, '.media').addEventListener('toggle', () => refreshMedia(el, name, true));
}

function closePlayer(el) {
  const video = $(el, '.playback');
  video.pause();
  video.removeAttribute('src');
  video.load();
  $(el, '.player').hidden = true;
}

function play(el, name, kind, f) {
  const video = $(el, '.playback');
  $(el, '.player').hidden = false;
  $(el, '.now-playing').textContent = `${kind === 'clips' ? 'Clip' : 'Recording'} of ${new Date(f.start).toLocaleString()}`;
  video.src = api.mediaUrl(name, kind, f.name);
  video.play().catch(() => {}); // a browser that wants a gesture first still shows the controls
  video.focus();
}

function item(el, name, kind, f) {
  const li = document.createElement('li');
  li.dataset.file = f.name;
  li.dataset.kind = kind;
  const tag = document.createElement('span');
  tag.className = `kind ${kind}`;
  tag.textContent = kind === 'clips' ? 'Clip' : 'Recording';
  const when = document.createElement('time');
  when.dateTime = f.start;
  when.textContent = new Date(f.start).toLocaleTimeString();
  const facts = document.createElement('span');
  facts.className = 'facts';
  facts.textContent = `${f.duration != null ? f.duration.toFixed(1) + ' s · ' : ''}${size(f.size)}`;
  const playButton = document.createElement('button');
  playButton.type = 'button';
  playButton.className = 'play';
  playButton.textContent = 'Play';
  playButton.setAttribute('aria-label', `Play ${tag.textContent.toLowerCase()} of ${when.textContent}`);
  playButton.addEventListener('click', () => play(el, name, kind, f));
  const download = document.createElement('a');
  download.href = api.mediaUrl(name, kind, f.name);
  download.download = f.name;
  download.textContent = 'Download';
  const del = document.createElement('button');
  del.type = 'button';
  del.className = 'delete-file';
  del.textContent = 'Delete';
  const right = kind === 'clips' ? 'clip' : 'record';
  del.hidden = !may(right);
  confirmButton(del, when.textContent, async () => {
    try {
      await api.deleteMedia(name, kind, f.name);
      if ($(el, '.playback').getAttribute('src') === api.mediaUrl(name, kind, f.name)) closePlayer(el);
      say(el, `Deleted ${f.name}.`);
    } catch (e) { say(el, `Delete: ${explain(e)}`, true); }
    refreshMedia(el, name, true);
  });
  const actions = document.createElement('span');
  actions.className = 'file-actions';
  actions.append(playButton, download, del);
  li.append(tag, when, facts, actions);
  return li;
}

/** Fills the panel's list when it is open (at most every few seconds unless `now`); unchanged lists are left alone. */
export async function refreshMedia(el, name, now = false) {
  const box = $(el, '.media');
  if (!box.open) return;
  const t = Date.now();
  if (!now && t - (Number(box.dataset.at) || 0) < REFRESH_MS) return;
  box.dataset.at = String(t);
  let recs = [], clips = [], pending = [];
  try {
    recs = (await api.recordings(name)).recordings || [];
    const c = await api.clips(name);
    clips = c.clips || [];
    pending = c.pending || [];
  } catch (e) {
    $(el, '.media-lists').textContent = explain(e);
    box.dataset.key = '';
    return;
  }
  const key = JSON.stringify([recs, clips, pending.map((p) => p.name), may('clip'), may('record')]);
  if (box.dataset.key === key) return;
  box.dataset.key = key;
  const all = [...recs.map((f) => ['recordings', f]), ...clips.map((f) => ['clips', f])]
    .sort((a, b) => b[1].start.localeCompare(a[1].start));
  const lists = $(el, '.media-lists');
  lists.replaceChildren();
  if (pending.length) {
    const p = document.createElement('p');
    p.className = 'pending';
    p.textContent = `Saving: ${pending.map((c) => c.name).join(', ')}`;
    lists.append(p);
  }
  if (all.length === 0) {
    const p = document.createElement('p');
    p.className = 'hint';
    p.textContent = 'Nothing recorded yet. Turn recording on, or save a clip of the last 30 s.';
    lists.append(p);
  }
  let current = null, ul = null;
  for (const [kind, f] of all) {
    const d = day(new Date(f.start));
    if (d !== current) {
      current = d;
      const h = document.createElement('h3');
      h.textContent = d;
      ul = document.createElement('ul');
      ul.className = 'files';
      lists.append(h, ul);
    }
    ul.append(item(el, name, kind, f));
  }
  $(el, '.media-count').textContent = all.length ? `(${all.length})` : '';
}
