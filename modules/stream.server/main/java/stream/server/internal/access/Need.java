package stream.server.internal.access;

import java.util.Objects;

/**
 * The right a request needs and what it applies to, as {@link Rights#needed} finds it.
 *
 * @param right the right, or null when the request needs none ({@link Scope#NONE})
 * @param stream the stream it applies to with {@link Scope#STREAM}, else null
 * @param scope what the right is needed over
 */
public record Need(Right right, String stream, Scope scope) {
    /** What a right is needed over. */
    public enum Scope {
        /** Nothing: anyone may (the dashboard's files, /health, sign-in, CORS preflights). */
        NONE,
        /** One stream, named in {@link Need#stream}. */
        STREAM,
        /**
         * Some streams: the role must hold the right, and the answer shows only the streams the
         * principal {@linkplain Principal#sees sees} (GET /streams; unknown paths, which then 404).
         */
        LISTED,
        /** Every stream at once: a credential limited to streams is refused (/metrics, /users). */
        SERVER
    }

    /** The need of a request anyone may make. */
    public static final Need NONE = new Need(null, null, Scope.NONE);

    public Need {
        Objects.requireNonNull(scope, "scope");
        if ((right == null) != (scope == Scope.NONE)) throw new IllegalArgumentException("a right is needed exactly when the scope is not NONE: " + right + " " + scope);
        if ((stream != null) != (scope == Scope.STREAM)) throw new IllegalArgumentException("a stream is named exactly with scope STREAM: " + stream + " " + scope);
    }

    /** @return the need of right over one stream */
    public static Need stream(Right right, String stream) {
        return new Need(Objects.requireNonNull(right, "right"), Objects.requireNonNull(stream, "stream"), Scope.STREAM);
    }

    /** @return the need of right over the streams the principal sees */
    public static Need listed(Right right) {
        return new Need(Objects.requireNonNull(right, "right"), null, Scope.LISTED);
    }

    /** @return the need of right over every stream */
    public static Need server(Right right) {
        return new Need(Objects.requireNonNull(right, "right"), null, Scope.SERVER);
    }

    /** @return whether the request needs no credential at all */
    public boolean open() {
        return scope == Scope.NONE;
    }

    /** @return the object of the verb in messages: "stream 'cam-b'", "streams", "all streams", or "" */
    String object() {
        if (right == Right.MANAGE_USERS) return "";
        return switch (scope) {
            case STREAM -> " stream '" + Text.clip(stream) + "'";
            case LISTED -> " streams";
            case SERVER -> " all streams at once";
            case NONE -> "";
        };
    }
}
