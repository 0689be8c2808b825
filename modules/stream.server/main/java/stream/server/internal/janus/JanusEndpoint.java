package stream.server.internal.janus;

import com.eclipsesource.json.JsonArray;
import com.eclipsesource.json.JsonObject;
import com.eclipsesource.json.JsonValue;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * One Janus instance a stream feeds, as a stream's settings give it:
 * {@code {"url": "http://HOST:8088/janus", "apiSecret": ..., "token": ..., "adminKey": ...,
 * "rtpHost": ..., "mountpoint": 7}}. Only {@code url} is required.
 *
 * @param url Janus's HTTP API (http or https, no user info, no query)
 * @param apiSecret Janus's {@code api_secret}, sent as {@code apisecret} in every request, or null
 * @param token a Janus auth token ({@code token_auth}), sent as {@code token} in every request, or null
 * @param adminKey the streaming plugin's {@code admin_key}, needed to create mountpoints when configured, or null
 * @param rtpHost where the RTP goes when not to the API's host (Janus behind an HTTP proxy), or null
 * @param mountpointId the mountpoint id to use, or 0 to derive one from the stream's name
 */
public record JanusEndpoint(URI url, Secret apiSecret, Secret token, Secret adminKey, String rtpHost, long mountpointId) {
    private static final Set<String> FIELDS = Set.of("url", "apiSecret", "token", "adminKey", "rtpHost", "mountpoint");
    private static final Pattern HOST = Pattern.compile("[A-Za-z0-9]([A-Za-z0-9.-]{0,251}[A-Za-z0-9])?|\\[[0-9A-Fa-f:.]+\\]");
    /** Janus ids are JSON numbers; keep them exact in a double (2^53). */
    static final long MAX_ID = (1L << 53) - 1;

    /** Checks the parts. */
    public JanusEndpoint {
        Objects.requireNonNull(url, "url");
        checkUrl(url);
        if (rtpHost != null && !HOST.matcher(rtpHost).matches())
            throw new IllegalArgumentException("rtpHost " + rtpHost + ": not a host name or address");
        if (mountpointId < 0 || mountpointId > MAX_ID)
            throw new IllegalArgumentException("mountpoint " + mountpointId + ": must be 1.." + MAX_ID);
    }

    private static void checkUrl(URI u) {
        String scheme = u.getScheme() == null ? "" : u.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("http") && !scheme.equals("https"))
            throw new IllegalArgumentException("url " + u + ": must be http:// or https://");
        if (u.getHost() == null) throw new IllegalArgumentException("url " + u + ": has no host");
        // Secrets belong in their own fields: a URL is shown in status, logs and metrics.
        if (u.getRawUserInfo() != null)
            throw new IllegalArgumentException("url: must not carry user info; put secrets in apiSecret or token");
        if (u.getRawQuery() != null || u.getRawFragment() != null)
            throw new IllegalArgumentException("url: must not carry a query or fragment; put secrets in apiSecret or token");
    }

    /**
     * Reads one entry of a stream's {@code "janus"} list.
     * @param v the JSON value
     * @param field the field name to use in messages, e.g. {@code janus[0]}
     * @return the endpoint
     * @throws IllegalArgumentException naming the field and what is wrong (never a secret's value)
     */
    public static JanusEndpoint fromJson(JsonValue v, String field) {
        if (v == null || !v.isObject()) throw new IllegalArgumentException(field + ": must be an object with a \"url\"");
        JsonObject o = v.asObject();
        for (String name : o.names())
            if (!FIELDS.contains(name))
                throw new IllegalArgumentException(field + "." + name + ": unknown field; known: " + String.join(", ", FIELDS.stream().sorted().toList()));
        String url = string(o, "url", field, true);
        URI uri;
        try {
            uri = new URI(url);
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException(field + ".url: not a URL (" + e.getReason() + ")");
        }
        long id = 0;
        JsonValue m = o.get("mountpoint");
        if (m != null) {
            if (!m.isNumber() || m.asDouble() != Math.rint(m.asDouble()) || m.asDouble() < 1 || m.asDouble() > MAX_ID)
                throw new IllegalArgumentException(field + ".mountpoint: must be a whole number 1.." + MAX_ID);
            id = m.asLong();
        }
        Secret apiSecret = secret(o, "apiSecret", field), token = secret(o, "token", field), adminKey = secret(o, "adminKey", field);
        String rtpHost = string(o, "rtpHost", field, false);
        try {
            return new JanusEndpoint(uri, apiSecret, token, adminKey, rtpHost, id);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(field + "." + e.getMessage());
        }
    }

    /**
     * Reads a stream's {@code "janus"} list.
     * @param v a JSON array of endpoint objects
     * @return the endpoints, in order; no URL twice
     */
    public static List<JanusEndpoint> listFromJson(JsonValue v) {
        if (v == null || !v.isArray()) throw new IllegalArgumentException("janus: must be an array of {\"url\": ...} objects");
        JsonArray a = v.asArray();
        if (a.size() > 16) throw new IllegalArgumentException("janus: at most 16 instances per stream");
        List<JanusEndpoint> list = new ArrayList<>();
        for (int i = 0; i < a.size(); i++) {
            JanusEndpoint e = fromJson(a.get(i), "janus[" + i + "]");
            for (JanusEndpoint other : list)
                if (other.label().equals(e.label())) throw new IllegalArgumentException("janus[" + i + "].url: listed twice: " + e.label());
            list.add(e);
        }
        return List.copyOf(list);
    }

    private static String string(JsonObject o, String name, String field, boolean required) {
        JsonValue v = o.get(name);
        if (v == null) {
            if (required) throw new IllegalArgumentException(field + "." + name + ": required");
            return null;
        }
        if (!v.isString() || v.asString().isEmpty()) throw new IllegalArgumentException(field + "." + name + ": must be a non-empty string");
        return v.asString();
    }

    private static Secret secret(JsonObject o, String name, String field) {
        JsonValue v = o.get(name);
        if (v == null) return null;
        // the message must not echo the value: it is a secret, even when mistyped
        if (!v.isString() || v.asString().isEmpty()) throw new IllegalArgumentException(field + "." + name + ": must be a non-empty string");
        return new Secret(v.asString());
    }

    /** @return the URL as shown in status, logs and metrics labels (it carries no secret) */
    public String label() {
        return url.toString();
    }

    /** @return the host the RTP is sent to: {@link #rtpHost()} or the API's host */
    public String mediaHost() {
        if (rtpHost != null) return rtpHost;
        String h = url.getHost();
        return h.startsWith("[") ? h.substring(1, h.length() - 1) : h;
    }

    /** @return the endpoint for GET answers: the URL and which secrets are set, never their values */
    public JsonObject toJson() {
        JsonArray set = new JsonArray();
        if (apiSecret != null) set.add("apiSecret");
        if (token != null) set.add("token");
        if (adminKey != null) set.add("adminKey");
        JsonObject o = new JsonObject().add("url", label()).add("secrets", set);
        if (rtpHost != null) o.add("rtpHost", rtpHost);
        if (mountpointId != 0) o.add("mountpoint", mountpointId);
        return o;
    }

    /**
     * @return the endpoint as {@link #fromJson} reads it, secrets included: only for the stream
     *         definitions file in the private state directory, never for an answer or a log
     */
    public JsonObject toStoredJson() {
        JsonObject o = new JsonObject().add("url", label());
        if (apiSecret != null) o.add("apiSecret", apiSecret.reveal());
        if (token != null) o.add("token", token.reveal());
        if (adminKey != null) o.add("adminKey", adminKey.reveal());
        if (rtpHost != null) o.add("rtpHost", rtpHost);
        if (mountpointId != 0) o.add("mountpoint", mountpointId);
        return o;
    }

    @Override
    public String toString() {
        return "janus " + label();
    }
}
