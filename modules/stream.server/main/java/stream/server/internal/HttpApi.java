package stream.server.internal;

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
import stream.server.ServerConfig;

/**
 * The HTTP contract, one context per resource: {@code GET|HEAD|POST /control},
 * {@code GET|HEAD /stream.sdp}, {@code GET|HEAD /metrics}, {@code GET|HEAD /health}, and a JSON 404
 * for every other path. Each resource is guarded by its methods (405 with Allow otherwise); every
 * answer is counted by {@link RequestCounting}; every request passes {@link RequestGuard} (sizes,
 * cross-site state changes, the token, clients that left). Every answer, errors included, is JSON
 * ({@code application/json}) except the SDP and the metrics; errors are
 * {@code {"error": "...", "hint": "..."}} ({@link ApiError}).
 */
public final class HttpApi {
    /** The largest request body accepted. */
    public static final int MAX_BODY = 64 * 1024;
    private static final Predicate<Request> GET_OR_HEAD = r -> Set.of("GET", "HEAD").contains(r.getRequestMethod());
    private static final Predicate<Request> POST = r -> r.getRequestMethod().equals("POST");

    private final Supervisor supervisor;
    private final RequestGuard guard;
    private final Metrics.RequestCounter requests = new Metrics.RequestCounter();

    private HttpApi(Supervisor supervisor, RequestGuard guard) {
        this.supervisor = supervisor;
        this.guard = guard;
    }

    /**
     * Serves the API of the supervisor's stream on the server.
     * @param http the server, not yet started
     * @param supervisor the supervisor
     * @param token the bearer token for state changes, or null for none
     * @param access whether loopback needs no token, and the web origins allowed to change the stream
     */
    public static void install(HttpServer http, Supervisor supervisor, String token, ServerConfig.Access access) {
        HttpApi api = new HttpApi(supervisor, new RequestGuard(token, access));
        api.context(http, "/control", HttpHandlers.handleOrElse(GET_OR_HEAD, Answers.handler(api::status),
                HttpHandlers.handleOrElse(POST, Answers.handler(api::post), notAllowed("GET, HEAD, POST"))));
        api.context(http, "/stream.sdp", readOnly(api::sdp));
        api.context(http, "/metrics", readOnly(api::metrics));
        api.context(http, "/health", readOnly(HttpApi::health));
        api.context(http, "/", Answers.error(HttpApi::notFound));
    }

    /** A context whose handler answers its exact path only: jdk.httpserver matches contexts by prefix. */
    private void context(HttpServer http, String path, HttpHandler handler) {
        HttpHandler exact = path.equals("/") ? handler
                : HttpHandlers.handleOrElse(r -> r.getRequestURI().getRawPath().equals(path), handler, Answers.error(HttpApi::notFound));
        filters(http.createContext(path, exact));
    }

    /** The filters of every context, in order: counting sees every answer, the guard's too. */
    private void filters(HttpContext c) {
        c.getFilters().add(new RequestCounting(requests));
        c.getFilters().add(guard);
    }

    private static HttpHandler readOnly(Answers.Resource resource) {
        return HttpHandlers.handleOrElse(GET_OR_HEAD, Answers.handler(resource), notAllowed("GET, HEAD"));
    }

    private static HttpHandler notAllowed(String allow) {
        return Answers.error(ex -> ApiError.notAllowed(ex.getRequestMethod(), ex.getRequestURI().getRawPath(), allow));
    }

    private static ApiError notFound(HttpExchange ex) {
        return new ApiError(404, "No such path: " + clip(ex.getRequestURI().getRawPath()),
                "The API has GET/POST /control, GET /stream.sdp, GET /metrics and GET /health.");
    }

    private void status(HttpExchange ex) throws IOException {
        Answers.json(ex, 200, supervisor.status());
    }

    private static void health(HttpExchange ex) throws IOException {
        Answers.json(ex, 200, Json.object().add("status", "ok"));
    }

    private void metrics(HttpExchange ex) throws IOException {
        Answers.text(ex, 200, Metrics.CONTENT_TYPE, StreamMetrics.of(supervisor, requests));
    }

    private void sdp(HttpExchange ex) throws IOException, ApiError {
        String query = ex.getRequestURI().getRawQuery();
        int index = 0;
        if (query != null && !query.isEmpty()) {
            if (!query.matches("destination=[1-9][0-9]{0,1}"))
                throw new ApiError(400, "Unknown query '" + clip(query) + "'",
                        "GET /stream.sdp describes the first destination; GET /stream.sdp?destination=N the N-th (from 1).");
            index = Integer.parseInt(query.substring(query.indexOf('=') + 1)) - 1;
        }
        Optional<String> text = StreamMetrics.sdp(supervisor, index, ex.getLocalAddress().getAddress());
        if (text.isEmpty()) {
            if (supervisor.uptimeSeconds() >= 0)
                throw new ApiError(404, "No destination number " + (index + 1) + " in the running stream",
                        "It goes to " + supervisor.plan().destinations() + ".");
            throw new ApiError(404, "No stream is running",
                    "Start it with POST /control {\"action\":\"start\"}; the SDP describes the running stream.");
        }
        Answers.text(ex, 200, "application/sdp", text.get());
    }

    private void post(HttpExchange ex) throws IOException, ApiError {
        authorize(ex);
        JsonObject request = ControlRequest.read(ex);
        String action = request.getString("action", "");
        boolean hasSettings = request.size() > 1;
        if (action.equals("stop") && hasSettings)
            throw new ApiError(400, "Settings go with start, not stop",
                    "Send {\"action\":\"stop\"} alone; send settings with {\"action\":\"start\", ...}.");
        Supervisor.Outcome outcome;
        if (action.equals("start")) {
            StreamPlan plan = ControlRequest.plan(supervisor.defaults(), request);
            outcome = supervisor.start(plan);
            if (outcome == Supervisor.Outcome.ALREADY_RUNNING && hasSettings
                    && !plan.settings().equals(supervisor.plan().settings()))
                throw new ApiError(409, "Stream already running with other settings",
                        "Stop it first with {\"action\":\"stop\"}, then start it with the new settings.");
        } else {
            outcome = supervisor.stop();
        }
        JsonObject body = Json.object().add("message", outcome.message);
        JsonObject status = supervisor.status();
        for (String name : status.names()) body.add(name, status.get(name));
        int code = 200;
        if (outcome == Supervisor.Outcome.FAILED_TO_START) {
            code = 500;
            body.add("error", "Stream failed to start: gst-launch-1.0 ended with " + describeExit(status));
            body.add("hint", "See lastStderr; check the source device and that the GStreamer plugins are installed.");
        } else if (outcome == Supervisor.Outcome.SHUTTING_DOWN) {
            code = 503;
            body.add("error", "Server is shutting down");
            body.add("hint", "Start the stream again once the server is back.");
        }
        Answers.json(ex, code, body);
    }

    private static String describeExit(JsonObject status) {
        JsonValue exit = status.get("lastExit");
        return exit != null && exit.isObject() ? exit.asObject().getString("description", "an error") : "an error";
    }

    // The guard checks it before any handler; kept here for handlers that change state.
    void authorize(HttpExchange ex) throws ApiError {
        guard.authorize(ex);
    }

    /** @return the text shown quoted for a client's value, without the quotes */
    static String clip(String s) {
        String q = SettingsGrammar.show(s);
        return q.substring(1, q.length() - 1);
    }
}
