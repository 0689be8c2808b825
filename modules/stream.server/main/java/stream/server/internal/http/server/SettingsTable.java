package stream.server.internal.http.server;

import com.eclipsesource.json.Json;
import com.eclipsesource.json.JsonArray;
import com.eclipsesource.json.JsonObject;
import java.util.Locale;
import stream.server.internal.settings.Setting;
import stream.server.internal.settings.StreamSettings;

/**
 * {@code GET /settings}: the settings table as JSON, so that a client (the dashboard's stream
 * form) builds its fields from the one description of each setting instead of a copy of it:
 * {@code {"settings": [{"name", "type", "default", "allowed", "help", "live", "secret"}, ...]}}
 * in the table's order. {@code type} is the JSON type a PUT or start takes ("number", "string",
 * "number_or_string", "list", "boolean"); {@code default} is the built-in default a new stream
 * gets (null: none); {@code live} says the setting changes while the stream runs; {@code secret}
 * that it is write-only (never shown back).
 */
final class SettingsTable {
    private SettingsTable() {}

    /** @return the answer's body */
    static JsonObject json() {
        JsonArray rows = new JsonArray();
        for (Setting<?> s : StreamSettings.ALL) rows.add(row(s));
        return Json.object().add("settings", rows);
    }

    private static <T> JsonObject row(Setting<T> s) {
        T d = s.defaultValue();
        boolean secret = StreamSettings.SECRETS.contains(s);
        return Json.object().add("name", s.name())
                .add("type", s.json().name().toLowerCase(Locale.ROOT))
                .add("default", d == null || secret ? Json.NULL : s.toJson().apply(d))
                .add("allowed", s.allowed())
                // the usage text's lines, joined into one sentence-like line
                .add("help", String.join(" ", s.help()).replaceAll("\\s+", " ").strip())
                .add("live", StreamSettings.LIVE.contains(s))
                .add("secret", secret);
    }
}
