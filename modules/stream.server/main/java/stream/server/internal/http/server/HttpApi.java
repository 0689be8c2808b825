package stream.server.internal.http.server;

import stream.server.internal.access.Rights;
import stream.server.internal.feature.FeatureRoute;
import stream.server.internal.feature.Features;
import stream.server.internal.http.Answers;
import stream.server.internal.http.ApiError;
import stream.server.internal.http.Exchange;
import stream.server.internal.metrics.Metrics;
import stream.server.internal.stream.StreamMetrics;
import stream.server.internal.stream.StreamRegistry;
import com.eclipsesource.json.Json;
import com.eclipsesource.json.JsonObject;
import com.eclipsesource.json.JsonValue;
import com.sun.net.httpserver.HttpContext;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import com.sun.net.httpserver.HttpHandlers;
import com.sun.net.httpserver.HttpServer;
import com.sun.net.httpserver.Request;
import java.io.IOException;
import java.util.Optional;
import java.util.Set;
import java.util.function.Predicate;

/**
 * The HTTP contract, one context per resource: {@code GET|HEAD|POST /control} and
 * {@code GET|HEAD /stream.sdp} (the stream main), {@code /streams} and below ({@link StreamsApi}, the
 * features' routes among them: {@link Routes}), main's feature routes at the top (e.g. {@code /whep}),
 * {@code GET|HEAD /metrics}, {@code GET|HEAD /health}, {@code GET|HEAD /settings} ({@link SettingsTable}), the dashboard at {@code /} and {@code /ui/}
 * ({@link Dashboard}), and a JSON 404 for every other path. Each resource is guarded by its methods (405 with Allow otherwise); every
 * answer is counted by {@link RequestCounting}; every request passes {@link RequestGuard} (sizes,
 * cross-site state changes, the token, clients that left). Every answer, errors included, is JSON
 * ({@code application/json}) except the SDP and the metrics; errors are
 * {@code {"error": "...", "hint": "..."}} ({@link ApiError}).
 */
public final class HttpApi {
    private static final Predicate<Request> GET_OR_HEAD = r -> Set.of("GET", "HEAD").contains(r.getRequestMethod());
    private static final Predicate<Request> POST = r -> r.getRequestMethod().equals("POST");

    private final StreamRegistry registry;
    private final RequestGuard guard;
    private final AccessControl access;
    private final Metrics.RequestCounter requests = new Metrics.RequestCounter();

    private HttpApi(StreamRegistry registry, RequestGuard guard, AccessControl access) {
        this.registry = registry;
        this.guard = guard;
        this.access = access;
    }

    /**
     * Serves the API of the registry's streams on the server.
     * @param http the server, not yet started
     * @param registry the streams; /control and /stream.sdp mean main
     * @param access who may watch and act (the credentials are checked there, not in the guard)
     * @param allowedOrigins the web origins allowed to change the stream
     * @param serverNames names the server is known by besides its addresses and host name (--server-name)
     */
    static void install(HttpServer http, StreamRegistry registry, AccessControl access, java.util.List<String> allowedOrigins,
                        java.util.List<String> serverNames) {
        HttpApi api = new HttpApi(registry, new RequestGuard(null, false, allowedOrigins, new KnownHosts(http.getAddress(), serverNames)), access);
        StreamControl control = new StreamControl(registry, access::checkControlBody);
        api.context(http, "/control", HttpHandlers.handleOrElse(GET_OR_HEAD, Handlers.handler(ex -> control.status(ex, registry.main())),
                HttpHandlers.handleOrElse(POST, Handlers.handler(ex -> {
                    api.authorize(ex);
                    control.post(ex, registry.main());
                }), notAllowed("GET, HEAD, POST"))));
        api.context(http, "/stream.sdp", readOnly(ex -> control.sdp(ex, registry.main())));
        // A feature route that main also answers at the top, as /control: /whep.
        for (FeatureRoute<?> r : registry.features().routes()) {
            if (!r.mainAtTop()) continue;
            String top = "/" + r.segment();
            Features.Bound<?> bound = registry.features().route(r.segment()).orElseThrow();
            HttpContext c = http.createContext(top, Handlers.handler(ex -> {
                String path = ex.rawPath();
                if (!path.equals(top) && !path.startsWith(top + "/")) throw notFound(ex, registry.features());
                StreamsApi.answer(ex, registry.main(), bound, api::authorize, path);
            }));
            api.filters(c);
        }
        api.context(http, "/metrics", readOnly(api::metrics));
        api.context(http, "/health", readOnly(HttpApi::health));
        api.context(http, "/settings", readOnly(ex -> Answers.json(ex, 200, SettingsTable.json())));
        api.filters(http.createContext(Rights.USERS_PATH, Handlers.handler(ex -> {
            String p = ex.rawPath();
            if (!p.equals(Rights.USERS_PATH) && !p.startsWith(Rights.USERS_PATH + "/")) throw notFound(ex, registry.features());
            access.users(ex);
        })));
        api.context(http, Rights.SESSION_PATH, Handlers.handler(access::session));
        // jdk.httpserver matches contexts by prefix: this one gets /streams and everything below it.
        HttpContext streams = http.createContext(StreamsApi.PATH, new StreamsApi(registry, control, api::authorize).handler());
        api.filters(streams);
        Dashboard dashboard = new Dashboard();
        api.context(http, "/", HttpHandlers.handleOrElse(r -> Dashboard.serves(r.getRequestURI().getRawPath()),
                HttpHandlers.handleOrElse(GET_OR_HEAD, dashboard, notAllowed("GET, HEAD")), Handlers.error(ex -> notFound(ex, registry.features()))));
    }

    /** A context whose handler answers its exact path only: jdk.httpserver matches contexts by prefix. */
    private void context(HttpServer http, String path, HttpHandler handler) {
        HttpHandler exact = path.equals("/") ? handler
                : HttpHandlers.handleOrElse(r -> r.getRequestURI().getRawPath().equals(path), handler,
                        Handlers.error(ex -> notFound(ex, registry.features())));
        filters(http.createContext(path, exact));
    }

    /** The filters of every context, in order: counting sees every answer, the guard's too. */
    private void filters(HttpContext c) {
        c.getFilters().add(new RequestCounting(requests));
        c.getFilters().add(guard);
        c.getFilters().add(access);
    }

    static HttpHandler readOnly(Handlers.Resource resource) {
        return HttpHandlers.handleOrElse(GET_OR_HEAD, Handlers.handler(resource), notAllowed("GET, HEAD"));
    }

    static HttpHandler notAllowed(String allow) {
        return Handlers.error(ex -> ApiError.notAllowed(ex.method(), ex.rawPath(), allow));
    }

    private static ApiError notFound(Exchange ex, Features features) {
        return new ApiError(404, "No such path: " + Answers.clip(ex.rawPath()),
                "The API has " + String.join("; ", Routes.paths(features)) + ".");
    }

    private static void health(Exchange ex) throws IOException {
        Answers.json(ex, 200, Json.object().add("status", "ok"));
    }

    private void metrics(Exchange ex) throws IOException {
        Answers.text(ex, 200, Metrics.CONTENT_TYPE, StreamMetrics.of(registry.all(), registry.features(), requests));
    }

    // The guard checks it before any handler; kept for the handlers that change state.
    void authorize(Exchange ex) throws ApiError {
        guard.authorize(ex);
    }

}
