package stream.server.internal.janus;

import java.io.Serial;

/**
 * A Janus request that did not succeed, classified by what the keeper must do about it. The
 * message is Janus's own reason or the network error, and never carries a secret (they live
 * only in request bodies).
 */
public final class JanusException extends Exception {
    @Serial
    private static final long serialVersionUID = 1L;

    /** What went wrong, as far as the keeper's reaction goes. */
    public enum Kind {
        /** No answer: connection refused, timeout, no route. Retry with backoff. */
        UNREACHABLE,
        /** Janus forgot our session (it restarted, or the session timed out): open a new one. */
        SESSION_GONE,
        /** Janus forgot our plugin handle: open a new one. */
        HANDLE_GONE,
        /** The mountpoint does not exist (any more): create it. */
        NO_SUCH_MOUNTPOINT,
        /** A mountpoint with this id exists already. */
        EXISTS,
        /** Wrong or missing api_secret, token, admin_key or mountpoint secret. */
        UNAUTHORIZED,
        /** Any other error Janus or its plugin answered, or an answer that is not Janus's. */
        REFUSED
    }

    private final Kind kind;
    private final int code;

    JanusException(Kind kind, int code, String message) {
        super(message);
        this.kind = kind;
        this.code = code;
    }

    JanusException(String message, Throwable cause) {
        super(message, cause);
        this.kind = Kind.UNREACHABLE;
        this.code = 0;
    }

    /** @return the class of failure */
    public Kind kind() {
        return kind;
    }

    /** @return Janus's error code (e.g. 458 no such session, 455 no such mountpoint), or 0 */
    public int code() {
        return code;
    }
}
