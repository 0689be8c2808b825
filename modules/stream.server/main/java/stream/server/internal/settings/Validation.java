package stream.server.internal.settings;

import java.util.Comparator;
import java.util.ArrayList;
import java.nio.file.DirectoryStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Checks for the server's own values (bind address, HTTP port, token) and the existence check for
 * a camera device. The grammars themselves live in {@link SettingsGrammar}, the one place that
 * says what a host or a device path may look like; this class names the option in its errors
 * ({@link InvalidValueException}), e.g. "--bind (from STREAM_BIND)".
 *
 * <p>gst-launch joins its arguments into one pipeline description, so a value such as
 * {@code 127.0.0.1 ! filesink location=/tmp/x} would add elements: no value here may carry a
 * space, '!', a quote or '='.
 */
public final class Validation {
    private Validation() {}

    private static final Pattern V4L2_DEVICE = Pattern.compile("/dev/video[0-9]{1,3}");

    /**
     * Checks a host with the grammar of {@link SettingsGrammar.Endpoint}: an IPv4 or IPv6 literal or a DNS name.
     * @param field the field name for the error message
     * @param value the value
     * @return the value
     */
    public static String host(String field, String value) {
        if (value == null || value.isEmpty()) throw new InvalidValueException(field, value, "a host is required");
        if (SettingsGrammar.isIpv4(value) || SettingsGrammar.isIpv6(value) || SettingsGrammar.isDnsName(value)) return value;
        throw new InvalidValueException(field, value,
                "not an IPv4 address, IPv6 address or host name (letters, digits, '-' and '.' only)");
    }

    /**
     * Parses a port number.
     * @param field the field name
     * @param value the text
     * @param min the smallest allowed port (0 or 1)
     * @return the port
     */
    public static int port(String field, String value, int min) {
        try {
            return SettingsGrammar.intIn(field, value, min, 65535, "");
        } catch (SettingsGrammar.Invalid e) {
            throw new InvalidValueException(field, value, "expected " + e.allowed());
        }
    }

    /**
     * Checks a camera device path: the grammar of {@link SettingsGrammar} (a path under /dev of safe
     * characters), that it exists unless it is /dev/videoN (whose absence gst-launch reports itself),
     * and that what exists is a video capture device (else /dev/zero would pass, and fail later).
     * @param field the field name
     * @param value the path
     * @return the path
     */
    public static String devicePath(String field, String value) {
        if (value == null) throw new InvalidValueException(field, null, "a device path is required");
        if (!SettingsGrammar.isDevicePath(value)) throw new InvalidValueException(field, value,
                "expected auto, test or a device path such as /dev/video0 (letters, digits, '.', '_', '-', '/')");
        Path path = Path.of(value);
        if (!Files.exists(path)) {
            if (V4L2_DEVICE.matcher(value).matches()) return value;
            throw new InvalidValueException(field, value, "no such device; " + missingDeviceHint(field));
        }
        if (!isVideoDevice(path))
            throw new InvalidValueException(field, value, "not a video capture device: a source must be a V4L2 device"
                    + " (listed in /sys/class/video4linux, a character device with major number 81), such as /dev/video0");
        return value;
    }

    /**
     * Checks a camera device path as {@link #devicePath} does, and that the device is there now:
     * for a source a request names, which is used at once (start) or soon (PUT). A definition read
     * from a file keeps its /dev/videoN: its camera may be plugged in after the server starts.
     * @param field the field name for the error message
     * @param value the path
     * @return the path
     * @throws InvalidValueException naming the field, the path, and the cameras that are here
     */
    public static String existingDevice(String field, String value) {
        devicePath(field, value);
        if (!Files.exists(Path.of(value)))
            throw new InvalidValueException(field, value, "no such device; " + missingDeviceHint(field));
        return value;
    }

    /**
     * @param dev the device folder, /dev
     * @return its videoN nodes in the order of N; none when it cannot be listed
     */
    public static List<Path> cameras(Path dev) {
        List<Path> devices = new ArrayList<>();
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(dev, "video[0-9]*")) {
            for (Path p : ds) if (p.getFileName().toString().matches("video[0-9]{1,3}")) devices.add(p);
        } catch (IOException e) {
            // no /dev listing: no camera known
        }
        devices.sort(Comparator.comparingInt(p -> Integer.parseInt(p.getFileName().toString().substring(5))));
        return devices;
    }

    /** @return what to do about a camera that is not there: the ones that are, or that there is none */
    public static String missingDeviceHint(String field) {
        List<String> here = cameras(Path.of("/dev")).stream().map(Path::toString).toList();
        if (here.isEmpty()) return "no camera is connected (no /dev/video*): connect it, or use " + field + " test";
        return "connect it, or use a camera that is here (" + String.join(", ", here) + "), auto or test";
    }

    /**
     * @param path an existing path (symbolic links such as /dev/v4l/by-id/... are followed)
     * @return true for a V4L2 device: its name is in /sys/class/video4linux, or it is a character
     *         device with major number 81 (where sysfs is not mounted)
     */
    public static boolean isVideoDevice(Path path) {
        try {
            Path real = path.toRealPath();
            if (real.getFileName() != null && real.startsWith("/dev")
                    && Files.isDirectory(Path.of("/sys/class/video4linux").resolve(real.getFileName().toString())))
                return true;
            int mode = (Integer) Files.getAttribute(real, "unix:mode");
            long rdev = (Long) Files.getAttribute(real, "unix:rdev");
            // glibc's encoding of the major number: bits 8-19 and 32-43.
            long major = ((rdev >>> 8) & 0xfff) | ((rdev >>> 32) & ~0xfffL);
            return (mode & 0170000) == 0020000 && major == 81;
        } catch (IOException | UnsupportedOperationException | IllegalArgumentException | ClassCastException e) {
            return false; // not a Linux device we can check: not a V4L2 source
        }
    }

    /**
     * Checks a bearer token: 1 to 512 visible ASCII characters.
     * @param field the field name
     * @param value the token
     * @return the token
     */
    public static String token(String field, String value) {
        if (value == null || !value.matches("[\\x21-\\x7e]{1,512}"))
            throw new InvalidValueException(field, value == null ? null : "(hidden)",
                    "a token is 1 to 512 visible ASCII characters, no spaces");
        return value;
    }
}
