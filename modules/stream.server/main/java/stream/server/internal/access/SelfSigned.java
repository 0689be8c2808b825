package stream.server.internal.access;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.math.BigInteger;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Base64;
import java.util.List;
import java.util.regex.Pattern;

/**
 * A self-signed certificate for a first try on a LAN, in pure Java: an EC P-256 key and an X.509
 * v3 certificate for the names and addresses given (subjectAltName), written as {@code cert.pem}
 * and {@code key.pem} (PKCS#8, mode 0600) in the form {@link Tls#context} reads.
 *
 * <p>Why not keytool: it is in every runtime image (java.base's launcher, so {@code bin/keytool} is
 * in ours too), but it writes a key store, and exporting its private key to PEM needs openssl or
 * code anyway; the JDK has no public API that builds a certificate, so the few DER structures are
 * written here (about 60 lines) and signed with {@code SHA256withECDSA}. The equivalent by hand:
 * {@code openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 365
 * -subj /CN=NAME -addext subjectAltName=DNS:NAME,IP:ADDRESS -keyout key.pem -out cert.pem}.
 * Browsers warn about a self-signed certificate until it is trusted on each device; for more than
 * a try, use a certificate from a CA (Let's Encrypt, or the LAN's own).
 */
public final class SelfSigned {
    /** The file names written. */
    public static final String CERT = "cert.pem", KEY = "key.pem";
    private static final Pattern IPV4 = Pattern.compile("\\d{1,3}(\\.\\d{1,3}){3}");
    private static final Pattern DNS = Pattern.compile("(?i)[a-z0-9*]([a-z0-9-]{0,61}[a-z0-9])?(\\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*");

    /** The files written. */
    public record Written(Path cert, Path key) {}

    private SelfSigned() {}

    /**
     * Makes a key and a certificate for the names and writes them to dir (which must exist).
     * @param dir where cert.pem and key.pem go (replaced atomically when they exist)
     * @param names host names and IP addresses the server is reached by; the first is the certificate's CN
     * @param validity how long it is valid, from now (a minute before now, for clocks a little behind)
     * @return the two files
     * @throws IllegalArgumentException naming a name that is neither a host name nor an IP address
     * @throws IOException when the files cannot be written
     */
    public static Written write(Path dir, List<String> names, Duration validity) throws IOException {
        if (names.isEmpty()) throw new IllegalArgumentException("give at least one host name or address for the certificate");
        KeyPair pair;
        byte[] cert;
        try {
            KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
            g.initialize(new ECGenParameterSpec("secp256r1"));
            pair = g.generateKeyPair();
            cert = certificate(pair, names, Instant.now().minusSeconds(60), Instant.now().plus(validity));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("every JDK makes P-256 keys and ECDSA signatures", e);
        }
        Path certFile = dir.resolve(CERT), keyFile = dir.resolve(KEY);
        PrivateFiles.writeAtomically(keyFile, pem("PRIVATE KEY", pkcs8WithPublicKey(pair)));
        PrivateFiles.writeAtomically(certFile, pem("CERTIFICATE", cert));
        Files.setPosixFilePermissions(certFile, java.nio.file.attribute.PosixFilePermissions.fromString("rw-r--r--")); // public anyway
        return new Written(certFile, keyFile);
    }

    /**
     * The key as PKCS#8 with the public point inside (RFC 5915's optional publicKey), as OpenSSL
     * writes it: the JDK leaves it out, and GnuTLS (GIO's TLS, hence RTSPS) then refuses the key
     * ("ASN1 parser: Element was not found").
     */
    static byte[] pkcs8WithPublicKey(KeyPair pair) {
        byte[] s = ((java.security.interfaces.ECPrivateKey) pair.getPrivate()).getS().toByteArray();
        byte[] scalar = new byte[32]; // unsigned, left-padded to the curve's size
        int n = Math.min(s.length, 32);
        System.arraycopy(s, s.length - n, scalar, 32 - n, n);
        byte[] spki = pair.getPublic().getEncoded(); // SEQ { AlgorithmIdentifier, BIT STRING (00 04 X Y) }: the point ends it
        byte[] point = java.util.Arrays.copyOfRange(spki, spki.length - 65, spki.length);
        byte[] bits = new byte[66];
        System.arraycopy(point, 0, bits, 1, 65);
        byte[] ecPrivateKey = Der.seq(Der.integer(1), Der.wrap(Der.OCTET_STRING, scalar), Der.wrap(0xa1, Der.wrap(Der.BIT_STRING, bits)));
        byte[] algorithm = Der.seq(Der.oid("1.2.840.10045.2.1"), Der.oid("1.2.840.10045.3.1.7")); // id-ecPublicKey, prime256v1
        return Der.seq(Der.integer(0), algorithm, Der.wrap(Der.OCTET_STRING, ecPrivateKey));
    }

    static byte[] certificate(KeyPair pair, List<String> names, Instant from, Instant until) throws GeneralSecurityException {
        byte[] sigAlg = Der.seq(Der.oid("1.2.840.10045.4.3.2")); // ecdsa-with-SHA256, no parameters
        byte[] serial = new byte[16];
        new SecureRandom().nextBytes(serial);
        serial[0] &= 0x7f;
        serial[0] |= 0x01; // positive, 16 bytes
        // A name of its own per certificate: a client that trusts an old and a new self-signed certificate
        // finds its trust anchor by the issuer's name, and with two of one name may check against the wrong key.
        String unique = "stream-server self-signed " + java.util.HexFormat.of().formatHex(serial, 0, 8);
        byte[] name = Der.seq(
                Der.wrap(Der.SET, Der.seq(Der.oid("2.5.4.10"), Der.wrap(Der.UTF8_STRING, unique.getBytes(StandardCharsets.UTF_8)))),
                Der.wrap(Der.SET, Der.seq(Der.oid("2.5.4.3"), Der.wrap(Der.UTF8_STRING, names.get(0).getBytes(StandardCharsets.UTF_8)))));
        ByteArrayOutputStream alt = new ByteArrayOutputStream();
        for (String n : names) alt.writeBytes(altName(n));
        byte[] extensions = Der.wrap(0xa3, Der.seq(
                Der.seq(Der.oid("2.5.29.19"), Der.wrap(Der.BOOLEAN, new byte[] {(byte) 0xff}), Der.wrap(Der.OCTET_STRING, Der.seq())), // basicConstraints: not a CA
                Der.seq(Der.oid("2.5.29.15"), Der.wrap(Der.BOOLEAN, new byte[] {(byte) 0xff}),
                        Der.wrap(Der.OCTET_STRING, Der.wrap(Der.BIT_STRING, new byte[] {7, (byte) 0x80}))), // keyUsage: digitalSignature
                Der.seq(Der.oid("2.5.29.37"), Der.wrap(Der.OCTET_STRING, Der.seq(Der.oid("1.3.6.1.5.5.7.3.1")))), // extKeyUsage: serverAuth
                Der.seq(Der.oid("2.5.29.17"), Der.wrap(Der.OCTET_STRING, Der.seq(alt.toByteArray()))))); // subjectAltName
        byte[] tbs = Der.seq(
                Der.wrap(0xa0, Der.integer(2)), // v3
                Der.integer(new BigInteger(serial)),
                sigAlg, name,
                Der.seq(time(from), time(until)),
                name,
                pair.getPublic().getEncoded(), // SubjectPublicKeyInfo as the JDK encodes it
                extensions);
        Signature s = Signature.getInstance("SHA256withECDSA");
        s.initSign(pair.getPrivate());
        s.update(tbs);
        byte[] sig = s.sign();
        byte[] bits = new byte[sig.length + 1]; // no unused bits
        System.arraycopy(sig, 0, bits, 1, sig.length);
        return Der.seq(tbs, sigAlg, Der.wrap(Der.BIT_STRING, bits));
    }

    private static byte[] altName(String n) {
        try {
            if (IPV4.matcher(n).matches() || n.contains(":")) return Der.wrap(0x87, InetAddress.getByName(n).getAddress()); // a literal: no lookup
        } catch (IOException e) {
            throw new IllegalArgumentException("'" + Text.clip(n) + "' is not an IP address");
        }
        if (!DNS.matcher(n).matches() || n.length() > 253) throw new IllegalArgumentException("'" + Text.clip(n) + "' is neither a host name nor an IP address");
        return Der.wrap(0x82, n.getBytes(StandardCharsets.US_ASCII));
    }

    private static byte[] time(Instant t) {
        var utc = t.atOffset(ZoneOffset.UTC);
        boolean utcTime = utc.getYear() < 2050; // RFC 5280: UTCTime through 2049, GeneralizedTime after
        String s = utc.format(DateTimeFormatter.ofPattern(utcTime ? "yyMMddHHmmss'Z'" : "yyyyMMddHHmmss'Z'"));
        return Der.wrap(utcTime ? Der.UTC_TIME : Der.GENERALIZED_TIME, s.getBytes(StandardCharsets.US_ASCII));
    }

    static byte[] pem(String type, byte[] der) {
        String b64 = Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(der);
        return ("-----BEGIN " + type + "-----\n" + b64 + "\n-----END " + type + "-----\n").getBytes(StandardCharsets.US_ASCII);
    }
}
