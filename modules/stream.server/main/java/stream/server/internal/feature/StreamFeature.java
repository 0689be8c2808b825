package stream.server.internal.feature;

import stream.server.internal.metrics.Metrics;
import com.eclipsesource.json.JsonObject;

/**
 * One capability of one stream (its recording, its WebRTC viewers, its Janus feed, its RTSP
 * mount), made by its {@link Feature} when the stream is made and closed when the stream is
 * deleted or the server ends. It hears the stream's {@link StreamEvent}s in order on the stream's
 * event thread, adds its member to the stream's status and its series to /metrics. The stream
 * core knows it only through this interface.
 */
public interface StreamFeature extends AutoCloseable {
    /**
     * Something happened to the stream; called in order, one at a time, never under the
     * supervisor's lock. Must not wait for the stream's own events (it runs on their thread).
     * @param event what happened
     */
    default void on(StreamEvent event) {}

    /**
     * Adds its member(s) to the stream's status (GET /control, /streams/NAME); must be quick and
     * never wait on the supervisor.
     * @param status the status being made
     */
    default void addStatus(JsonObject status) {}

    /**
     * Adds its series to a scrape, labelled {@code stream="NAME"}.
     * @param metrics the scrape being made
     */
    default void addMetrics(Metrics metrics) {}

    /** The stream is deleted or the server ends: ends what it runs for the stream (bounded). */
    @Override
    void close();
}
