package stream.server.internal.access;

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
            HttpClient old = TlsTest.trusting(List.of(certA));
            HttpResponse<String> first = TlsTest.get(old, server);
            assertEquals(certA, first.sslSession().orElseThrow().getPeerCertificates()[0]);

            install(b, live); // what certbot's deploy hook does, then kill -HUP
            assertEquals(certB, tls.reload().chain().get(0));

            HttpResponse<String> again = TlsTest.get(old, server);
            assertEquals(200, again.statusCode());
            assertEquals(first.body(), again.body(), "the same connection (same client port), still open after the reload");
            assertEquals(certA, again.sslSession().orElseThrow().getPeerCertificates()[0]);

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

    private static void install(Path from, Path live) throws IOException {
        for (String n : List.of(SelfSigned.CERT, SelfSigned.KEY))
            Files.copy(from.resolve(n), live.resolve(n), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    }
}
