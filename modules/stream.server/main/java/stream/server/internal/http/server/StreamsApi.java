package stream.server.internal.http.server;

import stream.server.internal.feature.FeatureRoute;
import stream.server.internal.feature.Features;
import stream.server.internal.feature.StreamFeature;
import stream.server.internal.http.Answers;
import stream.server.internal.http.ApiError;
import stream.server.internal.stream.ControlRequest;
import stream.server.internal.stream.Stream;
import stream.server.internal.stream.StreamDefinition;
import stream.server.internal.settings.StreamName;
import stream.server.internal.stream.StreamRegistry;
import com.eclipsesource.json.Json;
import com.eclipsesource.json.JsonArray;
import com.eclipsesource.json.JsonObject;
import stream.server.internal.http.Exchange;
import com.sun.net.httpserver.HttpHandler;
import java.io.IOException;

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
        void authorize(Exchange ex) throws ApiError;
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
        return Handlers.handler(this::route);
    }

    private void route(Exchange ex) throws IOException, ApiError {
        String path = ex.uri().getRawPath();
        String method = ex.method();
        if (path.equals(PATH) || path.equals(PATH + "/")) {
            guard(method, path, "GET, HEAD");
            list(ex);
            return;
        }
        if (!path.startsWith(PATH + "/")) throw notFound(path); // e.g. /streamsx
        String[] parts = path.substring(PATH.length() + 1).split("/", -1);
        String name = parts[0];
        if (!StreamName.valid(name))
            throw new ApiError(400, "Invalid stream name '" + Answers.clip(name) + "'", "A stream name is " + StreamName.RULE + ".");
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
        var route = registry.features().route(parts[1]);
        if (route.isPresent()) {
            feature(ex, stream(name), route.get());
            return;
        }
        if (parts.length == 2 && parts[1].equals("stream.sdp")) {
            guard(method, path, "GET, HEAD");
            control.sdp(ex, stream(name));
            return;
        }
        throw notFound(path);
    }

    /** Checks the method (405 with Allow) and, for a change, the token; then the feature answers. */
    private <S extends StreamFeature> void feature(Exchange ex, Stream stream, Features.Bound<S> bound) throws IOException, ApiError {
        answer(ex, stream, bound, auth, ex.uri().getRawPath().substring(PATH.length() + 1 + stream.name().length()));
    }

    /**
     * Answers a feature's route for a stream.
     * @param ex the exchange
     * @param stream the stream
     * @param bound the route and its feature
     * @param auth the token check, for methods that change state
     * @param rest the raw path after /streams/NAME
     */
    static <S extends StreamFeature> void answer(Exchange ex, Stream stream, Features.Bound<S> bound, Authorizer auth, String rest)
            throws IOException, ApiError {
        FeatureRoute<S> r = bound.route();
        String method = ex.method();
        if (r.changes().contains(method)) auth.authorize(ex);
        else if (!r.reads().contains(method)) throw ApiError.notAllowed(method, ex.uri().getRawPath(), r.allow());
        @SuppressWarnings("unchecked") // the registry attached this feature's own part under it
        S part = (S) stream.part(bound.feature());
        if (part == null)
            throw new ApiError(503, "Feature " + bound.feature().name() + " is unavailable for stream '" + stream.name() + "'",
                    "The server log says why it could not attach.");
        r.handler().answer(ex, part, rest);
    }

    private static void guard(String method, String path, String allow) throws ApiError {
        if (!method.equals("GET") && !method.equals("HEAD")) throw ApiError.notAllowed(method, path, allow);
    }

    private Stream stream(String name) throws ApiError {
        return registry.get(name).orElseThrow(() -> StreamRegistry.notFound(name));
    }

    private ApiError notFound(String path) {
        return new ApiError(404, "No such path: " + Answers.clip(path), "Under /streams: " + String.join("; ", Routes.under(registry.features())) + ".");
    }

    private void list(Exchange ex) throws IOException {
        JsonArray a = new JsonArray();
        for (Stream s : registry.all()) if (AccessControl.sees(ex, s.name())) a.add(s.entry());
        Answers.json(ex, 200, Json.object().add("streams", a));
    }

    private void put(Exchange ex, String name) throws IOException, ApiError {
        auth.authorize(ex);
        var fields = registry.features().fields();
        StreamDefinition d = StreamDefinition.of(ControlRequest.readDefinition(ex, fields.keySet()), fields);
        StreamRegistry.Put done = registry.put(name, d);
        JsonObject body = Json.object().add("message", done.created() ? "Stream created" : "Stream updated");
        JsonObject entry = done.stream().entry();
        for (String field : entry.names()) body.add(field, entry.get(field));
        Answers.json(ex, done.created() ? 201 : 200, body);
    }

    private void delete(Exchange ex, String name) throws IOException, ApiError {
        auth.authorize(ex);
        registry.delete(name);
        Answers.json(ex, 200, Json.object().add("message", "Stream deleted").add("name", name));
    }
}
