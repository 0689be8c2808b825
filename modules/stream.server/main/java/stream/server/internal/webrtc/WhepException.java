package stream.server.internal.webrtc;

/** A WHEP request refused, with the HTTP status to answer and a hint for the person. */
public final class WhepException extends Exception {
    private static final long serialVersionUID = 1L;

    private final int status;
    private final String hint;

    /**
     * @param status the HTTP status to answer (400, 404, 503, ...)
     * @param message what went wrong
     * @param hint what to do about it, or null
     */
    public WhepException(int status, String message, String hint) {
        super(message);
        this.status = status;
        this.hint = hint;
    }

    /** @return the HTTP status to answer */
    public int status() {
        return status;
    }

    /** @return what to do about it, or null */
    public String hint() {
        return hint;
    }
}
