package bench;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * A small closed-loop HTTP/1.1 load generator (the fallback when wrk is missing): CONNECTIONS threads,
 * each with one keep-alive connection, send GET requests back to back for SECONDS and record each
 * request's latency. Prints one line: {@code requests=N seconds=S rps=R p50_ms=A p99_ms=B max_ms=C errors=E}.
 * Usage: {@code HttpLoad HOST PORT PATH CONNECTIONS SECONDS}.
 */
public final class HttpLoad {
    private HttpLoad() {}

    public static void main(String[] args) throws Exception {
        String host = args[0];
        int port = Integer.parseInt(args[1]);
        String path = args[2];
        int connections = Integer.parseInt(args[3]);
        double seconds = Double.parseDouble(args[4]);
        byte[] request = ("GET " + path + " HTTP/1.1\r\nHost: " + host + ":" + port + "\r\nAccept: */*\r\n\r\n")
                .getBytes(StandardCharsets.US_ASCII);
        long[][] lat = new long[connections][];
        int[] counts = new int[connections];
        int[] errors = new int[connections];
        Thread[] threads = new Thread[connections];
        long start = System.nanoTime();
        long end = start + (long) (seconds * 1e9);
        for (int i = 0; i < connections; i++) {
            final int k = i;
            threads[i] = new Thread(() -> {
                long[] mine = new long[1 << 16];
                int n = 0;
                Socket s = null;
                try {
                    while (System.nanoTime() < end) {
                        try {
                            if (s == null) {
                                s = new Socket();
                                s.setTcpNoDelay(true);
                                s.connect(new InetSocketAddress(host, port), 3000);
                                s.setSoTimeout(5000);
                            }
                            OutputStream out = s.getOutputStream();
                            InputStream in = new BufferedInputStream(s.getInputStream(), 16384);
                            while (System.nanoTime() < end) {
                                long t0 = System.nanoTime();
                                out.write(request);
                                out.flush();
                                readResponse(in);
                                long t1 = System.nanoTime();
                                if (n == mine.length) mine = Arrays.copyOf(mine, n * 2);
                                mine[n++] = t1 - t0;
                            }
                        } catch (IOException e) {
                            errors[k]++;
                            if (s != null) try { s.close(); } catch (IOException ignored) { /* closing */ }
                            s = null;
                        }
                    }
                } finally {
                    if (s != null) try { s.close(); } catch (IOException ignored) { /* closing */ }
                    lat[k] = mine;
                    counts[k] = n;
                }
            });
            threads[i].start();
        }
        for (Thread t : threads) t.join();
        double took = (System.nanoTime() - start) / 1e9;
        int total = 0, errs = 0;
        for (int i = 0; i < connections; i++) { total += counts[i]; errs += errors[i]; }
        long[] all = new long[total];
        int p = 0;
        for (int i = 0; i < connections; i++) { System.arraycopy(lat[i], 0, all, p, counts[i]); p += counts[i]; }
        Arrays.sort(all);
        System.out.printf(java.util.Locale.ROOT, "requests=%d seconds=%.3f rps=%.1f p50_ms=%.4f p99_ms=%.4f max_ms=%.4f errors=%d%n",
                total, took, total / took, pct(all, 0.50), pct(all, 0.99), total == 0 ? Double.NaN : all[total - 1] / 1e6, errs);
    }

    static double pct(long[] sorted, double q) {
        if (sorted.length == 0) return Double.NaN;
        int i = (int) Math.ceil(q * sorted.length) - 1;
        return sorted[Math.max(0, Math.min(sorted.length - 1, i))] / 1e6;
    }

    /** Reads one response: headers, then Content-Length bytes (or chunks). */
    static void readResponse(InputStream in) throws IOException {
        int contentLength = -1;
        boolean chunked = false;
        String line;
        boolean first = true;
        while (!(line = readLine(in)).isEmpty()) {
            if (first) {
                first = false;
                if (!line.startsWith("HTTP/1.1 200")) throw new IOException("status " + line);
                continue;
            }
            int c = line.indexOf(':');
            if (c < 0) continue;
            String name = line.substring(0, c).trim();
            String value = line.substring(c + 1).trim();
            if (name.equalsIgnoreCase("Content-Length")) contentLength = Integer.parseInt(value);
            if (name.equalsIgnoreCase("Transfer-Encoding") && value.equalsIgnoreCase("chunked")) chunked = true;
        }
        if (chunked) {
            while (true) {
                int size = Integer.parseInt(readLine(in).trim().split(";")[0], 16);
                skip(in, size);
                readLine(in);
                if (size == 0) break;
            }
        } else if (contentLength > 0) {
            skip(in, contentLength);
        }
    }

    static void skip(InputStream in, int n) throws IOException {
        while (n > 0) {
            long k = in.skip(n);
            if (k <= 0) {
                if (in.read() < 0) throw new IOException("closed");
                k = 1;
            }
            n -= (int) k;
        }
    }

    static String readLine(InputStream in) throws IOException {
        StringBuilder b = new StringBuilder(64);
        int c;
        while ((c = in.read()) >= 0) {
            if (c == '\n') {
                int len = b.length();
                if (len > 0 && b.charAt(len - 1) == '\r') b.setLength(len - 1);
                return b.toString();
            }
            b.append((char) c);
        }
        throw new IOException("closed");
    }
}
