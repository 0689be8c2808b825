package stream.server.internal.settings;

import java.io.Serial;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The grammars of single values (hosts, endpoints, keyframe intervals, presets, sources) and the
 * value types they parse into; {@link StreamSettings} describes the settings that use them.
 *
 * <p>Each value ends up in a gst-launch-1.0 argument list, which gst-launch joins into one
 * pipeline description; so every grammar admits only the characters its kind of value needs.
 * Nothing that passes can carry a space, a {@code '!'}, a quote, a comma or an {@code '='}.
 * A rejected value raises {@link Invalid}, which names the field, the value and what is allowed.
 */
public final class SettingsGrammar {
    private SettingsGrammar() {}

    /** x264enc speed-preset names, fastest first. */
    public static final List<String> PRESETS = List.of("ultrafast", "superfast", "veryfast", "faster", "fast",
            "medium", "slow", "slower", "veryslow", "placebo");

    /** The most destinations one stream is sent to (each is one more copy of the output). */
    public static final int MAX_DESTINATIONS = 8;

    static final int MIN_KEYINT = 1, MAX_KEYINT = 600;

    static final String KEYINT_ALLOWED =
            "frames from 1 to 600 (e.g. 30), or seconds from 0.1 to 60 written with an s (e.g. 2s or 0.5s)";
    static final String PRESET_ALLOWED = "one of " + String.join(", ", PRESETS);
    static final String SOURCE_ALLOWED = "auto, test, a camera device such as /dev/video0 (letters, digits, . _ - /),"
            + " or an IP camera's rtsp://HOST[:PORT]/PATH";
    static final String RESTART_ALLOWED = "never or on-failure";
    static final String DESTINATIONS_ALLOWED = "1 to " + MAX_DESTINATIONS + " HOST:PORT separated by commas (IPv4 1.2.3.4:5000,"
            + " IPv6 [::1]:5000, or a host name); a multicast group goes in multicast";
    static final String MULTICAST_ALLOWED =
            "GROUP:PORT with GROUP in 224.0.0.0/4 (e.g. 239.255.0.1:5004) or [ff00::/8]:PORT (e.g. [ff15::1]:5004)";

    /** A setting that failed its grammar or range: names the field, the value and what is allowed. */
    public static final class Invalid extends IllegalArgumentException {
        @Serial
        private static final long serialVersionUID = 1L;
        private final String field;
        private final String value;
        private final String allowed;

        /**
         * @param field the setting's name
         * @param value the rejected value as given (shown quoted, clipped, control characters escaped)
         * @param allowed what the setting accepts
         */
        public Invalid(String field, String value, String allowed) {
            super(field + " " + show(value) + " is not allowed: " + allowed);
            this.field = field;
            this.value = value;
            this.allowed = allowed;
        }

        /** @return the setting's name, e.g. "width" */
        public String field() {
            return field;
        }

        /** @return the rejected value as given, possibly null */
        public String value() {
            return value;
        }

        /** @return what the setting accepts */
        public String allowed() {
            return allowed;
        }
    }

    /** Restart policy names. */
    public enum Restart {
        /** A child that fails or stalls stays down. */ NEVER,
        /** A child that fails or stalls is started again, with exponential backoff. */ ON_FAILURE;

        /** @return the name used in flags and JSON: never, on-failure */
        public String text() {
            return name().toLowerCase(Locale.ROOT).replace('_', '-');
        }
    }

    /**
     * HOST:PORT of a UDP destination or multicast group.
     * @param host an IPv4 or IPv6 literal (without brackets) or a DNS name
     * @param port 1-65535
     */
    public record Endpoint(String host, int port) {
        /** Checks the parts again, so no unchecked endpoint exists. */
        public Endpoint {
            Objects.requireNonNull(host, "host");
            if (!isIpv4(host) && !isIpv6(host) && !isDnsName(host))
                throw new Invalid("host", host, "an IPv4 address, an IPv6 address or a DNS name");
            if (port < 1 || port > 65535) throw new Invalid("port", Integer.toString(port), "1 to 65535");
        }

        /** @return true for an IPv6 literal */
        public boolean ipv6() {
            return host.indexOf(':') >= 0;
        }

        /** @return true for an IPv4 group in 224.0.0.0/4 or an IPv6 group in ff00::/8 */
        public boolean multicast() {
            return isMulticast(host);
        }

        /** @return HOST:PORT, with brackets around an IPv6 host */
        @Override
        public String toString() {
            return ipv6() ? "[" + host + "]:" + port : host + ":" + port;
        }
    }

    /**
     * The keyframe interval, as given: frames, or seconds turned into frames at the frame rate.
     * @param frames frames between keyframes, or 0 when given in seconds
     * @param seconds seconds between keyframes, or 0 when given in frames
     */
    public record Keyint(int frames, double seconds) {
        /**
         * @param framerate frames per second
         * @return frames between keyframes at that rate (at least 1)
         */
        public int frames(int framerate) {
            return frames > 0 ? frames : (int) Math.max(1, Math.round(seconds * framerate));
        }

        /** @return "30" or "2s" */
        @Override
        public String toString() {
            if (frames > 0) return Integer.toString(frames);
            return (seconds == Math.rint(seconds) ? Long.toString((long) seconds) : Double.toString(seconds)) + "s";
        }
    }

    // ------------------------------------------------------------------ single values

    static final Pattern DIGITS = Pattern.compile("[0-9]{1,9}");

    public static int intIn(String field, String text, int min, int max, String unit) {
        String allowed = "a whole number from " + min + " to " + max + unit;
        if (text == null || !DIGITS.matcher(text).matches()) throw new Invalid(field, text, allowed);
        int v = Integer.parseInt(text);
        if (v < min || v > max) throw new Invalid(field, text, allowed);
        return v;
    }

    private static final Pattern SECONDS = Pattern.compile("([0-9]{1,3})(\\.[0-9]{1,3})?s");

    static Keyint keyint(String text) {
        String allowed = KEYINT_ALLOWED;
        if (text != null && DIGITS.matcher(text).matches()) {
            int frames = Integer.parseInt(text);
            if (frames >= MIN_KEYINT && frames <= MAX_KEYINT) return new Keyint(frames, 0);
            throw new Invalid("keyint", text, allowed);
        }
        if (text != null && SECONDS.matcher(text).matches()) {
            double s = Double.parseDouble(text.substring(0, text.length() - 1));
            if (s >= 0.1 && s <= 60) return new Keyint(0, s);
        }
        throw new Invalid("keyint", text, allowed);
    }

    static String preset(String text) {
        if (text == null || !PRESETS.contains(text))
            throw new Invalid("preset", text, PRESET_ALLOWED);
        return text;
    }

    // /dev/videoN, or a stable name such as /dev/v4l/by-id/usb-Camera-video-index0
    private static final Pattern DEVICE = Pattern.compile("/dev/[A-Za-z0-9._/-]{1,200}");

    /** @param text text @return true for a device path: under /dev, letters, digits, . _ - /, no ".." or "//" */
    public static boolean isDevicePath(String text) {
        return text != null && DEVICE.matcher(text).matches() && !text.contains("..") && !text.contains("//");
    }

    static String source(String text) {
        if (CameraGrammar.isCameraUrl(text)) return CameraGrammar.url(text);
        if (text != null && (text.equals("auto") || text.equals("test") || isDevicePath(text))) return text;
        throw new Invalid("source", text, SOURCE_ALLOWED);
    }

    /** What rtsp-multicast takes. */
    static final String RTSP_MULTICAST_ALLOWED = "an IPv4 multicast address, 224.0.0.0-239.255.255.255 (e.g. 239.255.0.2)";

    static String rtspMulticast(String text) {
        if (text != null && isIpv4(text)) {
            int first = Integer.parseInt(text.substring(0, text.indexOf('.')));
            if (first >= 224 && first <= 239) return text;
        }
        throw new Invalid("rtsp-multicast", text, RTSP_MULTICAST_ALLOWED);
    }

    static Restart restart(String text) {
        for (Restart r : Restart.values()) if (r.text().equals(text)) return r;
        throw new Invalid("restart", text, RESTART_ALLOWED);
    }

    public static List<Endpoint> destinations(String text) {
        String allowed = DESTINATIONS_ALLOWED;
        if (text == null || text.isEmpty()) throw new Invalid("destinations", text, allowed);
        String[] parts = text.split(",", -1);
        if (parts.length > MAX_DESTINATIONS) throw new Invalid("destinations", text, allowed);
        Set<Endpoint> out = new LinkedHashSet<>();
        for (String p : parts) {
            Endpoint e;
            try {
                e = endpoint("destinations", p, allowed);
            } catch (Invalid bad) {
                throw new Invalid("destinations", text, bad.allowed());
            }
            if (e.multicast()) throw new Invalid("destinations", p, "a unicast address; send to a group with multicast and ttl");
            if (!out.add(e)) throw new Invalid("destinations", p, "each destination once");
        }
        return List.copyOf(out);
    }

    static Endpoint multicast(String text) {
        String allowed = MULTICAST_ALLOWED;
        Endpoint e = endpoint("multicast", text, allowed);
        if (!e.multicast()) throw new Invalid("multicast", text, allowed);
        return e;
    }

    /**
     * Parses HOST:PORT or [IPV6]:PORT.
     * @param field the field named in errors
     * @param text the text
     * @param allowed the description of what is allowed
     * @return the endpoint
     */
    static Endpoint endpoint(String field, String text, String allowed) {
        if (text == null) throw new Invalid(field, null, allowed);
        String host;
        String port;
        if (text.startsWith("[")) {
            int close = text.indexOf("]:");
            if (close < 0) throw new Invalid(field, text, allowed);
            host = text.substring(1, close);
            port = text.substring(close + 2);
            if (!isIpv6(host)) throw new Invalid(field, text, allowed);
        } else {
            int colon = text.lastIndexOf(':');
            if (colon < 0) throw new Invalid(field, text, allowed);
            host = text.substring(0, colon);
            port = text.substring(colon + 1);
            if (!isIpv4(host) && !isDnsName(host)) throw new Invalid(field, text, allowed);
        }
        if (!DIGITS.matcher(port).matches() || Integer.parseInt(port) < 1 || Integer.parseInt(port) > 65535)
            throw new Invalid(field, text, allowed);
        return new Endpoint(host, Integer.parseInt(port));
    }

    // ------------------------------------------------------------------ hosts

    private static final Pattern IPV4 = Pattern.compile(
            "(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])(\\.(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])){3}");
    private static final Pattern HEX_GROUP = Pattern.compile("[0-9A-Fa-f]{1,4}");
    private static final Pattern DNS_LABEL = Pattern.compile("[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?");

    /** @param s text @return true for a dotted-quad IPv4 address without leading zeros */
    public static boolean isIpv4(String s) {
        return IPV4.matcher(s).matches();
    }

    /** @param s text @return true for an IPv6 literal (no zone, no brackets), optionally with a dotted IPv4 tail */
    public static boolean isIpv6(String s) {
        if (s.length() < 2 || s.length() > 45 || s.indexOf(':') < 0) return false;
        int dc = s.indexOf("::");
        if (dc >= 0 && s.indexOf("::", dc + 1) >= 0) return false;
        String body = s;
        int groupsFromV4 = 0;
        int lastColon = s.lastIndexOf(':');
        String tail = s.substring(lastColon + 1);
        if (tail.indexOf('.') >= 0) {
            if (!isIpv4(tail)) return false;
            // The dotted tail stands for two groups: replace it by one stand-in group and count one more.
            body = s.substring(0, lastColon + 1) + "0";
            groupsFromV4 = 1;
        }
        List<String> groups = new ArrayList<>();
        if (dc >= 0) {
            String left = body.substring(0, dc);
            String right = body.substring(dc + 2);
            if (!left.isEmpty()) groups.addAll(List.of(left.split(":", -1)));
            if (!right.isEmpty()) groups.addAll(List.of(right.split(":", -1)));
        } else {
            groups.addAll(List.of(body.split(":", -1)));
        }
        for (String g : groups) if (!HEX_GROUP.matcher(g).matches()) return false;
        int count = groups.size() + groupsFromV4;
        return dc >= 0 ? count <= 7 : count == 8;
    }

    /** @param s text @return true for a DNS name: letters, digits, '-' in labels of 1-63, not all digits at the end */
    public static boolean isDnsName(String s) {
        if (s.isEmpty() || s.length() > 253) return false;
        String[] labels = s.split("\\.", -1);
        for (String l : labels) if (!DNS_LABEL.matcher(l).matches()) return false;
        // "1.2.3" or "256.1.1.1" must not pass as a name: the last label has a letter or a dash.
        return !labels[labels.length - 1].matches("[0-9]+");
    }

    /** @param host an IPv4 or IPv6 literal or a name @return true for 224.0.0.0/4 or ff00::/8 */
    public static boolean isMulticast(String host) {
        if (isIpv4(host)) {
            int first = Integer.parseInt(host.substring(0, host.indexOf('.')));
            return first >= 224 && first <= 239;
        }
        if (isIpv6(host)) {
            String first = host.startsWith("::") ? "0" : host.substring(0, host.indexOf(':'));
            return first.length() == 4 && first.substring(0, 2).equalsIgnoreCase("ff");
        }
        return false;
    }

    public static String show(String value) {
        if (value == null) return "(none)";
        String shown = value.length() > 80 ? value.substring(0, 80) + "..." : value;
        StringBuilder b = new StringBuilder("'");
        for (char c : shown.toCharArray()) {
            if (c < 0x20 || c == 0x7f) b.append(String.format("\\u%04x", (int) c));
            else b.append(c);
        }
        return b.append('\'').toString();
    }
}
