package stream.server.internal.settings;

import com.eclipsesource.json.Json;
import com.eclipsesource.json.JsonArray;
import com.eclipsesource.json.JsonObject;
import com.eclipsesource.json.JsonValue;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.stream.Collectors;
import stream.server.internal.settings.SettingsGrammar.Endpoint;
import stream.server.internal.settings.SettingsGrammar.Invalid;
import stream.server.internal.settings.SettingsGrammar.Keyint;
import stream.server.internal.settings.SettingsGrammar.Restart;
import stream.server.internal.settings.Setting.JsonType;

/**
 * Every stream setting, as typed values: the table of {@link Setting} descriptions (the one place
 * that says what a setting is called, accepts and defaults to) and one checked set of values.
 * Values are parsed once, from a flag, a variable or a JSON field, into their type; the pipeline
 * reads them with {@link #get}. Immutable: {@link #with} and {@link #withJson} return copies, and
 * every copy is checked as a whole (some rules involve two settings).
 *
 * <p>{@link #toJson()} is the canonical form, the "settings" object of the status and of the
 * definitions file; reading it back with {@link #fromJson} gives an equal object. Each value keeps
 * the unit it was given in (a keyframe interval of "2s" stays "2s", 60 frames stay 60), so 1s at
 * 30 fps and 30 frames are not equal settings, though they make the same child ({@link #sameChild}).
 */
public final class StreamSettings {
    private static Setting<Integer> number(String name, String flag, String metavar, int min, int max, String unit,
                                           int defaultValue, String... help) {
        return Setting.wholeNumber(name, flag, metavar, min, max, false, unit, defaultValue, help);
    }

    /** Frame width in pixels. */
    public static final Setting<Integer> WIDTH = Setting.wholeNumber("width", "--width", "N", 16, 3840, true, "", 1280,
            "frame width, even, 16-3840");
    /** Frame height in pixels. */
    public static final Setting<Integer> HEIGHT = Setting.wholeNumber("height", "--height", "N", 16, 2160, true, "", 720,
            "frame height, even, 16-2160");
    /** Frames per second. */
    public static final Setting<Integer> FRAMERATE = number("framerate", "--framerate", "N", 1, 120, "", 30,
            "frames per second, 1-120");
    /** Encoder bitrate in kbit/s. */
    public static final Setting<Integer> BITRATE = number("bitrate", "--bitrate", "KBPS", 100, 50_000, " kbit/s", 2000,
            "H.264 bitrate in kbit/s, 100-50000");
    /** Keyframe interval, in frames or in seconds (then frames follow the frame rate). */
    public static final Setting<Keyint> KEYINT = Setting.of("keyint", "--keyint", "N|Ts", new Keyint(0, 1),
            SettingsGrammar.KEYINT_ALLOWED, JsonType.NUMBER_OR_STRING, SettingsGrammar::keyint, StreamSettings::checkKeyint,
            Keyint::toString, k -> k.frames() > 0 ? Json.value(k.frames()) : Json.value(k.toString()),
            "keyframe interval: frames 1-600, or",
            "seconds 0.1s-60s (a late viewer waits up to this long for a picture)");
    /** x264enc speed-preset. */
    public static final Setting<String> PRESET = Setting.of("preset", "--preset", "NAME", "ultrafast",
            SettingsGrammar.PRESET_ALLOWED, JsonType.STRING, SettingsGrammar::preset, SettingsGrammar::preset,
            p -> p, Json::value,
            "x264 speed preset: ultrafast superfast",
            "veryfast faster fast medium slow slower veryslow placebo");
    /** The H.264 encoder of a local camera: auto (hardware when one works, else x264), x264, or a hardware element. */
    public static final Setting<String> ENCODER = Setting.of("encoder", "--encoder", "NAME", "auto",
            EncoderGrammar.ALLOWED, JsonType.STRING, EncoderGrammar::encoder, EncoderGrammar::encoder, e -> e, Json::value,
            "H.264 encoder: auto, x264 or hardware:",
            String.join(", ", EncoderGrammar.HARDWARE) + " (auto: the first",
            "that encodes a test frame, else x264; x264 too when one fails)");
    /** auto, test, or a camera device path. */
    public static final Setting<String> SOURCE = Setting.of("source", "--source", "SOURCE", "auto",
            SettingsGrammar.SOURCE_ALLOWED, JsonType.STRING, SettingsGrammar::source, SettingsGrammar::source,
            s -> s, Json::value,
            "auto, test, a device path or rtsp://URL",
            "(an IP camera: rtsp://HOST[:PORT]/PATH, credentials in the next two;",
            " auto: v4l2src on the first /dev/videoN on Linux, avfvideosrc on macOS,",
            " mfvideosrc on Windows, otherwise the live test pattern)");
    /** The user an rtsp:// camera asks for, or null. */
    public static final Setting<String> SOURCE_USER = Setting.of("source-user", "--source-user", "USER", null,
            CameraGrammar.USER_ALLOWED, JsonType.STRING, CameraGrammar::user, CameraGrammar::user, u -> u, Json::value,
            "the user an rtsp:// camera asks for");
    /**
     * The password of an rtsp:// camera, or null: write-only. {@link #toJson()} leaves it out (the
     * status says {@code "source-password": "set"}), {@link #toString()} hides it, and it reaches
     * the camera relay on its stdin, never on a command line ({@link #SECRETS}).
     */
    public static final Setting<String> SOURCE_PASSWORD = Setting.of("source-password", "--source-password", "PASSWORD", null,
            CameraGrammar.PASSWORD_ALLOWED, JsonType.STRING, CameraGrammar::password, CameraGrammar::password, p -> "(set)",
            Json::value,
            "an rtsp:// camera's password, write-only",
            "(refused as an option, which every local user can read: use the variable or PUT)");
    /** How an rtsp:// camera sends its RTP: interleaved in the RTSP connection (tcp) or over UDP. */
    public static final Setting<CameraGrammar.Transport> SOURCE_TRANSPORT = Setting.of("source-transport", "--source-transport",
            "tcp|udp", CameraGrammar.Transport.TCP, CameraGrammar.TRANSPORT_ALLOWED, JsonType.STRING, CameraGrammar::transport,
            java.util.Objects::requireNonNull, CameraGrammar.Transport::text, t -> Json.value(t.text()),
            "an rtsp:// camera's transport: tcp|udp");
    /** Unicast destinations; empty when {@link #MULTICAST} is set. */
    public static final Setting<List<Endpoint>> DESTINATIONS = Setting.of("destinations", "--dest", "LIST",
            List.of(new Endpoint("127.0.0.1", 5000)), SettingsGrammar.DESTINATIONS_ALLOWED, JsonType.LIST,
            SettingsGrammar::destinations, StreamSettings::checkDestinations,
            l -> l.stream().map(Endpoint::toString).collect(Collectors.joining(",")),
            l -> {
                JsonArray a = new JsonArray();
                l.forEach(e -> a.add(e.toString()));
                return a;
            },
            "where RTP/UDP goes: 1-8 HOST:PORT, commas",
            "between; IPv4, [IPV6]:PORT or a host name");
    /** A multicast group and port instead of destinations, or null. */
    public static final Setting<Endpoint> MULTICAST = Setting.of("multicast", "--multicast", "G:P", null,
            SettingsGrammar.MULTICAST_ALLOWED, JsonType.STRING, SettingsGrammar::multicast, StreamSettings::checkMulticast,
            Endpoint::toString, e -> Json.value(e.toString()),
            "a multicast group instead of --dest",
            "(224.0.0.0/4 or [ff00::/8]:PORT), e.g. 239.255.0.1:5004");
    /** Multicast time-to-live in hops. */
    public static final Setting<Integer> TTL = number("ttl", "--ttl", "N", 1, 255, " hops", 1,
            "multicast TTL (hops), 1-255");
    /** What happens when the child fails or stalls. */
    public static final Setting<Restart> RESTART = Setting.of("restart", "--restart", "POLICY", null,
            SettingsGrammar.RESTART_ALLOWED, JsonType.STRING, SettingsGrammar::restart, Objects::requireNonNull,
            Restart::text, r -> Json.value(r.text()),
            "never or on-failure: restart a failed or",
            "stalled child after 1 s, doubling to 30 s (reset after 60 s of running);",
            "default: on-failure for an rtsp:// camera, never otherwise");
    /** Seconds without a packet after which a live child counts as stalled. */
    public static final Setting<Integer> STALL_TIMEOUT = number("stall-timeout", "--stall-timeout", "S", 1, 300, " seconds", 5,
            "seconds without an RTP packet after",
            "which a live child is reported stalled, 1-300");
    /** Browsers that may watch the stream at once over WebRTC (WHEP); changed live, see {@link #LIVE}. */
    public static final Setting<Integer> MAX_VIEWERS = number("max-viewers", "--max-viewers", "N", 1, 100, " viewers", 16,
            "browsers watching at once over WebRTC", "(WHEP), 1-100; more get 503 (changed while streaming)");

    /** A multicast group RTSP clients may ask for (RTSP's UDP multicast transport), or null for none. */
    public static final Setting<String> RTSP_MULTICAST = Setting.of("rtsp-multicast", "--rtsp-multicast", "GROUP", null,
            SettingsGrammar.RTSP_MULTICAST_ALLOWED, JsonType.STRING, SettingsGrammar::rtspMulticast, g -> g, g -> g, Json::value,
            "a multicast group RTSP clients may ask", "for (UDP multicast transport), e.g. 239.255.0.2; none by default");

    /** Continuous recording into MP4 segments ({@link StreamRecording}); changed live, see {@link #LIVE}. */
    public static final Setting<Boolean> RECORD = Setting.of("record", "--record", "BOOL", false, "true or false",
            JsonType.BOOLEAN, RecordGrammar::bool, Objects::requireNonNull, b -> Boolean.toString(b), b -> Json.value(b.booleanValue()),
            "record MP4 segments: true or false",
            "(switched on or off while streaming, without a gap)");
    /** Target length of a recorded segment; it ends at the first keyframe after it. */
    public static final Setting<Integer> RECORD_SEGMENT = number("record-segment", "--record-segment", "S", 1, 86_400, " seconds", 60,
            "seconds per recorded segment, 1-86400");
    /** Recorded segments older than this are deleted; 0 keeps them. */
    public static final Setting<Integer> RECORD_MAX_AGE = number("record-max-age", "--record-max-age", "S", 0, 315_360_000,
            " seconds (0: no bound)", 0,
            "delete segments older than S seconds",
            "(0: keep them; 86400 is a day)");
    /** The recorded segments together stay under this many MiB, oldest deleted first; 0 for no bound. */
    public static final Setting<Integer> RECORD_MAX_SIZE = number("record-max-size", "--record-max-size", "MIB", 0, 1 << 30,
            " MiB (0: no bound)", 0,
            "keep all segments under MIB MiB, oldest",
            "deleted first (0: no bound)");
    /** Where segments go; null for the stream's own folder in the state directory. */
    public static final Setting<java.nio.file.Path> RECORD_DIR = Setting.of("record-dir", "--record-dir", "DIR", null,
            RecordGrammar.DIR_ALLOWED, JsonType.STRING, RecordGrammar::dir, RecordGrammar::checkDir, java.nio.file.Path::toString,
            p -> Json.value(p.toString()),
            "where segments go: an absolute path",
            "(default: media-PORT/NAME/recordings in the state dir)");

    /** Sound: none, the test tone, the default microphone or a named one; encoded once as Opus beside the video. */
    public static final Setting<String> AUDIO = Setting.of("audio", "--audio", "AUDIO", "none",
            AudioGrammar.ALLOWED, JsonType.STRING, AudioGrammar::audio, AudioGrammar::audio,
            a -> a, Json::value,
            "none, test (a 1 kHz beep each second with a",
            "white flash), auto (default microphone),",
            "hw:C[,D], plughw:C[,D] or pulse:SOURCE");

    /** Every setting, in the order of the status JSON, the usage text and error hints. */
    public static final List<Setting<?>> ALL = List.of(WIDTH, HEIGHT, FRAMERATE, BITRATE, KEYINT, PRESET, ENCODER, SOURCE,
            SOURCE_USER, SOURCE_PASSWORD, SOURCE_TRANSPORT, DESTINATIONS, MULTICAST, TTL, RESTART, STALL_TIMEOUT,
            RECORD, RECORD_SEGMENT, RECORD_MAX_AGE, RECORD_MAX_SIZE, RECORD_DIR, MAX_VIEWERS, RTSP_MULTICAST, AUDIO);

    /**
     * The settings a running stream takes without restarting its child (its recording follows them,
     * the next WHEP offer is counted against max-viewers): a start or PUT that differs from the
     * running stream only in these is applied at once, not refused.
     */
    public static final List<Setting<?>> LIVE = List.of(RECORD, RECORD_SEGMENT, RECORD_MAX_AGE, RECORD_MAX_SIZE, RECORD_DIR,
            MAX_VIEWERS);

    /** The write-only settings: never in {@link #toJson()}, {@link #toString()}, a log or a command line. */
    public static final List<Setting<?>> SECRETS = List.of(SOURCE_PASSWORD);

    /** The settings' names: the JSON fields of a start request. */
    public static final List<String> FIELDS = ALL.stream().map(Setting::name).toList();

    private static final Map<String, Setting<?>> BY_NAME = ALL.stream()
            .collect(Collectors.toUnmodifiableMap(Setting::name, s -> s));

    private static final StreamSettings DEFAULTS = defaultValues();

    // By setting name; a missing value (multicast) is a null value, which HashMap allows.
    private final Map<String, Object> values;

    private StreamSettings(Map<String, Object> values) {
        this.values = values;
    }

    private static StreamSettings defaultValues() {
        Map<String, Object> m = new HashMap<>();
        for (Setting<?> s : ALL) m.put(s.name(), s.defaultValue());
        return new StreamSettings(m).checked();
    }

    /** @return the defaults, the value of each setting's description (see the README for why) */
    public static StreamSettings defaults() {
        return DEFAULTS;
    }

    /**
     * @param name a name from {@link #FIELDS}
     * @return its description
     * @throws Invalid for another name, listing the valid ones
     */
    public static Setting<?> named(String name) {
        Setting<?> s = BY_NAME.get(name);
        if (s == null) throw new Invalid("setting", name, "one of " + String.join(", ", FIELDS));
        return s;
    }

    /**
     * @param <T> the setting's type
     * @param setting a setting from {@link #ALL}
     * @return its value (null only for an absent multicast group)
     */
    @SuppressWarnings("unchecked") // every value was put by its own setting: see set()
    public <T> T get(Setting<T> setting) {
        return (T) values.get(setting.name());
    }

    /**
     * Returns a copy with one typed value changed.
     * @param <T> the setting's type
     * @param setting the setting
     * @param value its value
     * @return the checked copy
     * @throws Invalid naming the setting when the value or the whole is not allowed
     */
    public <T> StreamSettings with(Setting<T> setting, T value) {
        Map<String, Object> m = new HashMap<>(values);
        set(m, setting, setting.check(value));
        return new StreamSettings(m).checked();
    }

    /**
     * Returns a copy with one setting changed, from text (a flag value).
     * @param name a name from {@link #FIELDS}
     * @param text the value
     * @return the checked copy
     * @throws Invalid naming the field, the value and what is allowed
     */
    public StreamSettings with(String name, String text) {
        return withText(Map.of(name, text));
    }

    /**
     * Returns a copy with several settings changed from text (flags), checked as a whole once all
     * are in (a keyframe interval in seconds is checked at the frame rate given beside it).
     * @param texts values by setting name
     * @return the checked copy
     * @throws Invalid naming the first bad field
     */
    public StreamSettings withText(Map<String, String> texts) {
        for (String name : texts.keySet()) named(name); // an unknown name is an error, not ignored
        Map<String, Object> m = new HashMap<>(values);
        for (Setting<?> s : ALL) {
            String text = texts.get(s.name());
            if (text != null) setParsed(m, s, text);
        }
        return new StreamSettings(m).checked();
    }

    /**
     * Returns a copy with the settings found in a JSON object; other fields of the object are ignored
     * (a request's "action"; the caller checks for unknown ones). Each field must have its JSON type:
     * numbers as numbers, destinations as a list of strings.
     * @param body the request body or a settings object
     * @return the checked copy
     * @throws Invalid naming the first bad field
     */
    public StreamSettings withJson(JsonObject body) {
        JsonValue dests = body.get(DESTINATIONS.name());
        // An empty list beside a group is how toJson() writes a multicast stream.
        if (dests != null && body.get(MULTICAST.name()) != null && !(dests.isArray() && dests.asArray().isEmpty()))
            throw new Invalid(MULTICAST.name(), body.get(MULTICAST.name()).toString(),
                    "either destinations or multicast in one request, not both");
        Map<String, Object> m = new HashMap<>(values);
        for (Setting<?> s : ALL) {
            JsonValue v = body.get(s.name());
            if (v == null || (s == DESTINATIONS && v.isArray() && v.asArray().isEmpty() && body.get(MULTICAST.name()) != null))
                continue;
            setFromJson(m, s, v);
        }
        return new StreamSettings(m).checked();
    }

    /**
     * Reads settings written by {@link #toJson()} over the defaults. Unlike {@link #withJson}, a
     * field that is no setting is an error: a stored definition loses nothing silently.
     * @param json the object
     * @return the checked settings
     * @throws Invalid naming the first bad or unknown field
     */
    public static StreamSettings fromJson(JsonObject json) {
        for (String name : json.names()) named(name);
        return DEFAULTS.withJson(json);
    }

    private static <T> void setParsed(Map<String, Object> m, Setting<T> s, String text) {
        set(m, s, s.parse(text));
    }

    private static <T> void setFromJson(Map<String, Object> m, Setting<T> s, JsonValue v) {
        set(m, s, s.fromJson(v));
    }

    // Destinations and a multicast group replace each other: the stream goes to one or the other.
    private static <T> void set(Map<String, Object> m, Setting<T> s, T value) {
        m.put(s.name(), value);
        if (s == DESTINATIONS) m.put(MULTICAST.name(), null);
        if (s == MULTICAST && value != null) m.put(DESTINATIONS.name(), List.of());
    }

    // The rules between settings.
    private StreamSettings checked() {
        List<Endpoint> destinations = get(DESTINATIONS);
        Endpoint multicast = get(MULTICAST);
        if (destinations.isEmpty() == (multicast == null))
            throw new Invalid(multicast == null ? "destinations" : "multicast", multicast == null ? "" : multicast.toString(),
                    "either 1 to " + SettingsGrammar.MAX_DESTINATIONS
                            + " destinations or one multicast group, not both and not neither");
        if (get(SOURCE_PASSWORD) != null && get(SOURCE_USER) == null)
            throw new Invalid(SOURCE_USER.name(), null, "a user beside source-password (the camera asks for both)");
        if (hasAudio() && camera() != "camera".equals(get(AUDIO))) // a camera's sound is its own; only a camera has one
            throw new Invalid("audio", get(AUDIO), camera() ? "none or camera for an rtsp:// camera (its own sound track)"
                    : "camera only with an rtsp:// source; " + AudioGrammar.ALLOWED);
        if (hasAudio())
            for (Endpoint e : targets())
                if (e.port() > 65535 - 3) throw new Invalid("audio", get(AUDIO), "destination ports up to 65532: with sound,"
                        + " audio goes to port + 2 and RTCP to the ports after each (" + e + " has no room)");
        Keyint keyint = get(KEYINT);
        int frames = keyintFrames();
        if (frames < SettingsGrammar.MIN_KEYINT || frames > SettingsGrammar.MAX_KEYINT)
            throw new Invalid("keyint", keyint.toString(), "1 to 600 frames (" + keyint + " at " + framerate()
                    + " fps is " + frames + " frames)");
        return this;
    }

    private static Keyint checkKeyint(Keyint k) {
        Objects.requireNonNull(k, "keyint");
        boolean ok = k.frames() > 0 ? k.frames() <= SettingsGrammar.MAX_KEYINT && k.seconds() == 0
                : k.seconds() >= 0.1 && k.seconds() <= 60;
        if (!ok) throw new Invalid("keyint", k.toString(), SettingsGrammar.KEYINT_ALLOWED);
        return k;
    }

    private static List<Endpoint> checkDestinations(List<Endpoint> list) {
        List<Endpoint> copy = List.copyOf(list);
        if (copy.size() > SettingsGrammar.MAX_DESTINATIONS)
            throw new Invalid("destinations", copy.size() + " destinations", "1 to " + SettingsGrammar.MAX_DESTINATIONS);
        if (new HashSet<>(copy).size() != copy.size())
            throw new Invalid("destinations", DESTINATIONS.format().apply(copy), "each destination once");
        for (Endpoint e : copy)
            if (e.multicast()) throw new Invalid("destinations", e.toString(), "a unicast address; send to a group with multicast and ttl");
        return copy;
    }

    private static Endpoint checkMulticast(Endpoint e) {
        if (e != null && !e.multicast()) throw new Invalid("multicast", e.toString(), "a group in 224.0.0.0/4 or ff00::/8");
        return e;
    }

    /**
     * @return the settings as JSON, in the names and types {@link #withJson} takes and the units they
     *         were given in: the keyframe interval as a number of frames or as "Ts" seconds
     */
    public JsonObject toJson() {
        JsonObject o = toStoredJson();
        for (Setting<?> s : SECRETS) o.remove(s.name());
        return o;
    }

    /**
     * @return {@link #toJson()} with the {@link #SECRETS}: only for the definitions file, a private
     *         file in the private state directory, which {@link #fromJson} reads back
     */
    public JsonObject toStoredJson() {
        JsonObject o = new JsonObject();
        for (Setting<?> s : ALL) add(o, s);
        return o;
    }

    /** @return whether the source is an IP camera (rtsp://) */
    public boolean camera() {
        return CameraGrammar.isCameraUrl(get(SOURCE));
    }

    // What the child is made of: the keyframe interval in frames at the frame rate, whatever its unit.
    private JsonObject childJson() {
        JsonObject o = toStoredJson();
        o.set(KEYINT.name(), keyintFrames());
        return o;
    }

    private <T> void add(JsonObject o, Setting<T> s) {
        if (s == RESTART) { // the policy in force, so both forms read back equal
            o.add(s.name(), RESTART.toJson().apply(restart()));
            return;
        }
        T v = get(s);
        if (v != null) o.add(s.name(), s.toJson().apply(v));
    }

    /** @return the usage lines of every setting, in the server's usage text columns */
    public static String usage() {
        return ALL.stream().map(Setting::usage).collect(Collectors.joining());
    }

    // Shorthands for what the pipeline, the supervisor and the SDP read.

    /** @return frames per second */
    public int framerate() {
        return get(FRAMERATE);
    }

    /** @return the frames between keyframes at this frame rate */
    public int keyintFrames() {
        return get(KEYINT).frames(framerate());
    }

    /** @return whether the stream carries sound (audio is not none) */
    public boolean hasAudio() {
        return !"none".equals(get(AUDIO));
    }

    /** @return the multicast time-to-live */
    public int ttl() {
        return get(TTL);
    }

    /** @return the restart policy: the one given, else on-failure for a camera (it comes back) and never otherwise */
    public Restart restart() {
        Restart r = get(RESTART);
        return r != null ? r : camera() ? Restart.ON_FAILURE : Restart.NEVER;
    }

    /** @return seconds without a packet after which a live child counts as stalled */
    public int stallTimeout() {
        return get(STALL_TIMEOUT);
    }

    /** @return where the RTP goes: the destinations, or the multicast group alone */
    public List<Endpoint> targets() {
        Endpoint group = get(MULTICAST);
        return group != null ? List.of(group) : get(DESTINATIONS);
    }

    /**
     * @param other settings
     * @return whether both make the same child: they differ at most in {@link #LIVE} settings and in
     *         the unit of the keyframe interval (1s at 30 fps is 30 frames)
     */
    public boolean sameChild(StreamSettings other) {
        JsonObject mine = childJson(), theirs = other.childJson();
        for (Setting<?> s : LIVE) {
            mine.remove(s.name());
            theirs.remove(s.name());
        }
        return mine.equals(theirs);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof StreamSettings other && toStoredJson().equals(other.toStoredJson());
    }

    @Override
    public int hashCode() {
        return toStoredJson().hashCode();
    }

    @Override
    public String toString() {
        Map<String, String> shown = new LinkedHashMap<>();
        for (Setting<?> s : ALL) shown.put(s.name(), text(s));
        return "StreamSettings" + shown;
    }

    private <T> String text(Setting<T> s) {
        T v = get(s);
        return v == null ? "none" : s.format().apply(v);
    }
}
