package stream.server.internal.feature;

import stream.server.internal.metrics.Metrics;
import java.lang.System.Logger.Level;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The server's features, in the order their status members appear; built in one place
 * ({@code StreamServer}) and handed to the registry, which attaches them to every stream, and to
 * the HTTP layer, which serves their routes.
 */
public final class Features implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger("stream.server");

    private final List<Feature<?>> list;
    private final Map<String, Bound<?>> routes = new LinkedHashMap<>();
    private final Map<String, DefinitionField> fields = new LinkedHashMap<>();

    /** A route with the feature that owns it. */
    public record Bound<S extends StreamFeature>(Feature<S> feature, FeatureRoute<S> route) {}

    /**
     * @param list the features, in status order
     * @throws IllegalArgumentException when two claim one route segment or definition field
     */
    public Features(List<Feature<?>> list) {
        this.list = List.copyOf(list);
        for (Feature<?> f : this.list) {
            bind(f);
            f.definitionField().ifPresent(d -> {
                if (fields.put(d.name(), d) != null) throw new IllegalArgumentException("two features own field " + d.name());
            });
        }
    }

    private <S extends StreamFeature> void bind(Feature<S> f) {
        for (FeatureRoute<S> r : f.routes())
            if (routes.put(r.segment(), new Bound<>(f, r)) != null)
                throw new IllegalArgumentException("two features answer /streams/NAME/" + r.segment());
    }

    /** @return the features */
    public List<Feature<?>> all() {
        return list;
    }

    /**
     * Attaches every feature to a new stream; one that throws is logged and left out.
     * @param stream the stream
     * @return its parts, by feature, in order
     */
    public Map<Feature<?>, StreamFeature> attach(StreamView stream) {
        Map<Feature<?>, StreamFeature> parts = new LinkedHashMap<>();
        for (Feature<?> f : list) {
            try {
                parts.put(f, f.attach(stream));
            } catch (RuntimeException e) {
                LOG.log(Level.ERROR, "stream {0}: feature {1} could not attach: {2}", stream.name(), f.name(), e.toString());
            }
        }
        return parts;
    }

    /** @param segment the first path segment after /streams/NAME/ @return the route that answers it */
    public Optional<Bound<?>> route(String segment) {
        return Optional.ofNullable(routes.get(segment));
    }

    /** @return every feature route, in order */
    public List<FeatureRoute<?>> routes() {
        List<FeatureRoute<?>> all = new ArrayList<>();
        for (Bound<?> b : routes.values()) all.add(b.route());
        return all;
    }

    /** @return the definition fields the features own, by name */
    public Map<String, DefinitionField> fields() {
        return fields;
    }

    /** @param metrics the scrape being made */
    public void addServerMetrics(Metrics metrics) {
        for (Feature<?> f : list) f.addServerMetrics(metrics);
    }

    /** Ends every feature's server-wide processes, each on its own so one cannot keep the others. */
    @Override
    public void close() {
        for (Feature<?> f : list) {
            try {
                f.close();
            } catch (RuntimeException e) {
                LOG.log(Level.WARNING, "closing feature {0}: {1}", f.name(), e.toString());
            }
        }
    }
}
