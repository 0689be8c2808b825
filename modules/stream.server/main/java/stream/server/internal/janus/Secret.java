package stream.server.internal.janus;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Objects;

/**
 * A secret setting (Janus's api_secret, a token, the streaming plugin's admin_key). Its
 * {@link #toString()} never shows the value, so a secret cannot reach a log line, a status
 * answer or an exception message by accident: only {@link #reveal()} gives it, and only the
 * request body sent to Janus calls that.
 */
public final class Secret {
    private final String value;

    /**
     * @param value the secret, not empty
     * @throws IllegalArgumentException when empty
     */
    public Secret(String value) {
        Objects.requireNonNull(value, "value");
        if (value.isEmpty()) throw new IllegalArgumentException("a secret must not be empty");
        this.value = value;
    }

    /** @return the secret itself, for the one place that must send it */
    String reveal() {
        return value;
    }

    /** Compares in constant time, so equality reveals nothing through timing. */
    @Override
    public boolean equals(Object o) {
        return o instanceof Secret s && MessageDigest.isEqual(value.getBytes(StandardCharsets.UTF_8),
                s.value.getBytes(StandardCharsets.UTF_8));
    }

    @Override
    public int hashCode() {
        return 0; // a hash of the value would leak a little of it; secrets are never map keys
    }

    @Override
    public String toString() {
        return "(secret)";
    }
}
