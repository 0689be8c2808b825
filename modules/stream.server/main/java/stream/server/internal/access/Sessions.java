package stream.server.internal.access;

import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The dashboard's sign-ins: after a POST {@value Rights#SESSION_PATH} with a valid credential, the
 * browser holds a random 256-bit session id in an HttpOnly, SameSite=Strict cookie (Secure, and
 * named with the {@code __Host-} prefix, under TLS), so that the page never keeps the token itself.
 *
 * <p>Sessions live in memory only (a restart signs everyone out), each for a fixed lifetime from
 * sign-in; the server keeps the SHA-256 of each id, not the id. A session follows its
 * credential: it is ended when the credential is deleted ({@link Users#onDelete}, registered by
 * {@link #create}) and carries the credential's role and streams as they are now. At most
 * {@value #MAX_SESSIONS} sessions: beyond that the oldest is ended.
 */
public final class Sessions {
    /** At most this many sessions at once. */
    public static final int MAX_SESSIONS = 10_000;
    private static final SecureRandom RANDOM = new SecureRandom();

    private record Session(String name, Instant expires) {}

    /** A new session: its id is the cookie's value and is shown nowhere else. */
    public record Started(Principal principal, Instant expires, String setCookie) {
        @Override
        public String toString() {
            return "Started[" + principal + ", expires " + expires + "]";
        }
    }

    private final Users users;
    private final Duration lifetime;
    private final boolean tls;
    private final Clock clock;
    private final Map<String, Session> byHash = new HashMap<>(); // guarded by this; insertion order is not needed: expiry is

    private Sessions(Users users, Duration lifetime, boolean tls, Clock clock) {
        this.users = users;
        this.lifetime = lifetime;
        this.tls = tls;
        this.clock = clock;
    }

    /**
     * @param users the credentials: sessions end when theirs is deleted
     * @param lifetime how long a sign-in lasts, e.g. 12 hours
     * @param tls whether the server speaks HTTPS (the cookie is then Secure and __Host-)
     * @return the sessions
     */
    public static Sessions create(Users users, Duration lifetime, boolean tls) {
        return create(users, lifetime, tls, Clock.systemUTC());
    }

    static Sessions create(Users users, Duration lifetime, boolean tls, Clock clock) {
        Objects.requireNonNull(users, "users");
        if (lifetime.isNegative() || lifetime.isZero()) throw new IllegalArgumentException("session lifetime " + lifetime + ": must be positive");
        Sessions s = new Sessions(users, lifetime, tls, clock);
        users.onDelete(s::revoke);
        return s;
    }

    /** @return the cookie's name: {@code __Host-stream-session} under TLS, else {@code stream-session} */
    public String cookieName() {
        return tls ? "__Host-stream-session" : "stream-session";
    }

    /**
     * Starts a session for a principal that has just proven who it is.
     * @param principal the signed-in credential
     * @return the session, with the Set-Cookie header's value to send
     */
    public Started start(Principal principal) {
        byte[] raw = new byte[32];
        RANDOM.nextBytes(raw);
        String id = Base64.getUrlEncoder().withoutPadding().encodeToString(raw);
        Instant expires = clock.instant().plus(lifetime);
        synchronized (this) {
            sweep();
            if (byHash.size() >= MAX_SESSIONS) {
                byHash.entrySet().stream().min(Map.Entry.comparingByValue((a, b) -> a.expires().compareTo(b.expires())))
                        .map(Map.Entry::getKey).ifPresent(byHash::remove);
            }
            byHash.put(key(id), new Session(principal.name(), expires));
        }
        return new Started(principal, expires, cookie(id, lifetime.toSeconds()));
    }

    /**
     * @param id the cookie's value ({@link Credentials.Session#id})
     * @return the principal signed in with it, as its credential is now; empty when it is unknown, expired or revoked
     */
    public Optional<Principal> resolve(String id) {
        Session s;
        synchronized (this) {
            s = byHash.get(key(id));
            if (s != null && !clock.instant().isBefore(s.expires())) {
                byHash.remove(key(id));
                s = null;
            }
        }
        return s == null ? Optional.empty() : users.find(s.name());
    }

    /**
     * Ends one session (sign-out).
     * @param id the cookie's value
     * @return the Set-Cookie header's value that removes the cookie
     */
    public String end(String id) {
        synchronized (this) {
            byHash.remove(key(id));
        }
        return clearCookie();
    }

    /** @return a Set-Cookie header's value that removes the cookie */
    public String clearCookie() {
        return cookie("", 0);
    }

    /** Ends every session of a credential: called when it is deleted. */
    public synchronized void revoke(String name) {
        byHash.values().removeIf(s -> s.name().equals(name));
    }

    /** @return how many sessions are open */
    public synchronized int size() {
        sweep();
        return byHash.size();
    }

    /**
     * @param cookieHeaders the request's Cookie headers
     * @return this server's session id among them
     */
    public Optional<String> idIn(List<String> cookieHeaders) {
        return Credentials.parse(null, cookieHeaders, cookieName()) instanceof Credentials.Session(String id) ? Optional.of(id) : Optional.empty();
    }

    private void sweep() {
        Instant now = clock.instant();
        byHash.values().removeIf(s -> !now.isBefore(s.expires()));
    }

    private String cookie(String value, long maxAge) {
        // Path=/ and no Domain: __Host- requires both, and the dashboard and the API share one origin.
        return cookieName() + "=" + value + "; Path=/; Max-Age=" + maxAge + "; HttpOnly; SameSite=Strict" + (tls ? "; Secure" : "");
    }

    private static String key(String id) {
        return Base64.getEncoder().encodeToString(Users.sha256(id));
    }
}
