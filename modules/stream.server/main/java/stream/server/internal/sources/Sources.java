package stream.server.internal.sources;

import stream.server.internal.settings.InvalidValueException;
import stream.server.internal.settings.Validation;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/** Chooses the video source and finds gst-launch-1.0. */
public final class Sources {
    private Sources() {}

    /** The source schemes beside auto, test and devices: the one place a scheme is registered. */
    public static final List<SourceScheme> SCHEMES = List.of(new RtspCamera());

    /**
     * Resolves a --source value: auto, test, or a device path.
     * @param value the value
     * @return the source, with the reason it was chosen
     */
    public static Source choose(String value) {
        if (value == null) throw new InvalidValueException("source", null, "expected auto, test or a device path");
        for (SourceScheme scheme : SCHEMES) if (scheme.accepts(value)) return scheme.resolve(value);
        return switch (value) {
            case "test" -> new Source(Source.Kind.TEST, null, "--source test");
            case "auto" -> auto(System.getProperty("os.name", ""), Path.of("/dev"));
            default -> new Source(Source.Kind.V4L2, Validation.devicePath("source", value), "--source " + value);
        };
    }

    public static Source auto(String osName, Path dev) {
        String os = osName.toLowerCase(Locale.ROOT);
        if (os.startsWith("mac")) return new Source(Source.Kind.AVFOUNDATION, null, "auto: macOS camera (avfvideosrc)");
        if (os.startsWith("windows")) return new Source(Source.Kind.MEDIA_FOUNDATION, null, "auto: Windows camera (mfvideosrc)");
        if (os.startsWith("linux")) {
            List<Path> devices = Validation.cameras(dev);
            if (!devices.isEmpty())
                return new Source(Source.Kind.V4L2, devices.get(0).toString(), "auto: " + devices.get(0) + " exists");
            return new Source(Source.Kind.TEST, null, "auto: no /dev/video* device, so the test pattern");
        }
        return new Source(Source.Kind.TEST, null, "auto: no camera source known for " + osName + ", so the test pattern");
    }

    /** @return the absolute path of gst-launch-1.0 on PATH */
    public static Optional<String> findGstLaunch() {
        return Executables.find("gst-launch-1.0");
    }
}
