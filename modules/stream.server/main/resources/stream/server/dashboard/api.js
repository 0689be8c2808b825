// The same JSON API that curl uses; nothing else. Errors come back as ApiError with the
// server's own message, hint and (for settings) the field it names.

export class ApiError extends Error {
  constructor(status, body) {
    super(body && body.error ? body.error : `HTTP ${status}`);
    this.status = status;
    this.body = body || {};
  }
}

// Signed in, the browser holds an HttpOnly, SameSite=Strict session cookie that this page cannot
// read; every same-origin request carries it. The page never keeps the token.
function headers(extra) {
  return { ...extra };
}

/** {access: "open"} or {access: "on", signedIn, user?: {name, role, streams?}} */
export const session = () => call('GET', '/session').then((r) => r.body);
export const signIn = (name, token) => call('POST', '/session', { name, token }).then((r) => r.body);
export const signOut = () => call('DELETE', '/session').then((r) => r.body);

async function call(method, path, body, type = 'application/json') {
  const init = { method, headers: headers(body === undefined ? {} : { 'Content-Type': type }), cache: 'no-store' };
  if (body !== undefined) init.body = typeof body === 'string' ? body : JSON.stringify(body);
  const res = await fetch(path, init);
  const text = await res.text();
  let parsed = null;
  if ((res.headers.get('Content-Type') || '').includes('json') && text) {
    try { parsed = JSON.parse(text); } catch { parsed = null; }
  }
  if (!res.ok) throw new ApiError(res.status, parsed);
  return { res, body: parsed ?? text };
}

const enc = encodeURIComponent;

/** Every stream; a server without named streams answers with its one stream as "main". */
export async function listStreams() {
  try {
    return (await call('GET', '/streams')).body.streams;
  } catch (e) {
    if (e instanceof ApiError && e.status === 404) {
      const status = (await call('GET', '/control')).body;
      return [{ name: 'main', ...status }];
    }
    throw e;
  }
}

/** The settings table (GET /settings): each setting's name, JSON type, default, what it accepts. */
export const settingsTable = () => call('GET', '/settings').then((r) => r.body.settings);
/** PUT /streams/NAME: creates (201) or redefines (200) the stream; the body replaces the definition whole. */
export const putStream = (name, definition) => call('PUT', `/streams/${enc(name)}`, definition).then((r) => r.body);
export const deleteStream = (name) => call('DELETE', `/streams/${enc(name)}`).then((r) => r.body);
export const streamStatus = (name) => call('GET', `/streams/${enc(name)}/control`).then((r) => r.body);
export const start = (name, settings = {}) =>
  call('POST', `/streams/${enc(name)}/control`, { action: 'start', ...settings }).then((r) => r.body);
export const stop = (name) => call('POST', `/streams/${enc(name)}/control`, { action: 'stop' }).then((r) => r.body);
export const sdpUrl = (name) => `/streams/${enc(name)}/stream.sdp`;
export const whepUrl = (name) => `/streams/${enc(name)}/whep`;
// no cache-busting query: the server takes only ?width=N, and the fetch says no-store
export const snapshotUrl = (name) => `/streams/${enc(name)}/snapshot.jpg`;
export const recordings = (name) => call('GET', `/streams/${enc(name)}/recordings`).then((r) => r.body);
export const clips = (name) => call('GET', `/streams/${enc(name)}/clips`).then((r) => r.body);
/** The URL of a recording or clip (kind "recordings" or "clips"); GET plays it, with Range. */
export const mediaUrl = (name, kind, file) => `/streams/${enc(name)}/${kind}/${enc(file)}`;
export const deleteMedia = (name, kind, file) => call('DELETE', mediaUrl(name, kind, file)).then((r) => r.body);
export const saveClip = (name, before, after) =>
  call('POST', `/streams/${enc(name)}/clips`, { before, after }).then((r) => r.body);

/** WHEP (draft-ietf-wish-whep): POST the offer, 201 with the answer and a Location to DELETE. */
export async function whepOffer(name, sdp) {
  const { res, body } = await call('POST', whepUrl(name), sdp, 'application/sdp');
  const location = new URL(res.headers.get('Location'), window.location.href).toString();
  return { answer: body, location, rtpClock: res.headers.get('Rtp-Clock') };
}

/** DELETE on the WHEP resource; keepalive lets it leave while the page goes away. */
export async function whepEnd(location, keepalive = false) {
  try { await fetch(location, { method: 'DELETE', headers: headers({}), keepalive }); } catch { /* server gone: nothing to end */ }
}
