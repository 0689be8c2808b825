package stream.server.internal.supervisor;

import stream.server.internal.rtp.RtpTap;
import com.eclipsesource.json.Json;
import com.eclipsesource.json.JsonArray;
import com.eclipsesource.json.JsonObject;
import com.eclipsesource.json.JsonValue;
import java.util.List;
import stream.server.internal.supervisor.Supervisor.State;

/**
 * One stream's status as GET /control shows it. Fields are always present (null when they do not
 * apply), so scripts can rely on the shape. Two counters, since the server started: {@code starts},
 * every gst-launch-1.0 child started (by start requests, --start and the restart policy alike);
 * {@code restarts}, those of them the restart policy started after a failure or stall.
 *
 * @param state the state in force
 * @param child the current child, or null
 * @param command the gst-launch-1.0 command line of the current (or next) child
 * @param plan the settings and source of the current (or next) child
 * @param starts children started
 * @param stats the RTP tap's snapshot while a child runs, or null
 * @param restarts restarts by the restart policy
 * @param stalls times a live child was found stalled
 * @param restartPolicy the restart setting in force
 * @param nextRestartInSeconds seconds to a pending restart, or null
 * @param lastExit how the last child ended, or null
 */
record StatusJson(State state, Child child, List<String> command, StreamPlan plan, int starts, RtpTap.Stats stats,
                  int restarts, int stalls, String restartPolicy, Double nextRestartInSeconds, Exit lastExit) {

    /** @return the status object */
    JsonObject toJson() {
        JsonObject o = Json.object();
        o.add("status", state.json());
        o.add("pid", child == null ? Json.NULL : Json.value(child.pid));
        o.add("startedAt", child == null ? Json.NULL : Json.value(child.startedAt.toString()));
        o.add("uptimeSeconds", child == null ? Json.NULL : Json.value(child.uptimeSeconds()));
        JsonArray cmd = new JsonArray();
        command.forEach(cmd::add);
        o.add("command", cmd);
        o.add("source", plan.source().describe());
        o.add("destination", plan.destinations());
        o.add("starts", starts);
        o.add("settings", settings(plan));
        o.add("stats", stats == null ? Json.NULL : stats.toJson());
        o.add("restarts", restarts);
        o.add("stalls", stalls);
        o.add("restartPolicy", restartPolicy);
        o.add("nextRestartInSeconds", nextRestartInSeconds == null ? Json.NULL : Json.value(nextRestartInSeconds));
        o.add("lastExit", lastExit == null ? Json.NULL : lastExit.toJson());
        JsonValue tail = Json.array();
        if (state == State.FAILED && lastExit != null) {
            JsonArray a = new JsonArray();
            lastExit.stderr().forEach(a::add);
            tail = a;
        }
        o.add("lastStderr", tail);
        return o;
    }

    /** The "settings" object: the one place the status writes settings. */
    private static JsonValue settings(StreamPlan plan) {
        JsonObject o = plan.settings().toJson(); // write-only settings are not in it: say only that they are set
        for (var secret : stream.server.internal.settings.StreamSettings.SECRETS)
            if (plan.settings().get(secret) != null) o.add(secret.name(), "set");
        return o;
    }
}
