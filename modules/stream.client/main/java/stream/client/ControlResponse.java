package stream.client;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * One answer of the stream server's {@code /control} API.
 *
 * @param httpStatus the HTTP status code, for example 200 or 409
 * @param json the JSON object of the body as plain Java values: {@link String}, {@link Long} or
 *        {@link Double}, {@link Boolean}, {@link List}, {@link Map}, or null; unmodifiable
 * @param body the body exactly as the server sent it (what {@code --json} prints)
 */
public record ControlResponse(int httpStatus, Map<String, Object> json, String body) {

    /**
     * Checks the values.
     * @throws NullPointerException when json or body is null
     */
    public ControlResponse {
        Objects.requireNonNull(json, "json");
        Objects.requireNonNull(body, "body");
    }

    /** @return true for HTTP 2xx */
    public boolean isSuccess() {
        return httpStatus >= 200 && httpStatus < 300;
    }

    /**
     * Returns a top-level member as text: strings as they are, whole numbers without a fraction,
     * other values in their JSON-like form; absent for missing members and JSON null.
     * @param name the member name, for example "status" or "message"
     * @return the text, if the member is there and not null
     */
    public Optional<String> text(String name) {
        Object value = json.get(name);
        if (value == null) {
            return Optional.empty();
        }
        if (value instanceof Double d && d == Math.rint(d) && !d.isInfinite()) {
            return Optional.of(Long.toString(d.longValue()));
        }
        if (value instanceof Double d) {
            return Optional.of(String.format(Locale.ROOT, "%.1f", d));
        }
        return Optional.of(value.toString());
    }
}
