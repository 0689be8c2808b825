package stream.server.internal.access;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.InvalidKeySpecException;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.net.ssl.KeyManager;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.X509ExtendedKeyManager;

/**
 * TLS from the PEM files nginx takes: {@code ssl_certificate} (the certificate, then its chain,
 * each a {@code BEGIN CERTIFICATE} block) and {@code ssl_certificate_key} (a {@code BEGIN PRIVATE
 * KEY} PKCS#8 key; {@code BEGIN RSA PRIVATE KEY} PKCS#1 and {@code BEGIN EC PRIVATE KEY} SEC1 keys,
 * as older openssl commands write them, are wrapped into PKCS#8 here, with JDK code only). Every
 * problem is a {@link Problem} whose message names the file and what is wrong, fit for the log
 * and the exit message without a stack trace.
 */
public final class Tls {
    private static final Pattern BLOCK = Pattern.compile("-----BEGIN ([A-Z0-9 ]+)-----(.*?)-----END \\1-----", Pattern.DOTALL);
    private static final String RSA_ENCRYPTION = "1.2.840.113549.1.1.1";
    private static final String EC_PUBLIC_KEY = "1.2.840.10045.2.1";

    /** A certificate or key file that cannot serve; the message names the file. */
    public static final class Problem extends IOException {
        private static final long serialVersionUID = 1L;

        Problem(Path file, String what) {
            super(file + ": " + what);
        }
    }

    /**
     * A key and the certificate chain it belongs to.
     * @param key the private key
     * @param chain the server's certificate first, then its issuers
     */
    public record Material(PrivateKey key, List<X509Certificate> chain) {
        public Material {
            chain = List.copyOf(chain);
        }

        /** @return the server certificate's subject and expiry, for the log */
        public String describe() {
            X509Certificate c = chain.get(0);
            return c.getSubjectX500Principal().getName() + ", valid until " + c.getNotAfter().toInstant();
        }

        @Override
        public String toString() {
            return "Material[" + describe() + "]";
        }
    }

    private Tls() {}

    /**
     * @param certPem the certificate chain file
     * @param keyPem the private key file
     * @return a TLS context serving that certificate
     * @throws Problem naming the file and what is wrong with it
     */
    public static SSLContext context(Path certPem, Path keyPem) throws Problem {
        return context(material(certPem, keyPem), "server");
    }

    /**
     * Reads and checks a certificate chain and its key: the key must belong to the first certificate.
     * @throws Problem naming the file and what is wrong with it
     */
    public static Material material(Path certPem, Path keyPem) throws Problem {
        List<X509Certificate> chain = certificates(certPem);
        PrivateKey key = privateKey(keyPem);
        if (!belongTogether(key, chain.get(0)))
            throw new Problem(keyPem, "this key does not belong to the first certificate in " + certPem + " (" + chain.get(0).getSubjectX500Principal().getName()
                    + "); give the key the certificate was made for, and the server's own certificate first in " + certPem.getFileName());
        return new Material(key, chain);
    }

    static SSLContext context(Material m, String alias) {
        return context(keyManager(m, alias));
    }

    /** @return a server context whose handshakes take their key from keys */
    static SSLContext context(X509ExtendedKeyManager keys) {
        try {
            SSLContext c = SSLContext.getInstance("TLS");
            c.init(new KeyManager[] {keys}, null, new SecureRandom());
            return c;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("the JDK cannot make a TLS context: " + e.getMessage(), e);
        }
    }

    /** A key manager offering one key under an alias ("SunX509": the alias is the key store's own). */
    static X509ExtendedKeyManager keyManager(Material m, String alias) {
        try {
            char[] none = new char[0];
            KeyStore ks = KeyStore.getInstance("PKCS12");
            ks.load(null, null);
            ks.setKeyEntry(alias, m.key(), none, m.chain().toArray(new X509Certificate[0]));
            KeyManagerFactory f = KeyManagerFactory.getInstance("SunX509");
            f.init(ks, none);
            for (KeyManager k : f.getKeyManagers()) if (k instanceof X509ExtendedKeyManager x) return x;
            throw new IllegalStateException("SunX509 made no X509ExtendedKeyManager");
        } catch (GeneralSecurityException | IOException e) {
            throw new IllegalStateException("the JDK cannot hold the key: " + e.getMessage(), e);
        }
    }

    private record Block(String type, String headers, byte[] der) {}

    private static List<Block> blocks(Path file) throws Problem {
        String text;
        try {
            text = Files.readString(file, StandardCharsets.ISO_8859_1);
        } catch (NoSuchFileException e) {
            throw new Problem(file, "no such file");
        } catch (AccessDeniedException e) {
            throw new Problem(file, "cannot be read by this user (permission denied)");
        } catch (IOException e) {
            throw new Problem(file, "cannot be read: " + e.getMessage());
        }
        List<Block> out = new ArrayList<>();
        Matcher m = BLOCK.matcher(text);
        while (m.find()) {
            String body = m.group(2);
            String headers = "";
            int blank = body.indexOf("\n\n");
            if (body.contains(":") && blank >= 0) { // RFC 1421 headers, e.g. Proc-Type: 4,ENCRYPTED
                headers = body.substring(0, blank);
                body = body.substring(blank);
            }
            try {
                out.add(new Block(m.group(1), headers, Base64.getMimeDecoder().decode(body.strip())));
            } catch (IllegalArgumentException e) {
                throw new Problem(file, "the " + m.group(1) + " block is not valid base64");
            }
        }
        if (out.isEmpty()) {
            if (text.isBlank()) throw new Problem(file, "is empty");
            if (!text.contains("-----BEGIN")) throw new Problem(file, "is not PEM (no -----BEGIN ...----- line); DER files need converting: openssl x509 -inform der -in FILE -out FILE.pem");
            throw new Problem(file, "has a -----BEGIN line without its matching -----END line");
        }
        return out;
    }

    static List<X509Certificate> certificates(Path file) throws Problem {
        List<X509Certificate> chain = new ArrayList<>();
        try {
            CertificateFactory f = CertificateFactory.getInstance("X.509");
            int i = 0;
            for (Block b : blocks(file)) {
                if (!b.type().equals("CERTIFICATE") && !b.type().equals("TRUSTED CERTIFICATE")) continue; // a key beside the chain, as some files have
                i++;
                try {
                    chain.add((X509Certificate) f.generateCertificate(new ByteArrayInputStream(b.der())));
                } catch (CertificateException e) {
                    throw new Problem(file, "certificate " + i + " is not a valid X.509 certificate (" + e.getMessage() + ")");
                }
            }
        } catch (CertificateException e) {
            throw new IllegalStateException("every JDK reads X.509", e);
        }
        if (chain.isEmpty()) throw new Problem(file, "has no -----BEGIN CERTIFICATE----- block; is this the key file?");
        return chain;
    }

    static PrivateKey privateKey(Path file) throws Problem {
        List<Block> keys = blocks(file).stream().filter(b -> b.type().endsWith("PRIVATE KEY")).toList();
        if (keys.isEmpty())
            throw new Problem(file, "has no private key (-----BEGIN PRIVATE KEY-----, BEGIN RSA PRIVATE KEY or BEGIN EC PRIVATE KEY); is this the certificate file?");
        if (keys.size() > 1) throw new Problem(file, "has " + keys.size() + " private keys; give one");
        Block b = keys.get(0);
        if (b.type().equals("ENCRYPTED PRIVATE KEY") || b.headers().contains("ENCRYPTED"))
            throw new Problem(file, "the key is encrypted with a passphrase; the server cannot ask for one. Write it decrypted (mode 0600): openssl pkey -in "
                    + file + " -out key.pem");
        try {
            return switch (b.type()) {
                case "PRIVATE KEY" -> pkcs8(file, b.der());
                case "RSA PRIVATE KEY" -> KeyFactory.getInstance("RSA").generatePrivate(new PKCS8EncodedKeySpec(wrapPkcs1(b.der())));
                case "EC PRIVATE KEY" -> KeyFactory.getInstance("EC").generatePrivate(new PKCS8EncodedKeySpec(wrapSec1(file, b.der())));
                default -> throw new Problem(file, "a " + b.type() + " is not a key kind this server reads (PRIVATE KEY, RSA PRIVATE KEY, EC PRIVATE KEY)");
            };
        } catch (InvalidKeySpecException | IllegalArgumentException e) {
            throw new Problem(file, "the " + b.type() + " block is damaged (" + e.getMessage() + ")");
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("every JDK has RSA and EC key factories", e);
        }
    }

    private static PrivateKey pkcs8(Path file, byte[] der) throws Problem, GeneralSecurityException {
        for (String algorithm : List.of("RSA", "EC", "EdDSA", "RSASSA-PSS")) {
            try {
                return KeyFactory.getInstance(algorithm).generatePrivate(new PKCS8EncodedKeySpec(der));
            } catch (InvalidKeySpecException e) {
                // not this kind; try the next
            }
        }
        throw new Problem(file, "the PRIVATE KEY is neither RSA, EC nor EdDSA, or it is damaged");
    }

    /** PKCS#1 RSAPrivateKey to PKCS#8: SEQUENCE { 0, { rsaEncryption, NULL }, OCTET STRING { key } }. */
    static byte[] wrapPkcs1(byte[] pkcs1) {
        Der.parse(pkcs1); // a damaged block fails here, named as such
        return Der.seq(Der.integer(0), Der.seq(Der.oid(RSA_ENCRYPTION), Der.wrap(Der.NULL)), Der.wrap(Der.OCTET_STRING, pkcs1));
    }

    /**
     * SEC1 ECPrivateKey to PKCS#8: the curve moves from the key's [0] parameters into the algorithm
     * identifier: SEQUENCE { 0, { ecPublicKey, curve }, OCTET STRING { key } }.
     */
    static byte[] wrapSec1(Path file, byte[] sec1) throws Problem {
        byte[] curve = null;
        for (Der.Element e : Der.parse(sec1).children()) {
            if (e.tag() == 0xa0) curve = Der.parse(e.contents()).tag() == Der.OID ? e.contents() : null;
        }
        if (curve == null) throw new Problem(file, "the EC PRIVATE KEY names no curve (made with -param_enc explicit?); write it as PKCS#8: openssl pkey -in " + file + " -out key.pem");
        return Der.seq(Der.integer(0), Der.seq(Der.oid(EC_PUBLIC_KEY), curve), Der.wrap(Der.OCTET_STRING, sec1));
    }

    /** Signs with the key and verifies with the certificate's public key: works for every key kind. */
    private static boolean belongTogether(PrivateKey key, X509Certificate cert) {
        String algorithm = switch (key.getAlgorithm()) {
            case "RSA" -> "SHA256withRSA";
            case "EC" -> "SHA256withECDSA";
            case "RSASSA-PSS" -> "RSASSA-PSS";
            default -> key.getAlgorithm(); // EdDSA, Ed25519, Ed448
        };
        try {
            byte[] probe = "stream-server key check".getBytes(StandardCharsets.US_ASCII);
            Signature s = Signature.getInstance(algorithm);
            if (algorithm.equals("RSASSA-PSS"))
                s.setParameter(new java.security.spec.PSSParameterSpec("SHA-256", "MGF1", java.security.spec.MGF1ParameterSpec.SHA256, 32, 1));
            s.initSign(key);
            s.update(probe);
            byte[] sig = s.sign();
            s.initVerify(cert.getPublicKey());
            s.update(probe);
            return s.verify(sig);
        } catch (GeneralSecurityException e) {
            return false; // e.g. an EC key beside an RSA certificate
        }
    }
}
