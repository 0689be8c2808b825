package stream.viewer;

import java.util.Objects;

/** Why a {@link Viewer} could not start: one readable message that says what to do, and a kind. */
public final class ViewerException extends Exception {
    private static final long serialVersionUID = 1L;

    /** What kind of problem stopped the viewer. */
    public enum Kind {
        /** A window was asked for but there is no display (DISPLAY and WAYLAND_DISPLAY unset or unreachable). */
        NO_DISPLAY,
        /** GStreamer or one of the plugins the pipeline needs is not installed. */
        GSTREAMER_MISSING,
        /** The UDP port is taken by another program. */
        PORT_IN_USE,
        /** The pipeline could not be built or started. */
        PIPELINE
    }

    /** The kind. */
    private final Kind kind;

    /**
     * Creates the exception.
     * @param kind what kind of problem
     * @param message one readable line that says what happened and what to do
     */
    public ViewerException(Kind kind, String message) {
        super(message);
        this.kind = Objects.requireNonNull(kind, "kind");
    }

    /**
     * Creates the exception with a cause.
     * @param kind what kind of problem
     * @param message one readable line that says what happened and what to do
     * @param cause the underlying problem
     */
    public ViewerException(Kind kind, String message, Throwable cause) {
        super(message, cause);
        this.kind = Objects.requireNonNull(kind, "kind");
    }

    /** @return the kind of problem */
    public Kind kind() {
        return kind;
    }

    /** @return true for problems of the machine rather than of the stream (exit code 3 in the launcher) */
    public boolean isEnvironment() {
        return kind != Kind.PIPELINE;
    }
}
