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
 * as {@link JanusException}s classified for the caller. Every answer is bounded: at most
 * {@link #MAX_ANSWER} bytes (the connection is dropped past it) and one deadline for headers and
 * body together, so a hostile or broken peer costs a request timeout and 256 KiB, no more. Not thread-safe per handle; the
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
    /** The largest answer read from a Janus: its answers are a few hundred bytes, a list of 1,000 mountpoints ~100 KiB. */
    static final int MAX_ANSWER = 256 * 1024;

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
        // One deadline for the whole answer, headers and body: the request timeout alone ends at the headers.
        var pending = http.sendAsync(req, BoundedBody.handler(MAX_ANSWER));
        try {
            res = pending.get(timeout.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
        } catch (java.util.concurrent.TimeoutException e) {
            pending.cancel(true); // aborts the exchange: the connection is closed, nothing more is read
            throw new JanusException("Janus did not answer within " + seconds(timeout) + " s; is it overloaded, or is "
                    + endpoint.label() + " not Janus's HTTP API?", e);
        } catch (java.util.concurrent.ExecutionException e) {
            for (Throwable t = e.getCause(); t != null; t = t.getCause())
                if (t instanceof BoundedBody.TooLarge) throw new JanusException(Kind.REFUSED, 0, describe(t)); // a peer that is not Janus
            throw new JanusException(describe(e.getCause()), e.getCause());
        } catch (InterruptedException e) {
            pending.cancel(true);
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

    /** What went wrong, as a sentence a person can act on (no Java class names). */
    private String describe(Throwable failure) {
        String where = endpoint.label();
        Throwable e = failure;
        // the client wraps the cause (CompletionException, IOException around another): look for the telling one
        for (Throwable t = failure; t != null; t = t.getCause())
            if (t instanceof BoundedBody.TooLarge || t instanceof java.net.http.HttpTimeoutException || t instanceof java.net.ConnectException
                    || t instanceof java.nio.channels.UnresolvedAddressException || t instanceof java.net.UnknownHostException
                    || t instanceof javax.net.ssl.SSLException) {
                e = t;
                break;
            }
        if (e instanceof BoundedBody.TooLarge) return "Janus's answer is larger than " + MAX_ANSWER / 1024
                + " KiB, more than any Janus answer; is " + where + " Janus's HTTP API?";
        if (e instanceof java.net.http.HttpConnectTimeoutException)
            return "no connection to " + where + " within " + seconds(timeout) + " s; is the address right and reachable?";
        if (e instanceof java.net.http.HttpTimeoutException)
            return "Janus did not answer within " + seconds(timeout) + " s; is it overloaded, or is " + where + " not Janus's HTTP API?";
        if (e instanceof java.net.ConnectException)
            return "connection to " + where + " refused; is Janus running and listening there?";
        if (e instanceof java.nio.channels.UnresolvedAddressException || e instanceof java.net.UnknownHostException)
            return "cannot resolve the host of " + where + "; check the name";
        if (e instanceof javax.net.ssl.SSLException)
            return "TLS with " + where + " failed; does it speak https with a certificate this machine trusts?";
        if (e instanceof IOException)
            return "Janus closed the connection before a whole answer; is " + where + " Janus's HTTP API?";
        return "the request to " + where + " failed; is it Janus's HTTP API?";
    }

    private static String seconds(Duration d) {
        return d.toMillis() % 1000 == 0 ? Long.toString(d.toSeconds()) : String.format(java.util.Locale.ROOT, "%.1f", d.toMillis() / 1000.0);
    }

    @Override
    public void close() {
        http.close();
    }
}
