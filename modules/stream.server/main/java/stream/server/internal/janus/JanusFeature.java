package stream.server.internal.janus;

import com.eclipsesource.json.JsonValue;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import stream.server.internal.http.ApiError;
import stream.server.internal.feature.DefinitionField;
import stream.server.internal.feature.Feature;
import stream.server.internal.feature.FeatureRoute;
import stream.server.internal.feature.StreamView;

/**
 * Fan-out through Janus media servers: the definition field {@code "janus"} (a list of
 * instances, secrets included, never shown) and per stream a feed that exists while its child
 * runs ({@link StreamJanus}). Route: {@code GET /streams/NAME/janus/I}, a player page.
 */
public final class JanusFeature implements Feature<StreamJanus> {
    private final KeeperTiming timing;

    /** With the keepers' standard pacing. */
    public JanusFeature() {
        this(KeeperTiming.DEFAULT);
    }

    /** @param timing how the keepers pace their requests */
    public JanusFeature(KeeperTiming timing) {
        this.timing = timing;
    }

    @Override
    public String name() {
        return "janus";
    }

    @Override
    public StreamJanus attach(StreamView stream) {
        return StreamJanus.start(stream, timing);
    }

    @Override
    public Optional<DefinitionField> definitionField() {
        return Optional.of(new DefinitionField() {
            @Override
            public String name() {
                return StreamJanus.FIELD;
            }

            @Override
            public JsonValue read(JsonValue value) throws ApiError {
                return StreamJanus.read(value);
            }
        });
    }

    @Override
    public List<FeatureRoute<StreamJanus>> routes() {
        return List.of(new FeatureRoute<>("janus", Set.of("GET", "HEAD"), Set.of(),
                "GET  /streams/NAME/janus/I        a player page for the stream through its Janus instance I", false,
                (ex, janus, rest) -> janus.page(ex, rest)));
    }
}
