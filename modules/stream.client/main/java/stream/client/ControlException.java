package stream.client;

import java.net.URI;
import java.util.Objects;
import java.util.Optional;

/**
 * Why a {@link ControlClient} request did not succeed: a kind, and one readable line that says
 * what happened and what to do next (never a stack trace for people to read).
 */
public final class ControlException extends Exception {
    private static final long serialVersionUID = 1L;

    /** What went wrong, coarse enough for a script's exit code. */
    public enum Kind {
        /** Nothing answers at the address: connection refused, unknown host, no route, connect timeout. */
        UNREACHABLE,
        /** The server took the connection but did not answer within the request timeout. */
        TIMEOUT,
        /** Something answered, but not with the JSON of stream-server (HTML, plain text, broken HTTP). */
        BAD_RESPONSE,
        /** The server needs a token (HTTP 401) or rejected the one given. */
        UNAUTHORIZED,
        /**
         * The server answered with a JSON error (HTTP 4xx or 5xx) and did not do what was asked: it refused,
         * or the operation failed there (a start whose gst-launch-1.0 ended at once: HTTP 500 with its stderr).
         */
        REFUSED
    }

    /** The kind. */
    private final Kind kind;
    /** The server that was asked. */
    private final URI server;
    /** The server's answer when there was a readable one (UNAUTHORIZED, REFUSED), else null. */
    private final transient ControlResponse response;

    /**
     * Creates the exception.
     * @param kind what went wrong
     * @param server the server address that was asked
     * @param message one readable line: what happened and what to do
     * @param response the server's answer when it was readable JSON, or null
     * @param cause the underlying problem, or null
     */
    public ControlException(Kind kind, URI server, String message, ControlResponse response, Throwable cause) {
        super(Objects.requireNonNull(message, "message"), cause);
        this.kind = Objects.requireNonNull(kind, "kind");
        this.server = Objects.requireNonNull(server, "server");
        this.response = response;
    }

    /** @return what went wrong */
    public Kind kind() {
        return kind;
    }

    /** @return the server address that was asked */
    public URI server() {
        return server;
    }

    /** @return the server's JSON answer, present for {@link Kind#UNAUTHORIZED} and {@link Kind#REFUSED} */
    public Optional<ControlResponse> response() {
        return Optional.ofNullable(response);
    }
}
