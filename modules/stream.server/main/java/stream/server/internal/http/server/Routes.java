package stream.server.internal.http.server;

import stream.server.internal.feature.FeatureRoute;
import stream.server.internal.feature.Features;
import java.util.ArrayList;
import java.util.List;

/**
 * The route table: every path the server answers, the core's and each feature's, one line each.
 * {@code --help}, the 404 hints and the module docs are made from it, and a test checks the
 * README's table against it, so they cannot disagree.
 */
public final class Routes {
    private Routes() {}

    /** The core's routes (the features add theirs). */
    static final List<String> CORE = List.of(
            "GET  /control                     status of the stream main (GET /streams/NAME/control for another)",
            "POST /control {\"action\":\"start\"}  start main (\"Stream started\" / \"Stream already running\"); settings may go with it",
            "POST /control {\"action\":\"stop\"}   stop main, answered once the child is gone (\"Stream stopped\")",
            "GET  /stream.sdp                  SDP of the running main for ffplay/VLC/ffprobe (?destination=N)",
            "GET  /streams                     every stream: its status plus name and autostart",
            "GET|PUT|DELETE /streams/NAME      one stream; PUT {settings..., \"autostart\": true} defines it",
            "GET|POST /streams/NAME/control    /control of that stream",
            "GET  /streams/NAME/stream.sdp     /stream.sdp of that stream",
            "GET  /metrics                     Prometheus text",
            "GET|POST /users                   credentials (admin): POST {\"name\",\"role\",\"streams\"?} answers the token once",
            "DELETE /users/NAME                revoke a credential and its sessions at once (admin)",
            "GET|POST|DELETE /session          the dashboard's sign-in: POST {\"name\",\"token\"} sets a session cookie",
            "GET  /health                      {\"status\":\"ok\"}",
            "GET  /settings                    the settings table: each setting's name, JSON type, default, what it accepts",
            "GET  /                            the dashboard");

    /**
     * @param features the server's features
     * @return every route's line, the core's first
     */
    public static List<String> table(Features features) {
        List<String> all = new ArrayList<>(CORE);
        for (FeatureRoute<?> r : features.routes()) {
            all.add(r.usage());
            if (r.mainAtTop()) {
                String methods = r.usage().substring(0, r.usage().indexOf(' '));
                all.add(String.format("%-4s %-28s /streams/main/%s", methods, "/" + r.segment(), r.segment()));
            }
        }
        return all;
    }

    /**
     * @param features the server's features
     * @return the routes below /streams, each as "METHODS PATH" (for a 404's hint)
     */
    static List<String> under(Features features) {
        List<String> all = new ArrayList<>();
        for (String line : table(features)) {
            String route = route(line);
            if (route.contains(" /streams")) all.add(route);
        }
        return all;
    }

    /**
     * @param features the server's features
     * @return every route as "METHODS PATH" (for a 404's hint)
     */
    static List<String> paths(Features features) {
        List<String> all = new ArrayList<>();
        for (String line : table(features)) all.add(route(line));
        return all;
    }

    /** @return "METHODS PATH" of a line: up to the two spaces before its description */
    private static String route(String line) {
        String compact = line.replaceFirst("^([A-Z|]+) +", "$1 ");
        int end = compact.indexOf("  ");
        return (end < 0 ? compact : compact.substring(0, end)).strip();
    }
}
