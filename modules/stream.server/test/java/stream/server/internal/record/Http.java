package stream.server.internal.record;

import com.eclipsesource.json.Json;
import com.eclipsesource.json.JsonObject;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/** One HTTP/1.1 request over a raw socket, so the path reaches the server exactly as written. */
final class Http {
    private Http() {}

    /**
     * An HTTP server on a free loopback port, set up as the real server's: jdk.httpserver reads its
     * settings (StreamServer sets drainAmount) once per JVM, at the first server; a test server made
     * before would fix them for every later test in this JVM.
     */
    static com.sun.net.httpserver.HttpServer server() throws IOException {
        try {
            Class.forName("stream.server.StreamServer", true, Http.class.getClassLoader());
        } catch (ClassNotFoundException e) {
            throw new IllegalStateException(e);
        }
        return com.sun.net.httpserver.HttpServer.create(
                new java.net.InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    }

    record Answer(int code, Map<String, String> headers, byte[] body) {
        String header(String n) {
            return headers.get(n.toLowerCase(Locale.ROOT));
        }

        JsonObject json() {
            return Json.parse(new String(body, StandardCharsets.UTF_8)).asObject();
        }
    }

    static Answer request(int port, String method, String path, String body, String... headers) throws IOException {
        try (Socket s = new Socket(InetAddress.getLoopbackAddress(), port)) {
            s.setSoTimeout(30_000);
            byte[] b = body == null ? null : body.getBytes(StandardCharsets.UTF_8);
            StringBuilder h = new StringBuilder(method + " " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n");
            for (String x : headers) h.append(x).append("\r\n");
            if (b != null) h.append("Content-Length: ").append(b.length).append("\r\n");
            OutputStream out = s.getOutputStream();
            out.write(h.append("\r\n").toString().getBytes(StandardCharsets.ISO_8859_1));
            if (b != null) {
                try {
                    out.write(b);
                } catch (IOException e) {
                    // the server may answer (413) and close before reading it all
                }
            }
            out.flush();
            ByteArrayOutputStream all = new ByteArrayOutputStream();
            try {
                s.getInputStream().transferTo(all);
            } catch (java.net.SocketException e) {
                if (all.size() == 0) throw e; // a reset after a whole answer is fine
            }
            byte[] a = all.toByteArray();
            int end = indexOf(a, "\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
            String[] lines = new String(a, 0, end, StandardCharsets.ISO_8859_1).split("\r\n");
            Map<String, String> hs = new LinkedHashMap<>();
            for (int i = 1; i < lines.length; i++) {
                int c = lines[i].indexOf(':');
                hs.put(lines[i].substring(0, c).trim().toLowerCase(Locale.ROOT), lines[i].substring(c + 1).trim());
            }
            return new Answer(Integer.parseInt(lines[0].split(" ")[1]), hs, Arrays.copyOfRange(a, end + 4, a.length));
        }
    }

    private static int indexOf(byte[] a, byte[] what) {
        outer:
        for (int i = 0; i + what.length <= a.length; i++) {
            for (int j = 0; j < what.length; j++) if (a[i + j] != what[j]) continue outer;
            return i;
        }
        throw new IllegalStateException("no end of the HTTP header in " + a.length + " bytes");
    }
}
