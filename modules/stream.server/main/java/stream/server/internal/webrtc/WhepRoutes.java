package stream.server.internal.webrtc;

import com.eclipsesource.json.Json;
import stream.server.internal.http.Exchange;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import stream.server.internal.rtp.VideoCodec;
import stream.server.internal.http.Answers;
import stream.server.internal.http.ApiError;
import stream.server.internal.settings.StreamSettings;
import stream.server.internal.feature.StreamView;
import stream.server.internal.supervisor.Supervisor;

/**
 * WHEP (draft-ietf-wish-whep) for one stream: {@code POST /streams/{name}/whep} (and {@code POST
 * /whep} for main) with an SDP offer answers 201, the SDP answer and {@code Location:
 * /streams/{name}/whep/{id}}; {@code DELETE} on that Location ends the viewer. Both are state
 * changes: the HTTP layer checks the token before these run ({@link WebRtcFeature#routes()}).
 * {@code POST .../whep/{id}/latency} with {@code {"latencyMs": N}} is the viewer's report of the
 * glass-to-glass latency it has now (the dashboard sends one every few seconds); the stream's
 * status shows their spread.
 */
final class WhepRoutes {
    private WhepRoutes() {}

    /** The WHEP answer's header: the viewer's video RTP clock against the wall clock, "rtp=R; unix-ms=T". */
    static final String RTP_CLOCK_HEADER = "Rtp-Clock";

    /**
     * @param ex the request, its token checked
     * @param webrtc the stream's WebRTC
     * @param rest the path after /streams/NAME: "/whep" or "/whep/ID"
     */
    static void route(Exchange ex, StreamWebRtc webrtc, String rest) throws IOException, ApiError {
        String method = ex.method();
        String path = ex.uri().getRawPath();
        String[] parts = rest.substring(1).split("/", -1);
        StreamView stream = webrtc.stream();
        try {
            if (parts.length == 1) {
                if (!method.equals("POST")) throw ApiError.notAllowed(method, path, "POST");
                offer(ex, webrtc);
            } else if (parts.length == 2 && !parts[1].isEmpty()) {
                if (!method.equals("DELETE")) throw ApiError.notAllowed(method, path, "DELETE");
                webrtc.delete(parts[1]);
                Answers.json(ex, 200, Json.object().add("message", "Viewer ended").add("viewer", parts[1]));
            } else if (parts.length == 3 && !parts[1].isEmpty() && parts[2].equals("latency")) {
                if (!method.equals("POST")) throw ApiError.notAllowed(method, path, "POST");
                double ms = latencyMs(ex);
                webrtc.reportLatency(parts[1], ms);
                Answers.json(ex, 200, Json.object().add("viewer", parts[1]).add("latencyMs", ms));
            } else {
                throw new ApiError(404, "No such path: " + Answers.clip(path),
                        "POST /streams/" + stream.name() + "/whep with an SDP offer; DELETE the Location it answers.");
            }
        } catch (WhepException e) {
            if (e.status() == 429) // unconnected offers end within 15 s
                throw ApiError.withHeaders(429, e.getMessage(), e.hint(), java.util.Map.of("Retry-After", "15"));
            throw new ApiError(e.status(), e.getMessage(), e.hint() == null ? "" : e.hint());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ApiError(503, "Interrupted while waiting for the WebRTC gateway", "Try again.");
        }
    }

    /** The body of a latency report: {"latencyMs": N}, N a number of milliseconds from 0 to a minute. */
    private static double latencyMs(Exchange ex) throws IOException, ApiError {
        String body = new String(Answers.readBody(ex), StandardCharsets.UTF_8);
        String hint = "POST {\"latencyMs\": 42.5}: the glass-to-glass latency the viewer has now, in ms.";
        com.eclipsesource.json.JsonValue value;
        try {
            value = Json.parse(body);
        } catch (com.eclipsesource.json.ParseException e) {
            throw new ApiError(400, "The body is no JSON: " + Answers.clip(e.getMessage()), hint);
        }
        com.eclipsesource.json.JsonValue ms = value.isObject() ? value.asObject().get("latencyMs") : null;
        if (ms == null || !ms.isNumber()) throw new ApiError(400, "No number \"latencyMs\" in the body", hint);
        double d = ms.asDouble();
        if (!(d >= 0 && d <= ViewerLatency.MAX_MS))
            throw new ApiError(400, "latencyMs " + d + " is out of range (0 to " + (long) ViewerLatency.MAX_MS + ")", hint);
        return d;
    }

    private static void offer(Exchange ex, StreamWebRtc webrtc) throws IOException, ApiError, WhepException, InterruptedException {
        StreamView stream = webrtc.stream();
        String type = ex.requestHeader("Content-Type");
        if (type == null || !type.toLowerCase(java.util.Locale.ROOT).strip().startsWith("application/sdp"))
            throw new ApiError(415, "A WHEP offer is Content-Type application/sdp, not " + (type == null ? "none" : "'" + Answers.clip(type) + "'"),
                    "POST the browser's SDP offer with the header Content-Type: application/sdp.");
        String sdp = new String(Answers.readBody(ex), StandardCharsets.UTF_8);
        Supervisor.State state = stream.state();
        if (state != Supervisor.State.RUNNING && state != Supervisor.State.STALLED)
            throw new ApiError(state == Supervisor.State.STARTING ? 503 : 409, "Stream '" + stream.name() + "' is " + state.json()
                    + ", not running", state == Supervisor.State.STARTING ? "Try again in a moment."
                    : "Start it first: POST /streams/" + stream.name() + "/control {\"action\":\"start\"}.");
        if (stream.rtp().videoCodec().orElse(VideoCodec.H264) == VideoCodec.H265) // not decoded here: a browser would get a black picture
            throw new ApiError(409, "Stream '" + stream.name() + "' is H.265 from its IP camera, passed through without"
                    + " decoding; browsers play only H.264 over WebRTC here",
                    "Watch it over RTSP (GET /streams/" + stream.name() + " shows rtsp.url), its recordings or clips,"
                    + " or set the camera to H.264.");
        if (!sdp.startsWith("v=0"))
            throw new ApiError(400, "The body is no SDP offer (it does not begin with v=0)", "POST the browser's offer as it is.");
        int max = stream.settings().get(StreamSettings.MAX_VIEWERS);
        WebRtcGateway.Answer answer = webrtc.offer(sdp, max, ex.remoteAddress().getAddress());
        ex.setHeader("Location", "/streams/" + stream.name() + "/whep/" + answer.viewer());
        // the dashboard's live latency figure (latency.js) maps the frames' RTP timestamps to the wall clock with it
        if (answer.rtpClock() != null) ex.setHeader(RTP_CLOCK_HEADER, answer.rtpClock());
        Answers.text(ex, 201, "application/sdp", answer.sdp());
    }
}
