package stream.server.internal.record;

import com.eclipsesource.json.Json;
import com.eclipsesource.json.JsonObject;
import stream.server.internal.http.Exchange;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Objects;
import java.util.Optional;

/**
 * The HTTP answers for one collection of files (a stream's recordings or its clips), for whatever
 * context the server mounts it on, e.g. {@code /streams/{name}/recordings}:
 * <ul>
 * <li>{@code GET} (or HEAD) of the collection: 200, {@code {"<kind>": [{name, start, duration, size}, ...]}}, oldest first;
 * <li>{@code GET} (or HEAD) of {@code /<file>}: the MP4 with {@code Range} support (200, 206, 416), {@code video/mp4};
 * <li>{@code DELETE /<file>}: 200 {@code {"deleted": name}};
 * <li>a name outside the {@link MediaName} grammar (anything path-like, encoded or not): 400;
 *     a valid name that is not there: 404; another method: 405 with {@code Allow}.
 * </ul>
 * The caller passes the raw (undecoded) rest of the path after the collection, so an encoded
 * separator never turns into one; it closes the exchange.
 */
public final class MediaFiles {
    private MediaFiles() {}

    /**
     * Answers one request.
     * @param ex the exchange
     * @param catalog the collection
     * @param kind "recordings" or "clips": the key of the list, and the word in messages
     * @param rawRest the raw path after the collection: "" or "/" for the list, "/NAME" for a file
     * @return the status code sent
     * @throws IOException when sending fails
     */
    public static int answer(Exchange ex, Catalog catalog, String kind, String rawRest) throws IOException {
        Objects.requireNonNull(catalog, "catalog");
        String method = ex.method();
        String rest = rawRest == null ? "" : rawRest;
        boolean read = method.equals("GET") || method.equals("HEAD");
        if (rest.isEmpty() || rest.equals("/")) {
            if (!read) return methodNotAllowed(ex, "GET, HEAD");
            return json(ex, 200, new JsonObject().add(kind, catalog.listJson()));
        }
        String name = rest.substring(1);
        if (!rest.startsWith("/") || !MediaName.valid(name)) {
            return json(ex, 400, error("not a file name of these " + kind + ": " + shorten(name),
                    "Use a name exactly as GET .../" + kind + " lists it, e.g. " + MediaName.of(java.time.Instant.EPOCH) + "."));
        }
        if (!read && !method.equals("DELETE")) return methodNotAllowed(ex, "GET, HEAD, DELETE");
        Optional<Catalog.Entry> e = catalog.entry(name);
        if (e.isEmpty()) {
            return json(ex, 404, error("no such file in " + kind + ": " + name,
                    "GET .../" + kind + " lists the files there are; a clip appears once it is complete."));
        }
        if (method.equals("DELETE")) {
            catalog.delete(name);
            return json(ex, 200, new JsonObject().add("deleted", name));
        }
        ex.setHeader("Cache-Control", "no-cache");
        return RangeResponse.send(ex, e.get().path(), "video/mp4", method.equals("HEAD"));
    }

    private static String shorten(String s) {
        return s.length() > 80 ? s.substring(0, 80) + "..." : s;
    }

    private static int methodNotAllowed(Exchange ex, String allow) throws IOException {
        ex.setHeader("Allow", allow);
        return json(ex, 405, error("method " + ex.method() + " not allowed here", "Use " + allow + "."));
    }

    static JsonObject error(String error, String hint) {
        return Json.object().add("error", error).add("hint", hint);
    }

    static int json(Exchange ex, int code, JsonObject body) throws IOException {
        byte[] bytes = (body + "\n").getBytes(StandardCharsets.UTF_8);
        ex.setHeader("Content-Type", "application/json; charset=utf-8");
        if (ex.method().equals("HEAD")) {
            ex.setHeader("Content-Length", Integer.toString(bytes.length));
            ex.send(code, -1);
            return code;
        }
        ex.send(code, bytes.length);
        try (OutputStream out = ex.responseBody()) {
            out.write(bytes);
        }
        return code;
    }
}
