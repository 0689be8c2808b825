// What every part of the page shares: a card's message line, the server's errors as sentences,
// buttons that are busy while their request runs, a second press to confirm a delete, copying a
// URL, and what the signed-in role may do (GET /session's rights; everything on an open server).
import { ApiError } from './api.js';

export const $ = (root, sel) => root.querySelector(sel);

export function say(card, text, isError = false) {
  const p = $(card, '.message');
  p.textContent = text || '';
  p.classList.toggle('error', isError);
}

/** The server's message and hint as one sentence; a 401 shows the sign-in form. */
export function explain(e) {
  if (e instanceof ApiError) {
    if (e.status === 401) document.getElementById('auth').hidden = false;
    if (e.status === 403) return `Not allowed: ${[e.message, e.body.hint].filter(Boolean).join(' ')}`;
    return [e.message, e.body.hint].filter(Boolean).join(' ');
  }
  return `The server did not answer (${e.message}). Is stream-server still running?`;
}

export async function busy(button, fn) {
  button.disabled = true;
  try { await fn(); } finally { button.disabled = false; }
}

/**
 * A delete button that asks once more: the first press turns it into "Confirm …" for a few
 * seconds, the second runs `action`. No window.confirm: keyboard and screen readers see a button.
 */
export function confirmButton(button, what, action) {
  const text = button.textContent;
  let timer = null;
  const reset = () => { clearTimeout(timer); timer = null; button.textContent = text; button.classList.remove('confirm'); };
  button.addEventListener('click', async () => {
    if (!timer) {
      button.textContent = `Confirm: delete ${what}`;
      button.classList.add('confirm');
      timer = setTimeout(reset, 6000);
      return;
    }
    reset();
    await busy(button, action);
  });
}

/** Copies `text`; without a clipboard (plain HTTP from another host) selects `element` for Ctrl+C. */
export async function copy(card, text, element) {
  try {
    await navigator.clipboard.writeText(text);
    say(card, `copied ${text}`);
  } catch {
    getSelection().selectAllChildren(element);
    say(card, 'press Ctrl+C to copy the selected URL');
  }
}

let rights = null; // null: the server is open, every button works
/** @param list the signed-in user's rights ("watch", "start_stop", ...), or null for an open server */
export function setRights(list) { rights = list ? new Set(list) : null; }
/** @returns whether the signed-in role holds `right` (the server decides; this only hides what it would refuse) */
export const may = (right) => rights === null || rights.has(right);
