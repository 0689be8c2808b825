package stream.server.internal.access;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Sign-in sessions: the cookie's text, expiry, revocation with the credential. */
class SessionsTest {
    @TempDir
    Path dir;

    /** A clock the test moves forward. */
    static final class ManualClock extends Clock {
        Instant now = Instant.parse("2026-11-26T15:00:00Z");

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }

    @Test
    void cookieTextWithAndWithoutTls() throws IOException {
        Users users = Users.load(dir, null);
        Principal p = users.create(Principal.of("garden", Role.VIEWER)).principal();
        Sessions plain = Sessions.create(users, Duration.ofHours(12), false);
        String set = plain.start(p).setCookie();
        assertTrue(set.matches("stream-session=[A-Za-z0-9_-]{43}; Path=/; Max-Age=43200; HttpOnly; SameSite=Strict"), set);
        assertEquals("stream-session=; Path=/; Max-Age=0; HttpOnly; SameSite=Strict", plain.clearCookie());

        Sessions tls = Sessions.create(users, Duration.ofHours(12), true);
        String secure = tls.start(p).setCookie();
        assertTrue(secure.matches("__Host-stream-session=[A-Za-z0-9_-]{43}; Path=/; Max-Age=43200; HttpOnly; SameSite=Strict; Secure"), secure);
    }

    @Test
    void aSessionResolvesUntilItExpiresOrEnds() throws IOException {
        Users users = Users.load(dir, null);
        Principal p = users.create(Principal.of("garden", Role.VIEWER)).principal();
        ManualClock clock = new ManualClock();
        Sessions s = Sessions.create(users, Duration.ofHours(1), false, clock);
        String id = idOf(s, s.start(p));
        assertEquals(Optional.of(p), s.resolve(id));
        assertEquals(Optional.empty(), s.resolve(id + "x"));
        clock.now = clock.now.plus(Duration.ofMinutes(59));
        assertEquals(Optional.of(p), s.resolve(id));
        clock.now = clock.now.plus(Duration.ofMinutes(1));
        assertEquals(Optional.empty(), s.resolve(id), "expired at the hour");
        assertEquals(0, s.size());

        String other = idOf(s, s.start(p));
        s.end(other);
        assertEquals(Optional.empty(), s.resolve(other), "signed out");
    }

    @Test
    void deletingTheCredentialEndsItsSessions() throws IOException {
        Users users = Users.load(dir, null);
        Principal garden = users.create(Principal.of("garden", Role.VIEWER)).principal();
        Principal ops = users.create(Principal.of("ops", Role.OPERATOR)).principal();
        Sessions s = Sessions.create(users, Duration.ofHours(1), false);
        String g1 = idOf(s, s.start(garden)), g2 = idOf(s, s.start(garden)), o = idOf(s, s.start(ops));
        users.delete("garden");
        assertEquals(Optional.empty(), s.resolve(g1));
        assertEquals(Optional.empty(), s.resolve(g2));
        assertEquals(Optional.of(ops), s.resolve(o));
        users.create(Principal.of("garden", Role.ADMIN));
        assertEquals(Optional.empty(), s.resolve(g1), "a new credential of the same name does not inherit the old sessions");
    }

    static String idOf(Sessions s, Sessions.Started started) {
        String cookie = started.setCookie().substring(0, started.setCookie().indexOf(';'));
        return s.idIn(List.of("theme=dark; " + cookie + "; x=y")).orElseThrow();
    }
}
