package stream.viewer.internal.webrtc;

/** A request the gateway refuses, with the HTTP status the server should answer and a hint. */
final class GatewayError extends Exception {
    private static final long serialVersionUID = 1L;

    final int status;
    final String hint;

    GatewayError(int status, String message, String hint) {
        super(message);
        this.status = status;
        this.hint = hint;
    }
}
