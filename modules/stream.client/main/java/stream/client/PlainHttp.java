package stream.client;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Locale;

/**
 * One HTTP/1.1 request over a plain socket ({@code Connection: close}), for {@code http://} servers:
 * what {@link ControlClient} needs (a GET or a small JSON POST, the status, the content type and the
 * body), without java.net.http, whose start-up (its executor, selector thread and the JSSE it sets up
 * even for plain http) was most of a cold {@code stream-client status}. The answer's body is read by
 * its Content-Length, as chunks, or to the end of the connection; the request timeout bounds the
 * whole exchange after the connection.
 */
final class PlainHttp {
    /** The largest answer read: the server's answers are a few KB. */
    static final int MAX_BODY = 8 << 20;
    private static final int MAX_HEAD = 64 << 10;

    private PlainHttp() {}

    /** The connection did not open within the connect timeout. */
    static final class ConnectTimeout extends SocketTimeoutException {
        private static final long serialVersionUID = 1L;

        ConnectTimeout(String message) {
            super(message);
        }
    }

    /**
     * An answer.
     * @param code the HTTP status
     * @param contentType its Content-Type, or null
     * @param body its body as UTF-8
     */
    record Answer(int code, String contentType, String body) {}

    /**
     * @param url http://host[:port]/path
     * @param method GET or POST
     * @param token the bearer token, or null
     * @param json the body (application/json), or null for none
     * @param connectTimeout bound of the connection
     * @param requestTimeout bound of the rest, from sending to the last byte of the answer
     * @return the answer
     * @throws ConnectTimeout when the connection did not open in time
     * @throws SocketTimeoutException when the answer did not come in time
     * @throws IOException when the host is unknown, refuses, or answers what is not HTTP/1.x
     */
    static Answer exchange(URI url, String method, String token, String json, Duration connectTimeout, Duration requestTimeout)
            throws IOException {
        String host = url.getHost();
        int port = url.getPort() < 0 ? 80 : url.getPort();
        InetSocketAddress address = new InetSocketAddress(host, port);
        if (address.isUnresolved()) throw new java.net.UnknownHostException(host);
        try (Socket socket = new Socket()) {
            try {
                socket.connect(address, (int) Math.max(1, Math.min(Integer.MAX_VALUE, connectTimeout.toMillis())));
            } catch (SocketTimeoutException e) {
                throw new ConnectTimeout("no connection within " + connectTimeout.toMillis() + " ms");
            }
            socket.setTcpNoDelay(true);
            long deadline = System.nanoTime() + requestTimeout.toNanos();
            String path = url.getRawPath() == null || url.getRawPath().isEmpty() ? "/" : url.getRawPath();
            if (url.getRawQuery() != null) path += "?" + url.getRawQuery();
            byte[] body = json == null ? new byte[0] : json.getBytes(StandardCharsets.UTF_8);
            StringBuilder head = new StringBuilder(256).append(method).append(' ').append(path).append(" HTTP/1.1\r\n")
                    .append("Host: ").append(host.contains(":") ? "[" + host.replaceAll("^\\[|\\]$", "") + "]" : host)
                    .append(url.getPort() < 0 ? "" : ":" + port).append("\r\n")
                    .append("Accept: application/json\r\nConnection: close\r\nUser-Agent: stream-client\r\n");
            if (token != null) head.append("Authorization: Bearer ").append(token).append("\r\n");
            if (json != null) head.append("Content-Type: application/json\r\nContent-Length: ").append(body.length).append("\r\n");
            head.append("\r\n");
            var out = socket.getOutputStream();
            out.write(head.toString().getBytes(StandardCharsets.ISO_8859_1));
            out.write(body);
            out.flush();
            return read(socket, new BufferedInputStream(socket.getInputStream(), 8192), deadline);
        }
    }

    private static Answer read(Socket socket, InputStream in, long deadline) throws IOException {
        String status = line(socket, in, deadline);
        if (!status.startsWith("HTTP/1.") || status.length() < 12 || status.charAt(8) != ' ') {
            throw new IOException("not an HTTP/1.x answer: " + (status.length() > 40 ? status.substring(0, 40) + "..." : status));
        }
        int code;
        try {
            code = Integer.parseInt(status.substring(9, 12));
        } catch (NumberFormatException e) {
            throw new IOException("not an HTTP status line: " + status);
        }
        String contentType = null;
        long length = -1;
        boolean chunked = false;
        int headBytes = status.length();
        for (String h = line(socket, in, deadline); !h.isEmpty(); h = line(socket, in, deadline)) {
            headBytes += h.length();
            if (headBytes > MAX_HEAD) throw new IOException("the answer's header is over " + MAX_HEAD + " bytes");
            int colon = h.indexOf(':');
            if (colon <= 0) continue;
            String name = h.substring(0, colon).strip().toLowerCase(Locale.ROOT);
            String value = h.substring(colon + 1).strip();
            switch (name) {
                case "content-type" -> contentType = value;
                case "content-length" -> {
                    try {
                        length = Long.parseLong(value);
                    } catch (NumberFormatException e) {
                        throw new IOException("a bad Content-Length: " + value);
                    }
                }
                case "transfer-encoding" -> chunked = value.toLowerCase(Locale.ROOT).contains("chunked");
                default -> { }
            }
        }
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        if (code / 100 == 1 || code == 204 || code == 304) {
            // no body
        } else if (chunked) {
            while (true) {
                String size = line(socket, in, deadline);
                int semi = size.indexOf(';');
                long n;
                try {
                    n = Long.parseLong((semi < 0 ? size : size.substring(0, semi)).strip(), 16);
                } catch (NumberFormatException e) {
                    throw new IOException("a bad chunk size: " + size);
                }
                if (n == 0) break;
                copy(socket, in, body, n, deadline);
                line(socket, in, deadline); // the CRLF after the chunk
            }
        } else if (length >= 0) {
            copy(socket, in, body, length, deadline);
        } else {
            copy(socket, in, body, -1, deadline); // to the end of the connection
        }
        return new Answer(code, contentType, body.toString(StandardCharsets.UTF_8));
    }

    /** Copies n bytes (or, for n < 0, to the end) into out. */
    private static void copy(Socket socket, InputStream in, ByteArrayOutputStream out, long n, long deadline) throws IOException {
        if (n > MAX_BODY || out.size() + Math.max(0, n) > MAX_BODY) throw new IOException("the answer is over " + MAX_BODY + " bytes");
        byte[] buf = new byte[8192];
        long left = n;
        while (left != 0) {
            timeout(socket, deadline);
            int r = in.read(buf, 0, (int) (left < 0 ? buf.length : Math.min(buf.length, left)));
            if (r < 0) {
                if (left < 0) return;
                throw new IOException("the connection closed " + left + " bytes before the end of the answer");
            }
            out.write(buf, 0, r);
            if (left > 0) left -= r;
            if (out.size() > MAX_BODY) throw new IOException("the answer is over " + MAX_BODY + " bytes");
        }
    }

    /** One header line without its CRLF (ISO-8859-1). */
    private static String line(Socket socket, InputStream in, long deadline) throws IOException {
        StringBuilder b = new StringBuilder(64);
        while (true) {
            timeout(socket, deadline);
            int c = in.read();
            if (c < 0) {
                if (b.isEmpty()) throw new IOException("the connection closed without an answer");
                throw new IOException("the connection closed in the middle of the answer's header");
            }
            if (c == '\n') {
                int end = b.length();
                if (end > 0 && b.charAt(end - 1) == '\r') b.setLength(end - 1);
                return b.toString();
            }
            if (b.length() >= MAX_HEAD) throw new IOException("an answer's header line is over " + MAX_HEAD + " bytes");
            b.append((char) c);
        }
    }

    /** Sets the read timeout to what is left of the request timeout, or throws when nothing is. */
    private static void timeout(Socket socket, long deadline) throws IOException {
        long left = (deadline - System.nanoTime()) / 1_000_000;
        if (left <= 0) throw new SocketTimeoutException("no whole answer in time");
        socket.setSoTimeout((int) Math.min(Integer.MAX_VALUE, left));
    }
}
