package stream.server.internal.feature;

import stream.server.internal.http.ApiError;
import com.eclipsesource.json.JsonValue;

/**
 * A field of a stream's definition ({@code PUT /streams/NAME}, the definitions file) that a
 * feature owns beside the settings table: a structured value such as the Janus instances, whose
 * secrets the status must never show and the child must never see. The feature reads it from
 * {@link StreamEvent.SettingsChanged#definition()}.
 */
public interface DefinitionField {
    /** @return the JSON field's name */
    String name();

    /**
     * Checks a value from a request or the definitions file.
     * @param value the field's value
     * @return the value to keep (secrets included: it is written only to the private definitions file), or null for none
     * @throws ApiError 400 naming what is wrong, never a secret's value
     */
    JsonValue read(JsonValue value) throws ApiError;
}
