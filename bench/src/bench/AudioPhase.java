package bench;

import static bench.Stats.fmt;
import static stream.testkit.Ports.freeUdpAndTcp;
import static bench.Util.sleep;

import com.eclipsesource.json.JsonArray;
import com.eclipsesource.json.JsonObject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import stream.testkit.Chromium;
import stream.testkit.NetNs;

/**
 * Sound (issue 21), alone with {@code bench/run.sh --only audio}: what {@code audio test} costs a
 * stream in CPU against {@code audio none} at the same size, and the offset between the beep and
 * the flash as Chromium receives them over WHEP from a real server (in a network namespace with
 * only loopback). The page ({@link #PROBE}) finds each flash in the presented frames
 * (requestVideoFrameCallback, the corner's brightness on a canvas, the frame's expectedDisplayTime)
 * and each beep in the received audio track (WebAudio AnalyserNode, the onset's sample mapped to
 * the moment it is heard through getOutputTimestamp), both on performance.now()'s clock; the
 * offset is flash minus beep (positive: the picture comes late).
 */
final class AudioPhase implements Phase {
    @Override public String id() { return "audio"; }
    @Override public String title() { return "audio (CPU of audio test; beep-to-flash offset in Chromium)"; }

    @Override
    public void run(Context ctx) throws Exception {
        Figure offset = ctx.fig("audio_offset_browser", "10 Audio", "A/V offset in Chromium over WHEP, flash presented minus beep heard, "
                + "audio test, 320x240@15 (median of the seconds)", "ms", "Chromium over WHEP", "");
        Figure spread = ctx.fig("audio_offset_browser_spread", "10 Audio", "  its spread: p95 of |offset - median|", "ms", "Chromium", "");
        Figure cpu = ctx.fig("audio_cpu", "10 Audio", "CPU per streaming minute with sound, server JVM + child, at the server's default size",
                "CPU s/min", "audio test", "audio none");
        Figure offsetAbs = ctx.fig("audio_offset_browser_abs", "10 Audio", "  |A/V offset| in Chromium (the issue's target)", "ms", "Chromium", "", "ours<=20");
        offset.digits = spread.digits = offsetAbs.digits = 1;
        cpu.digits = 2;
        String parts = System.getProperty("bench.audio.parts", "cpu,native,browser");
        if (parts.contains("cpu")) try {
            cpu(ctx, cpu);
        } catch (Exception e) {
            cpu.failure = e.getMessage();
            System.out.println("   audio cpu FAILED: " + e.getMessage());
        }
        Figure nat = ctx.fig("audio_offset_native", "10 Audio", "A/V offset in the native viewer, flash minus beep where its sinks"
                + " would present them, audio test, 320x240@15 (median of the seconds)", "ms", "stream-viewer's pipeline", "");
        Figure natAbs = ctx.fig("audio_offset_native_abs", "10 Audio", "  |A/V offset| in the native viewer (the issue's target)", "ms",
                "stream-viewer's pipeline", "", "ours<=20");
        nat.digits = natAbs.digits = 1;
        if (parts.contains("native")) try {
            nativeViewer(ctx, nat);
            natAbs.ours.add(Math.abs(nat.oursMedian()));
        } catch (Exception e) {
            nat.failure = natAbs.failure = e.getMessage();
            System.out.println("   audio native FAILED: " + e.getMessage());
        }
        if (parts.contains("browser")) try {
            browser(ctx, offset, spread);
            offsetAbs.ours.add(Math.abs(offset.oursMedian()));
        } catch (Exception e) {
            offset.failure = spread.failure = offsetAbs.failure = e.getMessage();
            throw e;
        }
    }

    private static void cpu(Context ctx, Figure cpu) throws Exception {
        Config cfg = ctx.config();
        cpu.runsNote = cfg.costRounds() + " windows of " + cfg.costSeconds() + " s each, interleaved";
        for (int round = 0; round < cfg.costRounds(); round++) {
            for (String audio : List.of("test", "none")) {
                Server s = ctx.server(freeUdpAndTcp(), null, "audio-" + audio, "--audio", audio);
                s.startStream();
                long child = s.childPid();
                sleep(3);
                long[] pids = {s.proc.pid(), child};
                double c0 = ProcStat.cpuSeconds(pids[0]) + ProcStat.cpuSeconds(pids[1]);
                long t0 = System.nanoTime();
                sleep(cfg.costSeconds());
                double dt = (System.nanoTime() - t0) / 1e9;
                double used = (ProcStat.cpuSeconds(pids[0]) + ProcStat.cpuSeconds(pids[1]) - c0) / dt * 60;
                (audio.equals("test") ? cpu.ours : cpu.counter).add(used);
                s.stopStream();
                s.stop();
            }
        }
        cpu.profile.add("the difference, " + fmt(cpu.oursMedian() - cpu.counterMedian(), 2) + " CPU s/min ("
                + fmt(100 * (cpu.oursMedian() - cpu.counterMedian()) / 60, 1) + "% of a core), is the tone, the flash's compositor,"
                + " Opus at 64 kbit/s, rtpbin with RTCP and the second loopback copy to the server");
    }

    private static void browser(Context ctx, Figure offset, Figure spread) throws Exception {
        Config cfg = ctx.config();
        int seconds = Integer.getInteger("bench.audio.seconds", 20);
        if (!Files.isExecutable(Path.of(Util.which("chromium")))) throw new IOException("no chromium on PATH (Debian package chromium)");
        try (NetNs ns = NetNs.create("audio")) {
            Path state = Files.createTempDirectory(cfg.work(), "state");
            Map<String, String> env = new HashMap<>(Map.of("STREAM_STATE_DIR", state.toString()));
            List<String> cmd = new ArrayList<>(ns.prefix());
            cmd.addAll(List.of(cfg.bin("stream-server"), "--port", "0", "--bind", "127.0.0.1", "--source", "test",
                    "--width", "320", "--height", "240", "--framerate", "15", "--keyint", "1s", "--dest", "127.0.0.1:" + freeUdpAndTcp(),
                    "--audio", "test", "--start"));
            Proc server = Proc.start("server-audio-browser", cmd, env, cfg.logs());
            var listening = server.await(Pattern.compile("listening on http://127\\.0\\.0\\.1:(\\d+)"), 30_000);
            if (listening == null) throw new IOException("stream-server did not listen: " + server.tail(3));
            var m = Pattern.compile("127\\.0\\.0\\.1:(\\d+)").matcher(listening.text());
            if (!m.find()) throw new IOException("no port in: " + listening.text());
            String origin = "http://127.0.0.1:" + m.group(1);
            // A real window on an Xvfb display in the same namespace: headless Chromium presented only about a quarter
            // of the frames (65-81 of 300), so flashes were seen late; BENCH_AUDIO_HEADLESS=1 measures that way again.
            boolean headless = Boolean.getBoolean("bench.audio.headless");
            Proc xvfb = null;
            String display = null;
            if (!headless) {
                List<String> x = new ArrayList<>(ns.prefix());
                x.addAll(List.of("Xvfb", "-displayfd", "1", "-screen", "0", "1280x720x24", "-nolisten", "tcp", "-nolisten", "unix"));
                xvfb = Proc.start("xvfb-audio", x, null, cfg.logs());
                var number = xvfb.await(Pattern.compile("^\\d+$"), 15_000); // -displayfd writes it once the server is ready
                if (number == null) { xvfb.stop(); server.stop(); throw new IOException("Xvfb gave no display number: " + xvfb.tail(3)); }
                display = ":" + number.text().trim();
            }
            // A sound server with a null sink in the same namespace, paced by its own clock like a sound card: with no
            // audio device at all Chromium plays into a fallback output of its own, whose irregular pulls on a busy
            // machine made its jitter buffer conceal a third of the samples, and its lip sync follow.
            Path pulseDir = Files.createTempDirectory(cfg.work(), "pulse");
            List<String> pulseCmd = new ArrayList<>(ns.prefix());
            pulseCmd.addAll(List.of("pulseaudio", "-n", "--daemonize=no", "--exit-idle-time=-1", "--use-pid-file=no", "--log-target=stderr",
                    "-L", "module-null-sink sink_name=out rate=48000 channels=2",
                    "-L", "module-native-protocol-unix socket=" + pulseDir.resolve("native") + " auth-anonymous=1"));
            Proc pulse = Proc.start("pulseaudio-audio", pulseCmd, Map.of("HOME", pulseDir.toString(), "XDG_RUNTIME_DIR", pulseDir.toString()), cfg.logs());
            long until = System.nanoTime() + 10_000_000_000L;
            while (!Files.exists(pulseDir.resolve("native")) && pulse.alive() && System.nanoTime() < until) Thread.sleep(50);
            if (!Files.exists(pulseDir.resolve("native"))) {
                pulse.stop();
                if (xvfb != null) xvfb.stop();
                server.stop();
                throw new IOException("pulseaudio did not make its socket: " + pulse.tail(3));
            }
            List<String> chromiumPrefix = new ArrayList<>(ns.prefix());
            chromiumPrefix.addAll(List.of("env", "PULSE_SERVER=unix:" + pulseDir.resolve("native")));
            try (Chromium chromium = Chromium.start(chromiumPrefix, cfg.logs().resolve("chromium-audio.log"),
                    List.of("--disable-backgrounding-occluded-windows", "--disable-renderer-backgrounding"), display)) {
                Chromium.Tab tab = chromium.newWindow();
                tab.navigate(origin + "/");
                tab.evaluate(PROBE);
                JsonObject r = null;
                long deadline = System.nanoTime() + 30_000_000_000L;
                while (System.nanoTime() < deadline) { // WHEP answers 409 until the stream runs
                    r = tab.evaluate("avStart('/streams/main/whep')").asObject();
                    if (r.getInt("status", 0) == 201) break;
                    Thread.sleep(500);
                }
                if (r == null || r.getInt("status", 0) != 201) throw new IOException("WHEP: " + r);
                System.out.println("   the answer's streams: " + r.getString("msid", ""));
                sleep(5); // the first seconds: jitter buffers and the browser's lip sync settling (it moved 250 ms in the first 2 s once)
                tab.evaluate("avReset()");
                sleep(seconds);
                JsonObject res = tab.evaluate("avResult()").asObject();
                Files.writeString(cfg.work().resolve("audio-browser.json"), res.toString());
                JsonArray flashes = res.get("flashes").asArray(), beeps = res.get("beeps").asArray();
                List<Double> offs = pair(flashes, beeps);
                JsonObject stats = res.get("stats").asObject();
                for (String kind : List.of("video", "audio")) {
                    JsonObject k = stats.get(kind) == null ? new JsonObject() : stats.get(kind).asObject();
                    StringBuilder b = new StringBuilder("   browser " + kind + ":");
                    for (String f : List.of("packetsReceived", "packetsLost", "framesReceived", "framesDecoded", "framesDropped", "framesRendered",
                            "framesPerSecond", "freezeCount", "totalFreezesDuration", "jitterBufferDelay", "jitterBufferEmittedCount",
                            "jitterBufferTargetDelay", "concealedSamples", "insertedSamplesForDeceleration", "removedSamplesForAcceleration",
                            "totalSamplesReceived", "estimatedPlayoutTimestamp")) {
                        if (k.get(f) != null) b.append(' ').append(f).append('=').append(k.get(f));
                    }
                    System.out.println(b);
                }
                System.out.println("   browser: callbacks " + res.get("frames") + ", presentedFrames " + res.get("presented")
                        + ", median expectedDisplayTime - receiveTime " + res.get("lag") + " ms");
                System.out.printf("   browser: %d flashes, %d beeps, %d pairs; offsets %s%n", flashes.size(), beeps.size(), offs.size(), offs);
                if (offs.size() < 3) throw new IOException("too few beep/flash pairs (" + offs.size() + "): " + res);
                offset.ours.addAll(List.of(Stats.median(offs)));
                List<Double> dev = new ArrayList<>();
                double med = Stats.median(offs);
                for (double o : offs) dev.add(Math.abs(o - med));
                double[] d = dev.stream().mapToDouble(Double::doubleValue).sorted().toArray();
                spread.ours.add(Stats.percentile(d, 0.95));
                offset.runsNote = offs.size() + " beep/flash pairs in " + seconds + " s";
                List<Double> firstHalf = offs.subList(0, offs.size() / 2), secondHalf = offs.subList(offs.size() / 2, offs.size());
                offset.profile.add("median of the first half of the window " + fmt(Stats.median(firstHalf), 1) + " ms, of the second half "
                        + fmt(Stats.median(secondHalf), 1) + " ms (Chromium's lip sync moves the picture step by step); offsets " + offs.stream()
                        .map(o -> fmt(o, 0)).toList());
                offset.profile.add("frames presented " + res.getInt("frames", 0) + " of " + 15 * seconds + " sent, flash onsets " + flashes.size()
                        + " (and " + res.getInt("skipped", 0) + " left out: the frame before them was not presented), beep onsets " + beeps.size()
                        + "; the flash's time is the frame's expectedDisplayTime, the beep's the moment its first loud sample is output"
                        + " (AnalyserNode, getOutputTimestamp); one frame is " + fmt(1000.0 / 15, 1) + " ms at 15 fps");
                tab.close();
            } finally {
                server.stop();
                pulse.stop();
                if (xvfb != null) xvfb.stop();
            }
        }
    }

    /** The native offsets counted start this long after the probe's first frame or beep. */
    static final int NATIVE_WARMUP_MS = 5000;

    private static void nativeViewer(Context ctx, Figure nat) throws Exception {
        Config cfg = ctx.config();
        int seconds = Integer.getInteger("bench.audio.seconds", 20) + NATIVE_WARMUP_MS / 1000;
        int udp = freeUdpAndTcp();
        while (udp > 65000) udp = freeUdpAndTcp();
        Server s = ctx.server(udp, null, "audio-native", "--audio", "test", "--width", "320", "--height", "240", "--framerate", "15", "--keyint", "1s");
        try {
            s.startStream();
            Path out = cfg.work().resolve("audio-native.txt");
            Proc p = Proc.start("audio-native-probe", List.of(cfg.helperJava(), "--enable-native-access=ALL-UNNAMED", "-cp", cfg.helperCp(),
                    "bench.Probe", "av", String.valueOf(udp), String.valueOf(seconds), out.toString(), "320"), null, cfg.logs());
            int rc = p.waitFor((seconds + 30) * 1000L);
            p.stop();
            if (rc != 0) throw new IOException("the native probe saw no flash or no beep (exit " + rc + "): " + p.tail(3));
            // The first seconds come before the first sender reports of both streams (the sender sends them
            // within about 1.5 s, rtpbin lines the streams up with the next ones): they are counted apart.
            JsonArray flashes = new JsonArray(), beeps = new JsonArray();
            double first = Double.NaN;
            int early = 0;
            for (String line : Files.readAllLines(out)) {
                if (line.startsWith("#")) continue;
                double t = Double.parseDouble(line.substring(line.indexOf(' ') + 1));
                if (Double.isNaN(first)) first = t;
                if (t < first + NATIVE_WARMUP_MS) { early++; continue; }
                if (line.startsWith("flash ")) flashes.add(t);
                if (line.startsWith("beep ")) beeps.add(t);
            }
            List<Double> offs = pair(flashes, beeps);
            System.out.printf("   native: %d flashes, %d beeps; offsets %s%n", flashes.size(), beeps.size(), offs);
            if (offs.size() < 3) throw new IOException("too few beep/flash pairs (" + offs.size() + ")");
            nat.ours.add(Stats.median(offs));
            nat.runsNote = offs.size() + " beep/flash pairs in " + (seconds - NATIVE_WARMUP_MS / 1000) + " s";
            double[] sorted = offs.stream().mapToDouble(Double::doubleValue).sorted().toArray();
            nat.profile.add("offsets from " + fmt(sorted[0], 1) + " to " + fmt(sorted[sorted.length - 1], 1) + " ms after the first "
                    + NATIVE_WARMUP_MS / 1000 + " s (" + early + " flashes and beeps before them left out: rtpbin lines the streams up once"
                    + " both have sender reports); the viewer's one pipeline, rtpbin latency 40 ms, appsinks with sync=true standing for"
                    + " the window and audio sinks");
        } finally {
            s.stopStream();
            s.stop();
        }
    }

    /** For each beep, the flash nearest to it within half a second: flash minus beep, ms. */
    static List<Double> pair(JsonArray flashes, JsonArray beeps) {
        List<Double> out = new ArrayList<>();
        for (var b : beeps) {
            double best = Double.NaN;
            for (var f : flashes) {
                double o = f.asDouble() - b.asDouble();
                if (Math.abs(o) < 500 && (Double.isNaN(best) || Math.abs(o) < Math.abs(best))) best = o;
            }
            if (!Double.isNaN(best)) out.add(best);
        }
        return out;
    }

    /** The page's measuring code, evaluated in the dashboard's page (same origin as the server's WHEP). */
    static final String PROBE = """
            (() => {
              const av = window.av = {flashes: [], beeps: [], frames: 0, skipped: 0, pc: null, firstPresented: -1, lastPresented: -1, lag: [], meta: []};
              window.avStart = async (url) => {
                if (av.pc) av.pc.close();
                const pc = av.pc = new RTCPeerConnection({iceServers: []});
                pc.addTransceiver('video', {direction: 'recvonly'});
                pc.addTransceiver('audio', {direction: 'recvonly'});
                const media = new MediaStream();
                const video = document.createElement('video');
                video.playsInline = true; video.autoplay = true; video.muted = false;
                // In view, above the dashboard: a video off screen is not composited for every frame.
                video.style.cssText = 'position:fixed;left:0;top:0;width:320px;height:240px;z-index:2147483647';
                document.body.appendChild(video);
                pc.ontrack = e => {
                  media.addTrack(e.track);
                  video.srcObject = media;
                  video.play().catch(() => {});
                  if (e.track.kind === 'video') watchFlash(video);
                  if (e.track.kind === 'audio') listenBeep(e.track);
                };
                await pc.setLocalDescription(await pc.createOffer());
                await new Promise(done => {
                  if (pc.iceGatheringState === 'complete') return done();
                  pc.addEventListener('icegatheringstatechange', () => pc.iceGatheringState === 'complete' && done());
                });
                const res = await fetch(url, {method: 'POST', headers: {'Content-Type': 'application/sdp'}, body: pc.localDescription.sdp});
                const body = await res.text();
                if (res.status !== 201) { pc.close(); av.pc = null; return {status: res.status, body}; }
                await pc.setRemoteDescription({type: 'answer', sdp: body});
                return {status: res.status, msid: body.split('\\r\\n').filter(l => l.includes('msid')).join(' | ')};
              };
              // The flash: the top-left corner (a white square in the first half of every second) read on a canvas.
              function watchFlash(video) {
                const c = document.createElement('canvas'); c.width = 8; c.height = 8;
                const g = c.getContext('2d', {willReadFrequently: true});
                let white = false, last = 0;
                const each = (now, meta) => {
                  av.frames++;
                  if (av.firstPresented < 0) av.firstPresented = meta.presentedFrames;
                  av.lastPresented = meta.presentedFrames;
                  if (meta.receiveTime) av.lag.push(meta.expectedDisplayTime - meta.receiveTime);
                  av.meta.push([meta.receiveTime, meta.rtpTimestamp, meta.expectedDisplayTime, meta.presentedFrames, now]);
                  g.drawImage(video, 0, 0, 8, 8, 0, 0, 8, 8);
                  const p = g.getImageData(2, 2, 1, 1).data;
                  const bright = (p[0] + p[1] + p[2]) / 3 > 160;
                  // An onset counts only when the frame before it was presented at most 1.5 frame periods earlier
                  // (else the flash began in a frame the page never saw, and its time is unknown).
                  if (bright && !white) {
                    if (meta.expectedDisplayTime - last <= 100) av.flashes.push(meta.expectedDisplayTime);
                    else av.skipped++;
                  }
                  white = bright; last = meta.expectedDisplayTime;
                  video.requestVideoFrameCallback(each);
                };
                video.requestVideoFrameCallback(each);
              }
              // The beep: the received track through an AnalyserNode, read every few ms; the first loud sample's
              // context time is mapped to performance.now() at its output (getOutputTimestamp).
              function listenBeep(track) {
                const ctx = new AudioContext({sampleRate: 48000});
                const src = ctx.createMediaStreamSource(new MediaStream([track]));
                const an = ctx.createAnalyser(); an.fftSize = 8192;
                src.connect(an);
                const buf = new Float32Array(an.fftSize);
                let loud = false, quietSince = 0, done = 0;
                setInterval(() => {
                  const end = ctx.currentTime;
                  an.getFloatTimeDomainData(buf);
                  const ts = ctx.getOutputTimestamp();
                  for (let i = 0; i < buf.length; i++) {
                    const t = end - (buf.length - i) / ctx.sampleRate;
                    if (t <= done) continue; // seen in an earlier read (the reads overlap)
                    if (Math.abs(buf[i]) > 0.1) {
                      if (!loud && t > quietSince + 0.3) {
                        av.beeps.push(ts.performanceTime + (t - ts.contextTime) * 1000);
                      }
                      loud = true; quietSince = t;
                    } else if (loud && t > quietSince + 0.05) {
                      loud = false;
                    }
                  }
                  done = end - 1 / ctx.sampleRate;
                }, 10);
              }
              window.avReset = () => { av.flashes = []; av.beeps = []; av.frames = 0; av.skipped = 0; av.firstPresented = -1; av.lag = []; av.meta = []; };
              window.avResult = async () => {
                const stats = {};
                if (av.pc) (await av.pc.getStats()).forEach(r => {
                  if (r.type === 'inbound-rtp') stats[r.kind] = r;
                });
                const lag = av.lag.slice().sort((a, b) => a - b);
                return {flashes: av.flashes, beeps: av.beeps, frames: av.frames, skipped: av.skipped, stats,
                        presented: av.lastPresented - av.firstPresented + 1, meta: av.meta, lag: lag.length ? lag[lag.length >> 1] : -1};
              };
              return true;
            })()""";
}
