// Live preview over WebRTC (WHEP): a recvonly offer, no trickle (the answer carries every
// candidate), the H.264 passes through untouched from the server to this <video>. The offer also
// receives audio: a stream with sound sends its Opus too; the <video> starts muted (browsers
// autoplay muted media only) and the card's Unmute button turns the sound on.
import { whepOffer, whepEnd } from './api.js';
import { watchLatency } from './latency.js';

/** Open previews by stream name; tests and the console read their RTCPeerConnection here. */
export const previews = new Map();
window.streamPreviews = previews;

function gatheringComplete(pc, timeoutMs = 2000) {
  if (pc.iceGatheringState === 'complete') return Promise.resolve();
  return new Promise((resolve) => {
    const done = () => { pc.removeEventListener('icegatheringstatechange', check); resolve(); };
    const check = () => { if (pc.iceGatheringState === 'complete') done(); };
    pc.addEventListener('icegatheringstatechange', check);
    setTimeout(done, timeoutMs); // host candidates arrive in milliseconds; do not wait forever
  });
}

/** Starts playing stream `name` into `video`; resolves once the answer is applied. */
export async function play(name, video, onState) {
  await stopPreview(name);
  const pc = new RTCPeerConnection({ iceServers: [] }); // no STUN: nothing leaves the LAN
  const entry = { pc, video, location: null };
  previews.set(name, entry);
  pc.addTransceiver('video', { direction: 'recvonly' });
  pc.addTransceiver('audio', { direction: 'recvonly' });
  const media = new MediaStream();
  video.muted = true;
  pc.ontrack = (ev) => {
    media.addTrack(ev.track);
    if (video.srcObject !== media) video.srcObject = media;
    video.play().catch(() => {});
  };
  pc.onconnectionstatechange = () => onState && onState(pc.connectionState);
  try {
    await pc.setLocalDescription(await pc.createOffer());
    await gatheringComplete(pc);
    const { answer, location, rtpClock } = await whepOffer(name, pc.localDescription.sdp);
    entry.location = location;
    await pc.setRemoteDescription({ type: 'answer', sdp: answer });
    entry.latency = watchLatency(video, rtpClock, location); // the live glass-to-glass figure under the video
  } catch (e) {
    await stopPreview(name);
    throw e;
  }
  return entry;
}

/** Ends the preview of `name`: DELETE on the WHEP resource, then the peer connection. */
export async function stopPreview(name) {
  const entry = previews.get(name);
  if (!entry) return;
  previews.delete(name);
  if (entry.latency) entry.latency.stop();
  if (entry.location) await whepEnd(entry.location);
  entry.pc.close();
  entry.video.srcObject = null;
}

window.addEventListener('pagehide', () => {
  for (const [, entry] of previews) {
    if (entry.location) whepEnd(entry.location, true);
    entry.pc.close();
  }
});
