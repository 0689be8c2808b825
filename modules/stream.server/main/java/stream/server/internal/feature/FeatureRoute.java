package stream.server.internal.feature;

import stream.server.internal.http.ApiError;
import stream.server.internal.http.Exchange;
import java.io.IOException;
import java.util.Objects;
import java.util.Set;

/**
 * A resource a feature answers below {@code /streams/NAME/}: the first path segment after the
 * name, the methods that only read and those that change something (they need the token), and
 * one line of usage for --help, the 404 hint and the docs. The HTTP layer checks the method and
 * the token before the handler runs.
 *
 * @param <S> the feature's per-stream part, which answers
 * @param segment the path segment, e.g. "whep"
 * @param reads methods that read (GET, HEAD)
 * @param changes methods that change state (token required)
 * @param usage the route's line in the route table, e.g. "POST /streams/NAME/whep  WHEP offer"
 * @param mainAtTop whether the stream main also answers it at {@code /SEGMENT} (as /control)
 * @param handler what answers
 */
public record FeatureRoute<S extends StreamFeature>(String segment, Set<String> reads, Set<String> changes, String usage,
                                                      boolean mainAtTop, Handler<S> handler) {
    /** What answers a request of the route. @param <S> the feature's per-stream part */
    @FunctionalInterface
    public interface Handler<S> {
        /**
         * @param ex the exchange, method and token already checked
         * @param feature the stream's part of the feature
         * @param rest the raw path after {@code /streams/NAME}, starting with "/SEGMENT"
         */
        void answer(Exchange ex, S feature, String rest) throws IOException, ApiError;
    }

    /** Checks the parts. */
    public FeatureRoute {
        Objects.requireNonNull(segment, "segment");
        reads = Set.copyOf(reads);
        changes = Set.copyOf(changes);
        Objects.requireNonNull(usage, "usage");
        Objects.requireNonNull(handler, "handler");
    }

    /** @return the Allow header's value */
    public String allow() {
        return String.join(", ", java.util.stream.Stream.of("GET", "HEAD", "POST", "PUT", "DELETE")
                .filter(m -> reads.contains(m) || changes.contains(m)).toList());
    }
}
