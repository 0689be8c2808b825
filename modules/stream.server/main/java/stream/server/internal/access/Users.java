package stream.server.internal.access;

import com.eclipsesource.json.Json;
import com.eclipsesource.json.JsonArray;
import com.eclipsesource.json.JsonObject;
import com.eclipsesource.json.JsonValue;
import com.eclipsesource.json.ParseException;
import com.eclipsesource.json.WriterConfig;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/**
 * The credentials: who may use the server, with which role, for which streams. Kept in
 * {@value #FILE} in the state directory (mode 0600, written atomically, never through a symbolic
 * link; a file open to other users is refused at load), and in memory as an immutable snapshot,
 * so that a delete revokes at once and {@link #authenticate} takes no lock.
 *
 * <p><b>Tokens are derived, so that RTSP can have them.</b> The RTSP server checks Digest itself
 * and needs each password in clear, which a file of hashes cannot give after a restart. So a
 * token is HMAC-SHA256 under a server key ({@value #KEY_FILE}, 32 random bytes, 0600, beside the
 * users file) of the credential's name and a random salt of its own: 256 bits that nobody without
 * the key can compute, shown once at creation ({@link Created#token}); the users file holds its
 * SHA-256 and the salt, never the token, and {@link #secrets} re-derives the tokens for the RTSP
 * process. Whoever reads the key and the users file can compute the tokens: both are the server
 * user's own files, like a TLS key. Deleting the key invalidates every derived token for RTSP
 * (HTTP keeps checking the hashes).
 *
 * <p><b>Why SHA-256 and not PBKDF2.</b> Every secret is a token this class makes, 256 bits no
 * one can guess, stored only as its SHA-256. A slow hash exists to make guessing a low-entropy password expensive after the hash
 * leaks; a 256-bit random token cannot be guessed at any cost per guess, so PBKDF2 would add
 * nothing but 50-100 ms of CPU to every request that carries a Bearer token (a dashboard polling
 * once a second, a Prometheus scraper, every WHEP request). One SHA-256 and a constant-time
 * comparison ({@link MessageDigest#isEqual}) against every credential (no early exit, so the time
 * does not depend on which credential matched or where the bytes differ) is as safe and costs
 * microseconds. The one secret not made here, {@code --token}, is never stored: it is kept in
 * memory as its SHA-256 like the others, and online guessing of it is slowed by
 * {@link FailureThrottle}. Should users ever choose their own passwords, those need PBKDF2
 * ({@code PBKDF2WithHmacSHA256}, a salt each) and a cache of successful checks keyed by a SHA-256
 * of the presented secret; the file's {@code "sha256"} member names the scheme so that another can
 * be added beside it.
 *
 * <p>File form: {@code {"version": 1, "users": [{"name", "role", "streams"?, "sha256", "created"}]}};
 * a file not exactly in that form is refused at load with every problem named.
 */
public final class Users {
    /** The file's name in the state directory. */
    public static final String FILE = "users.json";
    /** The name of the credential {@code --token} gives: an admin for all streams, not in the file, not deletable. */
    public static final String TOKEN_USER = "token";
    /** At most this many credentials in the file. */
    public static final int MAX_USERS = 1000;
    private static final int TOKEN_BYTES = 32;
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final Set<String> CREATE_MEMBERS = Set.of("name", "role", "streams");
    private static final Set<String> FILE_MEMBERS = Set.of("name", "role", "streams", "sha256", "created", "salt");
    /** The server's secret from which tokens are derived, in the state directory beside {@value #FILE}. */
    public static final String KEY_FILE = "users.key";
    private static final int KEY_BYTES = 32, SALT_BYTES = 16;

    /**
     * A credential as stored: who, the SHA-256 of its token, when it was made, and the salt its
     * token was derived with (null for a token that was not derived: it cannot be given to RTSP).
     */
    private record Entry(Principal principal, byte[] hash, Instant created, byte[] salt) {}

    /**
     * A credential with its token in clear, re-derived for a process that must check it itself
     * (the RTSP server's Digest authentication needs the password). Never logged: toString hides it.
     */
    public record Secret(Principal principal, String token) {
        @Override
        public String toString() {
            return "Secret[" + principal + ", token=(hidden)]";
        }
    }

    /** A new credential and its token: the only time the token is known. */
    public record Created(Principal principal, String token) {
        /** @return {"name", "role", "streams"?, "token"}: the answer to a create */
        public JsonObject toJson() {
            return principal.toJson().add("token", token);
        }

        @Override
        public String toString() {
            return "Created[" + principal + ", token=(hidden)]";
        }
    }

    /** The users file is not as this class writes it. */
    public static final class FileException extends IOException {
        private static final long serialVersionUID = 1L;

        FileException(String message) {
            super(message);
        }
    }

    private final Path file;
    private final Entry tokenEntry; // may be null
    private String serverToken; // --token, or null: given to RTSP as it is
    private byte[] key; // the derivation key (users.key), or null before the first credential; guarded by writeLock for writes

    private final Object writeLock = new Object();
    private final List<Consumer<String>> onDelete = new CopyOnWriteArrayList<>();
    private final List<Runnable> onChange = new CopyOnWriteArrayList<>();
    private volatile List<Entry> entries;

    private Users(Path file, Entry tokenEntry, List<Entry> entries) {
        this.file = file;
        this.tokenEntry = tokenEntry;
        this.entries = List.copyOf(entries);
    }

    /**
     * Reads the credentials of a state directory.
     * @param stateDir the server's state directory (private, as stream.server's StateDir checks it)
     * @param serverToken the {@code --token} value, or null: it becomes the admin credential {@value #TOKEN_USER}
     * @return the credentials; none when the file does not exist yet
     * @throws FileException naming the file and every problem in it
     * @throws IOException when the file is a symbolic link, open to other users, or unreadable
     */
    public static Users load(Path stateDir, String serverToken) throws IOException {
        Path file = stateDir.resolve(FILE);
        Entry token = null;
        if (serverToken != null) {
            if (serverToken.isEmpty()) throw new IllegalArgumentException("--token is empty");
            token = new Entry(Principal.of(TOKEN_USER, Role.ADMIN), sha256(serverToken), Instant.EPOCH, null);
        }
        List<Entry> entries = PrivateFiles.checkPrivate(file) ? parse(file, Files.readString(file, StandardCharsets.UTF_8)) : List.of();
        Users users = new Users(file, token, entries);
        users.serverToken = serverToken;
        Path keyFile = stateDir.resolve(KEY_FILE);
        if (PrivateFiles.checkPrivate(keyFile)) {
            byte[] key = Files.readAllBytes(keyFile);
            if (key.length != KEY_BYTES) throw new FileException(keyFile + ": not a key this server wrote (" + key.length + " bytes, not " + KEY_BYTES
                    + "); remove it and the users file, then create the credentials again");
            users.key = key;
        }
        return users;
    }

    private static List<Entry> parse(Path file, String text) throws FileException {
        List<String> problems = new ArrayList<>();
        List<Entry> out = new ArrayList<>();
        try {
            JsonValue root = Json.parse(text);
            if (!root.isObject()) throw new FileException(file + ": not a JSON object");
            JsonObject o = root.asObject();
            for (String m : o.names()) if (!m.equals("version") && !m.equals("users")) problems.add("unknown member '" + Text.clip(m) + "'");
            JsonValue v = o.get("version");
            if (v == null || !v.isNumber() || v.asDouble() != 1) problems.add("\"version\" must be 1");
            JsonValue users = o.get("users");
            if (users == null || !users.isArray()) problems.add("\"users\" must be a list");
            else {
                Set<String> names = new LinkedHashSet<>();
                int i = 0;
                for (JsonValue u : users.asArray()) {
                    String where = "users[" + i++ + "]";
                    try {
                        Entry e = entry(u);
                        if (!names.add(e.principal().name())) problems.add(where + ": the name '" + e.principal().name() + "' appears twice");
                        else out.add(e);
                    } catch (IllegalArgumentException e) {
                        problems.add(where + ": " + e.getMessage());
                    }
                }
                if (names.size() > MAX_USERS) problems.add("more than " + MAX_USERS + " credentials");
            }
        } catch (ParseException e) {
            problems.add("not JSON: " + e.getMessage());
        }
        if (!problems.isEmpty())
            throw new FileException(file + " is damaged; nothing was changed, fix or remove it: " + String.join("; ", problems));
        return out;
    }

    private static Entry entry(JsonValue u) {
        if (!u.isObject()) throw new IllegalArgumentException("not an object");
        JsonObject o = u.asObject();
        for (String m : o.names()) if (!FILE_MEMBERS.contains(m)) throw new IllegalArgumentException("unknown member '" + Text.clip(m) + "'");
        Principal p = principal(o, true);
        JsonValue h = o.get("sha256");
        byte[] hash;
        try {
            hash = h != null && h.isString() ? Base64.getUrlDecoder().decode(h.asString()) : null;
        } catch (IllegalArgumentException e) {
            hash = null;
        }
        if (hash == null || hash.length != 32) throw new IllegalArgumentException("\"sha256\" must be the 43-character base64url SHA-256 of the token");
        JsonValue sv = o.get("salt");
        byte[] salt = null;
        if (sv != null) {
            try {
                salt = sv.isString() ? Base64.getUrlDecoder().decode(sv.asString()) : null;
            } catch (IllegalArgumentException e) {
                salt = null;
            }
            if (salt == null || salt.length != SALT_BYTES) throw new IllegalArgumentException("\"salt\" must be 16 bytes in base64url");
        }
        JsonValue c = o.get("created");
        try {
            return new Entry(p, hash, Instant.parse(c != null && c.isString() ? c.asString() : ""), salt);
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException("\"created\" must be a UTC time such as 2026-11-26T15:04:05Z");
        }
    }

    /** Reads name, role and streams; a file may not use the reserved name either. */
    private static Principal principal(JsonObject o, boolean inFile) {
        JsonValue n = o.get("name");
        if (n == null || !n.isString()) throw new IllegalArgumentException("\"name\" is missing or not a string");
        String name = n.asString();
        if (!Text.validName(name)) throw new IllegalArgumentException("name '" + Text.clip(name) + "': use " + Text.NAME_RULE);
        if (name.equals(TOKEN_USER)) throw new IllegalArgumentException("the name '" + TOKEN_USER + "' is kept for --token" + (inFile ? "" : "; choose another"));
        JsonValue r = o.get("role");
        Role role = Role.parse(r != null && r.isString() ? r.asString() : null);
        JsonValue s = o.get("streams");
        if (s == null) return Principal.of(name, role);
        if (!s.isArray() || s.asArray().isEmpty())
            throw new IllegalArgumentException("\"streams\" must be a non-empty list of stream names (leave it out for all streams)");
        Set<String> streams = new LinkedHashSet<>();
        for (JsonValue x : s.asArray()) {
            if (!x.isString() || !Text.validName(x.asString()))
                throw new IllegalArgumentException("stream " + (x.isString() ? "'" + Text.clip(x.asString()) + "'" : x.toString()) + " in \"streams\": use " + Text.NAME_RULE);
            if (!streams.add(x.asString())) throw new IllegalArgumentException("stream '" + x.asString() + "' appears twice in \"streams\"");
        }
        return new Principal(name, role, Optional.of(streams));
    }

    /**
     * Makes a credential from the API's request body and saves it.
     * @param request {@code {"name": "garden", "role": "viewer", "streams": ["cam-a"]}} ({@code streams} optional: all)
     * @return the credential and its token, to be shown once: {@link Created#toJson()}
     * @throws IllegalArgumentException naming what is wrong with the request (a 400)
     * @throws IllegalStateException when the name is taken or there are {@value #MAX_USERS} already (a 409)
     * @throws IOException when the file could not be written; nothing changed then
     */
    public Created create(JsonObject request) throws IOException {
        for (String m : request.names())
            if (!CREATE_MEMBERS.contains(m)) throw new IllegalArgumentException("unknown member '" + Text.clip(m) + "': a credential has name, role and streams");
        return create(principal(request, false));
    }

    /**
     * Makes a credential and saves it.
     * @param principal its name (not {@value #TOKEN_USER}), role and streams
     * @return the credential and its token
     * @throws IllegalStateException when the name is taken or there are {@value #MAX_USERS} already
     * @throws IOException when the file could not be written; nothing changed then
     */
    public Created create(Principal principal) throws IOException {
        Objects.requireNonNull(principal, "principal");
        if (!Text.validName(principal.name()) || principal.name().equals(TOKEN_USER))
            throw new IllegalArgumentException("name '" + Text.clip(principal.name()) + "': use " + Text.NAME_RULE + ", not '" + TOKEN_USER + "'");
        byte[] salt = new byte[SALT_BYTES];
        RANDOM.nextBytes(salt);
        String token;
        synchronized (writeLock) {
            if (key == null) {
                byte[] k = new byte[KEY_BYTES];
                RANDOM.nextBytes(k);
                PrivateFiles.writeAtomically(file.resolveSibling(KEY_FILE), k);
                key = k;
            }
            token = derive(key, principal.name(), salt);
            List<Entry> now = entries;
            if (now.stream().anyMatch(e -> e.principal().name().equals(principal.name())))
                throw new IllegalStateException("a credential named '" + principal.name() + "' exists already; delete it first to give a new token");
            if (now.size() >= MAX_USERS) throw new IllegalStateException("there are " + MAX_USERS + " credentials already; delete some first");
            List<Entry> next = new ArrayList<>(now);
            next.add(new Entry(principal, sha256(token), Instant.now().truncatedTo(java.time.temporal.ChronoUnit.SECONDS), salt));
            save(next);
            entries = List.copyOf(next);
        }
        changed();
        return new Created(principal, token);
    }

    /**
     * Deletes a credential: from the next request on its token is refused, and the listeners
     * (sessions) are told at once.
     * @param name the credential's name
     * @return whether it existed
     * @throws IllegalArgumentException for {@value #TOKEN_USER}, which only removing --token revokes
     * @throws IOException when the file could not be written; nothing changed then
     */
    public boolean delete(String name) throws IOException {
        if (TOKEN_USER.equals(name)) throw new IllegalArgumentException("the credential '" + TOKEN_USER + "' is --token; restart the server without it to revoke it");
        synchronized (writeLock) {
            List<Entry> next = new ArrayList<>(entries);
            if (!next.removeIf(e -> e.principal().name().equals(name))) return false;
            save(next);
            entries = List.copyOf(next);
        }
        for (Consumer<String> l : onDelete) l.accept(name);
        changed();
        return true;
    }

    /**
     * Reads the file again (SIGHUP: an operator edited or restored it): the credentials in it
     * replace those in memory; a credential no longer there is revoked as by {@link #delete}.
     * When the file is damaged or unsafe, nothing changes and the problem is thrown.
     * @return how many credentials the file holds now
     * @throws IOException naming the file and what is wrong
     */
    public int reload() throws IOException {
        List<String> gone = new ArrayList<>();
        int n;
        synchronized (writeLock) {
            List<Entry> next = PrivateFiles.checkPrivate(file) ? parse(file, Files.readString(file, StandardCharsets.UTF_8)) : List.of();
            Path keyFile = file.resolveSibling(KEY_FILE);
            if (PrivateFiles.checkPrivate(keyFile)) {
                byte[] k = Files.readAllBytes(keyFile);
                if (k.length == KEY_BYTES) key = k;
            }
            Set<String> names = new LinkedHashSet<>();
            for (Entry e : next) names.add(e.principal().name());
            for (Entry e : entries) if (!names.contains(e.principal().name())) gone.add(e.principal().name());
            entries = List.copyOf(next);
            n = next.size();
        }
        for (String name : gone) for (Consumer<String> l : onDelete) l.accept(name);
        changed();
        return n;
    }

    /** @return the file the credentials are kept in */
    public Path file() {
        return file;
    }

    /** @param listener told the name of every deleted credential, after the delete (e.g. {@link Sessions#revoke}) */
    public void onDelete(Consumer<String> listener) {
        onDelete.add(Objects.requireNonNull(listener, "listener"));
    }

    /** @return every credential, {@value #TOKEN_USER} first when there is one; no secrets */
    public List<Principal> list() {
        List<Principal> all = new ArrayList<>();
        if (tokenEntry != null) all.add(tokenEntry.principal());
        for (Entry e : entries) all.add(e.principal());
        return all;
    }

    /** @return the answer to GET /users: {"users": [{"name", "role", "streams"?, "created"?}]} */
    public JsonObject listJson() {
        JsonArray a = new JsonArray();
        if (tokenEntry != null) a.add(tokenEntry.principal().toJson().add("from", "--token"));
        for (Entry e : entries) a.add(e.principal().toJson().add("created", e.created().toString()));
        return new JsonObject().add("users", a);
    }

    /** @param name a credential's name @return it, when it exists now */
    public Optional<Principal> find(String name) {
        if (tokenEntry != null && tokenEntry.principal().name().equals(name)) return Optional.of(tokenEntry.principal());
        return entries.stream().map(Entry::principal).filter(p -> p.name().equals(name)).findFirst();
    }

    /** @return whether there is any credential at all (else the server is open, as without --token) */
    public boolean any() {
        return tokenEntry != null || !entries.isEmpty();
    }

    /**
     * Checks a presented secret against every credential in constant time.
     * @param name the name presented with it (Basic), or null (Bearer): then any credential's token matches
     * @param secret the token presented
     * @return the principal whose token it is (and whose name it is, when one was given)
     */
    public Optional<Principal> authenticate(String name, String secret) {
        if (secret == null || secret.isEmpty()) return Optional.empty();
        byte[] h = sha256(secret);
        Principal found = null;
        List<Entry> all = new ArrayList<>(entries.size() + 1);
        if (tokenEntry != null) all.add(tokenEntry);
        all.addAll(entries);
        for (Entry e : all) {
            boolean match = MessageDigest.isEqual(h, e.hash()) & (name == null || name.equals(e.principal().name()));
            if (match && found == null) found = e.principal();
        }
        return Optional.ofNullable(found);
    }

    private void save(List<Entry> list) throws IOException {
        JsonArray a = new JsonArray();
        for (Entry e : list) {
            JsonObject o = e.principal().toJson().add("sha256", Base64.getUrlEncoder().withoutPadding().encodeToString(e.hash())).add("created", e.created().toString());
            if (e.salt() != null) o.add("salt", Base64.getUrlEncoder().withoutPadding().encodeToString(e.salt()));
            a.add(o);
        }
        String text = new JsonObject().add("version", 1).add("users", a).toString(WriterConfig.PRETTY_PRINT) + "\n";
        PrivateFiles.writeAtomically(file, text.getBytes(StandardCharsets.UTF_8));
    }

    /**
     * A token: HMAC-SHA256 under the server's key of the name and a salt of its own, 256 bits as
     * unguessable as random ones without the key; with it, the server can give each token again
     * to the RTSP process (Digest needs the password in clear), while the users file holds only
     * hashes and salts. A new salt per credential gives a re-created name a new token.
     */
    private static String derive(byte[] key, String name, byte[] salt) {
        try {
            javax.crypto.Mac mac = javax.crypto.Mac.getInstance("HmacSHA256");
            mac.init(new javax.crypto.spec.SecretKeySpec(key, "HmacSHA256"));
            mac.update(("stream-server credential\0" + name + "\0").getBytes(StandardCharsets.UTF_8));
            byte[] out = mac.doFinal(salt);
            return Base64.getUrlEncoder().withoutPadding().encodeToString(out);
        } catch (java.security.GeneralSecurityException e) {
            throw new IllegalStateException("every JDK has HmacSHA256", e);
        }
    }

    /**
     * Every credential whose token the server can give again, with it: --token's (named
     * {@value #TOKEN_USER}) and each derived one whose hash still matches (a credential from an
     * older file or under a replaced key is left out, and cannot use RTSP).
     * @return the credentials and their tokens, for the RTSP process only
     */
    public List<Secret> secrets() {
        List<Secret> out = new ArrayList<>();
        if (tokenEntry != null && serverToken != null) out.add(new Secret(tokenEntry.principal(), serverToken));
        byte[] k = key;
        if (k == null) return out;
        for (Entry e : entries) {
            if (e.salt() == null) continue;
            String t = derive(k, e.principal().name(), e.salt());
            if (MessageDigest.isEqual(sha256(t), e.hash())) out.add(new Secret(e.principal(), t));
        }
        return out;
    }

    /** @param listener told after every change of the credentials (create, delete, reload) */
    public void onChange(Runnable listener) {
        onChange.add(Objects.requireNonNull(listener, "listener"));
    }

    private void changed() {
        for (Runnable r : onChange) {
            try {
                r.run();
            } catch (RuntimeException e) {
                System.getLogger("stream.server").log(System.Logger.Level.WARNING, "after a change of the credentials: " + e);
            }
        }
    }

    static byte[] sha256(String secret) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(secret.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }
}
