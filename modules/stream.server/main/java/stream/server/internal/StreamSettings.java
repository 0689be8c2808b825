package stream.server.internal;

import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;

/**
 * Everything that shapes the gst-launch-1.0 pipeline, as one immutable, validated value.
 * The constructor checks every field, so no unchecked value can reach {@link PipelineBuilder}
 * whichever entry point (flag, environment, API) it came from.
 *
 * @param source the video source
 * @param destinations where RTP goes (at least one)
 * @param width frame width in pixels (even, 16-7680)
 * @param height frame height in pixels (even, 16-4320)
 * @param framerate frames per second (1-120)
 * @param bitrateKbps encoder bitrate in kbit/s (100-100000)
 * @param keyframeInterval frames between keyframes (1-600); 30 at 30 fps lets a late viewer see a picture within about a second
 * @param speedPreset x264enc speed-preset name
 */
public record StreamSettings(Source source, List<Destination> destinations, int width, int height, int framerate,
                             int bitrateKbps, int keyframeInterval, String speedPreset) {

    /** x264enc speed presets. */
    public static final Set<String> SPEED_PRESETS = Set.of("ultrafast", "superfast", "veryfast", "faster", "fast",
            "medium", "slow", "slower", "veryslow", "placebo");

    /** Validates every field. */
    public StreamSettings {
        Objects.requireNonNull(source, "source");
        destinations = List.copyOf(destinations);
        if (destinations.isEmpty()) throw new InvalidValueException("destination", "", "at least one destination is required");
        if (destinations.size() > 16) throw new InvalidValueException("destination", destinations.size() + " destinations", "at most 16");
        Validation.checkRange("width", width, 16, 7680);
        Validation.checkRange("height", height, 16, 4320);
        if (width % 2 != 0) throw new InvalidValueException("width", Integer.toString(width), "must be even for 4:2:0 video");
        if (height % 2 != 0) throw new InvalidValueException("height", Integer.toString(height), "must be even for 4:2:0 video");
        Validation.checkRange("framerate", framerate, 1, 120);
        Validation.checkRange("bitrate", bitrateKbps, 100, 100_000);
        Validation.checkRange("keyframe interval", keyframeInterval, 1, 600);
        if (speedPreset == null || !SPEED_PRESETS.contains(speedPreset))
            throw new InvalidValueException("speed preset", speedPreset, "expected one of " + String.join(", ", SPEED_PRESETS));
    }

    /**
     * The defaults: 1280x720 at 30 fps, 2000 kbit/s, a keyframe every 30 frames, ultrafast.
     * @param source the source
     * @param destination the destination
     * @return the settings
     */
    public static StreamSettings defaults(Source source, Destination destination) {
        return new StreamSettings(source, List.of(destination), 1280, 720, 30, 2000, 30, "ultrafast");
    }

    /**
     * @param w width
     * @param h height
     * @param fps frames per second
     * @return a copy with another frame size and rate
     */
    public StreamSettings withSize(int w, int h, int fps) {
        return new StreamSettings(source, destinations, w, h, fps, bitrateKbps, keyframeInterval, speedPreset);
    }

    /** Where RTP packets go. @param host validated host @param port 1-65535 */
    public record Destination(String host, int port) {
        /** Validates. */
        public Destination {
            Validation.host("destination host", host);
            Validation.checkRange("destination port", port, 1, 65535);
        }

        @Override
        public String toString() {
            return host.indexOf(':') >= 0 ? "[" + host + "]:" + port : host + ":" + port;
        }
    }

    /**
     * A video source.
     * @param kind which element
     * @param device the device path for V4L2, otherwise null
     * @param reason why it was chosen (logged and shown in the status)
     */
    public record Source(Kind kind, String device, String reason) {
        /** Source elements we know. */
        public enum Kind {
            /** videotestsrc, live. */ TEST,
            /** v4l2src (Linux). */ V4L2,
            /** avfvideosrc (macOS). */ AVFOUNDATION,
            /** mfvideosrc (Windows). */ MEDIA_FOUNDATION
        }

        /** Validates. */
        public Source {
            Objects.requireNonNull(kind, "kind");
            if (kind == Kind.V4L2) Validation.devicePath("source", device);
            else if (device != null) throw new InvalidValueException("source", device, "only v4l2 takes a device path");
            reason = reason == null ? "" : reason;
        }

        /** @return the element and its properties as gst-launch arguments */
        public List<String> arguments() {
            return switch (kind) {
                case TEST -> List.of("videotestsrc", "is-live=true", "pattern=ball");
                case V4L2 -> List.of("v4l2src", "device=" + device);
                case AVFOUNDATION -> List.of("avfvideosrc");
                case MEDIA_FOUNDATION -> List.of("mfvideosrc");
            };
        }

        /** @return a short name for status and logs */
        public String describe() {
            return kind == Kind.V4L2 ? "v4l2src " + device : arguments().get(0) + (kind == Kind.TEST ? " (test pattern)" : "");
        }

        @Override
        public String toString() {
            return kind.name().toLowerCase(Locale.ROOT) + (device == null ? "" : " " + device);
        }
    }
}
