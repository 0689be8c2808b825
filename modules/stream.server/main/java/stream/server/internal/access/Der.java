package stream.server.internal.access;

import java.io.ByteArrayOutputStream;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;

/** The little DER (ASN.1) this package writes and reads: key wrappers and a self-signed certificate. */
final class Der {
    static final int INTEGER = 0x02, BIT_STRING = 0x03, OCTET_STRING = 0x04, NULL = 0x05, OID = 0x06, UTF8_STRING = 0x0c,
            SEQUENCE = 0x30, SET = 0x31, UTC_TIME = 0x17, GENERALIZED_TIME = 0x18, BOOLEAN = 0x01;

    /** One element read: its tag, and where its contents lie in the input. */
    record Element(int tag, byte[] in, int start, int end) {
        byte[] contents() {
            return java.util.Arrays.copyOfRange(in, start, end);
        }

        /** @return the elements inside a constructed element (a SEQUENCE, a SET, a tagged one) */
        List<Element> children() {
            List<Element> out = new ArrayList<>();
            int at = start;
            while (at < end) {
                Element e = read(in, at, end);
                out.add(e);
                at = e.end();
            }
            return out;
        }
    }

    private Der() {}

    /** @throws IllegalArgumentException when the bytes at offset are not a well-formed element within limit */
    static Element read(byte[] in, int offset, int limit) {
        if (offset + 2 > limit) throw new IllegalArgumentException("truncated DER");
        int tag = in[offset] & 0xff;
        int len = in[offset + 1] & 0xff;
        int at = offset + 2;
        if (len > 0x80) {
            int n = len & 0x7f;
            if (n > 3 || at + n > limit) throw new IllegalArgumentException("DER length too long");
            len = 0;
            for (int i = 0; i < n; i++) len = (len << 8) | (in[at++] & 0xff);
        } else if (len == 0x80) {
            throw new IllegalArgumentException("indefinite DER length");
        }
        if (at + len > limit) throw new IllegalArgumentException("truncated DER");
        return new Element(tag, in, at, at + len);
    }

    /** @return the single element that makes up all of in */
    static Element parse(byte[] in) {
        Element e = read(in, 0, in.length);
        if (e.end() != in.length) throw new IllegalArgumentException("trailing bytes after DER");
        return e;
    }

    /** @return an element of the tag whose contents are the parts, one after the other */
    static byte[] wrap(int tag, byte[]... parts) {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        for (byte[] p : parts) body.writeBytes(p);
        int n = body.size();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(tag);
        if (n < 0x80) out.write(n);
        else if (n < 0x100) { out.write(0x81); out.write(n); }
        else if (n < 0x10000) { out.write(0x82); out.write(n >> 8); out.write(n); }
        else { out.write(0x83); out.write(n >> 16); out.write(n >> 8); out.write(n); }
        out.writeBytes(body.toByteArray());
        return out.toByteArray();
    }

    static byte[] seq(byte[]... parts) {
        return wrap(SEQUENCE, parts);
    }

    static byte[] integer(BigInteger v) {
        return wrap(INTEGER, v.toByteArray());
    }

    static byte[] integer(long v) {
        return integer(BigInteger.valueOf(v));
    }

    static byte[] oid(String dotted) {
        String[] arcs = dotted.split("\\.");
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        base128(out, Long.parseLong(arcs[0]) * 40 + Long.parseLong(arcs[1]));
        for (int i = 2; i < arcs.length; i++) base128(out, Long.parseLong(arcs[i]));
        return wrap(OID, out.toByteArray());
    }

    private static void base128(ByteArrayOutputStream out, long v) {
        int groups = 1;
        for (long x = v >>> 7; x != 0; x >>>= 7) groups++;
        for (int g = groups - 1; g >= 0; g--) out.write((int) ((v >>> (7 * g)) & 0x7f) | (g > 0 ? 0x80 : 0));
    }
}
