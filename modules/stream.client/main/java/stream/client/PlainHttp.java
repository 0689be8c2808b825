package stream.client;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;

/**
 * One HTTP/1.1 exchange over a plain socket, for http:// servers: what a command-line client needs
 * and no more. java.net.http's client costs a cold {@code stream-client status} about two thirds of
 * its CPU (its executor, selector thread and some 250 classes) for one request on one connection.
 * Reads a Content-Length body, a chunked one, or one that ends with the connection.
 */
final class PlainHttp {
    /** The connection was not made within the connect timeout. */
    static final class ConnectTimeout extends IOException {
        private static final long serialVersionUID = 1L;

        ConnectTimeout(Throwable cause) { super(cause.getMessage(), cause); }
    }

    /** The answer did not come within the request timeout. */
    static final class RequestTimeout extends IOException {
        private static final long serialVersionUID = 1L;

        RequestTimeout(Throwable cause) { super(cause.getMessage(), cause); }
    }

    /** An answer: status code, Content-Type (or null) and the body as UTF-8 text. */
    record Answer(int code, String contentType, String body) {}

    private static final int MAX_HEADER_BYTES = 64 * 1024;
    private static final int MAX_BODY_BYTES = 16 * 1024 * 1024;

    private PlainHttp() {}

    /**
     * Sends one request (Connection: close) and reads the answer.
     * @param body the request body, or null for none
     * @throws ConnectTimeout when the connection is not made within connectTimeout
     * @throws RequestTimeout when the whole answer is not there within requestTimeout
     * @throws IOException when the connection fails or the answer is not HTTP/1.x
     */
    static Answer exchange(URI url, String method, Map<String, String> headers, String body,
                           Duration connectTimeout, Duration requestTimeout) throws IOException {
        String host = url.getHost();
        int port = url.getPort() < 0 ? 80 : url.getPort();
        String path = url.getRawPath() == null || url.getRawPath().isEmpty() ? "/" : url.getRawPath();
        byte[] content = body == null ? null : body.getBytes(StandardCharsets.UTF_8);
        StringBuilder head = new StringBuilder(method).append(' ').append(path).append(" HTTP/1.1\r\n")
                .append("Host: ").append(host.contains(":") ? "[" + host + "]" : host).append(':').append(port).append("\r\n")
                .append("Connection: close\r\n");
        headers.forEach((k, v) -> head.append(k).append(": ").append(v).append("\r\n"));
        if (content != null) head.append("Content-Length: ").append(content.length).append("\r\n");
        head.append("\r\n");
        try (Socket socket = new Socket()) {
            try {
                socket.connect(new InetSocketAddress(host.startsWith("[") ? host.substring(1, host.length() - 1) : host, port),
                        (int) Math.min(Integer.MAX_VALUE, connectTimeout.toMillis()));
            } catch (SocketTimeoutException e) {
                throw new ConnectTimeout(e);
            }
            long deadline = System.nanoTime() + requestTimeout.toNanos();
            socket.setTcpNoDelay(true);
            OutputStream out = socket.getOutputStream();
            out.write(head.toString().getBytes(StandardCharsets.ISO_8859_1));
            if (content != null) out.write(content);
            out.flush();
            try {
                return read(new Deadline(socket, deadline));
            } catch (SocketTimeoutException e) {
                throw new RequestTimeout(e);
            }
        }
    }

    private static Answer read(InputStream in) throws IOException {
        String status = line(in);
        if (status == null) throw new IOException("connection closed without an answer");
        String[] parts = status.split(" ", 3);
        if (parts.length < 2 || !parts[0].startsWith("HTTP/1.")) throw new IOException("not an HTTP answer: " + shorten(status));
        int code;
        try {
            code = Integer.parseInt(parts[1]);
        } catch (NumberFormatException e) {
            throw new IOException("not an HTTP status: " + shorten(status));
        }
        long length = -1;
        boolean chunked = false;
        String contentType = null;
        int headerBytes = status.length();
        for (String h; (h = line(in)) != null && !h.isEmpty(); ) {
            headerBytes += h.length();
            if (headerBytes > MAX_HEADER_BYTES) throw new IOException("answer headers too long");
            int colon = h.indexOf(':');
            if (colon <= 0) continue;
            String name = h.substring(0, colon).trim().toLowerCase(Locale.ROOT), value = h.substring(colon + 1).trim();
            switch (name) {
                case "content-length" -> {
                    try { length = Long.parseLong(value); } catch (NumberFormatException e) { throw new IOException("bad Content-Length: " + shorten(value)); }
                }
                case "transfer-encoding" -> chunked = value.toLowerCase(Locale.ROOT).contains("chunked");
                case "content-type" -> contentType = value;
                default -> { }
            }
        }
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        if (chunked) {
            for (long size; (size = chunkSize(line(in))) > 0; ) {
                copy(in, body, size);
                line(in); // the CRLF after the chunk
            }
        } else if (length >= 0) {
            copy(in, body, length);
        } else {
            copy(in, body, Long.MAX_VALUE); // until the server closes
        }
        return new Answer(code, contentType, body.toString(StandardCharsets.UTF_8));
    }

    private static long chunkSize(String line) throws IOException {
        if (line == null) throw new IOException("connection closed in a chunked answer");
        int semi = line.indexOf(';');
        try {
            return Long.parseLong((semi < 0 ? line : line.substring(0, semi)).trim(), 16);
        } catch (NumberFormatException e) {
            throw new IOException("bad chunk size: " + shorten(line));
        }
    }

    private static void copy(InputStream in, ByteArrayOutputStream to, long n) throws IOException {
        boolean untilClose = n == Long.MAX_VALUE;
        byte[] buf = new byte[8192];
        while (n > 0) {
            int r = in.read(buf, 0, (int) Math.min(buf.length, n));
            if (r < 0) {
                if (untilClose) return;
                throw new IOException("connection closed before the whole answer came");
            }
            to.write(buf, 0, r);
            if (to.size() > MAX_BODY_BYTES) throw new IOException("answer too long");
            if (!untilClose) n -= r;
        }
    }

    /** A line ended by LF (a CR before it dropped), ISO-8859-1; null at the end of the stream. */
    private static String line(InputStream in) throws IOException {
        StringBuilder b = new StringBuilder();
        for (int c; (c = in.read()) >= 0; ) {
            if (c == '\n') return b.length() > 0 && b.charAt(b.length() - 1) == '\r' ? b.substring(0, b.length() - 1) : b.toString();
            if (b.length() > MAX_HEADER_BYTES) throw new IOException("answer line too long");
            b.append((char) c);
        }
        return b.length() == 0 ? null : b.toString();
    }

    private static String shorten(String s) { return s.length() > 60 ? s.substring(0, 60) + "..." : s; }

    /** The socket's input, buffered, with each read limited to the time left until the deadline. */
    private static final class Deadline extends InputStream {
        private final Socket socket;
        private final InputStream in;
        private final long deadline;
        private final byte[] buf = new byte[8192];
        private int pos, end;

        Deadline(Socket socket, long deadline) throws IOException {
            this.socket = socket;
            this.in = socket.getInputStream();
            this.deadline = deadline;
        }

        private boolean fill() throws IOException {
            long left = (deadline - System.nanoTime()) / 1_000_000;
            if (left <= 0) throw new SocketTimeoutException("no whole answer in time");
            socket.setSoTimeout((int) Math.min(Integer.MAX_VALUE, left));
            int r = in.read(buf, 0, buf.length);
            if (r < 0) return false;
            pos = 0;
            end = r;
            return true;
        }

        @Override
        public int read() throws IOException {
            if (pos == end && !fill()) return -1;
            return buf[pos++] & 0xff;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            if (len == 0) return 0;
            if (pos == end && !fill()) return -1;
            int n = Math.min(len, end - pos);
            System.arraycopy(buf, pos, b, off, n);
            pos += n;
            return n;
        }
    }
}
