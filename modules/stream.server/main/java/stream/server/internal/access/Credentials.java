package stream.server.internal.access;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Locale;

/**
 * What a request presents to prove who sent it, read from its {@code Authorization} and
 * {@code Cookie} headers. The Authorization header wins over a cookie. The records' toString never
 * shows a secret.
 */
public sealed interface Credentials {
    /** {@code Authorization: Bearer TOKEN} (scripts, Prometheus, WHEP players). */
    record Bearer(String token) implements Credentials {
        @Override
        public String toString() {
            return "Bearer";
        }
    }

    /** {@code Authorization: Basic base64(NAME:TOKEN)} (curl -u, cameras' apps, the browser's own dialog). */
    record Basic(String name, String token) implements Credentials {
        @Override
        public String toString() {
            return "Basic, name '" + Text.clip(name) + "'";
        }
    }

    /** The dashboard's session cookie. */
    record Session(String id) implements Credentials {
        @Override
        public String toString() {
            return "session cookie";
        }
    }

    /** Nothing presented. */
    record None() implements Credentials {}

    /** An Authorization header that is not one of the forms above; it counts as a failure. */
    record Malformed(String problem) implements Credentials {}

    /**
     * @param authorization the Authorization header, or null
     * @param cookieHeaders the Cookie headers (none: an empty list)
     * @param cookieName the session cookie's name ({@link Sessions#cookieName()})
     * @return what the request presents
     */
    static Credentials parse(String authorization, List<String> cookieHeaders, String cookieName) {
        if (authorization != null) return authorization(authorization.strip());
        for (String header : cookieHeaders) {
            for (String pair : header.split(";")) {
                int eq = pair.indexOf('=');
                if (eq > 0 && pair.substring(0, eq).strip().equals(cookieName)) {
                    String value = pair.substring(eq + 1).strip();
                    if (!value.isEmpty()) return new Session(value);
                }
            }
        }
        return new None();
    }

    private static Credentials authorization(String h) {
        int space = h.indexOf(' ');
        String scheme = (space < 0 ? h : h.substring(0, space)).toLowerCase(Locale.ROOT);
        String value = space < 0 ? "" : h.substring(space + 1).strip();
        switch (scheme) {
            case "bearer" -> {
                if (value.isEmpty() || value.contains(" ")) return new Malformed("Authorization: Bearer needs one token after it");
                return new Bearer(value);
            }
            case "basic" -> {
                byte[] raw;
                try {
                    raw = Base64.getDecoder().decode(value);
                } catch (IllegalArgumentException e) {
                    return new Malformed("Authorization: Basic needs base64 of NAME:TOKEN");
                }
                String text;
                try {
                    text = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                            .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(raw)).toString();
                } catch (CharacterCodingException e) {
                    return new Malformed("Authorization: Basic is not UTF-8");
                }
                int colon = text.indexOf(':');
                if (colon < 0) return new Malformed("Authorization: Basic needs NAME:TOKEN, with a colon");
                String name = text.substring(0, colon);
                // curl -u :TOKEN or a client that only has a token: Basic with an empty name is a Bearer
                return name.isEmpty() ? new Bearer(text.substring(colon + 1)) : new Basic(name, text.substring(colon + 1));
            }
            default -> {
                return new Malformed("Authorization: use Bearer TOKEN or Basic base64(NAME:TOKEN), not '" + Text.clip(scheme) + "'");
            }
        }
    }
}
