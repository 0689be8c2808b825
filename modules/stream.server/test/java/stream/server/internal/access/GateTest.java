package stream.server.internal.access;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.eclipsesource.json.Json;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Header parsing and the whole decision: 401 with a challenge, 403 naming the right, the throttle, the audit trail. */
class GateTest {
    @TempDir
    Path dir;
    Users users;
    Gate gate;
    String garden, ops;
    InetAddress from;

    @BeforeEach
    void setUp() throws IOException {
        users = Users.load(dir, "server-token");
        garden = users.create(new Principal("garden", Role.VIEWER, Optional.of(Set.of("cam-a")))).token();
        ops = users.create(Principal.of("ops", Role.OPERATOR)).token();
        gate = new Gate(users, Sessions.create(users, Duration.ofHours(1), false), new FailureThrottle(), Audit.in(dir));
        from = InetAddress.getByName("192.0.2.7");
    }

    private Gate.Decision check(String method, String path, String authorization) {
        return gate.check(new Gate.Request(method, path, authorization, List.of(), from, false));
    }

    private static String basic(String name, String token) {
        return "Basic " + Base64.getEncoder().encodeToString((name + ":" + token).getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void parsing() {
        assertEquals(new Credentials.Bearer("abc"), Credentials.parse("Bearer abc", List.of(), "s"));
        assertEquals(new Credentials.Bearer("abc"), Credentials.parse("bearer  abc ", List.of(), "s"));
        assertEquals(new Credentials.Basic("garden", "t:k"), Credentials.parse(basic("garden", "t:k"), List.of(), "s"));
        assertEquals(new Credentials.Bearer("tok"), Credentials.parse(basic("", "tok"), List.of(), "s"), "curl -u :TOKEN");
        assertEquals(new Credentials.Session("v"), Credentials.parse(null, List.of("a=b", "x=1; s=v"), "s"));
        assertEquals(new Credentials.None(), Credentials.parse(null, List.of("ss=v; s="), "s"));
        assertInstanceOf(Credentials.Malformed.class, Credentials.parse("Bearer", List.of(), "s"));
        assertInstanceOf(Credentials.Malformed.class, Credentials.parse("Basic !!!", List.of(), "s"));
        assertInstanceOf(Credentials.Malformed.class, Credentials.parse(basic("nocolon", "").replace("Basic ", "Basic ").substring(0, 6)
                + Base64.getEncoder().encodeToString("nocolon".getBytes(StandardCharsets.UTF_8)), List.of(), "s"));
        assertInstanceOf(Credentials.Malformed.class, Credentials.parse("Digest x", List.of(), "s"));
        assertFalse(new Credentials.Bearer("secret").toString().contains("secret"));
        assertFalse(new Credentials.Basic("n", "secret").toString().contains("secret"));
        assertFalse(new Credentials.Session("secret").toString().contains("secret"));
    }

    @Test
    void openResourcesPassWithoutLooking() {
        for (String p : List.of("/", "/ui/app.js", "/health", "/session"))
            assertEquals(new Gate.Pass(Optional.empty(), Need.NONE, Duration.ZERO), check("GET", p, "Bearer wrong"));
    }

    @Test
    void unauthenticatedIs401WithAChallenge() {
        var r = assertInstanceOf(Gate.Refuse.class, check("GET", "/control", null));
        assertEquals(401, r.status());
        assertEquals("Bearer realm=\"stream-server\", Basic realm=\"stream-server\", charset=\"UTF-8\"", r.headers().get("WWW-Authenticate"));
        var script = assertInstanceOf(Gate.Refuse.class, gate.check(new Gate.Request("GET", "/control", null, List.of(), from, true)));
        assertEquals("Bearer realm=\"stream-server\"", script.headers().get("WWW-Authenticate"), "no Basic: the browser's own dialog would cover the page");
        var wrong = assertInstanceOf(Gate.Refuse.class, check("GET", "/control", "Bearer " + garden + "x"));
        assertEquals("Unauthorized: the credential was not accepted", wrong.message());
    }

    @Test
    void rolesAndStreamsAre403NamingTheRight() {
        var r = assertInstanceOf(Gate.Refuse.class, check("POST", "/streams/cam-a/control", "Bearer " + garden));
        assertEquals(403, r.status());
        assertEquals("viewer 'garden' may not start or stop stream 'cam-a': that needs the operator role", r.message());
        r = assertInstanceOf(Gate.Refuse.class, check("GET", "/streams/cam-b/snapshot.jpg", basic("garden", garden)));
        assertEquals("viewer 'garden' may not watch stream 'cam-b': its credential is for cam-a only", r.message());
        var pass = assertInstanceOf(Gate.Pass.class, check("GET", "/streams/cam-a/snapshot.jpg", basic("garden", garden)));
        assertEquals("garden", pass.principal().orElseThrow().name());
        pass = assertInstanceOf(Gate.Pass.class, check("POST", "/streams/cam-b/control", "Bearer " + ops));
        assertEquals(Optional.of("operator 'ops' may not define or change stream 'cam-b': that needs the admin role"),
                gate.checkControlBody(pass.principal().orElseThrow(), "cam-b", from, List.of("action", "bitrate")));
        assertEquals(Optional.empty(), gate.checkControlBody(pass.principal().orElseThrow(), "cam-b", from, List.of("action", "record")));
        assertInstanceOf(Gate.Pass.class, check("POST", "/users", "Bearer server-token"), "--token is an admin");
    }

    @Test
    void repeatedFailuresSlowTheAddressDownUntilASuccess() throws IOException {
        List<Long> delays = new java.util.ArrayList<>();
        for (int i = 0; i < 6; i++) delays.add(check("GET", "/control", "Bearer guess" + i).delay().toMillis());
        assertEquals(List.of(0L, 0L, 0L, 250L, 500L, 1000L), delays);
        var right = check("GET", "/control", "Bearer " + ops);
        assertInstanceOf(Gate.Pass.class, right);
        assertEquals(2000, right.delay().toMillis(), "a right guess waits as long: the answer's speed tells nothing");
        assertEquals(0, check("GET", "/control", "Bearer " + ops).delay().toMillis(), "the success forgot the failures");
        assertEquals(0, check("GET", "/control", null).delay().toMillis(), "no credential, no failure, no wait");

        String log = Files.readString(dir.resolve(Audit.FILE));
        assertFalse(log.contains("guess"), "no secret in the audit trail");
        assertTrue(log.contains("\"outcome\":\"401 the credential was not accepted\""), log);
        var line = Json.parse(log.lines().findFirst().orElseThrow()).asObject();
        assertEquals(Set.of("at", "who", "role", "from", "action", "stream", "outcome"), Set.copyOf(line.names()));
        assertEquals("192.0.2.7", line.getString("from", null));
        assertEquals("GET /control", line.getString("action", null));
        assertEquals("main", line.getString("stream", null));
    }

    @Test
    void signInMakesASessionThatTheGateAccepts() {
        Gate.SignIn bad = gate.signIn("garden", "nope", from);
        assertEquals(Optional.empty(), bad.session());
        Gate.SignIn ok = gate.signIn("garden", garden, from);
        String cookie = ok.session().orElseThrow().setCookie();
        String pair = cookie.substring(0, cookie.indexOf(';'));
        var pass = assertInstanceOf(Gate.Pass.class, gate.check(new Gate.Request("GET", "/streams/cam-a/control", null, List.of(pair), from, true)));
        assertEquals("garden", pass.principal().orElseThrow().name());
        assertTrue(users.authenticate("garden", garden).isPresent());
        gate.sessions().revoke("garden");
        var gone = assertInstanceOf(Gate.Refuse.class, gate.check(new Gate.Request("GET", "/streams/cam-a/control", null, List.of(pair), from, true)));
        assertTrue(gone.message().contains("session has ended"), gone.message());
    }
}
