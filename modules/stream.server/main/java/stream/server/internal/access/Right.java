package stream.server.internal.access;

/**
 * What a request does to the server, as far as permission goes. Finer than the three roles so
 * that the role table ({@link Role}) is the one place that decides who may do what, and so that a
 * refusal can name exactly what was asked.
 *
 * <p>Each right reads as a verb phrase in messages: "may not {@link #verb} stream 'cam-b'".
 */
public enum Right {
    /** GET /control, /streams, /streams/NAME, /streams/NAME/control, /metrics. */
    READ_STATUS("see"),
    /** Live media and stored media read: WHEP, SDP, RTSP, snapshots, the Janus player, recordings and clips downloaded. */
    WATCH("watch"),
    /** POST /control and /streams/NAME/control (start, stop). */
    START_STOP("start or stop"),
    /** POST and DELETE of clips. */
    CLIP("make or delete clips of"),
    /** Recording on or off (a start's {@code record} setting) and DELETE of recordings. */
    RECORD("turn recording on or off or delete recordings of"),
    /** PUT /streams/NAME, and a start that changes any setting but {@code record}. */
    DEFINE("define or change"),
    /** DELETE /streams/NAME. */
    DELETE("delete"),
    /** /users: create, list and delete credentials. Never limited to streams. */
    MANAGE_USERS("manage users");

    private final String verb;

    Right(String verb) {
        this.verb = verb;
    }

    /** @return the verb phrase for messages, followed by "streams" or "stream 'NAME'" */
    public String verb() {
        return verb;
    }
}
