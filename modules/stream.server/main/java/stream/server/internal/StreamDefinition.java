package stream.server.internal;

import com.eclipsesource.json.JsonObject;
import com.eclipsesource.json.JsonValue;
import java.util.List;
import java.util.Objects;
import stream.server.internal.janus.JanusEndpoint;

/**
 * What a named stream is: the settings a start without settings uses, and whether it starts with
 * the server. The JSON form is the body of {@code PUT /streams/{name}} and an entry of the streams
 * file: the settings in the names and forms start takes, plus {@code "autostart": true|false}.
 * A definition replaces the previous one whole: fields left out take the built-in defaults.
 *
 * @param plan the settings and their resolved source
 * @param autostart whether the stream starts when the server starts
 * @param janus the Janus instances it feeds while it runs ({@link StreamJanus}), possibly none
 */
record StreamDefinition(StreamPlan plan, boolean autostart, List<JanusEndpoint> janus) {
    /** The field that is not a setting. */
    static final String AUTOSTART = "autostart";

    StreamDefinition {
        Objects.requireNonNull(plan, "plan");
        janus = List.copyOf(janus);
    }

    /** A definition that feeds no Janus. */
    StreamDefinition(StreamPlan plan, boolean autostart) {
        this(plan, autostart, List.of());
    }

    /**
     * Checks a definition object (fields already checked by {@link ControlRequest#fieldsIn}).
     * @param o the object
     * @return the definition
     * @throws ApiError 400 naming the bad field, its value and what is allowed
     */
    static StreamDefinition of(JsonObject o) throws ApiError {
        JsonValue auto = o.get(AUTOSTART);
        if (auto != null && !auto.isBoolean())
            throw new ApiError(400, "Field 'autostart' must be true or false, not " + ControlRequest.kind(auto),
                    "Send \"autostart\": true to start the stream with the server, false (the default) not to.");
        // The settings go through the same path as POST start's, from the built-in defaults.
        StreamPlan plan = ControlRequest.plan(StreamPlan.of(StreamSettings.defaults()), o);
        return new StreamDefinition(plan, auto != null && auto.asBoolean(), StreamJanus.read(o));
    }

    /** @return the object {@link #of} reads back to an equal definition */
    JsonObject toJson() {
        JsonObject o = plan.settings().toJson();
        // The status lists an empty destinations array beside a multicast group; a request may name only one of them.
        if (o.get("multicast") != null) o.remove("destinations");
        StreamJanus.store(o, janus);
        return o.add(AUTOSTART, autostart);
    }
}
