package stream.server.internal.http;

import com.eclipsesource.json.Json;
import com.eclipsesource.json.JsonObject;
import java.util.Map;
import stream.server.internal.settings.SettingsGrammar.Invalid;

/**
 * A client mistake, answered with its 4xx status and the JSON {@code {"error": "...", "hint": "..."}},
 * plus any fields and headers that say more (the bad setting; Allow on a 405).
 */
public final class ApiError extends Exception {
    private static final long serialVersionUID = 1L;
    final int code;

    /** @return the HTTP status */
    public int code() {
        return code;
    }

    public final String hint;
    final transient Map<String, String> headers;
    public final transient JsonObject extra;

    /**
     * @param code the HTTP status
     * @param error what is wrong
     * @param hint what to do
     */
    public ApiError(int code, String error, String hint) {
        this(code, error, hint, Map.of(), Json.object());
    }

    /** @return an error answered with these headers too (e.g. WWW-Authenticate with a 401) */
    public static ApiError withHeaders(int code, String error, String hint, Map<String, String> headers) {
        return new ApiError(code, error, hint, Map.copyOf(headers), Json.object());
    }

    private ApiError(int code, String error, String hint, Map<String, String> headers, JsonObject extra) {
        super(error, null, false, false);
        this.code = code;
        this.hint = hint;
        this.headers = headers;
        this.extra = extra;
    }

    /** @return 405 naming the method and path, with the Allow header */
    public static ApiError notAllowed(String method, String path, String allow) {
        return new ApiError(405, "Method " + Answers.clip(method) + " not allowed on " + path, "Use " + allow + ".",
                Map.of("Allow", allow), Json.object());
    }

    /** @return 401 with the WWW-Authenticate header */
    public static ApiError unauthorized(String error, String hint) {
        return new ApiError(401, error, hint, Map.of("WWW-Authenticate", "Bearer"), Json.object());
    }

    /** @return 400 for a bad stream setting, with the field, its value and what is allowed */
    public static ApiError invalidSetting(Invalid bad) {
        return new ApiError(400, bad.getMessage(), "Fix " + bad.field() + " and send the request again; "
                + bad.field() + " takes " + bad.allowed() + ".", Map.of(),
                Json.object().add("field", bad.field()).add("value", bad.value() == null ? Json.NULL : Json.value(bad.value()))
                        .add("allowed", bad.allowed()));
    }

    /** @return 409 for a setting whose value another stream holds (a port, a device), naming the field it concerns */
    public static ApiError conflict(String error, String hint, String field) {
        return new ApiError(409, error, hint, Map.of(), Json.object().add("field", field));
    }

    /** @return 400 for a value that passed its grammar but cannot be used here, with the field and the value */
    public static ApiError badValue(String error, String hint, String field, String value) {
        return new ApiError(400, error, hint, Map.of(), Json.object().add("field", field).add("value", value));
    }

    /** @return the JSON body */
    JsonObject body() {
        JsonObject o = Json.object().add("error", getMessage()).add("hint", hint);
        for (String name : extra.names()) o.add(name, extra.get(name));
        return o;
    }
}
