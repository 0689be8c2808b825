package stream.server.internal.janus;

import com.eclipsesource.json.Json;
import com.eclipsesource.json.JsonObject;
import com.eclipsesource.json.JsonValue;
import com.eclipsesource.json.ParseException;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ThreadLocalRandom;
import stream.server.internal.janus.JanusException.Kind;

/**
 * Janus's HTTP API (the REST transport), as far as a stream needs it: a session, a handle on
 * the streaming plugin, and the plugin's synchronous requests {@code create}, {@code destroy},
 * {@code info} and {@code list}. Every request carries the endpoint's {@code apisecret} and
 * {@code token} when set; {@code create} carries the plugin's {@code admin_key}. Errors come back
 * as {@link JanusException}s classified for the caller. Not thread-safe per handle; the
 * underlying {@link HttpClient} is shared and closed with {@link #close()}.
 */
public final class JanusClient implements AutoCloseable {
    /** A session with a handle attached to the streaming plugin. */
    public record Handle(long session, long handle) {}

    /**
     * A mountpoint as Janus describes it.
     * @param id its id
     * @param videoPort the UDP port Janus receives its video RTP on, or 0 when not told
     * @param ageMs milliseconds since Janus last received a packet for it, or -1 when not told
     * @param viewers current viewers, or -1 when not told
     */
    public record MountpointInfo(long id, int videoPort, long ageMs, int viewers) {}

    private static final String PLUGIN = "janus.plugin.streaming";

    private final JanusEndpoint endpoint;
    private final HttpClient http;
    private final Duration timeout;

    /**
     * @param endpoint the Janus instance
     * @param timeout the limit for connecting and for each request
     */
    public JanusClient(JanusEndpoint endpoint, Duration timeout) {
        this.endpoint = Objects.requireNonNull(endpoint, "endpoint");
        this.timeout = Objects.requireNonNull(timeout, "timeout");
        this.http = HttpClient.newBuilder().connectTimeout(timeout).followRedirects(HttpClient.Redirect.NEVER)
                .proxy(HttpClient.Builder.NO_PROXY).build();
    }

    /** @return the instance this client talks to */
    public JanusEndpoint endpoint() {
        return endpoint;
    }

    /**
     * Creates a session and attaches a handle to the streaming plugin.
     * @return the handle
     * @throws JanusException when Janus cannot be reached or refuses
     */
    public Handle open() throws JanusException {
        long session = post(endpoint.url(), new JsonObject().add("janus", "create")).get("data").asObject().get("id").asLong();
        JsonObject attached = post(sessionUri(session), new JsonObject().add("janus", "attach").add("plugin", PLUGIN));
        return new Handle(session, attached.get("data").asObject().get("id").asLong());
    }

    /**
     * Keeps a session alive (Janus drops sessions idle for its session_timeout, 60 s by default).
     * @param session the session id
     * @throws JanusException when Janus cannot be reached or the session is gone
     */
    public void keepalive(long session) throws JanusException {
        post(sessionUri(session), new JsonObject().add("janus", "keepalive"));
    }

    /**
     * Destroys a session, detaching its handles (the mountpoints stay).
     * @param session the session id
     * @throws JanusException when Janus cannot be reached or the session is gone
     */
    public void destroySession(long session) throws JanusException {
        post(sessionUri(session), new JsonObject().add("janus", "destroy"));
    }

    /**
     * Creates an RTP mountpoint.
     * @param h the handle
     * @param spec what to create
     * @return the mountpoint, with the video port Janus bound
     * @throws JanusException EXISTS when the id is taken, UNAUTHORIZED for a wrong admin_key, ...
     */
    public MountpointInfo create(Handle h, MountpointSpec spec) throws JanusException {
        JsonObject body = spec.createRequest();
        if (endpoint.adminKey() != null) body.add("admin_key", endpoint.adminKey().reveal());
        JsonObject data = message(h, body);
        JsonObject stream = data.get("stream").asObject();
        int port = 0;
        JsonValue ports = stream.get("ports");
        if (ports != null && ports.isArray())
            for (JsonValue p : ports.asArray())
                if ("video".equals(p.asObject().getString("type", ""))) port = p.asObject().getInt("port", 0);
        return new MountpointInfo(stream.get("id").asLong(), port, -1, 0);
    }

    /**
     * Asks about a mountpoint; with its secret Janus also tells the port and the viewers.
     * @param h the handle
     * @param id the mountpoint id
     * @param secret the mountpoint's secret, or null
     * @return what Janus says
     * @throws JanusException NO_SUCH_MOUNTPOINT when it does not exist, ...
     */
    public MountpointInfo info(Handle h, long id, Secret secret) throws JanusException {
        JsonObject body = new JsonObject().add("request", "info").add("id", id);
        if (secret != null) body.add("secret", secret.reveal());
        JsonObject info = message(h, body).get("info").asObject();
        int port = 0;
        long age = -1;
        for (JsonValue m : info.get("media").asArray()) {
            JsonObject media = m.asObject();
            if (!"video".equals(media.getString("type", ""))) continue;
            port = media.getInt("port", 0);
            JsonValue a = media.get("age_ms");
            if (a != null && a.isNumber()) age = a.asLong();
        }
        return new MountpointInfo(id, port, age, info.getInt("viewers", -1));
    }

    /**
     * Lists the mountpoints Janus shows (the public ones; all with the admin key).
     * @param h the handle
     * @return their ids, in Janus's order
     * @throws JanusException when Janus cannot be reached or refuses
     */
    public List<Long> list(Handle h) throws JanusException {
        JsonObject body = new JsonObject().add("request", "list");
        if (endpoint.adminKey() != null) body.add("admin_key", endpoint.adminKey().reveal());
        List<Long> ids = new ArrayList<>();
        for (JsonValue m : message(h, body).get("list").asArray()) ids.add(m.asObject().get("id").asLong());
        return ids;
    }

    /**
     * Destroys a mountpoint; its viewers lose the stream.
     * @param h the handle
     * @param id the mountpoint id
     * @param secret the mountpoint's secret, or null
     * @throws JanusException NO_SUCH_MOUNTPOINT when it does not exist, UNAUTHORIZED for a wrong secret, ...
     */
    public void destroy(Handle h, long id, Secret secret) throws JanusException {
        JsonObject body = new JsonObject().add("request", "destroy").add("id", id).add("permanent", false);
        if (secret != null) body.add("secret", secret.reveal());
        message(h, body);
    }

    /** Sends a plugin message and returns the plugin's data, or throws the plugin's error. */
    private JsonObject message(Handle h, JsonObject body) throws JanusException {
        URI uri = URI.create(sessionUri(h.session()) + "/" + h.handle());
        JsonObject answer = post(uri, new JsonObject().add("janus", "message").add("body", body));
        JsonValue pd = answer.get("plugindata");
        if (pd == null || !pd.isObject() || pd.asObject().get("data") == null || !pd.asObject().get("data").isObject())
            throw new JanusException(Kind.REFUSED, 0, "no plugin data in Janus's answer to " + body.getString("request", "?"));
        JsonObject data = pd.asObject().get("data").asObject();
        JsonValue code = data.get("error_code");
        if (code != null) {
            int c = code.isNumber() ? code.asInt() : 0;
            String reason = data.getString("error", "error " + c);
            Kind kind = switch (c) {
                case 455 -> Kind.NO_SUCH_MOUNTPOINT;
                case 456 -> reason.contains("already exists") ? Kind.EXISTS : Kind.REFUSED;
                case 457 -> Kind.UNAUTHORIZED;
                default -> Kind.REFUSED;
            };
            throw new JanusException(kind, c, "streaming plugin: " + reason);
        }
        return data;
    }

    private URI sessionUri(long session) {
        String base = endpoint.url().toString();
        return URI.create((base.endsWith("/") ? base : base + "/") + session);
    }

    /** One Janus API request: adds the transaction and the secrets, classifies the answer. */
    private JsonObject post(URI uri, JsonObject request) throws JanusException {
        request.add("transaction", Long.toHexString(ThreadLocalRandom.current().nextLong()));
        if (endpoint.apiSecret() != null) request.add("apisecret", endpoint.apiSecret().reveal());
        if (endpoint.token() != null) request.add("token", endpoint.token().reveal());
        HttpRequest req = HttpRequest.newBuilder(uri).timeout(timeout).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(request.toString(), StandardCharsets.UTF_8)).build();
        HttpResponse<String> res;
        try {
            res = http.send(req, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new JanusException(describe(e), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new JanusException("interrupted", e);
        }
        JsonValue v;
        try {
            v = Json.parse(res.body());
        } catch (ParseException e) {
            v = null;
        }
        if (v == null || !v.isObject())
            throw new JanusException(Kind.REFUSED, 0, "HTTP " + res.statusCode() + " with no Janus answer from " + uri.getPath());
        JsonObject answer = v.asObject();
        String janus = answer.getString("janus", "");
        if (janus.equals("success") || janus.equals("ack")) return answer;
        JsonValue err = answer.get("error");
        int code = err != null && err.isObject() ? err.asObject().getInt("code", 0) : 0;
        String reason = err != null && err.isObject() ? err.asObject().getString("reason", "") : "unexpected answer " + janus;
        Kind kind = switch (code) {
            case 458 -> Kind.SESSION_GONE;
            case 459 -> Kind.HANDLE_GONE;
            case 403 -> Kind.UNAUTHORIZED;
            default -> Kind.REFUSED;
        };
        throw new JanusException(kind, code, "Janus error " + code + ": " + reason);
    }

    /** What went wrong, in words for the status: never a Java class name. */
    private static String describe(IOException e) {
        if (e instanceof java.net.http.HttpTimeoutException) return "no answer in time";
        if (e instanceof java.net.ConnectException) return "connection refused (is Janus running, and is its HTTP transport on this port?)";
        if (e instanceof java.nio.channels.ClosedChannelException || e instanceof java.io.EOFException)
            return "the connection closed before Janus answered";
        Throwable t = e;
        while (t.getCause() != null && (t.getMessage() == null || t.getMessage().isEmpty())) t = t.getCause();
        String m = t.getMessage();
        // A JDK message may name a class ("java.net.SomethingException: ..."): keep the words after it.
        if (m != null) m = m.replaceAll("\\b(?:[a-z]+\\.)+[A-Z][A-Za-z]*(?:Exception|Error)\\b:?\\s*", "").strip();
        return m == null || m.isEmpty() ? "the connection failed" : m;
    }

    @Override
    public void close() {
        http.close();
    }
}
