package stream.server.internal;

import com.eclipsesource.json.JsonObject;
import com.eclipsesource.json.JsonValue;
import java.io.Serial;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The grammar and ranges of every stream setting, from a server flag or from the JSON body of
 * {@code POST /control {"action":"start", ...}}.
 *
 * <p>Each value ends up in a gst-launch-1.0 argument list, which gst-launch joins into one
 * pipeline description; so every grammar admits only the characters its kind of value needs.
 * Nothing that passes can carry a space, a {@code '!'}, a quote, a comma or an {@code '='}.
 * A rejected value raises {@link Invalid}, which names the field, the value and what is allowed.
 */
public final class SettingsGrammar {
    private SettingsGrammar() {}

    /** Names of the settings as JSON fields and (with "--" before them) as server flags. */
    public static final List<String> FIELDS = List.of("width", "height", "framerate", "bitrate", "keyint", "preset",
            "source", "destinations", "multicast", "ttl", "restart", "stall-timeout");

    /** x264enc speed-preset names, fastest first. */
    public static final List<String> PRESETS = List.of("ultrafast", "superfast", "veryfast", "faster", "fast",
            "medium", "slow", "slower", "veryslow", "placebo");

    /** The most destinations one stream is sent to (each is one more copy of the output). */
    public static final int MAX_DESTINATIONS = 8;

    static final int MIN_WIDTH = 16, MAX_WIDTH = 3840, MIN_HEIGHT = 16, MAX_HEIGHT = 2160;
    static final int MIN_FPS = 1, MAX_FPS = 120, MIN_KBPS = 100, MAX_KBPS = 50_000;
    static final int MIN_KEYINT = 1, MAX_KEYINT = 600, MIN_TTL = 1, MAX_TTL = 255;
    static final int MIN_STALL = 1, MAX_STALL = 300;

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

    /**
     * Every stream setting, checked. Build one from {@link #defaults()} with {@link #with} (a flag)
     * or {@link #withJson} (a request body).
     *
     * @param width frame width in pixels, even
     * @param height frame height in pixels, even
     * @param framerate frames per second
     * @param bitrate encoder bitrate in kbit/s
     * @param keyint keyframe interval
     * @param preset x264enc speed-preset
     * @param source auto, test, or /dev/videoN
     * @param destinations unicast destinations, empty when {@code multicast} is set
     * @param multicast the multicast group and port, or null
     * @param ttl multicast time-to-live (hops)
     * @param restart what happens when the child fails or stalls
     * @param stallTimeout seconds without a packet after which a live child counts as stalled
     */
    public record Settings(int width, int height, int framerate, int bitrate, Keyint keyint, String preset,
                           String source, List<Endpoint> destinations, Endpoint multicast, int ttl,
                           Restart restart, int stallTimeout) {
        /** Checks every field. */
        public Settings {
            Objects.requireNonNull(keyint, "keyint");
            Objects.requireNonNull(restart, "restart");
            destinations = List.copyOf(destinations);
            SettingsGrammar.width(Integer.toString(width));
            SettingsGrammar.height(Integer.toString(height));
            intIn("framerate", Integer.toString(framerate), MIN_FPS, MAX_FPS, "");
            intIn("bitrate", Integer.toString(bitrate), MIN_KBPS, MAX_KBPS, " kbit/s");
            SettingsGrammar.preset(preset);
            SettingsGrammar.source(source);
            intIn("ttl", Integer.toString(ttl), MIN_TTL, MAX_TTL, " hops");
            intIn("stall-timeout", Integer.toString(stallTimeout), MIN_STALL, MAX_STALL, " seconds");
            if (destinations.isEmpty() == (multicast == null))
                throw new Invalid(multicast == null ? "destinations" : "multicast",
                        multicast == null ? "" : multicast.toString(),
                        "either 1 to " + MAX_DESTINATIONS + " destinations or one multicast group, not both and not neither");
            if (destinations.size() > MAX_DESTINATIONS)
                throw new Invalid("destinations", destinations.size() + " destinations", "1 to " + MAX_DESTINATIONS);
            if (multicast != null && !multicast.multicast())
                throw new Invalid("multicast", multicast.toString(), "a group in 224.0.0.0/4 or ff00::/8");
            int frames = keyint.frames(framerate);
            if (frames < MIN_KEYINT || frames > MAX_KEYINT)
                throw new Invalid("keyint", keyint.toString(), "1 to 600 frames (" + keyint + " at " + framerate
                        + " fps is " + frames + " frames)");
        }

        /** @return the frames between keyframes at this frame rate */
        public int keyintFrames() {
            return keyint.frames(framerate);
        }

        /** @return where the RTP goes: the destinations, or the multicast group alone */
        public List<Endpoint> targets() {
            return multicast != null ? List.of(multicast) : destinations;
        }

        /**
         * Returns a copy with one setting changed, from text (a flag value).
         * @param field a name from {@link SettingsGrammar#FIELDS}
         * @param text the value
         * @return the new settings
         * @throws Invalid naming the field, the value and what is allowed
         */
        public Settings with(String field, String text) {
            return new Builder(this).set(field, text).build();
        }

        /**
         * Returns a copy with the settings found in a JSON object; other fields of the object are ignored
         * (the caller checks for unknown ones). Numbers may be JSON numbers or strings of digits.
         * @param body the request body
         * @return the new settings
         * @throws Invalid naming the first bad field
         */
        public Settings withJson(JsonObject body) {
            if (body.get("destinations") != null && body.get("multicast") != null)
                throw new Invalid("multicast", body.get("multicast").toString(),
                        "either destinations or multicast in one request, not both");
            Builder b = new Builder(this);
            for (String field : FIELDS) {
                JsonValue v = body.get(field);
                if (v == null) continue;
                b.set(field, jsonText(field, v));
            }
            return b.build();
        }

        /** @return the settings as JSON, in the same names and forms that {@link #withJson} takes */
        public JsonObject toJson() {
            JsonObject o = new JsonObject().add("width", width).add("height", height).add("framerate", framerate)
                    .add("bitrate", bitrate).add("keyint", keyintFrames()).add("preset", preset).add("source", source);
            var dests = new com.eclipsesource.json.JsonArray();
            for (Endpoint d : destinations) dests.add(d.toString());
            o.add("destinations", dests);
            if (multicast != null) o.add("multicast", multicast.toString());
            return o.add("ttl", ttl).add("restart", restart.text()).add("stall-timeout", stallTimeout);
        }
    }

    /**
     * The defaults: 1280x720 at 30 fps, 2000 kbit/s, a keyframe every second, ultrafast, source auto,
     * to 127.0.0.1:5000, restart never, stalled after 5 s. See the README for why.
     * @return the defaults
     */
    public static Settings defaults() {
        return new Settings(1280, 720, 30, 2000, new Keyint(0, 1), "ultrafast", "auto",
                List.of(new Endpoint("127.0.0.1", 5000)), null, 1, Restart.NEVER, 5);
    }

    /** Collects field changes, then checks the whole (some checks involve two fields). */
    private static final class Builder {
        int width, height, framerate, bitrate, ttl, stallTimeout;
        Keyint keyint;
        String preset, source;
        List<Endpoint> destinations;
        Endpoint multicast;
        Restart restart;

        Builder(Settings s) {
            width = s.width; height = s.height; framerate = s.framerate; bitrate = s.bitrate; keyint = s.keyint;
            preset = s.preset; source = s.source; destinations = s.destinations; multicast = s.multicast;
            ttl = s.ttl; restart = s.restart; stallTimeout = s.stallTimeout;
        }

        Builder set(String field, String text) {
            switch (field) {
                case "width" -> width = width(text);
                case "height" -> height = height(text);
                case "framerate" -> framerate = intIn(field, text, MIN_FPS, MAX_FPS, "");
                case "bitrate" -> bitrate = intIn(field, text, MIN_KBPS, MAX_KBPS, " kbit/s");
                case "keyint" -> keyint = keyint(text);
                case "preset" -> preset = preset(text);
                case "source" -> source = source(text);
                case "destinations" -> {
                    destinations = destinations(text);
                    multicast = null;
                }
                case "multicast" -> {
                    multicast = multicast(text);
                    destinations = List.of();
                }
                case "ttl" -> ttl = intIn(field, text, MIN_TTL, MAX_TTL, " hops");
                case "restart" -> restart = restart(text);
                case "stall-timeout" -> stallTimeout = intIn(field, text, MIN_STALL, MAX_STALL, " seconds");
                default -> throw new Invalid("setting", field, "one of " + String.join(", ", FIELDS));
            }
            return this;
        }

        Settings build() {
            return new Settings(width, height, framerate, bitrate, keyint, preset, source, destinations, multicast,
                    ttl, restart, stallTimeout);
        }
    }

    private static String jsonText(String field, JsonValue v) {
        if (v.isString()) return v.asString();
        if (v.isNumber()) return v.toString();
        if (field.equals("destinations") && v.isArray()) {
            List<String> parts = new ArrayList<>();
            for (JsonValue e : v.asArray()) {
                if (!e.isString()) throw new Invalid(field, v.toString(), "a list of \"HOST:PORT\" strings");
                String s = e.asString();
                // A comma inside one element would split it in two: reject it here, not later.
                if (s.indexOf(',') >= 0) throw new Invalid(field, s, "HOST:PORT (one per list element)");
                parts.add(s);
            }
            if (parts.isEmpty()) throw new Invalid(field, "[]", "1 to " + MAX_DESTINATIONS + " HOST:PORT");
            return String.join(",", parts);
        }
        throw new Invalid(field, v.toString(), "a " + (field.equals("destinations") ? "list of HOST:PORT strings"
                : "string or number") + ", not " + kind(v));
    }

    private static String kind(JsonValue v) {
        if (v.isArray()) return "a list";
        if (v.isObject()) return "an object";
        if (v.isBoolean()) return "true/false";
        if (v.isNull()) return "null";
        return "this";
    }

    // ------------------------------------------------------------------ single values

    private static final Pattern DIGITS = Pattern.compile("[0-9]{1,9}");

    static int intIn(String field, String text, int min, int max, String unit) {
        String allowed = "a whole number from " + min + " to " + max + unit;
        if (text == null || !DIGITS.matcher(text).matches()) throw new Invalid(field, text, allowed);
        int v = Integer.parseInt(text);
        if (v < min || v > max) throw new Invalid(field, text, allowed);
        return v;
    }

    static int width(String text) {
        return even("width", text, MIN_WIDTH, MAX_WIDTH);
    }

    static int height(String text) {
        return even("height", text, MIN_HEIGHT, MAX_HEIGHT);
    }

    private static int even(String field, String text, int min, int max) {
        String allowed = "an even whole number of pixels from " + min + " to " + max + " (4:2:0 video needs even sizes)";
        int v;
        try {
            v = intIn(field, text, min, max, "");
        } catch (Invalid e) {
            throw new Invalid(field, text, allowed);
        }
        if (v % 2 != 0) throw new Invalid(field, text, allowed);
        return v;
    }

    private static final Pattern SECONDS = Pattern.compile("([0-9]{1,3})(\\.[0-9]{1,3})?s");

    static Keyint keyint(String text) {
        String allowed = "frames from 1 to 600 (e.g. 30), or seconds from 0.1 to 60 written with an s (e.g. 2s or 0.5s)";
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
            throw new Invalid("preset", text, "one of " + String.join(", ", PRESETS));
        return text;
    }

    // /dev/videoN, or a stable name such as /dev/v4l/by-id/usb-Camera-video-index0
    private static final Pattern DEVICE = Pattern.compile("/dev/[A-Za-z0-9._/-]{1,200}");

    static String source(String text) {
        if (text != null && (text.equals("auto") || text.equals("test")
                || (DEVICE.matcher(text).matches() && !text.contains("..") && !text.contains("//")))) return text;
        throw new Invalid("source", text, "auto, test, or a camera device such as /dev/video0 (letters, digits, . _ - /)");
    }

    static Restart restart(String text) {
        for (Restart r : Restart.values()) if (r.text().equals(text)) return r;
        throw new Invalid("restart", text, "never or on-failure");
    }

    static List<Endpoint> destinations(String text) {
        String allowed = "1 to " + MAX_DESTINATIONS + " HOST:PORT separated by commas (IPv4 1.2.3.4:5000, IPv6 [::1]:5000,"
                + " or a host name); a multicast group goes in multicast";
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
        String allowed = "GROUP:PORT with GROUP in 224.0.0.0/4 (e.g. 239.255.0.1:5004) or [ff00::/8]:PORT (e.g. [ff15::1]:5004)";
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
    static boolean isIpv4(String s) {
        return IPV4.matcher(s).matches();
    }

    /** @param s text @return true for an IPv6 literal (no zone, no brackets), optionally with a dotted IPv4 tail */
    static boolean isIpv6(String s) {
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
    static boolean isDnsName(String s) {
        if (s.isEmpty() || s.length() > 253) return false;
        String[] labels = s.split("\\.", -1);
        for (String l : labels) if (!DNS_LABEL.matcher(l).matches()) return false;
        // "1.2.3" or "256.1.1.1" must not pass as a name: the last label has a letter or a dash.
        return !labels[labels.length - 1].matches("[0-9]+");
    }

    /** @param host an IPv4 or IPv6 literal or a name @return true for 224.0.0.0/4 or ff00::/8 */
    static boolean isMulticast(String host) {
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

    static String show(String value) {
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
