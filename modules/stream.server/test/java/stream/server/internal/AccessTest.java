package stream.server.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.eclipsesource.json.Json;
import com.eclipsesource.json.JsonObject;
import com.eclipsesource.json.JsonValue;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.logging.SimpleFormatter;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import stream.server.ServerConfig;
import stream.server.StreamServer;

/**
 * Who may watch and who may act, over real HTTP against a real server with real streams: the
 * roles and per-stream limits of credentials made through POST /users, the dashboard's session
 * cookie, revocation, the audit trail, and that no secret shows up anywhere it should not.
 */
class AccessTest {
    static final String ADMIN = "admin-Token_" + Long.toHexString(System.nanoTime());

    @TempDir
    Path dir;
    StreamServer server;
    int port;
    final List<String> log = Collections.synchronizedList(new ArrayList<>());
    final List<String> answers = Collections.synchronizedList(new ArrayList<>());
    final Handler capture = new Handler() {
        final SimpleFormatter f = new SimpleFormatter();

        @Override
        public void publish(LogRecord r) {
            log.add(r.getLevel() + " " + f.formatMessage(r));
        }

        @Override
        public void flush() {}

        @Override
        public void close() {}
    };

    @BeforeEach
    void captureLog() {
        Logger.getLogger("stream.server").addHandler(capture);
    }

    @AfterEach
    void stop() {
        if (server != null) server.close();
        Logger.getLogger("stream.server").removeHandler(capture);
    }

    void start(String token) throws IOException {
        ServerConfig c = TestSupport.smallTestServer(dir, TestSupport.freeUdpPort()).withRtspPort(0);
        server = StreamServer.start(token == null ? c : c.withToken(token));
        port = server.port();
    }

    TestSupport.Response call(String method, String path, String secret, String body) throws IOException {
        return call(method, path, secret == null ? Map.of() : Map.of("Authorization", "Bearer " + secret), body);
    }

    TestSupport.Response call(String method, String path, Map<String, String> headers, String body) throws IOException {
        TestSupport.Response r = TestSupport.request(InetAddress.getLoopbackAddress(), port, method, path, headers,
                body == null ? null : body.getBytes(StandardCharsets.UTF_8));
        answers.add(r.headers() + " " + r.body());
        return r;
    }

    String camera() throws IOException {
        return "{\"source\":\"test\",\"width\":320,\"height\":240,\"framerate\":15,\"keyint\":\"1s\",\"record-segment\":2,"
                + "\"destinations\":[\"127.0.0.1:" + TestSupport.freeUdpPort() + "\"]}";
    }

    String create(String name, String role, String streams) throws IOException {
        String body = "{\"name\":\"" + name + "\",\"role\":\"" + role + "\"" + (streams == null ? "" : ",\"streams\":[\"" + streams + "\"]") + "}";
        TestSupport.Response r = call("POST", "/users", ADMIN, body);
        assertEquals(201, r.code(), r.body());
        String token = r.json().getString("token", null);
        assertTrue(token != null && token.length() >= 40, r.body());
        answers.remove(answers.size() - 1); // the one answer that shows a token
        return token;
    }

    static void assertCode(int code, TestSupport.Response r, String what) {
        assertEquals(code, r.code(), what + ": " + r.body());
    }

    @Test
    void withoutCredentialsEverythingButHealthAndTheDashboardAsks() throws IOException {
        start(ADMIN);
        for (String[] req : List.of(new String[] {"GET", "/control"}, new String[] {"GET", "/streams"}, new String[] {"GET", "/streams/main"},
                new String[] {"GET", "/stream.sdp"}, new String[] {"GET", "/streams/main/stream.sdp"}, new String[] {"GET", "/metrics"},
                new String[] {"GET", "/streams/main/recordings"}, new String[] {"GET", "/streams/main/clips"},
                new String[] {"GET", "/streams/main/snapshot.jpg"}, new String[] {"POST", "/whep"}, new String[] {"POST", "/streams/main/whep"},
                new String[] {"GET", "/users"}, new String[] {"POST", "/control"}, new String[] {"PUT", "/streams/x"},
                new String[] {"DELETE", "/streams/main"}, new String[] {"GET", "/no-such-path"})) {
            TestSupport.Response r = call(req[0], req[1], (String) null, req[0].equals("GET") ? null : "{}");
            assertCode(401, r, req[0] + " " + req[1]);
            assertTrue(r.header("WWW-Authenticate").startsWith("Bearer realm="), r.headers().toString());
        }
        for (String open : List.of("/health", "/", "/ui/app.js", "/ui/api.js", "/ui/style.css", "/session"))
            assertCode(200, call("GET", open, (String) null, null), open);
        assertEquals("on", call("GET", "/session", (String) null, null).json().getString("access", null));
        assertCode(401, call("GET", "/control", "wrong-token", null), "a wrong token");
        assertCode(200, call("GET", "/control", ADMIN, null), "--token is an admin");
        assertCode(200, call("GET", "/control", Map.of("Authorization", "Basic " + java.util.Base64.getEncoder()
                .encodeToString(("token:" + ADMIN).getBytes(StandardCharsets.UTF_8))), null), "curl -u token:TOKEN");
    }

    @Test
    void viewerOperatorAndAdminEachMayWhatTheirRoleAndStreamsAllow() throws Exception {
        start(ADMIN);
        assertCode(201, call("PUT", "/streams/cam-a", ADMIN, camera()), "admin defines cam-a");
        assertCode(201, call("PUT", "/streams/cam-b", ADMIN, camera()), "admin defines cam-b");
        String viewer = create("garden", "viewer", "cam-a");
        String operator = create("night-shift", "operator", null);

        // The operator starts and stops, may switch recording on, but may not define.
        assertCode(200, call("POST", "/streams/cam-a/control", operator, "{\"action\":\"start\",\"record\":true}"), "operator starts with record");
        assertCode(403, call("POST", "/streams/cam-b/control", operator, "{\"action\":\"start\",\"width\":640}"), "operator: start with settings");
        TestSupport.Response put = call("PUT", "/streams/cam-a", operator, camera());
        assertCode(403, put, "operator PUT");
        assertTrue(put.json().getString("error", "").contains("that needs the admin role"), put.body());
        assertCode(403, call("DELETE", "/streams/cam-b", operator, null), "operator DELETE");
        assertCode(403, call("GET", "/users", operator, null), "operator lists users");

        // The viewer sees and watches cam-a only.
        TestSupport.Response list = call("GET", "/streams", viewer, null);
        assertCode(200, list, "viewer lists");
        List<String> names = list.json().get("streams").asArray().values().stream().map(v -> v.asObject().getString("name", "")).toList();
        assertEquals(List.of("cam-a"), names, "GET /streams lists only the streams the caller may see");
        assertCode(200, call("GET", "/streams/cam-a/control", viewer, null), "viewer reads cam-a");
        TestSupport.Response b = call("GET", "/streams/cam-b/control", viewer, null);
        assertCode(403, b, "viewer reads cam-b");
        assertTrue(b.json().getString("error", "").contains("may not see stream 'cam-b': its credential is for cam-a only"), b.body());
        assertCode(403, call("GET", "/streams/cam-b/stream.sdp", viewer, null), "viewer: cam-b's SDP");
        assertCode(403, call("POST", "/streams/cam-b/whep", Map.of("Authorization", "Bearer " + viewer, "Content-Type", "application/sdp"), "v=0\r\n"),
                "viewer: WHEP of cam-b");
        TestSupport.Response whep = call("POST", "/streams/cam-a/whep", Map.of("Authorization", "Bearer " + viewer, "Content-Type", "application/sdp"), "not an offer");
        assertTrue(whep.code() != 401 && whep.code() != 403, "the viewer passes the gate for cam-a's WHEP (its offer is then judged): " + whep.code() + " " + whep.body());
        assertCode(200, call("GET", "/streams/cam-a/stream.sdp", viewer, null), "viewer: cam-a's SDP");
        for (String[] change : List.of(new String[] {"POST", "/streams/cam-a/control", "{\"action\":\"stop\"}"},
                new String[] {"PUT", "/streams/cam-a", camera()}, new String[] {"DELETE", "/streams/cam-a", null},
                new String[] {"POST", "/streams/cam-a/clips", "{\"before\":1,\"after\":1}"}, new String[] {"POST", "/users", "{\"name\":\"x\",\"role\":\"admin\"}"},
                new String[] {"DELETE", "/streams/cam-a/recordings/x.mp4", null}, new String[] {"GET", "/metrics", null}))
            assertCode(403, call(change[0], change[1], viewer, change[2]), "viewer " + change[0] + " " + change[1]);

        // The viewer downloads cam-a's recordings.
        TestSupport.waitUntil("a finished recording of cam-a", Duration.ofSeconds(60), () -> {
            try {
                return call("GET", "/streams/cam-a/recordings", viewer, null).json().get("recordings").asArray().size() >= 2;
            } catch (IOException e) {
                return false;
            }
        });
        JsonObject first = call("GET", "/streams/cam-a/recordings", viewer, null).json().get("recordings").asArray().get(0).asObject();
        TestSupport.Response file = call("GET", "/streams/cam-a/recordings/" + first.getString("name", ""), viewer, null);
        assertCode(200, file, "the viewer downloads a recording");
        assertTrue(file.body().length() > 1000, "a recording has data: " + file.body().length());
        answers.remove(answers.size() - 1); // its bytes are no text to search

        // The operator stops; the admin does all.
        assertCode(200, call("POST", "/streams/cam-a/control", operator, "{\"action\":\"stop\"}"), "operator stops");
        assertCode(200, call("PUT", "/streams/cam-b", ADMIN, camera()), "admin redefines");
        assertCode(200, call("DELETE", "/streams/cam-b", ADMIN, null), "admin deletes");
        assertCode(200, call("GET", "/metrics", ADMIN, null), "admin reads the metrics");

        // The users file is private and holds no token; GET /users shows none.
        Path users = dir.resolve("users.json");
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(users)));
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve("users.key"))), "the derivation key too");
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve("audit.log"))), "and the audit trail");
        String listed = call("GET", "/users", ADMIN, null).body();
        assertTrue(listed.contains("\"garden\"") && listed.contains("\"night-shift\""), listed);

        // The audit trail: every state change with who, role, from, stream and outcome.
        List<JsonObject> audit = Files.readAllLines(dir.resolve("audit.log")).stream().map(l -> Json.parse(l).asObject()).toList();
        assertTrue(audit.stream().anyMatch(e -> e.getString("who", "").equals("night-shift") && e.getString("role", "").equals("operator")
                && e.getString("action", "").equals("POST /streams/cam-a/control") && e.getString("stream", "").equals("cam-a")
                && e.getString("outcome", "").equals("200") && e.getString("from", "").equals("127.0.0.1")), audit.toString());
        assertTrue(audit.stream().anyMatch(e -> e.getString("who", "").equals("garden") && e.getString("outcome", "").startsWith("403 viewer 'garden' may not")),
                audit.toString());
        assertTrue(audit.stream().anyMatch(e -> e.getString("action", "").equals("create user garden (viewer)")), audit.toString());
        assertTrue(audit.stream().anyMatch(e -> e.getString("action", "").equals("DELETE /streams/cam-b") && e.getString("outcome", "").equals("200")
                && e.getString("who", "").equals("token")), audit.toString());

        // No secret in any answer, the log, the metrics, the files or a command line.
        String metrics = call("GET", "/metrics", ADMIN, null).body();
        Map<String, String> places = new HashMap<>();
        places.put("answers", String.join("\n", answers));
        places.put("log", String.join("\n", log));
        places.put("metrics", metrics);
        places.put("users.json", Files.readString(users));
        places.put("audit.log", Files.readString(dir.resolve("audit.log")));
        places.put("command lines", commandLines());
        for (String secret : List.of(ADMIN, viewer, operator))
            places.forEach((where, text) -> assertFalse(text.contains(secret), "a secret in the " + where));
    }

    static String commandLines() {
        StringBuilder all = new StringBuilder();
        ProcessHandle.allProcesses().forEach(p -> p.info().commandLine().ifPresent(c -> all.append(c).append('\n')));
        return all.toString();
    }

    @Test
    void deletingACredentialRevokesItsTokenAndItsSessionsAtOnce() throws IOException {
        start(ADMIN);
        String viewer = create("kitchen", "viewer", null);
        TestSupport.Response signIn = call("POST", "/session", (String) null, "{\"name\":\"kitchen\",\"token\":\"" + viewer + "\"}");
        assertCode(200, signIn, "sign in");
        String setCookie = signIn.header("Set-Cookie");
        assertTrue(setCookie.contains("HttpOnly") && setCookie.contains("SameSite=Strict") && !setCookie.contains(viewer), setCookie);
        String cookie = setCookie.substring(0, setCookie.indexOf(';'));
        assertCode(200, call("GET", "/streams", Map.of("Cookie", cookie), null), "the session cookie is a credential");
        JsonValue who = call("GET", "/session", Map.of("Cookie", cookie), null).json().get("user");
        assertEquals("kitchen", who.asObject().getString("name", null));

        // A cross-site page cannot use the viewer's session for a state change (RequestGuard first).
        TestSupport.Response cross = call("POST", "/session", Map.of("Cookie", cookie, "Sec-Fetch-Site", "cross-site", "Origin", "https://evil.example"),
                "{\"name\":\"kitchen\",\"token\":\"x\"}");
        assertCode(403, cross, "a cross-site POST");

        assertCode(401, call("POST", "/session", (String) null, "{\"name\":\"kitchen\",\"token\":\"wrong\"}"), "a wrong sign-in");
        assertCode(200, call("DELETE", "/users/kitchen", ADMIN, null), "admin deletes the credential");
        assertCode(401, call("GET", "/streams", viewer, null), "its token is refused at once");
        assertCode(401, call("GET", "/streams", Map.of("Cookie", cookie), null), "and its session");
        assertCode(404, call("DELETE", "/users/kitchen", ADMIN, null), "gone");
        assertCode(400, call("DELETE", "/users/token", ADMIN, null), "--token is not deleted through the API");
        assertCode(400, call("POST", "/users", ADMIN, "{\"name\":\"x\",\"role\":\"king\"}"), "an unknown role");
        assertTrue(log.stream().anyMatch(l -> l.startsWith("WARNING authentication failed: GET /streams from 127.0.0.1 (Bearer)")), String.join("\n", log));
    }

    @Test
    void withoutCredentialsTheServerIsOpenAndSaysSoOnce() throws IOException {
        start(null);
        assertCode(200, call("GET", "/control", (String) null, null), "open");
        assertCode(200, call("POST", "/control", (String) null, "{\"action\":\"stop\"}"), "open for changes too");
        assertEquals("open", call("GET", "/session", (String) null, null).json().getString("access", null));
        assertEquals(1, log.stream().filter(l -> l.contains("access is open")).count(), String.join("\n", log));
        assertTrue(log.stream().anyMatch(l -> l.contains("access is open") && l.contains("127.0.0.1:" + port)), "it says from where");
        // The first credential closes it.
        TestSupport.Response made = call("POST", "/users", (String) null, "{\"name\":\"me\",\"role\":\"admin\"}");
        assertCode(201, made, "the first credential");
        assertCode(401, call("GET", "/control", (String) null, null), "from then on a credential is needed");
        assertCode(200, call("GET", "/control", made.json().getString("token", null), null), "and the new one works");
    }
}
