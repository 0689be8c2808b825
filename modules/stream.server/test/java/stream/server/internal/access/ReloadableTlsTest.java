package stream.server.internal.access;

import java.nio.charset.StandardCharsets;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpsServer;
import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A reload reaches the next connection of a real HttpsServer; a connection already open goes on. */
class ReloadableTlsTest {
    @TempDir
    Path dir;

    @Test
    void newConnectionsGetTheNewCertificateOldOnesKeepWorking() throws Exception {
        Path a = Files.createDirectory(dir.resolve("a")), b = Files.createDirectory(dir.resolve("b")), live = Files.createDirectory(dir.resolve("live"));
        SelfSigned.write(a, List.of("localhost"), Duration.ofDays(1));
        SelfSigned.write(b, List.of("localhost"), Duration.ofDays(1));
        X509Certificate certA = Tls.material(a.resolve(SelfSigned.CERT), a.resolve(SelfSigned.KEY)).chain().get(0);
        X509Certificate certB = Tls.material(b.resolve(SelfSigned.CERT), b.resolve(SelfSigned.KEY)).chain().get(0);
        assertNotEquals(certA, certB);
        install(a, live);

        ReloadableTls tls = ReloadableTls.load(live.resolve(SelfSigned.CERT), live.resolve(SelfSigned.KEY));
        HttpsServer server = TlsTest.server(tls.configurator());
        try {
            // An established connection keeps its certificate across a reload: a request held by the server
            // while the reload happens is answered on the same connection (whatever the server's idle timers).
            var held = new java.util.concurrent.CountDownLatch(1);
            var arrived = new java.util.concurrent.CountDownLatch(1);
            server.createContext("/held", ex -> {
                try (ex) {
                    arrived.countDown();
                    held.await(30, java.util.concurrent.TimeUnit.SECONDS);
                    byte[] body = String.valueOf(ex.getRemoteAddress().getPort()).getBytes(StandardCharsets.US_ASCII);
                    ex.sendResponseHeaders(200, body.length);
                    ex.getResponseBody().write(body);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
            try (SSLSocket old = (SSLSocket) TlsTest.context(List.of(certA)).getSocketFactory()
                    .createSocket("localhost", server.getAddress().getPort())) {
                SSLParameters p = old.getSSLParameters();
                p.setEndpointIdentificationAlgorithm("HTTPS");
                old.setSSLParameters(p);
                old.startHandshake();
                assertEquals(certA, old.getSession().getPeerCertificates()[0]);
                send(old, "/held");
                assertTrue(arrived.await(30, java.util.concurrent.TimeUnit.SECONDS), "the held request reached the server");

                install(b, live); // what certbot's deploy hook does, then kill -HUP
                assertEquals(certB, tls.reload().chain().get(0));
                held.countDown();

                assertEquals(String.valueOf(old.getLocalPort()), answer(old), "the connection made before the reload answers after it");
                assertEquals(certA, old.getSession().getPeerCertificates()[0]);
            }

            HttpResponse<String> fresh = TlsTest.get(TlsTest.trusting(List.of(certA, certB)), server);
            assertEquals(certB, fresh.sslSession().orElseThrow().getPeerCertificates()[0], "a new connection sees the new certificate");
            assertThrows(IOException.class, () -> TlsTest.get(TlsTest.trusting(List.of(certA)), server), "and only that one");

            // a broken renewal keeps the certificate in use
            Files.writeString(live.resolve(SelfSigned.KEY), "not a key");
            var e = assertThrows(Tls.Problem.class, tls::reload);
            assertTrue(e.getMessage().contains(SelfSigned.KEY), e.getMessage());
            assertEquals(certB, tls.current().chain().get(0));
            assertEquals(certB, TlsTest.get(TlsTest.trusting(List.of(certB)), server).sslSession().orElseThrow().getPeerCertificates()[0]);
        } finally {
            server.stop(0);
        }
    }

    private static void send(SSLSocket s, String path) throws IOException {
        s.getOutputStream().write(("GET " + path + " HTTP/1.1\r\nHost: localhost\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
        s.getOutputStream().flush();
    }

    /** @return the body of the answer on the connection: the client's port as the server saw it */
    private static String answer(SSLSocket s) throws IOException {
        var in = s.getInputStream();
        StringBuilder head = new StringBuilder();
        while (!head.toString().endsWith("\r\n\r\n")) {
            int c = in.read();
            if (c < 0) throw new IOException("the connection closed before an answer: " + head);
            head.append((char) c);
        }
        assertTrue(head.toString().startsWith("HTTP/1.1 200"), head.toString());
        var m = java.util.regex.Pattern.compile("(?i)content-length: *(\\d+)").matcher(head);
        assertTrue(m.find(), head.toString());
        return new String(in.readNBytes(Integer.parseInt(m.group(1))), StandardCharsets.US_ASCII);
    }

    private static void install(Path from, Path live) throws IOException {
        for (String n : List.of(SelfSigned.CERT, SelfSigned.KEY))
            Files.copy(from.resolve(n), live.resolve(n), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    }
}
