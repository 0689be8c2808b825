package stream.server.internal.record;

import com.eclipsesource.json.Json;
import com.eclipsesource.json.JsonArray;
import com.eclipsesource.json.JsonObject;
import com.eclipsesource.json.JsonValue;
import com.eclipsesource.json.ParseException;
import stream.server.internal.http.Exchange;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Objects;
import java.util.Set;

/**
 * The HTTP side of one stream's {@link StreamCapture}, below {@code /streams/{name}}; the server
 * routes every request whose path continues with one of these here, with the raw (undecoded) rest:
 * <ul>
 * <li>{@code /recordings}, {@code /recordings/{file}}, {@code /clips/{file}}: {@link MediaFiles};
 * <li>{@code GET /clips}: {@code {"clips": [...], "pending": [tickets]}};
 * <li>{@code POST /clips {"before": 10, "after": 20}}: 202 with the clip's ticket (name, start,
 *     before, after, readyAt) and {@code Location}, at once;
 * <li>{@code GET /snapshot.jpg[?width=N]}: 200 {@code image/jpeg}, the latest picture.
 * </ul>
 * Errors are JSON {@code {"error", "hint"}}: 400 for bad values or JSON, 413 for a body over 64 KiB,
 * 409 when the stream is not running, 404 for another path, 405 with {@code Allow}; 429 (a clip)
 * or 503 (a snapshot) with {@code Retry-After} past a bound of {@link MediaLimits}.
 */
public final class StreamMediaRoutes {
    private static final int MAX_BODY = 64 * 1024;
    private static final Set<String> CLIP_FIELDS = Set.of("before", "after");

    private StreamMediaRoutes() {}

    /**
     * @param rawRest the raw path after {@code /streams/{name}}
     * @return whether {@link #answer} serves it
     */
    public static boolean handles(String rawRest) {
        return rawRest.equals("/snapshot.jpg") || rawRest.equals("/recordings") || rawRest.startsWith("/recordings/")
                || rawRest.equals("/clips") || rawRest.startsWith("/clips/");
    }

    /**
     * Answers one request; the caller closes the exchange.
     * @param ex the exchange
     * @param capture the stream's capture
     * @param rawRest the raw path after {@code /streams/{name}}, e.g. "/clips/20261126T150405.123Z.mp4"
     * @return the status code sent
     * @throws IOException when sending fails
     */
    public static int answer(Exchange ex, StreamCapture capture, String rawRest) throws IOException {
        Objects.requireNonNull(capture, "capture");
        String method = ex.method();
        try {
            if (rawRest.equals("/snapshot.jpg")) {
                if (!method.equals("GET") && !method.equals("HEAD")) return notAllowed(ex, "GET, HEAD");
                return snapshot(ex, capture);
            }
            if (rawRest.equals("/recordings") || rawRest.startsWith("/recordings/"))
                return MediaFiles.answer(ex, capture.recordings(), "recordings", rawRest.substring("/recordings".length()));
            if (rawRest.equals("/clips") && method.equals("POST")) return clip(ex, capture);
            if (rawRest.equals("/clips") && (method.equals("GET") || method.equals("HEAD"))) {
                JsonArray pending = new JsonArray();
                for (Clips.Ticket t : capture.pendingClips()) pending.add(t.toJson());
                return json(ex, 200, new JsonObject().add("clips", capture.clips().listJson()).add("pending", pending));
            }
            if (rawRest.equals("/clips")) return notAllowed(ex, "GET, HEAD, POST");
            if (rawRest.startsWith("/clips/"))
                return MediaFiles.answer(ex, capture.clips(), "clips", rawRest.substring("/clips".length()));
            return json(ex, 404, error("no such resource: " + rawRest, "Use /recordings, /clips or /snapshot.jpg."));
        } catch (IllegalArgumentException e) {
            return json(ex, 400, error(e.getMessage(), "Fix the value and send the request again."));
        } catch (IllegalStateException e) {
            return json(ex, 409, error(e.getMessage(), "Start the stream and try again once it sends."));
        } catch (Busy e) {
            ex.setHeader("Retry-After", Long.toString(e.retryAfterSeconds()));
            return json(ex, e.status(), error(e.getMessage(), e.hint()));
        }
    }

    private static int snapshot(Exchange ex, StreamCapture capture) throws IOException {
        int width = 0;
        String q = ex.uri().getRawQuery();
        if (q != null && !q.isEmpty()) {
            if (!q.matches("width=[0-9]{1,5}"))
                throw new IllegalArgumentException("the only query is width=N (" + Snapshots.MIN_WIDTH + " to "
                        + Snapshots.MAX_WIDTH + "): " + (q.length() > 40 ? q.substring(0, 40) + "..." : q));
            width = Integer.parseInt(q.substring(6));
        }
        byte[] jpeg = capture.snapshot(width);
        ex.setHeader("Content-Type", "image/jpeg");
        ex.setHeader("Cache-Control", "no-store");
        if (ex.method().equals("HEAD")) {
            ex.setHeader("Content-Length", Integer.toString(jpeg.length));
            ex.send(200, -1);
            return 200;
        }
        ex.send(200, jpeg.length);
        try (OutputStream out = ex.responseBody()) {
            out.write(jpeg);
        }
        return 200;
    }

    private static int clip(Exchange ex, StreamCapture capture) throws IOException {
        byte[] body;
        try (InputStream in = ex.requestBody()) {
            body = in.readNBytes(MAX_BODY + 1);
        }
        if (body.length > MAX_BODY) return json(ex, 413, error("body over 64 KiB", "Send {\"before\": 10, \"after\": 20}."));
        JsonObject o;
        try {
            JsonValue v = Json.parse(new String(body, StandardCharsets.UTF_8));
            if (!v.isObject()) throw new IllegalArgumentException("the body must be a JSON object such as {\"before\": 10, \"after\": 20}");
            o = v.asObject();
        } catch (ParseException e) {
            throw new IllegalArgumentException("malformed JSON: " + e.getMessage());
        }
        for (String n : o.names())
            if (!CLIP_FIELDS.contains(n)) throw new IllegalArgumentException("unknown field " + n + "; a clip takes before and after");
        double before = number(o, "before"), after = number(o, "after");
        Clips.Ticket t = capture.clip(before, after);
        ex.setHeader("Location", "clips/" + t.name()); // relative to .../clips: .../clips/NAME
        return json(ex, 202, t.toJson());
    }

    private static double number(JsonObject o, String field) {
        JsonValue v = o.get(field);
        if (v == null) throw new IllegalArgumentException(field + " is missing (seconds)");
        if (!v.isNumber()) throw new IllegalArgumentException(field + " must be a number of seconds: " + v);
        return v.asDouble();
    }

    private static int notAllowed(Exchange ex, String allow) throws IOException {
        ex.setHeader("Allow", allow);
        return json(ex, 405, error("method " + ex.method() + " not allowed here", "Use " + allow + "."));
    }

    private static JsonObject error(String error, String hint) {
        return MediaFiles.error(error, hint);
    }

    private static int json(Exchange ex, int code, JsonObject body) throws IOException {
        return MediaFiles.json(ex, code, body);
    }
}
