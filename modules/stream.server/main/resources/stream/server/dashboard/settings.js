// The stream form's fields, made from the server's settings table (GET /settings: each setting's
// name, JSON type, default, what it accepts, help), so that every setting the server has is here
// and none is described twice; and the server's validation message shown beside the field it
// names ({"error", "hint", "field", "value", "allowed"} in a 400).
import { settingsTable } from './api.js';

// How the form groups the settings; a setting the table has and no group names goes to "Other",
// so a new setting appears without a change here.
const GROUPS = [
  { title: 'Picture', open: true, names: ['source', 'width', 'height', 'framerate', 'bitrate', 'keyint', 'preset', 'encoder', 'audio'] },
  { title: 'IP camera', names: ['source-user', 'source-password', 'source-transport'] },
  { title: 'Where it goes', names: ['destinations', 'multicast', 'ttl', 'rtsp-multicast', 'max-viewers'] },
  { title: 'Recording', names: ['record', 'record-segment', 'record-max-age', 'record-max-size', 'record-dir'] },
  { title: 'When it fails', names: ['restart', 'stall-timeout'] },
];

let table = null;
/** @returns the settings table, asked for once */
export async function loadTable() {
  if (!table) table = await settingsTable();
  return table;
}

const label = (name) => name.charAt(0).toUpperCase() + name.slice(1).replaceAll('-', ' ');
const shown = (v) => (v === null || v === undefined ? '' : Array.isArray(v) ? v.join(', ') : String(v));

function field(s, idPrefix, current) {
  const wrap = document.createElement('div');
  wrap.className = 'field';
  const id = `${idPrefix}-${s.name}`;
  const l = document.createElement('label');
  l.htmlFor = id;
  l.textContent = label(s.name);
  let input;
  if (s.type === 'boolean') {
    input = document.createElement('select');
    input.add(new Option(`default (${s.default ? 'on' : 'off'})`, ''));
    input.add(new Option('on', 'true'));
    input.add(new Option('off', 'false'));
  } else {
    input = document.createElement('input');
    input.type = s.secret ? 'password' : s.type === 'number' ? 'number' : 'text';
    if (s.secret) input.autocomplete = 'new-password';
    if (s.type === 'number') input.inputMode = 'numeric';
    if (s.default !== null) input.placeholder = shown(s.default);
  }
  input.id = id;
  input.name = s.name;
  input.dataset.type = s.type;
  const v = current ? current[s.name] : undefined;
  if (v !== undefined && v !== null && !s.secret) {
    const text = s.type === 'boolean' ? String(v) : shown(v);
    // the default stays an empty field: the placeholder shows it, and the stream follows the server's default
    if (!(s.type !== 'boolean' && text === shown(s.default)) && !(Array.isArray(v) && v.length === 0)) input.value = text;
  }
  const help = document.createElement('p');
  help.className = 'help';
  help.id = `${id}-help`;
  help.textContent = s.help + (s.live ? ' Changes while the stream runs.' : '');
  const msg = document.createElement('p');
  msg.className = 'invalid';
  msg.id = `${id}-msg`;
  msg.setAttribute('aria-live', 'polite');
  input.setAttribute('aria-describedby', `${msg.id} ${help.id}`);
  wrap.append(l, input, msg, help);
  return wrap;
}

/**
 * Builds every setting's field into `container`, grouped, prefilled from `current` (a stream's
 * "settings"; values equal to the default are left empty).
 */
export async function buildFields(container, idPrefix, current) {
  const rows = await loadTable();
  container.replaceChildren();
  const groups = GROUPS.map((g) => ({ ...g, rows: g.names.map((n) => rows.find((r) => r.name === n)).filter(Boolean) }));
  groups.push({ title: 'Other', rows: rows.filter((r) => !GROUPS.some((g) => g.names.includes(r.name))) });
  for (const g of groups) {
    if (g.rows.length === 0) continue;
    const box = document.createElement('details');
    box.className = 'group';
    box.open = !!g.open || g.rows.some((r) => current && current[r.name] !== undefined && shown(current[r.name]) !== shown(r.default)
      && !(Array.isArray(current[r.name]) && current[r.name].length === 0) && r.type !== 'boolean');
    const summary = document.createElement('summary');
    summary.textContent = g.title;
    const grid = document.createElement('div');
    grid.className = 'fields';
    for (const r of g.rows) { grid.append(field(r, idPrefix, current)); }
    box.append(summary, grid);
    container.append(box);
  }
}

/** The settings filled in, typed as the API takes them; empty fields are left out (the default). */
export function readFields(form) {
  const out = {};
  for (const el of form.querySelectorAll('.field [data-type]')) {
    const raw = el.value.trim();
    if (!raw) continue;
    const type = el.dataset.type;
    if ((type === 'number' || type === 'number_or_string') && /^-?\d+$/.test(raw)) out[el.name] = Number(raw);
    else if (type === 'boolean') out[el.name] = raw === 'true';
    else if (type === 'list') out[el.name] = raw.split(',').map((s) => s.trim()).filter(Boolean);
    else out[el.name] = raw; // anything else goes as typed: the server says what is wrong with it
  }
  return out;
}

/**
 * Clears old messages, then shows the server's message beside its field; false if no field matched.
 * A 400's message already says what the field accepts; a 409 (the value is another stream's: a
 * port, a device) adds its hint, which says what to do.
 */
export function showFieldError(form, body, status = 400) {
  clearFieldErrors(form);
  const el = body && body.field ? form.elements.namedItem(body.field) : null;
  if (!el) return false;
  el.setAttribute('aria-invalid', 'true');
  const group = el.closest('details');
  if (group) group.open = true;
  // The server's sentence already says what is allowed: shown once, as it is.
  document.getElementById(`${el.id}-msg`).textContent = status === 409 && body.hint ? `${body.error}. ${body.hint}` : body.error;
  el.focus();
  return true;
}

export function clearFieldErrors(form) {
  for (const el of form.querySelectorAll('[aria-invalid]')) el.removeAttribute('aria-invalid');
  for (const p of form.querySelectorAll('.invalid')) p.textContent = '';
}
