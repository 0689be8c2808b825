// The glass-to-glass latency a viewer has right now, measured frame by frame. The capture time
// travels with every frame as its RTP timestamp: the WebRTC gateway stamps each frame with its
// arrival time on a 90 kHz clock and says, in the WHEP answer's Rtp-Clock header
// ("rtp=R; unix-ms=T"), which wall-clock time one RTP timestamp stands for. The browser says when
// it shows each frame and which RTP timestamp it had (requestVideoFrameCallback's
// expectedDisplayTime and rtpTimestamp). Shown minus arrival is the age of what the viewer sees,
// from the gateway on: the sender's capture and encoding before it (a few ms) are not in it, and
// the server's and the browser's clocks must agree (NTP), as they do on one machine.
// Under the preview, the median of the last second's frames, every second; reported to the server
// every few seconds (POST LOCATION/latency), which gives the stream's card the spread over its
// viewers (the "latency" object of the stream's status).

const RTP_RATE_KHZ = 90;
const REPORT_EVERY_MS = 3000;

/** "rtp=R; unix-ms=T" -> {rtp, unixMs}, or null. */
export function parseRtpClock(header) {
  const m = /rtp=(\d+)\s*;\s*unix-ms=([\d.]+)/.exec(header || '');
  return m ? { rtp: Number(m[1]), unixMs: Number(m[2]) } : null;
}

/**
 * The latency of one shown frame in ms: its display time (Unix ms) minus the wall-clock time its
 * RTP timestamp stands for (the 32-bit timestamp taken modulo, nearest to the clock's reference).
 */
export function frameLatency(clock, rtpTimestamp, shownUnixMs) {
  let ticks = (rtpTimestamp - clock.rtp) % 4294967296;
  if (ticks > 2147483648) ticks -= 4294967296;
  if (ticks < -2147483648) ticks += 4294967296;
  return shownUnixMs - (clock.unixMs + ticks / RTP_RATE_KHZ);
}

/**
 * Calls onFrame(ms) with the latency of every frame `video` shows, until stop(). @return {stop()}
 */
export function trackFrames(video, clock, onFrame) {
  let handle = null;
  let stopped = false;
  const frame = (now, meta) => {
    if (stopped) return;
    if (meta && meta.rtpTimestamp !== undefined) {
      const shown = performance.timeOrigin + (meta.expectedDisplayTime ?? now);
      onFrame(frameLatency(clock, meta.rtpTimestamp, shown));
    }
    handle = video.requestVideoFrameCallback(frame);
  };
  if (clock && video.requestVideoFrameCallback) handle = video.requestVideoFrameCallback(frame);
  return { stop() { stopped = true; if (handle !== null && video.cancelVideoFrameCallback) video.cancelVideoFrameCallback(handle); } };
}

function median(values) {
  const sorted = values.slice().sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

/**
 * Shows the latency under `video` every second (the median of that second's frames) and reports it
 * to `location` + '/latency' (the viewer's WHEP resource) every few seconds.
 * @param rtpClock the WHEP answer's Rtp-Clock header
 * @return {stop()}
 */
export function watchLatency(video, rtpClock, location) {
  const clock = parseRtpClock(rtpClock);
  let line = video.nextElementSibling;
  if (!line || !line.classList.contains('latency')) {
    line = document.createElement('p');
    line.className = 'latency';
    line.setAttribute('role', 'status');
    video.after(line);
  }
  line.hidden = false;
  if (!clock || !video.requestVideoFrameCallback) {
    line.textContent = 'Latency: not measurable here';
    return { stop() { line.hidden = true; line.textContent = ''; } };
  }
  line.textContent = 'Latency: measuring…';
  let second = [];
  let forReport = [];
  let lastReport = performance.now();
  const frames = trackFrames(video, clock, (ms) => second.push(ms));
  const tick = () => {
    if (second.length === 0) return;
    const ms = median(second);
    second = [];
    line.textContent = `Latency: ${Math.round(ms)} ms glass to glass`;
    line.dataset.ms = String(ms);
    forReport.push(ms);
    if (location && performance.now() - lastReport >= REPORT_EVERY_MS) {
      const report = median(forReport);
      forReport = [];
      lastReport = performance.now();
      fetch(`${location}/latency`, {
        method: 'POST', headers: { 'Content-Type': 'application/json' }, cache: 'no-store',
        body: JSON.stringify({ latencyMs: Math.max(0, Math.round(report * 10) / 10) }),
      }).catch(() => { /* the next report will try again */ });
    }
  };
  const timer = setInterval(tick, 1000);
  return {
    stop() {
      clearInterval(timer);
      frames.stop();
      line.hidden = true;
      line.textContent = '';
      delete line.dataset.ms;
    },
  };
}

/**
 * The stream card's figure: the spread of its viewers' latencies (the status's "latency":
 * {viewers, minMs, medianMs, maxMs}), added to the card's figures when first needed.
 */
export function renderLatencySpread(card, latency) {
  let dd = card.querySelector('.latency-spread');
  if (!dd) {
    const figures = card.querySelector('.figures');
    if (!figures) return;
    const div = document.createElement('div');
    const dt = document.createElement('dt');
    dt.textContent = 'Viewer latency';
    dd = document.createElement('dd');
    dd.className = 'latency-spread';
    div.append(dt, dd);
    figures.append(div);
  }
  if (!latency || !latency.viewers) { dd.textContent = '–'; return; }
  const r = (x) => Math.round(x);
  dd.textContent = latency.viewers === 1 ? `${r(latency.medianMs)} ms (1 viewer)`
    : `${r(latency.minMs)}–${r(latency.maxMs)} ms, median ${r(latency.medianMs)} (${latency.viewers} viewers)`;
}
