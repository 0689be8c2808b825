package stream.server.internal.feature;

import stream.server.internal.metrics.Metrics;
import java.util.List;
import java.util.Optional;

/**
 * A capability every stream has (recording, WebRTC, Janus, RTSP), made once per server in one
 * place ({@code StreamServer}) and attached to each stream as it is made. It owns, in a package of
 * its own, its per-stream part ({@link StreamFeature}: events, status member, metrics), its routes,
 * its definition field and its processes; its settings are rows of the one settings table
 * ({@link StreamSettings}). The stream core names no feature.
 *
 * @param <S> its per-stream part
 */
public interface Feature<S extends StreamFeature> extends AutoCloseable {
    /** @return a short name for logs, e.g. "rtsp" */
    String name();

    /**
     * Makes the feature's part of a new stream; must not fail (a problem goes into its status).
     * @param stream the stream
     * @return its part
     */
    S attach(StreamView stream);

    /** @return its routes below /streams/NAME/ */
    default List<FeatureRoute<S>> routes() {
        return List.of();
    }

    /** @return the definition field it owns, if any */
    default Optional<DefinitionField> definitionField() {
        return Optional.empty();
    }

    /**
     * Adds its server-wide series to a scrape (e.g. whether its process runs).
     * @param metrics the scrape being made
     */
    default void addServerMetrics(Metrics metrics) {}

    /** Ends its server-wide processes; called when the server ends, before the streams close. */
    @Override
    default void close() {}
}
