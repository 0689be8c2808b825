package stream.server.internal.http.server;

import stream.server.internal.http.Answers;
import stream.server.internal.http.ApiError;
import stream.server.internal.stream.ControlRequest;
import stream.server.internal.stream.Stream;
import stream.server.internal.stream.StreamMetrics;
import stream.server.internal.stream.StreamRegistry;
import stream.server.internal.supervisor.StreamPlan;
import stream.server.internal.supervisor.Supervisor;
import com.eclipsesource.json.Json;
import com.eclipsesource.json.JsonObject;
import com.eclipsesource.json.JsonValue;
import stream.server.internal.http.Exchange;
import java.io.IOException;
import java.util.Optional;

/**
 * The contract of one stream's {@code /control} and {@code /stream.sdp}, the same for main at the
 * top level and for every stream under {@code /streams/{name}/}. Authorization is the caller's.
 */
final class StreamControl {
    /** What a start's settings need beyond start/stop (an admin's for any but record): a 403 when missing. */
    @FunctionalInterface
    interface BodyCheck {
        /** @throws ApiError 403 naming the missing right */
        void check(Exchange ex, String stream, JsonObject body) throws ApiError;
    }

    private final StreamRegistry registry;
    private final BodyCheck bodyCheck;
    private final StatusCache statuses = new StatusCache();

    /**
     * @param registry the streams, for the conflict check of a start with settings
     * @param bodyCheck the rights a request's settings need
     */
    StreamControl(StreamRegistry registry, BodyCheck bodyCheck) {
        this.registry = registry;
        this.bodyCheck = bodyCheck;
    }

    void status(Exchange ex, Stream stream) throws IOException {
        Answers.text(ex, 200, "application/json; charset=utf-8", statuses.text(stream));
    }

    void sdp(Exchange ex, Stream stream) throws IOException, ApiError {
        Supervisor supervisor = stream.supervisor();
        String query = ex.uri().getRawQuery();
        int index = 0;
        String path = ex.uri().getRawPath();
        if (query != null && !query.isEmpty()) {
            if (!query.matches("destination=[1-9][0-9]{0,1}"))
                throw new ApiError(400, "Unknown query '" + Answers.clip(query) + "'",
                        "GET " + path + " describes the first destination; GET " + path + "?destination=N the N-th (from 1).");
            index = Integer.parseInt(query.substring(query.indexOf('=') + 1)) - 1;
        }
        Optional<String> text = StreamMetrics.sdp(supervisor, index, ex.localAddress().getAddress());
        if (text.isEmpty()) {
            if (supervisor.uptimeSeconds() >= 0)
                throw new ApiError(404, "No destination number " + (index + 1) + " in the running stream",
                        "It goes to " + supervisor.plan().destinations() + ".");
            String control = path.substring(0, path.length() - "stream.sdp".length()) + "control";
            throw new ApiError(404, "No stream is running",
                    "Start it with POST " + control + " {\"action\":\"start\"}; the SDP describes the running stream.");
        }
        Answers.text(ex, 200, "application/sdp", text.get());
    }

    void post(Exchange ex, Stream stream) throws IOException, ApiError {
        Supervisor supervisor = stream.supervisor();
        JsonObject request = ControlRequest.read(ex);
        bodyCheck.check(ex, stream.name(), request);
        String action = request.getString("action", "");
        boolean hasSettings = request.size() > 1;
        if (action.equals("stop") && hasSettings)
            throw new ApiError(400, "Settings go with start, not stop",
                    "Send {\"action\":\"stop\"} alone; send settings with {\"action\":\"start\", ...}.");
        Supervisor.Outcome outcome;
        if (action.equals("start")) {
            StreamPlan plan = ControlRequest.plan(supervisor.defaults(), request);
            outcome = registry.start(stream, plan);
            if (outcome == Supervisor.Outcome.ALREADY_RUNNING && hasSettings
                    && !plan.settings().equals(supervisor.plan().settings()))
                throw new ApiError(409, "Stream already running with other settings",
                        "Stop it first with {\"action\":\"stop\"}, then start it with the new settings.");
        } else {
            outcome = supervisor.stop();
        }
        stream.settingsChanged(); // the features follow the settings now in force (recording on or off)
        // A stream deleted while this request waited is gone (its child too), not shutting down.
        if (registry.get(stream.name()).orElse(null) != stream)
            throw StreamRegistry.notFound(stream.name());
        JsonObject body = Json.object().add("message", outcome.message);
        JsonObject status = stream.status();
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
}
