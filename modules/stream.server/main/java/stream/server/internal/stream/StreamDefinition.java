package stream.server.internal.stream;

import stream.server.internal.feature.DefinitionField;
import stream.server.internal.http.ApiError;
import stream.server.internal.settings.StreamSettings;
import stream.server.internal.supervisor.StreamPlan;
import com.eclipsesource.json.JsonObject;
import com.eclipsesource.json.JsonValue;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * What a named stream is: the settings a start without settings uses, whether it starts with
 * the server, and the definition fields its features own ({@link DefinitionField}, e.g. the Janus
 * instances). The JSON form is the body of {@code PUT /streams/{name}} and an entry of the streams
 * file: the settings in the names and forms start takes, the feature fields, plus
 * {@code "autostart": true|false}. A definition replaces the previous one whole: fields left out
 * take the built-in defaults.
 *
 * @param plan the settings and their resolved source
 * @param autostart whether the stream starts when the server starts
 * @param fields the feature fields, by name, as their features checked them (secrets included)
 */
public record StreamDefinition(StreamPlan plan, boolean autostart, Map<String, JsonValue> fields) {
    /** The field that is not a setting. */
    static final String AUTOSTART = "autostart";

    /** Checks the parts. */
    public StreamDefinition {
        Objects.requireNonNull(plan, "plan");
        fields = Map.copyOf(fields);
    }

    /** A definition without feature fields. */
    StreamDefinition(StreamPlan plan, boolean autostart) {
        this(plan, autostart, Map.of());
    }

    /**
     * @param name a feature field's name
     * @return its value, or null when the definition has none
     */
    public JsonValue field(String name) {
        return fields.get(name);
    }

    /**
     * Checks a definition object (field names already checked by {@link ControlRequest#fieldsIn}).
     * @param o the object
     * @param owned the feature fields, by name
     * @return the definition
     * @throws ApiError 400 naming the bad field, its value and what is allowed
     */
    public static StreamDefinition of(JsonObject o, Map<String, DefinitionField> owned) throws ApiError {
        JsonValue auto = o.get(AUTOSTART);
        if (auto != null && !auto.isBoolean())
            throw new ApiError(400, "Field 'autostart' must be true or false, not " + ControlRequest.kind(auto),
                    "Send \"autostart\": true to start the stream with the server, false (the default) not to.");
        Map<String, JsonValue> fields = new LinkedHashMap<>();
        for (DefinitionField f : owned.values()) {
            JsonValue v = o.get(f.name());
            JsonValue kept = v == null ? null : f.read(v);
            if (kept != null) fields.put(f.name(), kept); // null: the value says "none"
        }
        // The settings go through the same path as POST start's, from the built-in defaults.
        StreamPlan plan = ControlRequest.plan(StreamPlan.of(StreamSettings.defaults()), o); // other fields are not read
        return new StreamDefinition(plan, auto != null && auto.asBoolean(), fields);
    }

    /** @return the object {@link #of} reads back to an equal definition */
    public JsonObject toJson() {
        JsonObject o = plan.settings().toStoredJson(); // with a camera's password: the file is private (0600 in a 0700 directory)
        // The status lists an empty destinations array beside a multicast group; a request may name only one of them.
        if (o.get("multicast") != null) o.remove("destinations");
        fields.forEach(o::add);
        return o.add(AUTOSTART, autostart);
    }
}
