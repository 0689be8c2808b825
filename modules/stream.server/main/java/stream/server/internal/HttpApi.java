package stream.server.internal;

import com.eclipsesource.json.Json;
import com.eclipsesource.json.JsonObject;
import com.eclipsesource.json.JsonValue;
import com.eclipsesource.json.ParseException;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.System.Logger.Level;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import stream.server.internal.SettingsGrammar.Invalid;

/**
 * The HTTP contract: {@code GET|HEAD /control}, {@code POST /control}, {@code GET|HEAD /health}.
 * Every answer, errors included, is JSON ({@code application/json}); errors are
 * {@code {"error": "...", "hint": "..."}}.
 */
public final class HttpApi implements HttpHandler {
    private static final System.Logger LOG = System.getLogger("stream.server");
    /** The largest request body accepted. */
    public static final int MAX_BODY = 64 * 1024;
    private static final List<String> ACTIONS = List.of("start", "stop");
    private static final Set<String> FIELDS = fields();
    private static final String FIELD_LIST = "action, " + String.join(", ", StreamSettings.FIELDS);

    private static Set<String> fields() {
        Set<String> f = new HashSet<>(StreamSettings.FIELDS);
        f.add("action");
        return Set.copyOf(f);
    }

    private final Supervisor supervisor;
    private final byte[] token;
    private final Metrics.RequestCounter requests = new Metrics.RequestCounter();

    /**
     * @param supervisor the supervisor
     * @param token the bearer token for non-loopback state changes, or null for none
     */
    public HttpApi(Supervisor supervisor, String token) {
        this.supervisor = supervisor;
        this.token = token == null ? null : token.getBytes(StandardCharsets.UTF_8);
    }

    /** A client mistake, answered with a 4xx JSON error. */
    private static final class ApiError extends Exception {
        private static final long serialVersionUID = 1L;
        final int code;
        final String hint;
        final String allow;

        ApiError(int code, String error, String hint) {
            this(code, error, hint, null);
        }

        ApiError(int code, String error, String hint, String allow) {
            super(error, null, false, false);
            this.code = code;
            this.hint = hint;
            this.allow = allow;
        }
    }

    @Override
    public void handle(HttpExchange ex) throws IOException {
        try (ex) {
            try {
                route(ex);
            } catch (InvalidSetting e) {
                Invalid bad = e.invalid;
                send(ex, 400, error(bad.getMessage(), "Fix " + bad.field() + " and send the request again; "
                        + bad.field() + " takes " + bad.allowed() + ".")
                        .add("field", bad.field()).add("value", bad.value() == null ? Json.NULL : Json.value(bad.value()))
                        .add("allowed", bad.allowed()));
            } catch (ApiError e) {
                if (e.allow != null) ex.getResponseHeaders().set("Allow", e.allow);
                if (e.code == 401) ex.getResponseHeaders().set("WWW-Authenticate", "Bearer");
                send(ex, e.code, error(e.getMessage(), e.hint));
            } catch (IOException e) {
                LOG.log(Level.DEBUG, "client connection: {0}", e.getMessage());
            } catch (RuntimeException e) {
                LOG.log(Level.ERROR, "internal error on " + ex.getRequestMethod() + " " + ex.getRequestURI(), e);
                send(ex, 500, error("Internal server error: " + e.getClass().getSimpleName(),
                        "This is a bug in stream-server; the server log has the details."));
            }
        }
    }

    /** A bad stream setting in a start request: answered 400 with field, value and what is allowed. */
    private static final class InvalidSetting extends Exception {
        private static final long serialVersionUID = 1L;
        final transient Invalid invalid;

        InvalidSetting(Invalid invalid) {
            super(invalid.getMessage(), null, false, false);
            this.invalid = invalid;
        }
    }

    private void route(HttpExchange ex) throws IOException, ApiError, InvalidSetting {
        String path = ex.getRequestURI().getRawPath();
        String method = ex.getRequestMethod();
        if (!method.equals("POST")) consumeBody(ex);
        switch (path) {
            case "/control" -> {
                switch (method) {
                    case "GET", "HEAD" -> send(ex, 200, supervisor.status());
                    case "POST" -> post(ex);
                    default -> throw notAllowed(method, path, "GET, HEAD, POST");
                }
            }
            case "/health" -> {
                if (!method.equals("GET") && !method.equals("HEAD")) throw notAllowed(method, path, "GET, HEAD");
                send(ex, 200, Json.object().add("status", "ok"));
            }
            case "/stream.sdp" -> {
                if (!method.equals("GET") && !method.equals("HEAD")) throw notAllowed(method, path, "GET, HEAD");
                sdp(ex);
            }
            case "/metrics" -> {
                if (!method.equals("GET") && !method.equals("HEAD")) throw notAllowed(method, path, "GET, HEAD");
                sendText(ex, 200, Metrics.CONTENT_TYPE, StreamMetrics.of(supervisor, requests));
            }
            default -> throw new ApiError(404, "No such path: " + clip(path),
                    "The API has GET/POST /control, GET /stream.sdp, GET /metrics and GET /health.");
        }
    }

    /**
     * Reads the (normally empty) body of a request that takes none. jdk.httpserver keeps a
     * connection alive only when the body was read to its end, since drainAmount is 0 (see
     * StreamServer): without this, every GET would cost the client a new connection. A request
     * that announces a body is not waited for: its connection is closed after the answer.
     */
    private static void consumeBody(HttpExchange ex) throws IOException {
        String length = ex.getRequestHeaders().getFirst("Content-Length");
        boolean chunked = ex.getRequestHeaders().containsKey("Transfer-Encoding");
        if (!chunked && (length == null || length.strip().equals("0"))) ex.getRequestBody().read();
    }

    private static ApiError notAllowed(String method, String path, String allow) {
        return new ApiError(405, "Method " + clip(method) + " not allowed on " + path, "Use " + allow + ".", allow);
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
        sendText(ex, 200, "application/sdp", text.get());
    }

    private void post(HttpExchange ex) throws IOException, ApiError, InvalidSetting {
        authorize(ex);
        JsonObject request = parseRequest(readBody(ex));
        String action = request.getString("action", "");
        boolean hasSettings = request.size() > 1;
        if (action.equals("stop") && hasSettings)
            throw new ApiError(400, "Settings go with start, not stop",
                    "Send {\"action\":\"stop\"} alone; send settings with {\"action\":\"start\", ...}.");
        Supervisor.Outcome outcome;
        if (action.equals("start")) {
            StreamPlan plan;
            try {
                plan = StreamPlan.of(supervisor.defaults().settings().withJson(request));
            } catch (Invalid e) {
                throw new InvalidSetting(e);
            } catch (InvalidValueException e) { // the source passed the grammar but names no usable device
                throw new ApiError(400, e.getMessage(), "Use source auto, test, or an existing camera device.");
            }
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
        send(ex, code, body);
    }

    private static String describeExit(JsonObject status) {
        JsonValue exit = status.get("lastExit");
        return exit != null && exit.isObject() ? exit.asObject().getString("description", "an error") : "an error";
    }

    private void authorize(HttpExchange ex) throws ApiError {
        if (token == null) return;
        InetAddress remote = ex.getRemoteAddress().getAddress();
        if (remote != null && remote.isLoopbackAddress()) return;
        String auth = ex.getRequestHeaders().getFirst("Authorization");
        byte[] given = auth != null && auth.startsWith("Bearer ")
                ? auth.substring(7).trim().getBytes(StandardCharsets.UTF_8) : new byte[0];
        if (!MessageDigest.isEqual(given, token))
            throw new ApiError(401, "Missing or wrong bearer token",
                    "Requests from other hosts that change the stream need the header: Authorization: Bearer <token>");
    }

    private static byte[] readBody(HttpExchange ex) throws IOException, ApiError {
        String length = ex.getRequestHeaders().getFirst("Content-Length");
        if (length != null && length.matches("[0-9]{1,18}") && Long.parseLong(length) > MAX_BODY)
            throw tooLarge(length + " bytes");
        InputStream in = ex.getRequestBody();
        byte[] body = in.readNBytes(MAX_BODY + 1);
        if (body.length > MAX_BODY) throw tooLarge("more than " + MAX_BODY + " bytes");
        return body;
    }

    private static ApiError tooLarge(String what) {
        return new ApiError(413, "Request body too large: " + what,
                "The limit is " + MAX_BODY + " bytes (64 KiB); send {\"action\":\"start\"} or {\"action\":\"stop\"}.");
    }

    private static final String EXAMPLE = "Send a JSON object such as {\"action\":\"start\"} or {\"action\":\"stop\"}.";

    /**
     * Parses the POST body: a JSON object whose only field is "action", "start" or "stop".
     * @param bytes the body
     * @return the action
     */
    static String parseAction(byte[] bytes) throws ApiError {
        return parseRequest(bytes).getString("action", "");
    }

    /**
     * Parses the POST body: a JSON object with "action" ("start" or "stop") and, for start, settings
     * named as in {@link SettingsGrammar#FIELDS}; their values are checked by the caller.
     * @param bytes the body
     * @return the object
     */
    static JsonObject parseRequest(byte[] bytes) throws ApiError {
        String text;
        try {
            text = StandardCharsets.UTF_8.newDecoder().decode(java.nio.ByteBuffer.wrap(bytes)).toString();
        } catch (java.nio.charset.CharacterCodingException e) {
            throw new ApiError(400, "Request body is not UTF-8", EXAMPLE);
        }
        if (text.isBlank()) throw new ApiError(400, "Request body is empty", EXAMPLE);
        JsonValue v;
        try {
            v = Json.parse(text);
        } catch (ParseException e) {
            throw new ApiError(400, "Malformed JSON: " + e.getMessage(), EXAMPLE);
        } catch (StackOverflowError e) {
            throw new ApiError(400, "Malformed JSON: nested too deeply", EXAMPLE);
        }
        if (!v.isObject()) throw new ApiError(400, "JSON body must be an object, not " + kind(v), EXAMPLE);
        JsonObject o = v.asObject();
        Set<String> seen = new HashSet<>();
        for (String name : o.names()) {
            if (!seen.add(name)) throw new ApiError(400, "Field '" + clip(name) + "' appears more than once", EXAMPLE);
            if (!FIELDS.contains(name))
                throw new ApiError(400, "Unknown field '" + clip(name) + "'", "Valid fields: " + FIELD_LIST + ". " + EXAMPLE);
        }
        JsonValue action = o.get("action");
        if (action == null) throw new ApiError(400, "Missing field 'action'", EXAMPLE);
        if (!action.isString())
            throw new ApiError(400, "Field 'action' must be a string, not " + kind(action), EXAMPLE);
        String a = action.asString();
        if (!ACTIONS.contains(a))
            throw new ApiError(400, "Unknown action '" + clip(a) + "'", "Valid actions: start, stop.");
        return o;
    }

    private static String kind(JsonValue v) {
        if (v.isArray()) return "an array";
        if (v.isString()) return "a string";
        if (v.isNumber()) return "a number";
        if (v.isBoolean()) return "a boolean";
        if (v.isNull()) return "null";
        return "an object";
    }

    private static String clip(String s) {
        String q = SettingsGrammar.show(s);
        return q.substring(1, q.length() - 1);
    }

    private static JsonObject error(String error, String hint) {
        return Json.object().add("error", error).add("hint", hint);
    }

    private void sendText(HttpExchange ex, int code, String contentType, String text) throws IOException {
        // Counted before the answer leaves: a client that reads /metrics next must see it.
        requests.count(code);
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().set("Content-Type", contentType);
        ex.getResponseHeaders().set("Cache-Control", "no-store");
        if (ex.getRequestMethod().equals("HEAD")) {
            ex.getResponseHeaders().set("Content-Length", Integer.toString(bytes.length));
            ex.sendResponseHeaders(code, -1);
            return;
        }
        ex.sendResponseHeaders(code, bytes.length);
        try (OutputStream out = ex.getResponseBody()) {
            out.write(bytes);
        }
    }

    private void send(HttpExchange ex, int code, JsonObject body) throws IOException {
        sendText(ex, code, "application/json; charset=utf-8", body.toString() + "\n");
    }
}
