package stream.server.internal.record;

import stream.server.internal.http.Exchange;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Objects;

/**
 * What to answer a GET of a file of {@code length} bytes with an optional {@code Range} header
 * (RFC 9110 section 14): the whole file (200), one byte range (206 with {@code Content-Range}), or
 * 416 with {@code Content-Range: bytes *}/length when the range lies outside the file. Only one
 * range of the {@code bytes} unit is served (a browser's seeking asks for nothing else); several
 * ranges, or a header that does not parse, get the whole file, as the RFC allows.
 *
 * @param status 200, 206 or 416
 * @param first the first byte to send
 * @param last the last byte to send (inclusive); first - 1 when nothing is sent
 * @param length the file's length
 */
public record RangeResponse(int status, long first, long last, long length) {
    /**
     * @param rangeHeader the request's Range header, or null
     * @param length the file's length
     * @return the answer
     */
    public static RangeResponse of(String rangeHeader, long length) {
        if (length < 0) throw new IllegalArgumentException("length " + length);
        RangeResponse whole = new RangeResponse(200, 0, length - 1, length);
        if (rangeHeader == null) return whole;
        String h = rangeHeader.trim();
        if (!h.regionMatches(true, 0, "bytes=", 0, 6)) return whole;
        String spec = h.substring(6).trim();
        if (spec.contains(",")) return whole;
        int dash = spec.indexOf('-');
        if (dash < 0) return whole;
        String a = spec.substring(0, dash).trim(), b = spec.substring(dash + 1).trim();
        try {
            if (a.isEmpty()) { // suffix: the last N bytes
                if (!digits(b)) return whole;
                long n = Long.parseLong(b);
                if (n == 0 || length == 0) return unsatisfiable(length);
                return new RangeResponse(206, Math.max(0, length - n), length - 1, length);
            }
            if (!digits(a) || !(b.isEmpty() || digits(b))) return whole;
            long first = Long.parseLong(a);
            long last = b.isEmpty() ? length - 1 : Math.min(Long.parseLong(b), length - 1);
            if (!b.isEmpty() && Long.parseLong(b) < first) return whole; // invalid: ignore
            if (first >= length) return unsatisfiable(length);
            return new RangeResponse(206, first, last, length);
        } catch (NumberFormatException e) {
            return whole; // beyond long: treat as no range
        }
    }

    private static boolean digits(String s) {
        return !s.isEmpty() && s.chars().allMatch(c -> c >= '0' && c <= '9');
    }

    private static RangeResponse unsatisfiable(long length) {
        return new RangeResponse(416, 0, -1, length);
    }

    /** @return bytes in the body */
    public long bodyLength() {
        return status == 416 ? 0 : last - first + 1;
    }

    /** @return the Content-Range header value, or null for 200 */
    public String contentRange() {
        return switch (status) {
            case 206 -> "bytes " + first + "-" + last + "/" + length;
            case 416 -> "bytes */" + length;
            default -> null;
        };
    }

    /**
     * Sends the answer for a file (GET, or HEAD when {@code headOnly}): headers, then the bytes.
     * The caller has resolved {@code file} through a {@link Catalog} and closes the exchange.
     * @param exchange the exchange
     * @param file the file
     * @param contentType e.g. video/mp4
     * @param headOnly true for HEAD: headers only
     * @return the status sent
     * @throws IOException when sending fails
     */
    public static int send(Exchange exchange, Path file, String contentType, boolean headOnly) throws IOException {
        Objects.requireNonNull(exchange, "exchange");
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            RangeResponse r = of(exchange.requestHeader("Range"), ch.size());
            exchange.setHeader("Accept-Ranges", "bytes");
            if (r.contentRange() != null) exchange.setHeader("Content-Range", r.contentRange());
            if (r.status() == 416) {
                exchange.send(416, -1);
                return 416;
            }
            exchange.setHeader("Content-Type", contentType);
            if (headOnly) {
                exchange.setHeader("Content-Length", Long.toString(r.bodyLength()));
                exchange.send(r.status(), -1);
                return r.status();
            }
            exchange.send(r.status(), r.bodyLength() == 0 ? -1 : r.bodyLength());
            try (OutputStream out = exchange.responseBody()) {
                long pos = r.first(), left = r.bodyLength();
                var target = Channels.newChannel(out);
                while (left > 0) {
                    long n = ch.transferTo(pos, left, target);
                    if (n <= 0) throw new IOException("file shrank while being sent");
                    pos += n;
                    left -= n;
                }
            }
            return r.status();
        }
    }
}
