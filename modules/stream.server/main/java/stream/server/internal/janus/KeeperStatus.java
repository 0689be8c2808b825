package stream.server.internal.janus;

import com.eclipsesource.json.Json;
import com.eclipsesource.json.JsonObject;
import java.time.Duration;
import java.time.Instant;

/**
 * What a {@link MountpointKeeper} reports about one Janus instance, for GET answers and
 * /metrics. Carries no secret.
 *
 * @param janus the instance's API URL
 * @param state where it stands
 * @param since when it entered that state
 * @param lastError the last failure (Janus's reason or the network error), or null
 * @param lastErrorAt when, or null
 * @param mountpointId the mountpoint's id on that instance
 * @param rtpTarget where the packets go now ("host:port"), or null while they do not
 * @param janusAgeMs milliseconds since Janus last received a packet, at the last check; -1 when unknown
 * @param viewers Janus's viewer count at the last check; -1 when unknown
 * @param creates mountpoints created (more than one: Janus restarted or forgot it)
 * @param failures consecutive failed attempts (0 when ready)
 * @param packets packets sent to it
 * @param bytes bytes sent to it
 * @param dropped packets not sent (socket buffer full, send error)
 */
public record KeeperStatus(String janus, KeeperState state, Instant since, String lastError, Instant lastErrorAt,
                           long mountpointId, String rtpTarget, long janusAgeMs, int viewers, long creates, int failures,
                           long packets, long bytes, long dropped) {
    /** @return true when the mountpoint exists and is fed */
    public boolean up() {
        return state == KeeperState.READY;
    }

    /**
     * @param now the time to measure {@code since} against
     * @return the status as a JSON object
     */
    public JsonObject toJson(Instant now) {
        JsonObject o = new JsonObject().add("url", janus).add("state", state.label()).add("up", up())
                .add("since", since.toString())
                .add("secondsInState", Duration.between(since, now).toMillis() / 1000.0)
                .add("mountpoint", mountpointId)
                .add("rtpTarget", rtpTarget == null ? Json.NULL : Json.value(rtpTarget))
                .add("janusAgeMs", janusAgeMs < 0 ? Json.NULL : Json.value(janusAgeMs))
                .add("viewers", viewers < 0 ? Json.NULL : Json.value(viewers))
                .add("creates", creates).add("failures", failures)
                .add("packets", packets).add("bytes", bytes).add("dropped", dropped);
        o.add("lastError", lastError == null ? Json.NULL : Json.value(lastError));
        o.add("lastErrorAt", lastErrorAt == null ? Json.NULL : Json.value(lastErrorAt.toString()));
        return o;
    }
}
