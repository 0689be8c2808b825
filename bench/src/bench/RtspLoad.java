package bench;

import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Light RTSP clients for the RTSP phase: one process holding N sessions of one URL, each an
 * RTSP-over-TCP connection speaking just enough RTSP (OPTIONS, DESCRIBE, SETUP with RTP interleaved
 * in the connection, PLAY, a GET_PARAMETER keep-alive), then reading the interleaved {@code $}
 * frames without decoding: per session the RTP packets, the frames (packets with the marker bit) and
 * the packets lost (gaps in the RTP sequence numbers). A measuring tool of the bench only: the
 * product has no RTSP code of its own.
 *
 * <p>Usage: {@code RtspLoad URL N}. Prints "playing N" once every session has received a frame
 * (or "failed ..." and exits 1 when one cannot within 30 s), then takes commands on stdin, one a
 * line: {@code mark} (counts from now; prints "marked EPOCH_MS"), {@code report} (prints "report"
 * with the counts since the mark: sessions, seconds, frames min/p10/p50/max/total, lost total, sessions
 * that lost any, sessions closed by the server). Exits when stdin closes.
 */
public final class RtspLoad {
    private RtspLoad() {}

    /** One RTSP session: its own connection and counters (read by the main thread, so volatile-ish through synchronized). */
    static final class Session {
        final int id;
        long packets, frames, lost;
        int lastSeq = -1;
        volatile boolean closed;
        volatile String error;
        long markPackets, markFrames, markLost;
        Socket socket;
        OutputStream out;
        String sessionId, base;
        int cseq;

        Session(int id) { this.id = id; }

        synchronized void rtp(byte[] b, int len) {
            if (len < 12) return;
            int seq = ((b[2] & 0xff) << 8) | (b[3] & 0xff);
            if (lastSeq >= 0) {
                int gap = (seq - lastSeq - 1) & 0xffff;
                if (gap < 0x8000) lost += gap; // a reordered or repeated packet is not a loss
            }
            lastSeq = seq;
            packets++;
            if ((b[1] & 0x80) != 0) frames++;
        }

        synchronized long frames() { return frames; }

        synchronized void mark() { markPackets = packets; markFrames = frames; markLost = lost; }

        synchronized long[] sinceMark() { return new long[] {packets - markPackets, frames - markFrames, lost - markLost}; }

        synchronized void send(String method, String url, String... headers) throws IOException {
            StringBuilder b = new StringBuilder(method).append(' ').append(url).append(" RTSP/1.0\r\nCSeq: ").append(++cseq)
                    .append("\r\nUser-Agent: bench.RtspLoad\r\n");
            if (sessionId != null) b.append("Session: ").append(sessionId).append("\r\n");
            for (String h : headers) b.append(h).append("\r\n");
            out.write(b.append("\r\n").toString().getBytes(StandardCharsets.US_ASCII));
            out.flush();
        }
    }

    /** An RTSP response: status, headers (lower-case names), body. */
    record Response(int status, Map<String, String> headers, String body) {}

    public static void main(String[] args) throws Exception {
        if (args.length != 2) {
            System.err.println("usage: RtspLoad URL N");
            System.exit(2);
        }
        URI url = URI.create(args[0]);
        int n = Integer.parseInt(args[1]);
        List<Session> sessions = new ArrayList<>();
        for (int i = 0; i < n; i++) sessions.add(new Session(i));
        Semaphore connecting = new Semaphore(16); // not all SYNs and DESCRIBEs at once
        AtomicInteger failed = new AtomicInteger();
        for (Session s : sessions) {
            Thread.ofVirtual().name("rtsp-" + s.id).start(() -> {
                try {
                    connecting.acquire();
                    DataInputStream in;
                    try {
                        in = open(url, s);
                    } finally {
                        connecting.release();
                    }
                    read(s, in);
                } catch (Exception e) {
                    if (s.error == null) s.error = e.getClass().getSimpleName() + ": " + e.getMessage();
                    failed.incrementAndGet();
                } finally {
                    s.closed = true;
                }
            });
        }
        long deadline = System.nanoTime() + 30_000_000_000L;
        while (true) {
            int playing = 0;
            for (Session s : sessions) if (s.frames() > 0) playing++;
            if (playing == n) break;
            if (failed.get() > 0 || System.nanoTime() > deadline) {
                String why = sessions.stream().filter(s -> s.error != null).map(s -> "session " + s.id + ": " + s.error)
                        .findFirst().orElse("no frame within 30 s");
                System.out.println("failed " + (n - playing) + " of " + n + " sessions not playing; " + why);
                System.exit(1);
            }
            Thread.sleep(20);
        }
        System.out.println("playing " + n);
        System.out.flush();
        // keep-alive: the library's sessions time out after 60 s without a request
        Thread.ofPlatform().daemon().name("rtsp-keepalive").start(() -> {
            while (true) {
                try { Thread.sleep(20_000); } catch (InterruptedException e) { return; }
                for (Session s : sessions) {
                    try { if (!s.closed) s.send("GET_PARAMETER", s.base); } catch (IOException e) { /* the reader sees it */ }
                }
            }
        });
        BufferedReader stdin = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        long markNs = System.nanoTime();
        String line;
        while ((line = stdin.readLine()) != null) {
            if (line.equals("mark")) {
                for (Session s : sessions) s.mark();
                markNs = System.nanoTime();
                System.out.println("marked " + System.currentTimeMillis());
            } else if (line.equals("report")) {
                long min = Long.MAX_VALUE, max = 0, total = 0, lost = 0;
                int lossy = 0, closed = 0;
                long[] frames = new long[n];
                for (Session s : sessions) {
                    long[] c = s.sinceMark();
                    frames[s.id] = c[1];
                    min = Math.min(min, c[1]);
                    max = Math.max(max, c[1]);
                    total += c[1];
                    lost += c[2];
                    if (c[2] > 0) lossy++;
                    if (s.closed) closed++;
                }
                java.util.Arrays.sort(frames);
                System.out.printf(Locale.ROOT, "report sessions=%d seconds=%.3f frames_min=%d frames_p10=%d frames_p50=%d frames_max=%d frames_total=%d"
                        + " lost=%d sessions_lossy=%d closed=%d%n", n, (System.nanoTime() - markNs) / 1e9, min, frames[n / 10], frames[n / 2], max,
                        total, lost, lossy, closed);
            }
            System.out.flush();
        }
        for (Session s : sessions) {
            try { s.socket.close(); } catch (IOException | RuntimeException e) { /* closing anyway */ }
        }
        System.exit(0);
    }

    /** Connects and plays: OPTIONS, DESCRIBE, SETUP (TCP interleaved 0-1), PLAY. */
    static DataInputStream open(URI url, Session s) throws IOException {
        s.socket = new Socket();
        s.socket.setReceiveBufferSize(256 * 1024);
        s.socket.connect(new InetSocketAddress(url.getHost(), url.getPort() < 0 ? 554 : url.getPort()), 10_000);
        s.socket.setSoTimeout(15_000);
        s.out = s.socket.getOutputStream();
        DataInputStream in = new DataInputStream(new BufferedInputStream(s.socket.getInputStream(), 64 * 1024));
        String u = url.toString();
        s.send("OPTIONS", u);
        expectOk(response(s, in), "OPTIONS");
        s.send("DESCRIBE", u, "Accept: application/sdp");
        Response d = expectOk(response(s, in), "DESCRIBE");
        String base = d.headers().getOrDefault("content-base", u);
        if (!base.endsWith("/")) base += "/";
        s.base = u;
        String control = null;
        for (String l : d.body().split("\r?\n")) {
            if (l.startsWith("m=") && control != null) break; // the first media's control only
            if (l.startsWith("a=control:")) control = l.substring(10).trim();
            if (l.startsWith("m=")) control = null;
        }
        String track = control == null || control.equals("*") ? u : control.startsWith("rtsp://") ? control : base + control;
        s.send("SETUP", track, "Transport: RTP/AVP/TCP;unicast;interleaved=0-1");
        Response setup = expectOk(response(s, in), "SETUP");
        String session = setup.headers().get("session");
        if (session == null) throw new IOException("SETUP answered no Session");
        s.sessionId = session.split(";")[0].trim();
        s.send("PLAY", u, "Range: npt=0-");
        expectOk(response(s, in), "PLAY");
        s.socket.setSoTimeout(0);
        return in;
    }

    static Response expectOk(Response r, String what) throws IOException {
        if (r.status() != 200) throw new IOException(what + " answered " + r.status());
        return r;
    }

    /** The next RTSP response, skipping interleaved frames that come first (counted). */
    static Response response(Session s, DataInputStream in) throws IOException {
        byte[] buf = new byte[65536];
        while (true) {
            int first = in.readUnsignedByte();
            if (first == '$') {
                frame(s, in, buf);
                continue;
            }
            return message(first, in);
        }
    }

    /** Reads frames until the connection ends; RTSP messages between them (keep-alive answers) are skipped. */
    static void read(Session s, DataInputStream in) throws IOException {
        byte[] buf = new byte[65536];
        while (true) {
            int first = in.read();
            if (first < 0) throw new IOException("the server closed the connection");
            if (first == '$') frame(s, in, buf);
            else message(first, in);
        }
    }

    static void frame(Session s, DataInputStream in, byte[] buf) throws IOException {
        int channel = in.readUnsignedByte();
        int len = in.readUnsignedShort();
        in.readFully(buf, 0, len);
        if (channel == 0) s.rtp(buf, len);
    }

    /** An RTSP message whose first byte was read: status line, headers, a body of Content-Length. */
    static Response message(int first, DataInputStream in) throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        line.write(first);
        List<String> lines = new ArrayList<>();
        while (true) {
            int c = in.read();
            if (c < 0) throw new IOException("the server closed the connection");
            if (c == '\n') {
                String l = line.toString(StandardCharsets.UTF_8).replaceAll("\r$", "");
                line.reset();
                if (l.isEmpty()) break;
                lines.add(l);
            } else {
                line.write(c);
            }
        }
        if (lines.isEmpty()) throw new IOException("an empty RTSP message");
        Map<String, String> headers = new TreeMap<>();
        for (String l : lines.subList(1, lines.size())) {
            int colon = l.indexOf(':');
            if (colon > 0) headers.put(l.substring(0, colon).trim().toLowerCase(Locale.ROOT), l.substring(colon + 1).trim());
        }
        int length = Integer.parseInt(headers.getOrDefault("content-length", "0"));
        byte[] body = new byte[length];
        in.readFully(body);
        String[] status = lines.get(0).split(" ", 3);
        int code = status[0].startsWith("RTSP/") && status.length > 1 ? Integer.parseInt(status[1]) : 0; // 0: a request from the server
        return new Response(code, headers, new String(body, StandardCharsets.UTF_8));
    }
}
