package stream.server.internal.stream;

import stream.server.internal.settings.SettingsGrammar;
import stream.server.internal.settings.Validation;
import stream.server.internal.http.Answers;
import stream.server.internal.http.ApiError;
import stream.server.internal.settings.AudioGrammar;
import stream.server.internal.settings.InvalidValueException;
import stream.server.internal.sources.AudioSource;
import stream.server.internal.settings.StreamSettings;
import stream.server.internal.supervisor.StreamPlan;
import com.eclipsesource.json.Json;
import com.eclipsesource.json.JsonObject;
import com.eclipsesource.json.JsonValue;
import com.eclipsesource.json.ParseException;
import stream.server.internal.http.Exchange;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import stream.server.internal.settings.SettingsGrammar.Invalid;

/**
 * The body of {@code POST /control}: a JSON object with "action" ("start" or "stop") and, for
 * start, settings named as in {@link StreamSettings#FIELDS}. Read bounded, parsed strictly.
 */
public final class ControlRequest {
    private static final List<String> ACTIONS = List.of("start", "stop");
    private static final Set<String> FIELDS = fields();
    private static final String FIELD_LIST = "action, " + String.join(", ", StreamSettings.FIELDS);
    private static final String EXAMPLE = "Send a JSON object such as {\"action\":\"start\"} or {\"action\":\"stop\"}.";

    private ControlRequest() {}

    private static Set<String> fields() {
        Set<String> f = new HashSet<>(StreamSettings.FIELDS);
        f.add("action");
        return Set.copyOf(f);
    }

    /**
     * @param ex the exchange
     * @return the parsed body
     */
    public static JsonObject read(Exchange ex) throws IOException, ApiError {
        JsonObject o = parse(Answers.readBody(ex));
        if (o.getString("action", "").equals("start")) {
            requireSourceHere(o);
            requireAudioHere(o);
        }
        return o;
    }

    /**
     * Refuses a request whose source is a camera device that is not there (400, naming it and the
     * cameras that are), instead of a child that fails at once (500). Only for requests: a
     * definition read from a file keeps its device, which may be plugged in later.
     */
    static void requireSourceHere(JsonObject o) throws ApiError {
        JsonValue v = o.get(StreamSettings.SOURCE.name());
        // auto, test, or a value outside the grammar, which the settings refuse with field, value and allowed.
        if (v == null || !v.isString() || !SettingsGrammar.isDevicePath(v.asString())) return;
        try {
            Validation.existingDevice(StreamSettings.SOURCE.name(), v.asString());
        } catch (InvalidValueException e) {
            throw ApiError.badValue(e.getMessage(), "Connect the camera and send the request again, or give another source"
                    + " (auto, test, or a camera that is here).", StreamSettings.SOURCE.name(), v.asString());
        }
    }

    /**
     * Refuses a request whose audio names a microphone that is not here, or auto when there is
     * none (400, naming it and the capture devices that are). A value outside the grammar is left
     * to the settings, which name the field, the value and what is allowed.
     */
    static void requireAudioHere(JsonObject o) throws ApiError {
        JsonValue v = o.get(StreamSettings.AUDIO.name());
        if (v == null || !v.isString() || !AudioGrammar.ALLOWED_PATTERN.matcher(v.asString()).matches()) return;
        try {
            AudioSource.requireHere(v.asString());
        } catch (InvalidValueException e) {
            throw ApiError.badValue(e.getMessage(), "Connect the microphone and send the request again, or give audio"
                    + " test or none.", StreamSettings.AUDIO.name(), v.asString());
        }
    }

    /**
     * The plan a start request asks for: the server's defaults with the request's settings.
     * @param defaults the server's defaults
     * @param request the parsed body
     * @return the plan
     */
    public static StreamPlan plan(StreamPlan defaults, JsonObject request) throws ApiError {
        try {
            return StreamPlan.of(defaults.settings().withJson(request));
        } catch (Invalid e) {
            throw ApiError.invalidSetting(e);
        } catch (InvalidValueException e) { // the source passed the grammar but names no usable device
            throw new ApiError(400, e.getMessage(), "Use source auto, test, or an existing camera device.");
        }
    }

    /**
     * Parses the POST body; the values of the settings are checked by {@link #plan}.
     * @param bytes the body
     * @return the object
     */
    static JsonObject parse(byte[] bytes) throws ApiError {
        JsonObject o = object(bytes, EXAMPLE);
        fieldsIn(o, FIELDS, FIELD_LIST, EXAMPLE);
        JsonValue action = o.get("action");
        if (action == null) throw new ApiError(400, "Missing field 'action'", EXAMPLE);
        if (!action.isString())
            throw new ApiError(400, "Field 'action' must be a string, not " + kind(action), EXAMPLE);
        String a = action.asString();
        if (!ACTIONS.contains(a))
            throw new ApiError(400, "Unknown action '" + Answers.clip(a) + "'", "Valid actions: start, stop.");
        return o;
    }

    /**
     * The body of {@code PUT /streams/{name}}: a JSON object of settings (as start takes them) and
     * an optional boolean "autostart"; the values are checked by {@link StreamDefinition}.
     * @param ex the exchange
     * @return the object
     */
    public static JsonObject readDefinition(Exchange ex, Set<String> featureFields) throws IOException, ApiError {
        JsonObject o = parseDefinition(Answers.readBody(ex), featureFields);
        requireSourceHere(o);
        requireAudioHere(o);
        return o;
    }

    /**
     * @param bytes the body
     * @param featureFields the definition fields the features own
     * @return the object, its field names checked
     */
    static JsonObject parseDefinition(byte[] bytes, Set<String> featureFields) throws ApiError {
        JsonObject o = object(bytes, DEFINITION_EXAMPLE);
        Set<String> allowed = new HashSet<>(StreamSettings.FIELDS);
        allowed.add(StreamDefinition.AUTOSTART);
        allowed.addAll(featureFields);
        List<String> list = new java.util.ArrayList<>(StreamSettings.FIELDS);
        list.add(StreamDefinition.AUTOSTART);
        list.addAll(featureFields);
        fieldsIn(o, allowed, String.join(", ", list), DEFINITION_EXAMPLE);
        return o;
    }

    private static final String DEFINITION_EXAMPLE =
            "Send a JSON object of settings such as {\"width\":640,\"height\":360,\"destinations\":[\"127.0.0.1:5002\"],\"autostart\":true}.";

    /** Decodes the body as UTF-8 JSON and requires an object. */
    private static JsonObject object(byte[] bytes, String example) throws ApiError {
        String text;
        try {
            text = StandardCharsets.UTF_8.newDecoder().decode(ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            throw new ApiError(400, "Request body is not UTF-8", example);
        }
        if (text.isBlank()) throw new ApiError(400, "Request body is empty", example);
        JsonValue v;
        try {
            v = Json.parse(text);
        } catch (ParseException e) {
            throw new ApiError(400, "Malformed JSON: " + e.getMessage(), example);
        } catch (StackOverflowError e) {
            throw new ApiError(400, "Malformed JSON: nested too deeply", example);
        }
        if (!v.isObject()) throw new ApiError(400, "JSON body must be an object, not " + kind(v), example);
        return v.asObject();
    }

    /** Refuses a field given twice or one not in the set. */
    static void fieldsIn(JsonObject o, Set<String> fields, String list, String example) throws ApiError {
        Set<String> seen = new HashSet<>();
        for (String name : o.names()) {
            if (!seen.add(name)) throw new ApiError(400, "Field '" + Answers.clip(name) + "' appears more than once", example);
            if (!fields.contains(name))
                throw new ApiError(400, "Unknown field '" + Answers.clip(name) + "'", "Valid fields: " + list + ". " + example);
        }
    }

    static String kind(JsonValue v) {
        if (v.isArray()) return "an array";
        if (v.isString()) return "a string";
        if (v.isNumber()) return "a number";
        if (v.isBoolean()) return "a boolean";
        if (v.isNull()) return "null";
        return "an object";
    }
}
