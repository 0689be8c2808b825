package stream.server.internal.access;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.sun.net.httpserver.HttpsServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** PEM files as nginx takes them, errors naming the file, and a real HTTPS server and client. */
class TlsTest {
    @TempDir
    Path dir;

    /** A client that trusts exactly these certificates, over HTTP/1.1 (jdk.httpserver has no HTTP/2). */
    static HttpClient trusting(List<X509Certificate> certs) throws Exception {
        return HttpClient.newBuilder().sslContext(context(certs)).version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(10)).build();
    }

    /** @param certs the certificates to trust @return a TLS client context that trusts exactly them */
    static SSLContext context(List<X509Certificate> certs) throws Exception {
        KeyStore ks = KeyStore.getInstance("PKCS12");
        ks.load(null, null);
        for (int i = 0; i < certs.size(); i++) ks.setCertificateEntry("c" + i, certs.get(i));
        TrustManagerFactory f = TrustManagerFactory.getInstance("PKIX");
        f.init(ks);
        SSLContext c = SSLContext.getInstance("TLS");
        c.init(null, f.getTrustManagers(), null);
        return c;
    }

    /** A started HTTPS server on a free loopback port that answers the client's port (which tells connections apart). */
    static HttpsServer server(com.sun.net.httpserver.HttpsConfigurator configurator) throws IOException {
        HttpsServer s = HttpsServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        s.setHttpsConfigurator(configurator);
        s.createContext("/", ex -> {
            try (ex) {
                byte[] body = String.valueOf(ex.getRemoteAddress().getPort()).getBytes(StandardCharsets.US_ASCII);
                ex.sendResponseHeaders(200, body.length);
                ex.getResponseBody().write(body);
            }
        });
        s.start();
        return s;
    }

    static HttpResponse<String> get(HttpClient client, HttpsServer s) throws Exception {
        return client.send(HttpRequest.newBuilder(URI.create("https://localhost:" + s.getAddress().getPort() + "/")).timeout(Duration.ofSeconds(10)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void selfSignedServesARealHttpsServer() throws Exception {
        SelfSigned.Written w = SelfSigned.write(dir, List.of("localhost", "127.0.0.1", "::1"), Duration.ofDays(30));
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(w.key())));
        assertTrue(Files.readString(w.key()).startsWith("-----BEGIN PRIVATE KEY-----\n"));
        Tls.Material m = Tls.material(w.cert(), w.key());
        X509Certificate cert = m.chain().get(0);
        cert.checkValidity();
        cert.verify(cert.getPublicKey());
        String subject = cert.getSubjectX500Principal().getName();
        assertTrue(subject.matches("CN=localhost,O=stream-server self-signed [0-9a-f]{16}"), subject); // a name of its own per certificate
        assertEquals(3, cert.getSubjectAlternativeNames().size());

        HttpsServer s = server(new com.sun.net.httpserver.HttpsConfigurator(Tls.context(w.cert(), w.key())));
        try {
            HttpResponse<String> r = get(trusting(List.of(cert)), s);
            assertEquals(200, r.statusCode());
            assertEquals(cert, r.sslSession().orElseThrow().getPeerCertificates()[0]);
        } finally {
            s.stop(0);
        }
    }

    /** openssl writes the key forms nginx users have: PKCS#8, PKCS#1 (RSA) and SEC1 (EC). */
    @Test
    void opensslKeysInEveryForm() throws Exception {
        assumeTrue(Files.isExecutable(Path.of("/usr/bin/openssl")), "needs openssl");
        openssl("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj", "/CN=localhost",
                "-addext", "subjectAltName=DNS:localhost", "-keyout", "rsa8.pem", "-out", "rsa-cert.pem");
        openssl("pkey", "-in", "rsa8.pem", "-traditional", "-out", "rsa1.pem");
        assertTrue(Files.readString(dir.resolve("rsa1.pem")).contains("BEGIN RSA PRIVATE KEY"));
        openssl("ecparam", "-name", "prime256v1", "-genkey", "-out", "ec1.pem"); // EC PARAMETERS, then EC PRIVATE KEY
        assertTrue(Files.readString(dir.resolve("ec1.pem")).contains("BEGIN EC PRIVATE KEY"));
        openssl("req", "-x509", "-key", "ec1.pem", "-days", "2", "-subj", "/CN=localhost", "-addext", "subjectAltName=DNS:localhost", "-out", "ec-cert.pem");
        openssl("req", "-x509", "-newkey", "ed25519", "-nodes", "-days", "2", "-subj", "/CN=localhost", "-keyout", "ed.pem", "-out", "ed-cert.pem");

        for (String[] pair : List.of(new String[] {"rsa-cert.pem", "rsa8.pem"}, new String[] {"rsa-cert.pem", "rsa1.pem"},
                new String[] {"ec-cert.pem", "ec1.pem"})) {
            Path cert = dir.resolve(pair[0]), key = dir.resolve(pair[1]);
            Tls.Material m = Tls.material(cert, key);
            HttpsServer s = server(new com.sun.net.httpserver.HttpsConfigurator(Tls.context(cert, key)));
            try {
                assertEquals(200, get(trusting(m.chain()), s).statusCode(), pair[1]);
            } finally {
                s.stop(0);
            }
        }
        assertEquals("EdDSA", Tls.material(dir.resolve("ed-cert.pem"), dir.resolve("ed.pem")).key().getAlgorithm().replace("Ed25519", "EdDSA"));

        // a chain: the certificate, then an issuer, as nginx's fullchain.pem
        Files.writeString(dir.resolve("chain.pem"), Files.readString(dir.resolve("ec-cert.pem")) + Files.readString(dir.resolve("rsa-cert.pem")));
        assertEquals(2, Tls.material(dir.resolve("chain.pem"), dir.resolve("ec1.pem")).chain().size());

        problem(dir.resolve("rsa-cert.pem"), dir.resolve("ec1.pem"), "ec1.pem: this key does not belong to the first certificate in");
        problem(dir.resolve("rsa1.pem"), dir.resolve("rsa1.pem"), "rsa1.pem: has no -----BEGIN CERTIFICATE----- block; is this the key file?");
        problem(dir.resolve("rsa-cert.pem"), dir.resolve("rsa-cert.pem"), "rsa-cert.pem: has no private key");
        problem(dir.resolve("missing.pem"), dir.resolve("rsa1.pem"), "missing.pem: no such file");
        openssl("pkey", "-in", "rsa8.pem", "-aes256", "-passout", "pass:x", "-out", "encrypted.pem");
        problem(dir.resolve("rsa-cert.pem"), dir.resolve("encrypted.pem"), "encrypted.pem: the key is encrypted with a passphrase");
        Files.writeString(dir.resolve("der.pem"), "\u0030\u0082garbage");
        problem(dir.resolve("der.pem"), dir.resolve("rsa1.pem"), "der.pem: is not PEM");
        Files.writeString(dir.resolve("broken.pem"), "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n");
        problem(dir.resolve("broken.pem"), dir.resolve("rsa1.pem"), "broken.pem: certificate 1 is not a valid X.509 certificate");
    }

    private void problem(Path cert, Path key, String start) {
        var e = assertThrows(Tls.Problem.class, () -> Tls.context(cert, key));
        String m = e.getMessage().replace(dir + "/", "");
        assertTrue(m.startsWith(start), m);
    }

    private void openssl(String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of("openssl"));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, p.waitFor(), String.join(" ", cmd) + ": " + out);
    }
}
