package stream.server.internal.sources;

import stream.server.internal.settings.InvalidValueException;
import stream.server.internal.settings.Validation;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * A resolved video source: which element, and why it was chosen. {@link Sources#choose} makes one
 * from the {@code source} setting (auto, test, or a device path that passed {@link SettingsGrammar}).
 *
 * @param kind which element
 * @param device the device path for V4L2, the rtsp:// URL of an IP camera ({@link RtspCamera}), otherwise null
 * @param reason why it was chosen (logged and shown in the status)
 */
public record Source(Source.Kind kind, String device, String reason) {
    /** Source elements we know. */
    public enum Kind {
        /** videotestsrc, live. */ TEST,
        /** v4l2src (Linux). */ V4L2,
        /** avfvideosrc (macOS). */ AVFOUNDATION,
        /** mfvideosrc (Windows). */ MEDIA_FOUNDATION,
        /** An IP camera over RTSP, passed through by the camera relay ({@link RtspCamera}). */ RTSP
    }

    /** Validates: a V4L2 source needs a device path that passes the grammar; the others take none. */
    public Source {
        Objects.requireNonNull(kind, "kind");
        if (kind == Kind.V4L2) Validation.devicePath("source", device);
        else if (kind == Kind.RTSP) {
            if (device == null || !stream.server.internal.settings.CameraGrammar.isCameraUrl(device))
                throw new InvalidValueException("source", device, "an rtsp:// URL");
        } else if (device != null) throw new InvalidValueException("source", device, "only v4l2 takes a device path");
        reason = reason == null ? "" : reason;
    }

    /** @return whether it is a camera on the network, which the camera relay passes through (not gst-launch) */
    public boolean camera() {
        return kind == Kind.RTSP;
    }

    /** @return the element and its properties as gst-launch arguments (none for a {@link #camera()}) */
    public List<String> arguments() {
        return switch (kind) {
            case RTSP -> throw new IllegalStateException("an IP camera is passed through by the camera relay, not gst-launch");
            case TEST -> List.of("videotestsrc", "is-live=true", "pattern=ball");
            case V4L2 -> List.of("v4l2src", "device=" + device);
            case AVFOUNDATION -> List.of("avfvideosrc");
            case MEDIA_FOUNDATION -> List.of("mfvideosrc");
        };
    }

    /** @return a short name for status and logs */
    public String describe() {
        if (kind == Kind.RTSP) return "IP camera " + device;
        return kind == Kind.V4L2 ? "v4l2src " + device : arguments().get(0) + (kind == Kind.TEST ? " (test pattern)" : "");
    }

    @Override
    public String toString() {
        return kind.name().toLowerCase(Locale.ROOT) + (device == null ? "" : " " + device);
    }
}
