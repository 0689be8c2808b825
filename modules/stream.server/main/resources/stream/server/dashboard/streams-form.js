// Adding and editing a stream: one dialog with every setting (settings.js), PUT /streams/NAME.
// A PUT replaces the whole definition, so editing sends every field the form shows; a running
// stream takes changes to its live settings at once, and for the others the page stops it, saves
// and starts it again (the server refuses a PUT while the child runs with other settings).
import * as api from './api.js';
import { buildFields, readFields, showFieldError, clearFieldErrors } from './settings.js';
import { explain } from './ui.js';

const dialog = () => document.getElementById('stream-dialog');
const form = () => document.getElementById('stream-form');
let editing = null; // the stream being edited, or null when adding one
let onDone = () => {};
let opener = null;

function say(text, isError = true) {
  const p = document.getElementById('stream-form-message');
  p.textContent = text || '';
  p.classList.toggle('error', isError && !!text);
}


/**
 * Opens the dialog.
 * @param stream a stream's entry from GET /streams to edit, or null to add one
 * @param done called after a stream was saved
 * @param from the button that opened it: the focus goes back there when the dialog closes
 */
export async function openStreamForm(stream, done, from) {
  editing = stream;
  onDone = done || (() => {});
  opener = from || document.activeElement;
  const f = form();
  clearFieldErrors(f);
  say('');
  const name = f.elements.namedItem('name');
  name.value = stream ? stream.name : '';
  name.readOnly = !!stream;
  f.elements.namedItem('autostart').checked = stream ? !!stream.autostart : false;
  document.getElementById('stream-dialog-title').textContent = stream ? `Edit ${stream.name}` : 'Add a stream';
  document.getElementById('stream-save').textContent = stream ? 'Save' : 'Add stream';
  document.getElementById('restart-note').hidden = !(stream && isLive(stream));
  document.getElementById('main-note').hidden = !(stream && stream.name === 'main');
  try {
    await buildFields(document.getElementById('stream-fields'), 'f', stream ? stream.settings : null);
  } catch (e) {
    say(`The settings table could not be read: ${explain(e)}`);
  }
  if (!dialog().open) dialog().showModal();
  (stream ? f.querySelector('.field input, .field select') : name).focus();
}

const isLive = (s) => ['running', 'starting', 'stalled'].includes(s.status);

async function save(ev) {
  ev.preventDefault();
  const f = form();
  const button = document.getElementById('stream-save');
  clearFieldErrors(f);
  const name = f.elements.namedItem('name').value.trim();
  const nameMsg = document.getElementById('f-name-msg');
  if (!name) {
    nameMsg.textContent = 'A stream needs a name.';
    f.elements.namedItem('name').setAttribute('aria-invalid', 'true');
    f.elements.namedItem('name').focus();
    return;
  }
  const definition = { ...readFields(f), autostart: f.elements.namedItem('autostart').checked };
  button.disabled = true;
  say('saving…', false);
  try {
    let answer;
    try {
      answer = await api.putStream(name, definition);
    } catch (e) {
      // Running with other settings: stop, save, start again (what the note in the form says).
      if (!(editing && e instanceof api.ApiError && e.status === 409 && isLive(editing) && /other settings/.test(e.message))) throw e;
      say('stopping it to apply the new settings…', false);
      await api.stop(name);
      try {
        answer = await api.putStream(name, definition);
      } finally {
        await api.start(name).catch(() => {}); // with the new definition, or the old one when refused
      }
      answer = { ...answer, message: `${answer.message}; restarted with the new settings` };
    }
    dialog().close();
    onDone(answer);
  } catch (e) {
    if (e instanceof api.ApiError && showFieldError(f, e.body, e.status)) say('Not saved: see the field marked above.');
    else if (e instanceof api.ApiError && e.status === 400 && /stream name/i.test(e.message)) {
      nameMsg.textContent = explain(e);
      f.elements.namedItem('name').setAttribute('aria-invalid', 'true');
      f.elements.namedItem('name').focus();
      say('Not saved: see the name above.');
    } else say(`Not saved: ${explain(e)}`);
  } finally {
    button.disabled = false;
  }
}

export function wireStreamForm() {
  form().addEventListener('submit', save);
  document.getElementById('stream-cancel').addEventListener('click', () => dialog().close());
  // Back to the button that opened it (Escape closes a modal dialog too).
  dialog().addEventListener('close', () => { if (opener && opener.isConnected) opener.focus(); });
}
