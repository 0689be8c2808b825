package stream.client;

import com.eclipsesource.json.Json;
import com.eclipsesource.json.JsonObject;
import com.eclipsesource.json.JsonValue;
import com.eclipsesource.json.ParseException;
import java.io.IOException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.UnknownHostException;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.channels.UnresolvedAddressException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * Talks to the stream server's {@code /control} API: {@link #start()}, {@link #stop()} and
 * {@link #status()} of the default stream, the same for a named stream ({@link #start(String)} ...),
 * and the list of streams ({@link #streams()}, {@link #stream(String)}). Every request has a
 * connect timeout and a request timeout; every failure becomes a {@link ControlException} with one readable line.
 *
 * <pre>{@code
 * try (var client = new ControlClient(URI.create("http://localhost:8590"), null,
 *         ControlClient.DEFAULT_CONNECT_TIMEOUT, ControlClient.DEFAULT_REQUEST_TIMEOUT)) {
 *     System.out.println(client.status().text("status").orElse("?"));
 * }
 * }</pre>
 */
public final class ControlClient implements AutoCloseable {
    /** A path that ends in the API's control resource: the base path, then the stream name if any. */
    private static final Pattern API_PATH = Pattern.compile("(.*?)(?:/streams/([^/]+))?/control/?");
    /** The server address of the original design. */
    public static final URI DEFAULT_SERVER = URI.create("http://localhost:8590");
    /** How long to wait for the TCP connection. */
    public static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(3);
    /** How long to wait for an answer: stopping the stream may take a few seconds. */
    public static final Duration DEFAULT_REQUEST_TIMEOUT = Duration.ofSeconds(15);

    /** The default stream: {@code /control} and a stream-server without named streams mean it. */
    public static final String DEFAULT_STREAM = "main";
    /** The stream-name rule of the server, in words for messages. */
    public static final String STREAM_NAME_RULE =
            "lower-case letters, digits and dashes, starting with a letter or digit, up to 32 characters";

    private static final Pattern STREAM_NAME = Pattern.compile("[a-z0-9][a-z0-9-]{0,31}");

    private final URI server;
    private final String base;
    private final String token;
    private final Duration connectTimeout;
    private final Duration requestTimeout;
    private final boolean plain;
    private HttpClient http; // built on first use, for https:// only

    /**
     * Creates a client; it connects only when asked something.
     * @param server the server's base address, checked with {@link #checkServer(String)}
     * @param token the bearer token, or null when the server needs none
     * @param connectTimeout how long to wait for the connection
     * @param requestTimeout how long to wait for each answer
     * @throws IllegalArgumentException when the address is not a usable http(s) URL or a timeout is not positive
     */
    public ControlClient(URI server, String token, Duration connectTimeout, Duration requestTimeout) {
        this.server = checkServer(Objects.requireNonNull(server, "server").toString());
        this.base = this.server.toString().replaceAll("/+$", "");
        this.token = token == null || token.isBlank() ? null : token.strip();
        this.connectTimeout = positive(connectTimeout, "connectTimeout");
        this.requestTimeout = positive(requestTimeout, "requestTimeout");
        // Plain http goes over one socket per request (PlainHttp): java.net.http and the JSSE it initialises
        // were most of a cold `stream-client status` (about 700 of its 2,000 classes, half its AOT cache).
        this.plain = this.server.getScheme().equalsIgnoreCase("http");
    }

    private synchronized HttpClient http() {
        if (http == null) {
            http = HttpClient.newBuilder()
                    .version(HttpClient.Version.HTTP_1_1)
                    .connectTimeout(connectTimeout)
                    .followRedirects(HttpClient.Redirect.NEVER)
                    .build();
        }
        return http;
    }

    /**
     * Checks a server address: an absolute http or https URL with a host, without query or fragment.
     * @param url the address, for example "http://localhost:8590"
     * @return the address as a URI
     * @throws IllegalArgumentException with a readable line naming the bad value and a correct example
     */
    public static URI checkServer(String url) {
        Objects.requireNonNull(url, "url");
        String example = "; give it like http://localhost:8590";
        URI uri;
        try {
            uri = new URI(url.strip());
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("'" + url + "' is not a URL (" + e.getReason() + ")" + example, e);
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("http") && !scheme.equals("https")) {
            throw new IllegalArgumentException("'" + url + "' is not an http:// or https:// URL" + example);
        }
        if (uri.getHost() == null || uri.getHost().isEmpty()) {
            throw new IllegalArgumentException("'" + url + "' has no host name" + example);
        }
        if (uri.getRawQuery() != null || uri.getRawFragment() != null || uri.getRawUserInfo() != null) {
            throw new IllegalArgumentException("'" + url + "' must be just scheme, host, port (and path)" + example);
        }
        // The server prints "listening on http://HOST:PORT/control": a copied line would ask for /control/control.
        var api = API_PATH.matcher(uri.getRawPath() == null ? "" : uri.getRawPath());
        if (api.matches()) {
            String base = uri.getScheme() + "://" + uri.getRawAuthority() + api.group(1);
            throw new IllegalArgumentException("'" + url + "' is the API's control path, not the server's address; give it"
                    + " like " + base + (api.group(2) == null ? "" : " with --stream " + api.group(2)));
        }
        return uri;
    }

    /** @return the server's base address */
    public URI server() {
        return server;
    }

    /**
     * Checks a stream name against the server's rule ({@code [a-z0-9][a-z0-9-]{0,31}}).
     * @param name the name, for example "main" or "cam-2"
     * @return the name
     * @throws IllegalArgumentException naming the bad value and the rule
     */
    public static String checkStreamName(String name) {
        Objects.requireNonNull(name, "name");
        if (!STREAM_NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("'" + name + "' is not a stream name: " + STREAM_NAME_RULE);
        }
        return name;
    }

    /**
     * Asks the server to start the default stream ({@code POST /control {"action":"start"}}).
     * @return the answer; its "message" is for example "Stream started" or "Stream already running"
     * @throws ControlException when the server cannot be reached, answers garbage or refuses
     * @throws InterruptedException when the calling thread is interrupted while waiting
     */
    public ControlResponse start() throws ControlException, InterruptedException {
        return start(null);
    }

    /**
     * Asks the server to start a stream ({@code POST /streams/NAME/control {"action":"start"}}; the
     * default stream, null or "main", through {@code /control}, which every stream-server has).
     * @param stream the stream's name, or null for the default stream
     * @return the answer; its "message" is for example "Stream started" or "Stream already running"
     * @throws ControlException when the server cannot be reached, answers garbage or refuses
     *         (HTTP 404 for a stream it does not have)
     * @throws InterruptedException when the calling thread is interrupted while waiting
     * @throws IllegalArgumentException when the name breaks the stream-name rule
     */
    public ControlResponse start(String stream) throws ControlException, InterruptedException {
        return send(controlPath(stream), "start", "start", "message");
    }

    /**
     * Asks the server to stop the default stream ({@code POST /control {"action":"stop"}}).
     * @return the answer; its "message" is for example "Stream stopped"
     * @throws ControlException when the server cannot be reached, answers garbage or refuses
     * @throws InterruptedException when the calling thread is interrupted while waiting
     */
    public ControlResponse stop() throws ControlException, InterruptedException {
        return stop(null);
    }

    /**
     * Asks the server to stop a stream ({@code POST /streams/NAME/control {"action":"stop"}}, or
     * {@code /control} for the default stream).
     * @param stream the stream's name, or null for the default stream
     * @return the answer; its "message" is for example "Stream stopped"
     * @throws ControlException when the server cannot be reached, answers garbage or refuses
     * @throws InterruptedException when the calling thread is interrupted while waiting
     * @throws IllegalArgumentException when the name breaks the stream-name rule
     */
    public ControlResponse stop(String stream) throws ControlException, InterruptedException {
        return send(controlPath(stream), "stop", "stop", "message");
    }

    /**
     * Asks the server how the default stream is doing ({@code GET /control}).
     * @return the answer; its "status" is stopped, starting, running, stalled, stopping or failed
     * @throws ControlException when the server cannot be reached, answers garbage or refuses
     * @throws InterruptedException when the calling thread is interrupted while waiting
     */
    public ControlResponse status() throws ControlException, InterruptedException {
        return status(null);
    }

    /**
     * Asks the server how a stream is doing ({@code GET /streams/NAME/control}, or {@code /control}
     * for the default stream).
     * @param stream the stream's name, or null for the default stream
     * @return the answer; its "status" is stopped, starting, running, stalled, stopping or failed,
     *         its "settings" the stream's settings (destinations, multicast, ...)
     * @throws ControlException when the server cannot be reached, answers garbage or refuses
     * @throws InterruptedException when the calling thread is interrupted while waiting
     * @throws IllegalArgumentException when the name breaks the stream-name rule
     */
    public ControlResponse status(String stream) throws ControlException, InterruptedException {
        return send(controlPath(stream), null, "status", "status");
    }

    /**
     * Lists the server's streams ({@code GET /streams}).
     * @return the answer; its "streams" is a list of objects, each a stream's status plus "name" and "autostart"
     * @throws ControlException when the server cannot be reached, answers garbage or refuses; a
     *         stream-server without named streams answers HTTP 404 ({@link ControlException.Kind#REFUSED})
     * @throws InterruptedException when the calling thread is interrupted while waiting
     */
    public ControlResponse streams() throws ControlException, InterruptedException {
        return send("/streams", null, "the stream list", "streams");
    }

    /**
     * Asks for one stream's entry of the list ({@code GET /streams/NAME}).
     * @param name the stream's name
     * @return the answer: the stream's status plus "name" and "autostart"
     * @throws ControlException when the server cannot be reached, answers garbage or refuses
     *         (HTTP 404 for a stream it does not have, and from a server without named streams)
     * @throws InterruptedException when the calling thread is interrupted while waiting
     * @throws IllegalArgumentException when the name breaks the stream-name rule
     */
    public ControlResponse stream(String name) throws ControlException, InterruptedException {
        return send("/streams/" + checkStreamName(name), null, "the status of stream " + name, "status");
    }

    // The default stream goes through /control, so --stream main works on servers without named streams too.
    private static String controlPath(String stream) {
        return stream == null || checkStreamName(stream).equals(DEFAULT_STREAM) ? "/control" : "/streams/" + stream + "/control";
    }

    /** Drops the connections at once. */
    @Override
    public synchronized void close() {
        if (http != null) http.shutdownNow();
    }

    private ControlResponse send(String path, String action, String what, String expected)
            throws ControlException, InterruptedException {
        String body = action == null ? null : Json.object().add("action", action).toString();
        if (plain) {
            PlainHttp.Answer answer;
            try {
                answer = PlainHttp.exchange(URI.create(base + path), action == null ? "GET" : "POST", token, body,
                        connectTimeout, requestTimeout);
            } catch (PlainHttp.ConnectTimeout e) {
                throw fail(ControlException.Kind.UNREACHABLE, "cannot reach the server at " + server
                        + ": no connection within " + seconds(connectTimeout) + "; is the address right and stream-server running?", e);
            } catch (java.net.SocketTimeoutException e) {
                throw fail(ControlException.Kind.TIMEOUT, "the server at " + server + " did not answer within "
                        + seconds(requestTimeout) + "; it may be overloaded or stuck: check its log, then try again", e);
            } catch (ConnectException | UnknownHostException | NoRouteToHostException e) {
                throw fail(ControlException.Kind.UNREACHABLE, "cannot reach the server at " + server + ": " + whyNoConnection(e, server.getHost()), e);
            } catch (IOException e) {
                throw fail(ControlException.Kind.BAD_RESPONSE, "no valid HTTP answer from the server at " + server + " ("
                        + describe(e) + "); is this the address of stream-server, and is it healthy?", e);
            }
            return interpret(what, expected, answer.code(), answer.contentType(), answer.body());
        }
        var request = HttpRequest.newBuilder(URI.create(base + path))
                .timeout(requestTimeout)
                .header("Accept", "application/json");
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        if (action == null) {
            request.GET();
        } else {
            request.header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(body));
        }
        HttpResponse<String> answer;
        try {
            answer = http().send(request.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        } catch (HttpConnectTimeoutException e) {
            throw fail(ControlException.Kind.UNREACHABLE, "cannot reach the server at " + server
                    + ": no connection within " + seconds(connectTimeout) + "; is the address right and stream-server running?", e);
        } catch (HttpTimeoutException e) {
            throw fail(ControlException.Kind.TIMEOUT, "the server at " + server + " did not answer within "
                    + seconds(requestTimeout) + "; it may be overloaded or stuck: check its log, then try again", e);
        } catch (ConnectException e) {
            throw fail(ControlException.Kind.UNREACHABLE, "cannot reach the server at " + server + ": " + whyNoConnection(e, server.getHost()), e);
        } catch (IOException e) {
            throw fail(ControlException.Kind.BAD_RESPONSE, "no valid HTTP answer from the server at " + server + " ("
                    + describe(e) + "); is this the address of stream-server, and is it healthy?", e);
        }
        return interpret(what, expected, answer.statusCode(), answer.headers().firstValue("Content-Type").orElse(null), answer.body());
    }

    private ControlResponse interpret(String what, String expected, int code, String contentType, String answerBody)
            throws ControlException {
        String body = answerBody == null ? "" : answerBody;
        Map<String, Object> json = null;
        ParseException broken = null;
        try {
            JsonValue value = Json.parse(body);
            json = value.isObject() ? JsonValues.toMap(value.asObject()) : null;
        } catch (ParseException e) {
            broken = e;
        }
        if (json == null) {
            String type = contentType == null ? "no content type" : contentType;
            throw fail(ControlException.Kind.BAD_RESPONSE, "the server at " + server + " answered HTTP " + code
                    + " with something that is not stream-server JSON (" + type + ": " + snippet(body)
                    + "); is this the address of stream-server?", broken);
        }
        var response = new ControlResponse(code, json, body);
        String error = response.text("error").or(() -> response.text("message")).orElse("no reason given");
        String hint = response.text("hint").map(h -> "; " + h).orElse("");
        if (code == 401 || code == 403) {
            throw new ControlException(ControlException.Kind.UNAUTHORIZED, server, "the server at " + server
                    + " refused " + what + " (HTTP " + code + "): " + error + hint, response, null);
        }
        if (!response.isSuccess()) {
            String verb = code >= 500 ? what + " failed on the server" : "the server refused " + what;
            throw new ControlException(ControlException.Kind.REFUSED, server, verb + " (HTTP " + code + "): " + error + hint,
                    response, null);
        }
        boolean shaped = expected.equals("streams") ? json.get(expected) instanceof List : json.get(expected) instanceof String;
        if (!shaped) {
            throw fail(ControlException.Kind.BAD_RESPONSE, "the server at " + server + " answered JSON without a \""
                    + expected + "\" " + (expected.equals("streams") ? "list" : "text") + " (" + snippet(body)
                    + "); is this the address of stream-server?", null);
        }
        return response;
    }

    private ControlException fail(ControlException.Kind kind, String message, Throwable cause) {
        return new ControlException(kind, server, message, null, cause);
    }

    private static String whyNoConnection(IOException e, String host) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof UnresolvedAddressException || t instanceof UnknownHostException) {
                return "unknown host '" + host + "'; check the address (--server or STREAM_SERVER)";
            }
            if (t instanceof NoRouteToHostException) {
                return "no route to the host; check the address and the network";
            }
        }
        return "connection refused; is stream-server running?";
    }

    private static String describe(IOException e) {
        String text = null;
        for (Throwable t = e; t != null && text == null; t = t.getCause()) {
            text = t.getMessage();
        }
        return text == null || text.isBlank() ? "connection closed without an answer" : text.strip();
    }

    private static String snippet(String body) {
        String flat = body.replaceAll("\\s+", " ").strip();
        if (flat.isEmpty()) {
            return "empty body";
        }
        return "\"" + (flat.length() > 60 ? flat.substring(0, 60) + "..." : flat) + "\"";
    }

    private static String seconds(Duration d) {
        long ms = d.toMillis();
        return ms % 1000 == 0 ? ms / 1000 + " s" : String.format(Locale.ROOT, "%.1f s", ms / 1000.0);
    }

    private static Duration positive(Duration d, String name) {
        Objects.requireNonNull(d, name);
        if (d.isNegative() || d.isZero()) {
            throw new IllegalArgumentException(name + " must be positive, not " + d);
        }
        return d;
    }
}
