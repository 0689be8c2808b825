package stream.server.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.eclipsesource.json.Json;
import com.eclipsesource.json.JsonObject;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * HTTPS on the server's port from PEM files (real curl with --cacert), a certificate made by
 * {@code --make-cert}, and SIGHUP: the next connection gets the new certificate while the stream
 * goes on. Without TLS, a server that listens beyond loopback with credentials says once that
 * they travel in clear.
 */
class TlsServerTest {
    static final String TOKEN = "tls-Token_" + Long.toHexString(System.nanoTime());

    @TempDir
    Path dir;
    final List<TestSupport.ServerProcess> servers = new ArrayList<>();

    @AfterEach
    void stop() {
        servers.forEach(TestSupport.ServerProcess::close);
    }

    TestSupport.ServerProcess server(List<String> args, Map<String, String> env) throws IOException {
        TestSupport.ServerProcess s = new TestSupport.ServerProcess(args, env);
        servers.add(s);
        return s;
    }

    Path makeCert(String name) throws Exception {
        Path d = dir.resolve(name);
        TestSupport.ServerProcess s = server(List.of("--make-cert", d.toString()), Map.of());
        assertEquals(0, s.awaitExit(), s.stderrText());
        assertTrue(String.join("\n", s.stdout).contains("--tls-cert " + d.resolve("cert.pem")), String.join("\n", s.stdout));
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(d.resolve("key.pem"))), "the key is private");
        return d;
    }

    /** @return curl's exit code, the HTTP code and the body */
    static String[] curl(String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of("curl", "-sS", "--max-time", "20", "-w", "\n%{http_code}"));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(30, TimeUnit.SECONDS), "curl ended");
        int nl = out.lastIndexOf('\n');
        return new String[] {String.valueOf(p.exitValue()), out.substring(nl + 1), nl < 0 ? "" : out.substring(0, nl)};
    }

    @Test
    void httpsWithPemFilesAndSighupServesTheNewCertificateWhileTheStreamGoesOn() throws Exception {
        Path first = makeCert("first"), second = makeCert("second");
        Path live = dir.resolve("live");
        Files.createDirectories(live);
        Files.copy(first.resolve("cert.pem"), live.resolve("cert.pem"));
        Files.copy(first.resolve("key.pem"), live.resolve("key.pem"));
        Path state = dir.resolve("state");
        Files.createDirectories(state, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        TestSupport.ServerProcess s = server(List.of("--port", "0", "--bind", "127.0.0.1", "--source", "test", "--rtsp-port", "0",
                "--dest", "127.0.0.1:" + TestSupport.freeUdpPort(), "--state-dir", state.toString(), "--width", "320", "--height", "240",
                "--framerate", "15"), Map.of("STREAM_TOKEN", TOKEN, "STREAM_TLS_CERT", live.resolve("cert.pem").toString(),
                "STREAM_TLS_KEY", live.resolve("key.pem").toString()));
        int port = s.awaitPort();
        String base = "https://localhost:" + port;
        String firstCa = first.resolve("cert.pem").toString(), secondCa = second.resolve("cert.pem").toString();

        String[] health = curl("--cacert", firstCa, base + "/health");
        assertEquals("0", health[0], health[2]);
        assertEquals("200", health[1], health[2]);
        assertEquals("401", curl("--cacert", firstCa, base + "/control")[1], "over HTTPS too, reads need the token");
        String[] start = curl("--cacert", firstCa, "-H", "Authorization: Bearer " + TOKEN, "-d", "{\"action\":\"start\"}", base + "/control");
        assertEquals("200", start[1], start[2]);
        long pid = Json.parse(start[2]).asObject().getLong("pid", -1);
        String[] dashboard = curl("--cacert", firstCa, base + "/");
        assertEquals("200", dashboard[1], "the dashboard over HTTPS");
        assertFalse(dashboard[2].contains("http://"), "the page uses relative URLs only");
        String[] plain = curl("http://127.0.0.1:" + port + "/health");
        assertFalse(plain[1].equals("200"), "no plain HTTP on the HTTPS port: " + plain[1]);
        assertFalse(curl("--cacert", secondCa, base + "/health")[0].equals("0"), "the second certificate is not served yet");

        Files.copy(second.resolve("cert.pem"), live.resolve("cert.pem"), StandardCopyOption.REPLACE_EXISTING);
        Files.copy(second.resolve("key.pem"), live.resolve("key.pem"), StandardCopyOption.REPLACE_EXISTING);
        ChildLifetimeTest.signal("HUP", s.process.pid());
        TestSupport.waitUntil("the server logs the certificate's reload", Duration.ofSeconds(30), () -> s.stderrText().contains("TLS certificate reloaded"));
        String[] after = curl("--cacert", secondCa, "-H", "Authorization: Bearer " + TOKEN, base + "/control");
        assertEquals("0", after[0], "the next connection gets the new certificate: " + after[2]);
        JsonObject status = Json.parse(after[2]).asObject();
        assertEquals("running", status.getString("status", null), "the stream did not stop");
        assertEquals(pid, status.getLong("pid", -2), "the same child");
        assertEquals("60", curl("--cacert", firstCa, base + "/health")[0], "the old certificate is no longer served (curl 60: not trusted)");
        assertTrue(s.process.isAlive());

        // A broken certificate at the next SIGHUP: logged, the one in use stays.
        Files.writeString(live.resolve("cert.pem"), "not a certificate\n");
        ChildLifetimeTest.signal("HUP", s.process.pid());
        TestSupport.waitUntil("the server logs the failed reload", Duration.ofSeconds(30), () -> s.stderrText().contains("the certificate in use stays"));
        assertEquals("200", curl("--cacert", secondCa, base + "/health")[1], "still served");
        assertFalse(s.stderrText().contains(TOKEN), "the token is not in the log");
    }

    @Test
    void credentialsWithoutTlsBeyondLoopbackAreWarnedAboutOnce() throws Exception {
        Path state = dir.resolve("state");
        Files.createDirectories(state, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        TestSupport.ServerProcess s = server(List.of("--port", "0", "--bind", "0.0.0.0", "--source", "test", "--rtsp-port", "0",
                "--dest", "127.0.0.1:" + TestSupport.freeUdpPort(), "--state-dir", state.toString()), Map.of("STREAM_TOKEN", TOKEN));
        s.awaitPort();
        TestSupport.waitUntil("the warning", Duration.ofSeconds(10), () -> s.stderrText().contains("credentials travel in clear text"));
        assertEquals(1, s.stderrText().split("credentials travel in clear text", -1).length - 1, s.stderrText());
        assertFalse(s.stderrText().contains("access is open"), s.stderrText());
    }

    @Test
    void aCertificateWithoutItsKeyIsAUsageError() throws Exception {
        TestSupport.ServerProcess s = server(List.of("--port", "0", "--tls-cert", dir.resolve("cert.pem").toString()), Map.of());
        assertEquals(2, s.awaitExit());
        assertTrue(s.stderrText().contains("--tls-cert and --tls-key go together"), s.stderrText());
        Path bad = dir.resolve("bad.pem");
        Files.writeString(bad, "nothing\n");
        TestSupport.ServerProcess t = server(List.of("--port", "0", "--bind", "127.0.0.1", "--source", "test", "--state-dir", dir.toString(),
                "--tls-cert", bad.toString(), "--tls-key", bad.toString()), Map.of());
        assertEquals(3, t.awaitExit());
        assertTrue(t.stderrText().contains(bad + ": is not PEM"), t.stderrText());
    }
}
