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
        assertTrue(text.contains("\"sha256\""));
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
        Files.writeString(file, "{not json");
        e = assertThrows(Users.FileException.class, () -> Users.load(dir, null));
        assertTrue(e.getMessage().contains("not JSON"), e.getMessage());
    }
}
