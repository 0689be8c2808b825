package stream.server.internal;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Pattern;

/**
 * Strict grammars for every value that can reach gst-launch-1.0's argument list.
 *
 * <p>gst-launch joins its arguments into one pipeline description, so a value such as
 * {@code 127.0.0.1 ! filesink location=/tmp/x} would add elements. Each grammar here admits
 * only the characters its kind of value needs: no spaces, no '!', no quotes, no '='.
 */
public final class Validation {
    private Validation() {}

    private static final Pattern IPV4 = Pattern.compile(
            "(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)(\\.(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)){3}");
    private static final Pattern IPV6_CHARS = Pattern.compile("[0-9A-Fa-f:.]{2,45}");
    private static final Pattern DNS_LABEL = Pattern.compile("[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?");
    private static final Pattern V4L2_DEVICE = Pattern.compile("/dev/video[0-9]{1,3}");
    private static final Pattern SAFE_PATH = Pattern.compile("/[A-Za-z0-9._/-]{1,200}");

    /**
     * Checks a host: an IPv4 or IPv6 literal or a DNS name.
     * @param field the field name for the error message
     * @param value the value
     * @return the value
     */
    public static String host(String field, String value) {
        if (value == null || value.isEmpty()) throw new InvalidValueException(field, value, "a host is required");
        if (IPV4.matcher(value).matches()) return value;
        if (value.indexOf(':') >= 0) {
            if (IPV6_CHARS.matcher(value).matches() && isIpv6(value)) return value;
            throw new InvalidValueException(field, value, "not an IPv4 address, IPv6 address or host name");
        }
        if (value.length() <= 253 && !value.endsWith(".")) {
            boolean ok = true;
            for (String label : value.split("\\.", -1)) ok &= DNS_LABEL.matcher(label).matches();
            if (ok && !value.matches("[0-9.]+")) return value;
        }
        throw new InvalidValueException(field, value,
                "not an IPv4 address, IPv6 address or host name (letters, digits, '-' and '.' only)");
    }

    private static boolean isIpv6(String v) {
        // Shape check only; characters are already restricted to hex digits, ':' and '.'.
        int doubleColon = v.indexOf("::");
        if (doubleColon >= 0 && v.indexOf("::", doubleColon + 1) >= 0) return false;
        String[] groups = v.split(":", -1);
        if (groups.length < 3 || groups.length > 8) return false;
        for (int i = 0; i < groups.length; i++) {
            String g = groups[i];
            if (g.isEmpty()) continue;
            if (g.contains(".")) {
                if (i != groups.length - 1 || !IPV4.matcher(g).matches()) return false;
            } else if (g.length() > 4) {
                return false;
            }
        }
        return doubleColon >= 0 || groups.length == 8 || v.contains(".");
    }

    /**
     * Parses a port number in a range.
     * @param field the field name
     * @param value the text
     * @param min the smallest allowed port (0 or 1)
     * @return the port
     */
    public static int port(String field, String value, int min) {
        return intInRange(field, value, min, 65535);
    }

    /**
     * Parses a decimal integer in a closed range.
     * @param field the field name
     * @param value the text
     * @param min the minimum
     * @param max the maximum
     * @return the number
     */
    public static int intInRange(String field, String value, int min, int max) {
        if (value == null || !value.matches("[0-9]{1,9}"))
            throw new InvalidValueException(field, value, "expected a whole number from " + min + " to " + max);
        return checkRange(field, Integer.parseInt(value), min, max);
    }

    /**
     * Checks a number against a closed range.
     * @param field the field name
     * @param value the number
     * @param min the minimum
     * @param max the maximum
     * @return the number
     */
    public static int checkRange(String field, int value, int min, int max) {
        if (value < min || value > max)
            throw new InvalidValueException(field, Integer.toString(value), "expected a whole number from " + min + " to " + max);
        return value;
    }

    /**
     * Parses HOST:PORT or [IPV6]:PORT.
     * @param field the field name
     * @param value the text
     * @return the destination
     */
    public static StreamSettings.Destination destination(String field, String value) {
        if (value == null || value.isEmpty()) throw new InvalidValueException(field, value, "expected HOST:PORT");
        String host;
        String port;
        if (value.startsWith("[")) {
            int close = value.indexOf("]:");
            if (close < 0) throw new InvalidValueException(field, value, "expected [IPV6]:PORT, e.g. [::1]:5000");
            host = value.substring(1, close);
            port = value.substring(close + 2);
            if (host.indexOf(':') < 0) throw new InvalidValueException(field, value, "brackets are only for IPv6 addresses");
        } else {
            int colon = value.lastIndexOf(':');
            if (colon < 0) throw new InvalidValueException(field, value, "expected HOST:PORT, e.g. 127.0.0.1:5000");
            host = value.substring(0, colon);
            port = value.substring(colon + 1);
            if (host.indexOf(':') >= 0)
                throw new InvalidValueException(field, value, "write an IPv6 destination as [ADDRESS]:PORT, e.g. [::1]:5000");
        }
        try {
            return new StreamSettings.Destination(host(field, host), port(field, port, 1));
        } catch (InvalidValueException e) {
            throw new InvalidValueException(field, value, e.getMessage().substring(e.getMessage().indexOf(": ") + 2));
        }
    }

    /**
     * Checks a camera device path: /dev/videoN, or an existing path of safe characters.
     * @param field the field name
     * @param value the path
     * @return the path
     */
    public static String devicePath(String field, String value) {
        if (value == null) throw new InvalidValueException(field, null, "a device path is required");
        boolean safe = SAFE_PATH.matcher(value).matches() && !value.contains("..") && !value.contains("//");
        if (!safe) throw new InvalidValueException(field, value,
                "expected auto, test or a device path such as /dev/video0 (letters, digits, '.', '_', '-', '/')");
        if (!V4L2_DEVICE.matcher(value).matches() && !Files.exists(Path.of(value)))
            throw new InvalidValueException(field, value, "no such device");
        return value;
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
