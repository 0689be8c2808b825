package stream.server.internal.access;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.eclipsesource.json.Json;
import com.eclipsesource.json.JsonObject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Credentials in a real state directory: the file's form and mode, tokens, revocation. */
class UsersTest {
    @TempDir
    Path dir;

    private static JsonObject json(String s) {
        return Json.parse(s).asObject();
    }

    @Test
    void createShowsTheTokenOnceAndStoresOnlyItsHash() throws IOException {
        Users users = Users.load(dir, null);
        assertFalse(users.any());
        Users.Created c = users.create(json("{\"name\": \"garden\", \"role\": \"viewer\", \"streams\": [\"cam-a\"]}"));
        JsonObject answer = c.toJson();
        assertEquals("garden", answer.getString("name", null));
        assertEquals("viewer", answer.getString("role", null));
        String token = answer.getString("token", null);
        assertEquals(43, token.length(), "256 bits, base64url");
        assertFalse(c.toString().contains(token));

        Path file = dir.resolve(Users.FILE);
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
        String text = Files.readString(file);
        assertFalse(text.contains(token), "the token is never stored");
        JsonObject stored = Json.parse(text).asObject();
        assertEquals(2, stored.getInt("version", 0));
        JsonObject pbkdf2 = stored.get("users").asArray().get(0).asObject().get("pbkdf2").asObject();
        assertEquals(Users.ITERATIONS, pbkdf2.getInt("iterations", 0));
        assertEquals(22, pbkdf2.getString("salt", "").length(), "a 16-byte salt of its own");
        assertEquals(pbkdf2.getString("hash", ""), java.util.Base64.getUrlEncoder().withoutPadding().encodeToString(
                Users.pbkdf2(token, java.util.Base64.getUrlDecoder().decode(pbkdf2.getString("salt", "")), Users.ITERATIONS)), "PBKDF2WithHmacSHA256 of the token");
        assertFalse(text.contains("sha256"));
        assertFalse(users.listJson().toString().contains(token));
        assertFalse(Files.exists(dir.resolve(Users.FILE + ".tmp")));

        assertEquals(Optional.of(new Principal("garden", Role.VIEWER, Optional.of(Set.of("cam-a")))), users.authenticate(null, token));
        assertEquals("garden", users.authenticate("garden", token).orElseThrow().name());
        assertEquals(Optional.empty(), users.authenticate("other", token), "Basic with another name");
        assertEquals(Optional.empty(), users.authenticate(null, token + "x"));
        assertEquals(Optional.empty(), users.authenticate(null, ""));

        Users again = Users.load(dir, null);
        assertEquals(users.list(), again.list());
        assertTrue(again.authenticate(null, token).isPresent(), "the hash survives a restart");

        Users.Created second = users.create(Principal.of("ops", Role.OPERATOR));
        assertNotEquals(token, second.token());
        assertEquals(List.of("garden", "ops"), users.list().stream().map(Principal::name).toList());
    }

    @Test
    void deleteRevokesAtOnceAndTellsTheListeners() throws IOException {
        Users users = Users.load(dir, null);
        String token = users.create(Principal.of("ops", Role.OPERATOR)).token();
        List<String> told = new java.util.ArrayList<>();
        users.onDelete(told::add);
        assertTrue(users.delete("ops"));
        assertEquals(Optional.empty(), users.authenticate(null, token));
        assertEquals(List.of("ops"), told);
        assertFalse(users.delete("ops"));
        assertEquals(Optional.empty(), Users.load(dir, null).authenticate(null, token));
    }

    @Test
    void theServerTokenIsOneAdminCredential() throws IOException {
        Users users = Users.load(dir, "s3cret-from-the-command-line");
        assertTrue(users.any());
        assertEquals(Optional.of(Principal.of("token", Role.ADMIN)), users.authenticate(null, "s3cret-from-the-command-line"));
        assertEquals(Optional.of(Principal.of("token", Role.ADMIN)), users.authenticate("token", "s3cret-from-the-command-line"));
        assertEquals("--token", users.listJson().get("users").asArray().get(0).asObject().getString("from", null));
        assertThrows(IllegalArgumentException.class, () -> users.delete("token"));
        var e = assertThrows(IllegalArgumentException.class, () -> users.create(json("{\"name\": \"token\", \"role\": \"admin\"}")));
        assertTrue(e.getMessage().contains("kept for --token"), e.getMessage());
        assertFalse(Files.exists(dir.resolve(Users.FILE)), "--token is never written down");
    }

    @Test
    void badRequestsNameTheProblem() throws IOException {
        Users users = Users.load(dir, null);
        assertMessage(users, "{\"name\": \"Garden\", \"role\": \"viewer\"}", "name 'Garden'");
        assertMessage(users, "{\"role\": \"viewer\"}", "\"name\" is missing");
        assertMessage(users, "{\"name\": \"g\", \"role\": \"root\"}", "role 'root': use one of viewer, operator, admin");
        assertMessage(users, "{\"name\": \"g\", \"role\": \"viewer\", \"streams\": []}", "non-empty list");
        assertMessage(users, "{\"name\": \"g\", \"role\": \"viewer\", \"streams\": [\"a/b\"]}", "stream 'a/b'");
        assertMessage(users, "{\"name\": \"g\", \"role\": \"viewer\", \"password\": \"x\"}", "unknown member 'password'");
        users.create(json("{\"name\": \"g\", \"role\": \"viewer\"}"));
        var e = assertThrows(IllegalStateException.class, () -> users.create(json("{\"name\": \"g\", \"role\": \"admin\"}")));
        assertTrue(e.getMessage().contains("exists already"), e.getMessage());
    }

    private static void assertMessage(Users users, String request, String part) {
        var e = assertThrows(IllegalArgumentException.class, () -> users.create(json(request)));
        assertTrue(e.getMessage().contains(part), e.getMessage());
    }

    @Test
    void aFileOpenToOthersOrASymlinkIsRefused() throws IOException {
        Users.load(dir, null).create(Principal.of("a", Role.ADMIN));
        Path file = dir.resolve(Users.FILE);
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r--r--"));
        var e = assertThrows(IOException.class, () -> Users.load(dir, null));
        assertTrue(e.getMessage().contains("open to other users") && e.getMessage().contains("chmod 600"), e.getMessage());

        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
        Path elsewhere = Files.createTempFile(dir, "real", ".json");
        Files.move(file, elsewhere, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        Files.createSymbolicLink(file, elsewhere);
        e = assertThrows(IOException.class, () -> Users.load(dir, null));
        assertTrue(e.getMessage().contains("symbolic link"), e.getMessage());

        Files.delete(file);
        Users users = Users.load(dir, null);
        Files.createSymbolicLink(file, elsewhere);
        e = assertThrows(IOException.class, () -> users.create(Principal.of("b", Role.ADMIN)));
        assertTrue(e.getMessage().contains("symbolic link"), e.getMessage());
        assertEquals(Optional.empty(), users.find("b"), "a failed write changes nothing");
    }

    @Test
    void aDamagedFileIsRefusedWithEveryProblem() throws IOException {
        Path file = dir.resolve(Users.FILE);
        Files.writeString(file, """
                {"version": 1, "extra": true, "users": [
                  {"name": "a", "role": "viewer", "sha256": "short", "created": "2026-11-26T15:04:05Z"},
                  {"name": "b", "role": "god", "sha256": "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", "created": "2026-11-26T15:04:05Z"}
                ]}""");
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
        var e = assertThrows(Users.FileException.class, () -> Users.load(dir, null));
        for (String part : List.of(file.toString(), "unknown member 'extra'", "users[0]: \"sha256\"", "users[1]: role 'god'"))
            assertTrue(e.getMessage().contains(part), part + " in " + e.getMessage());
        Files.writeString(file, """
                {"version": 2, "users": [
                  {"name": "a", "role": "viewer", "created": "2026-11-26T15:04:05Z", "pbkdf2": {"iterations": 10, "salt": "AAAAAAAAAAAAAAAAAAAAAA", "hash": "x"}},
                  {"name": "b", "role": "viewer", "created": "2026-11-26T15:04:05Z", "sha256": "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"}
                ]}""");
        e = assertThrows(Users.FileException.class, () -> Users.load(dir, null));
        for (String part : List.of("users[0]: \"pbkdf2\".\"iterations\" must be a whole number from 1000", "users[1]: unknown member 'sha256'"))
            assertTrue(e.getMessage().contains(part), part + " in " + e.getMessage());
        Files.writeString(file, "{not json");
        e = assertThrows(Users.FileException.class, () -> Users.load(dir, null));
        assertTrue(e.getMessage().contains("not JSON"), e.getMessage());
    }

    @Test
    void aSuccessfulCheckIsRememberedAndAWrongTokenCostsNoPbkdf2() throws IOException {
        Users users = Users.load(dir, null);
        String garden = users.create(Principal.of("garden", Role.VIEWER)).token();
        String ops = users.create(Principal.of("ops", Role.OPERATOR)).token();
        assertEquals(0, users.remembered());
        assertEquals("garden", users.authenticate(null, garden).orElseThrow().name());
        assertEquals(1, users.slowChecks(), "the first check of a token is a PBKDF2");
        for (int i = 0; i < 5; i++) assertEquals("garden", users.authenticate(null, garden).orElseThrow().name());
        assertEquals("garden", users.authenticate("garden", garden).orElseThrow().name(), "Basic hits the same memory");
        assertEquals(Optional.empty(), users.authenticate("ops", garden), "but not under another name");
        assertEquals(1, users.slowChecks(), "the next ones are remembered");
        assertEquals(1, users.remembered());

        for (int i = 0; i < 50; i++) {
            assertEquals(Optional.empty(), users.authenticate(null, garden + i));
            assertEquals(Optional.empty(), users.authenticate("ops", ops.substring(1) + i));
            assertEquals(Optional.empty(), users.authenticate("nobody", "x" + i));
        }
        assertEquals(1, users.slowChecks(), "wrong tokens, Bearer or Basic with a real name, cost no PBKDF2");

        assertTrue(users.delete("ops"));
        assertEquals(0, users.remembered(), "a delete forgets every remembered check");
        assertEquals("garden", users.authenticate(null, garden).orElseThrow().name());
        assertEquals(2, users.slowChecks());
        Files.setPosixFilePermissions(dir.resolve(Users.FILE), PosixFilePermissions.fromString("rw-------"));
        users.reload();
        assertEquals(0, users.remembered(), "and so does a reload");
    }

    @Test
    void withTheKeyGoneATokenStillWorksWithItsNameButNotAsBearerNorForRtsp() throws IOException {
        Users users = Users.load(dir, null);
        String token = users.create(Principal.of("garden", Role.VIEWER)).token();
        assertEquals(1, users.secrets().size());
        Files.delete(dir.resolve(Users.KEY_FILE));
        Users later = Users.load(dir, null);
        assertEquals(Optional.empty(), later.authenticate(null, token), "Bearer needs the key to find the credential");
        assertEquals("garden", later.authenticate("garden", token).orElseThrow().name(), "NAME:TOKEN is checked by PBKDF2 alone");
        assertEquals(Optional.empty(), later.authenticate("garden", token + "x"));
        assertEquals(2, later.slowChecks(), "by name, each try is a PBKDF2 (and the throttle slows the address)");
        assertEquals(List.of(), later.secrets(), "RTSP cannot have a token the server cannot derive");
        String fresh = later.create(Principal.of("new", Role.VIEWER)).token();
        assertEquals("new", later.authenticate(null, fresh).orElseThrow().name(), "a new key for the new ones");
        assertEquals(List.of("new"), later.secrets().stream().map(s -> s.principal().name()).toList());
    }

    /** Writes a file of the older form (version 1: SHA-256 per token) for credentials this class made. */
    private void writeVersion1(Path file, boolean dropSaltOfFirst, Map<String, String> tokens) throws IOException {
        JsonObject now = Json.parse(Files.readString(file)).asObject();
        com.eclipsesource.json.JsonArray old = new com.eclipsesource.json.JsonArray();
        boolean first = true;
        for (var v : now.get("users").asArray()) {
            JsonObject u = v.asObject();
            JsonObject o = new JsonObject().add("name", u.get("name")).add("role", u.get("role"));
            if (u.get("streams") != null) o.add("streams", u.get("streams"));
            o.add("sha256", java.util.Base64.getUrlEncoder().withoutPadding().encodeToString(Users.sha256(tokens.get(u.getString("name", "")))));
            o.add("created", u.get("created"));
            if (!(first && dropSaltOfFirst)) o.add("salt", u.get("derive").asObject().get("salt"));
            first = false;
            old.add(o);
        }
        Files.writeString(file, new JsonObject().add("version", 1).add("users", old).toString());
    }

    @Test
    void aFileOfTheOlderFormIsConvertedOnceWithItsTokensUnchanged() throws IOException {
        Users users = Users.load(dir, null);
        Map<String, String> tokens = Map.of("garden", users.create(json("{\"name\":\"garden\",\"role\":\"viewer\",\"streams\":[\"cam-a\"]}")).token(),
                "ops", users.create(Principal.of("ops", Role.OPERATOR)).token());
        Path file = dir.resolve(Users.FILE);
        writeVersion1(file, false, tokens);
        assertTrue(Files.readString(file).contains("\"sha256\""));

        Users converted = Users.load(dir, null);
        String text = Files.readString(file);
        assertTrue(text.contains("\"version\": 2") && text.contains("\"pbkdf2\"") && !text.contains("sha256"), text);
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
        assertEquals(new Principal("garden", Role.VIEWER, Optional.of(Set.of("cam-a"))), converted.authenticate(null, tokens.get("garden")).orElseThrow());
        assertEquals("ops", converted.authenticate("ops", tokens.get("ops")).orElseThrow().name());
        assertEquals(2, converted.secrets().size(), "RTSP keeps them too");
        assertEquals(text, Files.readString(file), "checks do not write");

        // A credential whose token cannot be derived again cannot be converted: the file is refused, untouched.
        writeVersion1(file, true, tokens);
        String before = Files.readString(file);
        var e = assertThrows(Users.FileException.class, () -> Users.load(dir, null));
        assertTrue(e.getMessage().contains("older form") && e.getMessage().contains("garden") && !e.getMessage().contains("ops")
                && e.getMessage().contains("create them again"), e.getMessage());
        assertEquals(before, Files.readString(file), "nothing was written");
        e = assertThrows(Users.FileException.class, converted::reload, "nor by a reload, which keeps what is in use");
        assertEquals("garden", converted.authenticate(null, tokens.get("garden")).orElseThrow().name());
    }
}
