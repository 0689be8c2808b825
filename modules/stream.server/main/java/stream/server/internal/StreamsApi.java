package stream.server.internal;

import com.eclipsesource.json.Json;
import com.eclipsesource.json.JsonArray;
import com.eclipsesource.json.JsonObject;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import java.io.IOException;
import stream.server.internal.record.StreamMediaRoutes;

/**
 * {@code /streams} and below: {@code GET /streams} lists every stream; {@code GET|PUT|DELETE
 * /streams/{name}} reads, creates or redefines, and deletes one; {@code GET|POST
 * /streams/{name}/control} and {@code GET /streams/{name}/stream.sdp} are the contract of
 * /control and /stream.sdp for that stream ({@link StreamControl}); {@code GET
 * /streams/{name}/janus/{i}} plays it through its Janus instance i ({@link StreamJanus}). A name that breaks the
 * grammar is a 400 naming the rule; an unknown one a 404.
 */
final class StreamsApi {
    /** The context path. */
    static final String PATH = "/streams";

    /** Checks the bearer token of a state change. */
    @FunctionalInterface
    interface Authorizer {
        /** @param ex the request @throws ApiError 401 */
        void authorize(HttpExchange ex) throws ApiError;
    }

    private final StreamRegistry registry;
    private final StreamControl control;
    private final Authorizer auth;

    StreamsApi(StreamRegistry registry, StreamControl control, Authorizer auth) {
        this.registry = registry;
        this.control = control;
        this.auth = auth;
    }

    /** @return the handler of the context */
    HttpHandler handler() {
        return Answers.handler(this::route);
    }

    private void route(HttpExchange ex) throws IOException, ApiError {
        String path = ex.getRequestURI().getRawPath();
        String method = ex.getRequestMethod();
        if (path.equals(PATH) || path.equals(PATH + "/")) {
            guard(method, path, "GET, HEAD");
            list(ex);
            return;
        }
        if (!path.startsWith(PATH + "/")) throw notFound(path); // e.g. /streamsx
        String[] parts = path.substring(PATH.length() + 1).split("/", -1);
        String name = parts[0];
        if (!StreamName.valid(name))
            throw new ApiError(400, "Invalid stream name '" + HttpApi.clip(name) + "'", "A stream name is " + StreamName.RULE + ".");
        if (parts.length == 1) {
            switch (method) {
                case "GET", "HEAD" -> Answers.json(ex, 200, stream(name).entry());
                case "PUT" -> put(ex, name);
                case "DELETE" -> delete(ex, name);
                default -> throw ApiError.notAllowed(method, path, "GET, HEAD, PUT, DELETE");
            }
            return;
        }
        if (parts.length == 2 && parts[1].equals("control")) {
            switch (method) {
                case "GET", "HEAD" -> control.status(ex, stream(name));
                case "POST" -> {
                    auth.authorize(ex);
                    control.post(ex, stream(name));
                }
                default -> throw ApiError.notAllowed(method, path, "GET, HEAD, POST");
            }
            return;
        }
        if (parts.length == 3 && parts[1].equals(StreamJanus.FIELD)) {
            stream(name).janus().page(ex, parts[2]);
            return;
        }
        String rest = path.substring(PATH.length() + 1 + name.length());
        if (StreamMediaRoutes.handles(rest)) {
            if (!method.equals("GET") && !method.equals("HEAD")) auth.authorize(ex); // POST clips, DELETE files
            stream(name).recording().answer(ex, rest);
            return;
        }
        if (parts.length == 2 && parts[1].equals("stream.sdp")) {
            guard(method, path, "GET, HEAD");
            control.sdp(ex, stream(name));
            return;
        }
        throw notFound(path);
    }

    private static void guard(String method, String path, String allow) throws ApiError {
        if (!method.equals("GET") && !method.equals("HEAD")) throw ApiError.notAllowed(method, path, allow);
    }

    private Stream stream(String name) throws ApiError {
        return registry.get(name).orElseThrow(() -> StreamRegistry.notFound(name));
    }

    private static ApiError notFound(String path) {
        return new ApiError(404, "No such path: " + HttpApi.clip(path),
                "Under /streams: GET /streams, GET|PUT|DELETE /streams/NAME, GET|POST /streams/NAME/control, GET /streams/NAME/stream.sdp,"
                        + " GET /streams/NAME/janus/I, GET /streams/NAME/snapshot.jpg, GET /streams/NAME/recordings, GET|POST /streams/NAME/clips.");
    }

    private void list(HttpExchange ex) throws IOException {
        JsonArray a = new JsonArray();
        for (Stream s : registry.all()) a.add(s.entry());
        Answers.json(ex, 200, Json.object().add("streams", a));
    }

    private void put(HttpExchange ex, String name) throws IOException, ApiError {
        auth.authorize(ex);
        StreamDefinition d = StreamDefinition.of(ControlRequest.readDefinition(ex));
        StreamRegistry.Put done = registry.put(name, d);
        JsonObject body = Json.object().add("message", done.created() ? "Stream created" : "Stream updated");
        JsonObject entry = done.stream().entry();
        for (String field : entry.names()) body.add(field, entry.get(field));
        Answers.json(ex, done.created() ? 201 : 200, body);
    }

    private void delete(HttpExchange ex, String name) throws IOException, ApiError {
        auth.authorize(ex);
        registry.delete(name);
        Answers.json(ex, 200, Json.object().add("message", "Stream deleted").add("name", name));
    }
}
