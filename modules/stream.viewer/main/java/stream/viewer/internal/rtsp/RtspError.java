package stream.viewer.internal.rtsp;

/** A request the RTSP gateway refuses, with the HTTP status the server should answer and a hint. */
final class RtspError extends Exception {
    private static final long serialVersionUID = 1L;

    final int status;
    final String hint;

    RtspError(int status, String message, String hint) {
        super(message);
        this.status = status;
        this.hint = hint;
    }
}
