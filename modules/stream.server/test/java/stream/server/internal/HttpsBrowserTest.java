package stream.server.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.eclipsesource.json.Json;
import com.eclipsesource.json.JsonObject;
import com.eclipsesource.json.JsonValue;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import stream.server.internal.access.SelfSigned;
import stream.testkit.Chromium;
import stream.testkit.NetNs;

/**
 * The dashboard over HTTPS in headless Chromium, in a network namespace of the test's: the server
 * serves a certificate made by SelfSigned for the namespace's address; curl trusts it with
 * {@code --cacert}, Chromium with {@code --ignore-certificate-errors-spki-list} naming the SHA-256
 * of exactly this certificate's public key (no NSS database and no certutil needed, and no other
 * certificate is excused: a blanket --ignore-certificate-errors would hide a wrong one). A viewer
 * for cam-a signs in, sees cam-a only, and plays it over WHEP; the session cookie is Secure,
 * HttpOnly and SameSite=Strict, as Chromium itself stored it; its card shows the rtsps:// URL.
 */
class HttpsBrowserTest {
    static final String TOKEN = "https-Token_" + Long.toHexString(System.nanoTime());

    @TempDir
    Path dir;

    /** @return base64 of the SHA-256 of the certificate's SubjectPublicKeyInfo: what Chromium's SPKI list takes */
    static String spkiHash(Path certPem) throws Exception {
        X509Certificate cert;
        try (InputStream in = Files.newInputStream(certPem)) {
            cert = (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in);
        }
        return Base64.getEncoder().encodeToString(MessageDigest.getInstance("SHA-256").digest(cert.getPublicKey().getEncoded()));
    }

    @Test
    void aViewerSignsInOverHttpsAndWatchesItsStreamOverWhep() throws Exception {
        Path certs = Files.createDirectories(dir.resolve("certs"));
        SelfSigned.Written written = SelfSigned.write(certs, List.of("127.0.0.1", "localhost"), Duration.ofDays(1));
        Path state = Files.createDirectories(dir.resolve("state"), PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        try (NetNs ns = NetNs.create("https")) {
            List<String> args = List.of("--port", "0", "--bind", "127.0.0.1", "--source", "test", "--width", "320", "--height", "240",
                    "--framerate", "15", "--dest", "127.0.0.1:5004", "--state-dir", state.toString(), "--rtsp-port", "8554"); // the namespace's own port 8554
            Path out = Path.of(System.getProperty("stream.build.dir"));
            List<String> jvm = List.of("-Xmx64m", "-Dstream.webrtc.module-path=" + out.resolve("mods/stream.viewer.jar") + ":" + out.resolve("lib"));
            Map<String, String> env = Map.of("STREAM_TOKEN", TOKEN, "STREAM_TLS_CERT", written.cert().toString(), "STREAM_TLS_KEY", written.key().toString());
            try (TestSupport.ServerProcess server = new TestSupport.ServerProcess(ns.prefix(), jvm, args, env);
                 Chromium browser = Chromium.start(ns.prefix(), dir.resolve("chromium.log"),
                         List.of("--ignore-certificate-errors-spki-list=" + spkiHash(written.cert())))) {
                int port = server.awaitPort();
                String api = "https://127.0.0.1:" + port;
                int destination = 5006;
                for (String name : List.of("cam-a", "cam-b")) {
                    String camera = "{\"source\":\"test\",\"width\":320,\"height\":240,\"framerate\":15,\"destinations\":[\"127.0.0.1:" + destination + "\"]}";
                    destination += 2;
                    JsonObject put = curl(ns, written.cert(), "-X", "PUT", "-H", "Authorization: Bearer " + TOKEN, "-d", camera, api + "/streams/" + name);
                    assertEquals(201, put.getInt("code", 0), put.toString());
                    JsonObject start = curl(ns, written.cert(), "-H", "Authorization: Bearer " + TOKEN, "-d", "{\"action\":\"start\"}",
                            api + "/streams/" + name + "/control");
                    assertEquals(200, start.getInt("code", 0), start.toString());
                }
                JsonObject made = curl(ns, written.cert(), "-H", "Authorization: Bearer " + TOKEN, "-d",
                        "{\"name\":\"garden\",\"role\":\"viewer\",\"streams\":[\"cam-a\"]}", api + "/users");
                assertEquals(201, made.getInt("code", 0), "curl --cacert reaches the API over HTTPS: " + made);
                String viewer = Json.parse(made.getString("body", "")).asObject().getString("token", null);

                try (Chromium.Tab page = browser.newTab()) {
                    page.navigate(api + "/");
                    TestSupport.waitUntil("the dashboard over HTTPS asks to sign in", Duration.ofSeconds(30),
                            () -> evaluate(page, "location.protocol === 'https:' && isSecureContext && !document.getElementById('auth').hidden"));
                    page.evaluate("document.getElementById('user').value = 'garden'; document.getElementById('token').value = '" + viewer + "';"
                            + " document.getElementById('token-form').requestSubmit(); 'submitted'");
                    TestSupport.waitUntil("the dashboard shows the viewer", Duration.ofSeconds(30),
                            () -> evaluate(page, "document.getElementById('who-name').textContent === 'garden (viewer: cam-a)'"));

                    JsonValue cookies = page.call("Network.getCookies", new JsonObject().add("urls", new com.eclipsesource.json.JsonArray().add(api + "/")))
                            .get("cookies");
                    assertEquals(1, cookies.asArray().size(), "one cookie, the session: " + cookies);
                    JsonObject cookie = cookies.asArray().get(0).asObject();
                    assertTrue(cookie.getBoolean("secure", false), "Secure under TLS: " + cookie);
                    assertTrue(cookie.getBoolean("httpOnly", false), "HttpOnly: " + cookie);
                    assertEquals("Strict", cookie.getString("sameSite", null), "SameSite=Strict: " + cookie);
                    assertFalse(cookie.toString().contains(viewer), "the cookie is not the token");
                    assertEquals("", page.evaluate("document.cookie").asString(), "the page cannot read it");

                    TestSupport.waitUntil("cam-a's card", Duration.ofSeconds(30), () -> evaluate(page, "!!document.querySelector('[data-stream=cam-a] .watch')"));
                    assertTrue(evaluate(page, "!document.querySelector('[data-stream=cam-b]') && !document.querySelector('[data-stream=main]')"),
                            "the viewer's dashboard lists cam-a only");
                    TestSupport.waitUntil("cam-a's card shows its rtsps:// URL (RTSP under TLS is RTSPS)", Duration.ofSeconds(30),
                            () -> evaluate(page, "document.querySelector('[data-stream=cam-a] .rtsp-url').textContent === 'rtsps://127.0.0.1:8554/cam-a'"));
                    page.evaluate("document.querySelector('[data-stream=cam-a] .watch').click(); 'watching'");
                    TestSupport.waitUntil("the viewer's preview decodes cam-a over WHEP, over HTTPS", Duration.ofSeconds(40), () -> evaluate(page, """
                            (async () => {
                              const e = window.streamPreviews && window.streamPreviews.get('cam-a');
                              if (!e) return false;
                              let frames = 0;
                              (await e.pc.getStats()).forEach(s => { if (s.type === 'inbound-rtp' && s.kind === 'video') frames = s.framesDecoded || 0; });
                              return frames > 0 && e.video.videoWidth === 320;
                            })()"""));
                    String other = page.evaluate("fetch('/streams/cam-b/whep', {method: 'POST', headers: {'Content-Type': 'application/sdp'},"
                            + " body: 'v=0\\r\\n'}).then(r => String(r.status), e => 'error ' + e)").asString();
                    assertEquals("403", other, "the session may not watch cam-b");
                }
                assertFalse(server.stderrText().contains(TOKEN) || server.stderrText().contains(viewer), "no token in the log");
            }
        }
    }

    /** @return {"code": HTTP status, "body": text} of curl in the namespace, trusting only the test's certificate */
    private static JsonObject curl(NetNs ns, Path ca, String... args) throws Exception {
        List<String> cmd = new java.util.ArrayList<>(List.of("curl", "-sS", "--max-time", "20", "--cacert", ca.toString(), "-w", "\n%{http_code}"));
        cmd.addAll(List.of(args));
        String out = ns.exec(cmd.toArray(String[]::new));
        int nl = out.lastIndexOf('\n');
        return new JsonObject().add("code", Integer.parseInt(out.substring(nl + 1).strip())).add("body", nl < 0 ? "" : out.substring(0, nl));
    }

    private static boolean evaluate(Chromium.Tab tab, String expression) {
        try {
            return tab.evaluate(expression).asBoolean();
        } catch (Exception e) {
            return false;
        }
    }
}
