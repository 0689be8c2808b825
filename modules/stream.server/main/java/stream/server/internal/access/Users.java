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
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Semaphore;
import java.util.function.Consumer;
import javax.crypto.Mac;
import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.PBEKeySpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * The credentials: who may use the server, with which role, for which streams. Kept in
 * {@value #FILE} in the state directory (mode 0600, written atomically, never through a symbolic
 * link; a file open to other users is refused at load), and in memory as an immutable snapshot,
 * so that a delete revokes at once and {@link #authenticate} takes no lock.
 *
 * <p><b>Stored as salted slow hashes.</b> The file holds each token only as
 * {@value #SCHEME} with {@value #ITERATIONS} iterations (OWASP's figure for PBKDF2-HMAC-SHA256),
 * a random 16-byte salt of its own and a 256-bit output; the count is stored per credential, so
 * that it can be raised later without invalidating older ones. A check compares in constant time
 * ({@link MessageDigest#isEqual}).
 *
 * <p><b>One PBKDF2 per token and process, and none for a wrong one.</b> A check costs ~170 ms of
 * CPU on the project's 2-core machine at load 3, 360-870 ms at load 12 (README, access section), too much for every request of a dashboard, a
 * Prometheus scraper or a script, so a successful check is remembered: a bounded in-memory cache
 * ({@value #CACHE_SIZE} entries) keyed by an HMAC of the presented token under a key of this
 * process (never the token itself), dropped whole on every create, delete and reload. To find
 * which credential a Bearer token claims to be without a PBKDF2 per credential, the server keeps
 * in memory the same keyed HMAC of each credential's token as it derives it (next paragraph): a
 * token that is not one of them fails at the cost of one HMAC, so failures cannot be used to burn
 * CPU. Only a credential whose token the server cannot derive (its key was replaced) is checked by
 * its name (Basic, sign-in) with a PBKDF2 per attempt; those run at most
 * {@code max(1, cores / 2)} at a time, and {@link FailureThrottle} slows the address down.
 *
 * <p><b>Tokens are derived, so that RTSP can have them.</b> The RTSP server checks Digest itself
 * and needs each password in clear, which a file of hashes cannot give after a restart. So a
 * token is HMAC-SHA256 under a server key ({@value #KEY_FILE}, 32 random bytes, 0600, beside the
 * users file) of the credential's name and a random salt of its own: 256 bits that nobody without
 * the key can compute, shown once at creation ({@link Created#token}); {@link #secrets} derives the
 * tokens again for the RTSP process. Whoever reads the key and the users file can compute the
 * tokens: both are the server user's own files, like a TLS key. The file alone gives nothing but
 * slow hashes of 256-bit random values. Each credential notes which key it was derived with (an
 * 8-byte key id); with the key deleted or replaced, those credentials still work as NAME:TOKEN
 * (Basic, sign-in) but no longer as Bearer or over RTSP.
 *
 * <p><b>The older form</b> (version 1: a SHA-256 per token) is converted at load, once: each
 * token is derived again, checked against its SHA-256 and stored as PBKDF2; the file is rewritten
 * as version 2 and the log says so. The tokens stay the same. A credential whose token cannot be
 * derived (no salt, or another key) cannot be converted: the file is then refused at start, naming
 * those credentials, and nothing is written.
 *
 * <p>{@code --token} is never stored: it is kept in memory as its SHA-256 and compared in constant
 * time; online guessing of it is slowed by {@link FailureThrottle}.
 *
 * <p>File form: {@code {"version": 2, "users": [{"name", "role", "streams"?, "created",
 * "pbkdf2": {"iterations", "salt", "hash"}, "derive": {"salt", "key"}}]}}; a file not exactly in
 * that form (or version 1's) is refused at load with every problem named.
 */
public final class Users {
    private static final System.Logger LOG = System.getLogger("stream.server");
    /** The file's name in the state directory. */
    public static final String FILE = "users.json";
    /** The name of the credential {@code --token} gives: an admin for all streams, not in the file, not deletable. */
    public static final String TOKEN_USER = "token";
    /** At most this many credentials in the file. */
    public static final int MAX_USERS = 1000;
    /** The slow hash of the stored tokens, as the JDK names it. */
    public static final String SCHEME = "PBKDF2WithHmacSHA256";
    /** PBKDF2 iterations for new credentials (OWASP, 2023, for PBKDF2-HMAC-SHA256). */
    public static final int ITERATIONS = 600_000;
    /** Successful checks remembered, at most. */
    public static final int CACHE_SIZE = 1024;
    private static final int MIN_ITERATIONS = 1_000, MAX_ITERATIONS = 10_000_000;
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final Set<String> CREATE_MEMBERS = Set.of("name", "role", "streams");
    private static final Set<String> FILE_MEMBERS_V1 = Set.of("name", "role", "streams", "sha256", "created", "salt");
    private static final Set<String> FILE_MEMBERS = Set.of("name", "role", "streams", "created", "pbkdf2", "derive");
    /** The server's secret from which tokens are derived, in the state directory beside {@value #FILE}. */
    public static final String KEY_FILE = "users.key";
    private static final int KEY_BYTES = 32, SALT_BYTES = 16, HASH_BYTES = 32, KEY_ID_BYTES = 8;
    /** PBKDF2 checks by name (a credential whose token cannot be derived) at once, at most. */
    private static final Semaphore SLOW_CHECKS = new Semaphore(Math.max(1, Runtime.getRuntime().availableProcessors() / 2), true);

    /** A token as stored: PBKDF2 with its iterations and salt. */
    record Pbkdf2(int iterations, byte[] salt, byte[] hash) {
        static Pbkdf2 of(String token) {
            byte[] salt = new byte[SALT_BYTES];
            RANDOM.nextBytes(salt);
            return new Pbkdf2(ITERATIONS, salt, pbkdf2(token, salt, ITERATIONS));
        }

        boolean matches(String token) {
            return MessageDigest.isEqual(pbkdf2(token, salt, iterations), hash);
        }

        JsonObject toJson() {
            return new JsonObject().add("iterations", iterations).add("salt", b64(salt)).add("hash", b64(hash));
        }
    }

    /**
     * A credential as stored: who, when it was made, its token's PBKDF2 (null only in a version 1
     * file before conversion, which has {@code sha256} instead), and the salt and key id its token
     * was derived with (null for a token that was not derived: it cannot be given to RTSP).
     */
    private record Entry(Principal principal, Instant created, Pbkdf2 pbkdf2, byte[] sha256, byte[] salt, byte[] keyId) {}

    /**
     * What authenticate reads, replaced whole on every change: the entries, by name, and by the
     * process-keyed HMAC of each token the server can derive.
     */
    private record State(List<Entry> entries, Map<String, Entry> byName, Map<String, Entry> byToken) {}

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
    private final Principal tokenPrincipal; // --token's, or null
    private final byte[] tokenHash; // SHA-256 of --token, or null
    private final String serverToken; // --token, or null: given to RTSP as it is
    private final byte[] processKey = new byte[KEY_BYTES]; // keys the in-memory HMACs of tokens; never leaves the process
    private byte[] key; // the derivation key (users.key), or null before the first credential; guarded by writeLock for writes

    private final Object writeLock = new Object();
    private final List<Consumer<String>> onDelete = new CopyOnWriteArrayList<>();
    private final List<Runnable> onChange = new CopyOnWriteArrayList<>();
    private volatile State state;
    private final java.util.concurrent.atomic.AtomicLong slowChecks = new java.util.concurrent.atomic.AtomicLong();
    private final LinkedHashMap<String, Entry> verified = new LinkedHashMap<>(16, 0.75f, true) { // guarded by itself
        private static final long serialVersionUID = 1L;

        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Users.Entry> eldest) {
            return size() > CACHE_SIZE;
        }
    };

    private Users(Path file, String serverToken, byte[] key) {
        this.file = file;
        this.serverToken = serverToken;
        this.tokenPrincipal = serverToken == null ? null : Principal.of(TOKEN_USER, Role.ADMIN);
        this.tokenHash = serverToken == null ? null : sha256(serverToken);
        this.key = key;
        RANDOM.nextBytes(processKey);
    }

    /**
     * Reads the credentials of a state directory, converting a version 1 file (see the class comment).
     * @param stateDir the server's state directory (private, as stream.server's StateDir checks it)
     * @param serverToken the {@code --token} value, or null: it becomes the admin credential {@value #TOKEN_USER}
     * @return the credentials; none when the file does not exist yet
     * @throws FileException naming the file and every problem in it
     * @throws IOException when the file is a symbolic link, open to other users, or unreadable
     */
    public static Users load(Path stateDir, String serverToken) throws IOException {
        Path file = stateDir.resolve(FILE);
        if (serverToken != null && serverToken.isEmpty()) throw new IllegalArgumentException("--token is empty");
        Users users = new Users(file, serverToken, readKey(file.resolveSibling(KEY_FILE)));
        users.install(users.read());
        return users;
    }

    private static byte[] readKey(Path keyFile) throws IOException {
        if (!PrivateFiles.checkPrivate(keyFile)) return null;
        byte[] key = Files.readAllBytes(keyFile);
        if (key.length != KEY_BYTES) throw new FileException(keyFile + ": not a key this server wrote (" + key.length + " bytes, not " + KEY_BYTES
                + "); remove it and the users file, then create the credentials again");
        return key;
    }

    /** Reads the file (none: no credentials), converting version 1 and writing the result. Call with the key read. */
    private List<Entry> read() throws IOException {
        if (!PrivateFiles.checkPrivate(file)) return List.of();
        List<Entry> entries = parse(file, Files.readString(file, StandardCharsets.UTF_8));
        if (entries.stream().noneMatch(e -> e.pbkdf2() == null)) return entries;
        List<String> lost = new ArrayList<>();
        List<Entry> converted = new ArrayList<>();
        byte[] k = key;
        for (Entry e : entries) {
            String token = e.salt() == null || k == null ? null : derive(k, e.principal().name(), e.salt());
            if (token == null || !MessageDigest.isEqual(sha256(token), e.sha256())) lost.add(e.principal().name());
            else converted.add(new Entry(e.principal(), e.created(), Pbkdf2.of(token), null, e.salt(), keyId(k)));
        }
        if (!lost.isEmpty())
            throw new FileException(file + " is in the older form (version 1, SHA-256) and the tokens of " + String.join(", ", lost)
                    + " cannot be derived again to store them as " + SCHEME + " (" + (k == null ? KEY_FILE + " is missing" : "no salt, or " + KEY_FILE + " was replaced")
                    + "); nothing was changed. Remove those credentials from the file (or remove the file) and create them again");
        save(converted);
        LOG.log(System.Logger.Level.INFO, file + " converted from version 1 (SHA-256) to version 2 (" + SCHEME + ", " + ITERATIONS
                + " iterations): " + converted.size() + " credential(s), their tokens unchanged");
        return converted;
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
            int version = v != null && v.isNumber() && (v.asDouble() == 1 || v.asDouble() == 2) ? (int) v.asDouble() : 0;
            if (version == 0) problems.add("\"version\" must be 2 (or 1, the older form, which is converted)");
            JsonValue users = o.get("users");
            if (users == null || !users.isArray()) problems.add("\"users\" must be a list");
            else if (version != 0) {
                Set<String> names = new LinkedHashSet<>();
                int i = 0;
                for (JsonValue u : users.asArray()) {
                    String where = "users[" + i++ + "]";
                    try {
                        Entry e = version == 1 ? entryV1(u) : entry(u);
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
        JsonValue h = o.get("pbkdf2");
        if (h == null || !h.isObject()) throw new IllegalArgumentException("\"pbkdf2\" must be {\"iterations\", \"salt\", \"hash\"}");
        JsonValue it = h.asObject().get("iterations");
        if (it == null || !it.isNumber() || it.asDouble() != Math.rint(it.asDouble()) || it.asDouble() < MIN_ITERATIONS || it.asDouble() > MAX_ITERATIONS)
            throw new IllegalArgumentException("\"pbkdf2\".\"iterations\" must be a whole number from " + MIN_ITERATIONS + " to " + MAX_ITERATIONS);
        Pbkdf2 pbkdf2 = new Pbkdf2((int) it.asDouble(), bytes(h.asObject(), "salt", SALT_BYTES, "\"pbkdf2\".\"salt\""),
                bytes(h.asObject(), "hash", HASH_BYTES, "\"pbkdf2\".\"hash\""));
        byte[] salt = null, keyId = null;
        JsonValue d = o.get("derive");
        if (d != null) {
            if (!d.isObject()) throw new IllegalArgumentException("\"derive\" must be {\"salt\", \"key\"}");
            salt = bytes(d.asObject(), "salt", SALT_BYTES, "\"derive\".\"salt\"");
            keyId = bytes(d.asObject(), "key", KEY_ID_BYTES, "\"derive\".\"key\"");
        }
        return new Entry(p, created(o), pbkdf2, null, salt, keyId);
    }

    /** A credential of the older form: name, role, streams, sha256, created, salt. */
    private static Entry entryV1(JsonValue u) {
        if (!u.isObject()) throw new IllegalArgumentException("not an object");
        JsonObject o = u.asObject();
        for (String m : o.names()) if (!FILE_MEMBERS_V1.contains(m)) throw new IllegalArgumentException("unknown member '" + Text.clip(m) + "'");
        Principal p = principal(o, true);
        byte[] hash = bytes(o, "sha256", HASH_BYTES, "\"sha256\"");
        byte[] salt = o.get("salt") == null ? null : bytes(o, "salt", SALT_BYTES, "\"salt\"");
        return new Entry(p, created(o), null, hash, salt, null);
    }

    private static byte[] bytes(JsonObject o, String member, int length, String what) {
        JsonValue v = o.get(member);
        byte[] b;
        try {
            b = v != null && v.isString() ? Base64.getUrlDecoder().decode(v.asString()) : null;
        } catch (IllegalArgumentException e) {
            b = null;
        }
        if (b == null || b.length != length) throw new IllegalArgumentException(what + " must be " + length + " bytes in base64url");
        return b;
    }

    private static Instant created(JsonObject o) {
        JsonValue c = o.get("created");
        try {
            return Instant.parse(c != null && c.isString() ? c.asString() : "");
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
            List<Entry> now = state.entries();
            if (state.byName().containsKey(principal.name()))
                throw new IllegalStateException("a credential named '" + principal.name() + "' exists already; delete it first to give a new token");
            if (now.size() >= MAX_USERS) throw new IllegalStateException("there are " + MAX_USERS + " credentials already; delete some first");
            if (key == null) {
                byte[] k = new byte[KEY_BYTES];
                RANDOM.nextBytes(k);
                PrivateFiles.writeAtomically(file.resolveSibling(KEY_FILE), k);
                key = k;
            }
            token = derive(key, principal.name(), salt);
            List<Entry> next = new ArrayList<>(now);
            next.add(new Entry(principal, Instant.now().truncatedTo(java.time.temporal.ChronoUnit.SECONDS), Pbkdf2.of(token), null, salt, keyId(key)));
            save(next);
            install(next);
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
            List<Entry> next = new ArrayList<>(state.entries());
            if (!next.removeIf(e -> e.principal().name().equals(name))) return false;
            save(next);
            install(next);
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
            byte[] before = key;
            byte[] k = readKey(file.resolveSibling(KEY_FILE));
            if (k != null) key = k;
            List<Entry> next;
            try {
                next = read();
            } catch (IOException e) {
                key = before;
                throw e;
            }
            Set<String> names = new LinkedHashSet<>();
            for (Entry e : next) names.add(e.principal().name());
            for (Entry e : state.entries()) if (!names.contains(e.principal().name())) gone.add(e.principal().name());
            install(next);
            n = next.size();
        }
        for (String name : gone) for (Consumer<String> l : onDelete) l.accept(name);
        changed();
        return n;
    }

    /** Makes the credentials current and forgets every remembered check. Call under writeLock (or from load). */
    private void install(List<Entry> list) {
        Map<String, Entry> byName = new HashMap<>();
        Map<String, Entry> byToken = new HashMap<>();
        byte[] k = key;
        byte[] id = k == null ? null : keyId(k);
        for (Entry e : list) {
            byName.put(e.principal().name(), e);
            if (id != null && e.salt() != null && MessageDigest.isEqual(id, e.keyId())) byToken.put(tag(derive(k, e.principal().name(), e.salt())), e);
        }
        state = new State(List.copyOf(list), Map.copyOf(byName), Map.copyOf(byToken));
        synchronized (verified) {
            verified.clear();
        }
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
        if (tokenPrincipal != null) all.add(tokenPrincipal);
        for (Entry e : state.entries()) all.add(e.principal());
        return all;
    }

    /** @return the answer to GET /users: {"users": [{"name", "role", "streams"?, "created"?}]} */
    public JsonObject listJson() {
        JsonArray a = new JsonArray();
        if (tokenPrincipal != null) a.add(tokenPrincipal.toJson().add("from", "--token"));
        for (Entry e : state.entries()) a.add(e.principal().toJson().add("created", e.created().toString()));
        return new JsonObject().add("users", a);
    }

    /** @param name a credential's name @return it, when it exists now */
    public Optional<Principal> find(String name) {
        if (tokenPrincipal != null && tokenPrincipal.name().equals(name)) return Optional.of(tokenPrincipal);
        return Optional.ofNullable(state.byName().get(name)).map(Entry::principal);
    }

    /** @return whether there is any credential at all (else the server is open, as without --token) */
    public boolean any() {
        return tokenPrincipal != null || !state.entries().isEmpty();
    }

    /**
     * Checks a presented secret (see the class comment for what it costs).
     * @param name the name presented with it (Basic, sign-in), or null (Bearer): then any credential's token matches
     * @param secret the token presented
     * @return the principal whose token it is (and whose name it is, when one was given)
     */
    public Optional<Principal> authenticate(String name, String secret) {
        if (secret == null || secret.isEmpty()) return Optional.empty();
        if (tokenHash != null && MessageDigest.isEqual(sha256(secret), tokenHash) && (name == null || name.equals(TOKEN_USER)))
            return Optional.of(tokenPrincipal);
        State s = state;
        String tag = tag(secret);
        Entry hit;
        synchronized (verified) {
            hit = verified.get(tag);
        }
        // a remembered check counts only while its credential is the current one of its name
        if (hit != null && s.byName().get(hit.principal().name()) == hit) return named(hit, name);
        Entry candidate = s.byToken().get(tag);
        if (candidate == null) {
            // a token the server cannot derive (its key was replaced): only by its name, one PBKDF2 per try
            Entry byName = name == null ? null : s.byName().get(name);
            if (byName == null || s.byToken().containsValue(byName)) return Optional.empty();
            candidate = byName;
        } else if (name != null && !name.equals(candidate.principal().name())) {
            return Optional.empty();
        }
        if (!slowCheck(candidate.pbkdf2(), secret)) return Optional.empty();
        synchronized (verified) {
            if (state == s) verified.put(tag, candidate); // not when a change came meanwhile: it cleared the cache
        }
        return Optional.of(candidate.principal());
    }

    private static Optional<Principal> named(Entry e, String name) {
        return name == null || name.equals(e.principal().name()) ? Optional.of(e.principal()) : Optional.empty();
    }

    private boolean slowCheck(Pbkdf2 stored, String secret) {
        slowChecks.incrementAndGet();
        try {
            SLOW_CHECKS.acquire();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
        try {
            return stored.matches(secret);
        } finally {
            SLOW_CHECKS.release();
        }
    }

    /** @return how many PBKDF2 checks authenticate has made (tests: a wrong token makes none) */
    long slowChecks() {
        return slowChecks.get();
    }

    /** @return how many successful checks are remembered now (tests) */
    int remembered() {
        synchronized (verified) {
            return verified.size();
        }
    }

    /** The HMAC of a token under this process's key: what the in-memory maps are keyed by, never the token. */
    private String tag(String token) {
        return b64(hmac(processKey, token.getBytes(StandardCharsets.UTF_8)));
    }

    private void save(List<Entry> list) throws IOException {
        JsonArray a = new JsonArray();
        for (Entry e : list) {
            JsonObject o = e.principal().toJson().add("created", e.created().toString()).add("pbkdf2", e.pbkdf2().toJson());
            if (e.salt() != null) o.add("derive", new JsonObject().add("salt", b64(e.salt())).add("key", b64(e.keyId())));
            a.add(o);
        }
        String text = new JsonObject().add("version", 2).add("users", a).toString(WriterConfig.PRETTY_PRINT) + "\n";
        PrivateFiles.writeAtomically(file, text.getBytes(StandardCharsets.UTF_8));
    }

    /**
     * A token: HMAC-SHA256 under the server's key of the name and a salt of its own, 256 bits as
     * unguessable as random ones without the key; with it, the server can give each token again
     * to the RTSP process (Digest needs the password in clear), while the users file holds only
     * slow hashes and salts. A new salt per credential gives a re-created name a new token.
     */
    private static String derive(byte[] key, String name, byte[] salt) {
        byte[] label = ("stream-server credential\0" + name + "\0").getBytes(StandardCharsets.UTF_8);
        byte[] in = Arrays.copyOf(label, label.length + salt.length);
        System.arraycopy(salt, 0, in, label.length, salt.length);
        return b64(hmac(key, in));
    }

    /** @return which key a token was derived with: 8 bytes of an HMAC under it, which tell nothing of it */
    private static byte[] keyId(byte[] key) {
        return Arrays.copyOf(hmac(key, "stream-server key id".getBytes(StandardCharsets.UTF_8)), KEY_ID_BYTES);
    }

    private static byte[] hmac(byte[] key, byte[] data) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            return mac.doFinal(data);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("every JDK has HmacSHA256", e);
        }
    }

    static byte[] pbkdf2(String token, byte[] salt, int iterations) {
        PBEKeySpec spec = new PBEKeySpec(token.toCharArray(), salt, iterations, HASH_BYTES * 8);
        try {
            return SecretKeyFactory.getInstance(SCHEME).generateSecret(spec).getEncoded();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("every JDK has " + SCHEME, e);
        } finally {
            spec.clearPassword();
        }
    }

    private static String b64(byte[] b) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(b);
    }

    /**
     * Every credential whose token the server can give again, with it: --token's (named
     * {@value #TOKEN_USER}) and each one derived under the current key (one from an older key is
     * left out, and cannot use RTSP).
     * @return the credentials and their tokens, for the RTSP process only
     */
    public List<Secret> secrets() {
        List<Secret> out = new ArrayList<>();
        if (tokenPrincipal != null) out.add(new Secret(tokenPrincipal, serverToken));
        byte[] k = key;
        if (k == null) return out;
        byte[] id = keyId(k);
        for (Entry e : state.entries())
            if (e.salt() != null && MessageDigest.isEqual(id, e.keyId())) out.add(new Secret(e.principal(), derive(k, e.principal().name(), e.salt())));
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
                LOG.log(System.Logger.Level.WARNING, "after a change of the credentials: " + e);
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
