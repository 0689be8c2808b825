package stream.server.internal.record;

import java.io.Serial;

/**
 * A media request refused for now because a bound of {@link MediaLimits} is reached or its child
 * could not make it in time: answered with its status, {@code Retry-After} and a hint.
 */
public final class Busy extends RuntimeException {
    @Serial
    private static final long serialVersionUID = 1L;
    private final int status;
    private final long retryAfterSeconds;
    private final String hint;

    /**
     * @param status 429 or 503
     * @param message what is refused and why
     * @param retryAfterSeconds when to try again
     * @param hint what to do
     */
    Busy(int status, String message, long retryAfterSeconds, String hint) {
        super(message, null, false, false);
        this.status = status;
        this.retryAfterSeconds = retryAfterSeconds;
        this.hint = hint;
    }

    /** @return the HTTP status */
    public int status() {
        return status;
    }

    /** @return seconds for the Retry-After header */
    public long retryAfterSeconds() {
        return retryAfterSeconds;
    }

    /** @return what to do */
    public String hint() {
        return hint;
    }
}
