// The settings form: the fields a start takes, and the server's validation message shown
// beside the field it names ({"error", "hint", "field", "value", "allowed"} in a 400).

const FIELDS = [
  { name: 'width', label: 'Width (px)', type: 'number' },
  { name: 'height', label: 'Height (px)', type: 'number' },
  { name: 'framerate', label: 'Frame rate (fps)', type: 'number' },
  { name: 'bitrate', label: 'Bitrate (kbit/s)', type: 'number' },
  { name: 'keyint', label: 'Keyframe interval (frames or e.g. 1s)', type: 'text' },
  { name: 'preset', label: 'x264 preset', type: 'select',
    options: ['', 'ultrafast', 'superfast', 'veryfast', 'faster', 'fast', 'medium', 'slow', 'slower', 'veryslow', 'placebo'] },
  { name: 'source', label: 'Source (auto, test, /dev/videoN)', type: 'text' },
  { name: 'audio', label: 'Audio (none, test, auto, hw:C,D, pulse:SOURCE)', type: 'text' },
  { name: 'destinations', label: 'Destinations (HOST:PORT, commas)', type: 'list' },
  { name: 'restart', label: 'Restart', type: 'select', options: ['', 'never', 'on-failure'] },
  { name: 'max-viewers', label: 'Browser viewers at most', type: 'number' },
];

/** Builds the fields into `container`, prefilled from the stream's settings in force. */
export function buildFields(container, idPrefix, current) {
  container.replaceChildren();
  for (const f of FIELDS) {
    const wrap = document.createElement('div');
    wrap.className = 'field';
    const id = `${idPrefix}-${f.name}`;
    const label = document.createElement('label');
    label.htmlFor = id;
    label.textContent = f.label;
    let input;
    if (f.type === 'select') {
      input = document.createElement('select');
      for (const o of f.options) input.add(new Option(o || '(default)', o));
    } else {
      input = document.createElement('input');
      input.type = f.type === 'number' ? 'number' : 'text';
      if (f.type === 'number') input.inputMode = 'numeric';
    }
    input.id = id;
    input.name = f.name;
    const v = current ? current[f.name] : undefined;
    if (v !== undefined && v !== null) input.value = Array.isArray(v) ? v.join(',') : String(v);
    const msg = document.createElement('p');
    msg.className = 'invalid';
    msg.id = `${id}-msg`;
    msg.setAttribute('aria-live', 'polite');
    input.setAttribute('aria-describedby', msg.id);
    wrap.append(label, input, msg);
    container.append(wrap);
  }
}

/** The settings the person filled in, typed as the API takes them; empty fields are left out. */
export function readFields(form) {
  const out = {};
  for (const f of FIELDS) {
    const el = form.elements.namedItem(f.name);
    const raw = el.value.trim();
    if (!raw) continue;
    if (f.type === 'number' && /^-?\d+$/.test(raw)) out[f.name] = Number(raw);
    else if (f.type === 'list') out[f.name] = raw.split(',').map((s) => s.trim()).filter(Boolean);
    else out[f.name] = raw; // anything else goes as typed: the server says what is wrong with it
  }
  return out;
}

/** Clears old messages, then shows the server's message beside its field; false if no field matched. */
export function showFieldError(form, body) {
  clearFieldErrors(form);
  const el = body && body.field ? form.elements.namedItem(body.field) : null;
  if (!el) return false;
  el.setAttribute('aria-invalid', 'true');
  document.getElementById(`${el.id}-msg`).textContent = body.allowed ? `${body.error}. Allowed: ${body.allowed}` : body.error;
  el.focus();
  return true;
}

export function clearFieldErrors(form) {
  for (const el of form.querySelectorAll('[aria-invalid]')) el.removeAttribute('aria-invalid');
  for (const p of form.querySelectorAll('.invalid')) p.textContent = '';
}
