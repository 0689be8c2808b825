package stream.server.internal.access;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * Which right a request needs: a pure function of its method and raw path (the body matters only
 * for a start's settings: {@link #forControlBody}). The single map from the HTTP API to
 * {@link Right}s; the roles' table in {@link Role} says who holds them.
 *
 * <p>Rules that hold across the table: {@code HEAD} is {@code GET}; {@code OPTIONS} needs nothing
 * (a CORS preflight carries no credentials; RequestGuard answers it); a method a resource does not
 * answer needs the resource's read right, so that an anonymous client gets 401 and a signed-in one
 * the handler's 405; a path no resource answers needs {@link Right#READ_STATUS} over
 * {@linkplain Need.Scope#LISTED listed} streams (401 before 404: nobody learns which paths exist
 * without a credential), under /streams/NAME over that stream.
 * Stream names are taken from the raw path as they are: a name outside the grammar matches no
 * credential's list, and the handler answers 400 to those who may get that far.
 */
public final class Rights {
    /** The sign-in resource of the dashboard: POST with a credential makes a session, DELETE ends it. */
    public static final String SESSION_PATH = "/session";
    /** The credentials resource. */
    public static final String USERS_PATH = "/users";
    private static final String MAIN = "main";
    private static final Set<String> DASHBOARD_FILES = Set.of("style.css", "app.js", "api.js", "preview.js", "latency.js", "settings.js",
            "streams-form.js", "recordings.js", "ui.js");

    private Rights() {}

    /**
     * @param method the request method, e.g. "GET"
     * @param rawPath the request's raw path, without the query (HttpExchange.getRequestURI().getRawPath())
     * @return the right needed and what it applies to
     */
    public static Need needed(String method, String rawPath) {
        Objects.requireNonNull(method, "method");
        Objects.requireNonNull(rawPath, "rawPath");
        if (method.equals("OPTIONS")) return Need.NONE;
        boolean read = method.equals("GET") || method.equals("HEAD");
        String path = rawPath;
        if (path.equals("/") || path.equals("/index.html") || path.equals("/health") || path.equals(SESSION_PATH)) return Need.NONE;
        if (path.startsWith("/ui/") && DASHBOARD_FILES.contains(path.substring("/ui/".length()))) return Need.NONE;
        if (path.equals("/metrics")) return Need.server(Right.READ_STATUS);
        if (path.equals(USERS_PATH) || path.startsWith(USERS_PATH + "/")) return Need.server(Right.MANAGE_USERS);
        if (path.equals("/control")) return Need.stream(method.equals("POST") ? Right.START_STOP : Right.READ_STATUS, MAIN);
        if (path.equals("/stream.sdp")) return Need.stream(Right.WATCH, MAIN);
        if (path.equals("/whep") || path.startsWith("/whep/")) return Need.stream(Right.WATCH, MAIN);
        if (path.equals("/streams") || path.equals("/streams/")) return Need.listed(Right.READ_STATUS);
        if (!path.startsWith("/streams/")) return Need.listed(Right.READ_STATUS);
        String rest = path.substring("/streams/".length());
        int slash = rest.indexOf('/');
        String name = slash < 0 ? rest : rest.substring(0, slash);
        String sub = slash < 0 ? null : rest.substring(slash + 1);
        if (sub == null) {
            return Need.stream(switch (method) {
                case "PUT" -> Right.DEFINE;
                case "DELETE" -> Right.DELETE;
                default -> Right.READ_STATUS;
            }, name);
        }
        int next = sub.indexOf('/');
        String segment = next < 0 ? sub : sub.substring(0, next);
        boolean below = next >= 0; // e.g. /streams/NAME/clips/FILE
        Right right = switch (segment) {
            case "control" -> below ? Right.READ_STATUS : method.equals("POST") ? Right.START_STOP : Right.READ_STATUS;
            case "stream.sdp", "snapshot.jpg", "whep", "janus" -> Right.WATCH;
            case "recordings" -> method.equals("DELETE") ? Right.RECORD : Right.WATCH;
            case "clips" -> method.equals("POST") || method.equals("DELETE") ? Right.CLIP : Right.WATCH;
            default -> Right.READ_STATUS;
        };
        if (read && right != Right.WATCH) right = Right.READ_STATUS;
        return Need.stream(right, name);
    }

    /**
     * What a POST to a stream's control needs beyond {@link Right#START_STOP}, from its body: a
     * start may carry settings that last until the stream stops. {@code "record"} alone is an
     * operator's switch ({@link Right#RECORD}); any other setting (source, bitrate, record-dir, ...)
     * changes the stream as a PUT would ({@link Right#DEFINE}).
     * @param stream the stream's name
     * @param keys the members of the request's JSON body
     * @return every need of the request, START_STOP first
     */
    public static List<Need> forControlBody(String stream, Collection<String> keys) {
        List<Need> needs = new ArrayList<>();
        needs.add(Need.stream(Right.START_STOP, stream));
        if (keys.contains("record")) needs.add(Need.stream(Right.RECORD, stream));
        if (keys.stream().anyMatch(k -> !k.equals("action") && !k.equals("record"))) needs.add(Need.stream(Right.DEFINE, stream));
        return needs;
    }

    /** @param stream a stream's name @return what watching it over RTSP needs (the RTSP server is not HTTP) */
    public static Need forRtsp(String stream) {
        return Need.stream(Right.WATCH, stream);
    }
}
