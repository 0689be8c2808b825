package stream.server.internal.http.server;

import com.eclipsesource.json.Json;
import com.sun.net.httpserver.HttpHandler;
import java.io.IOException;
import java.lang.System.Logger.Level;
import stream.server.internal.http.Answers;
import stream.server.internal.http.ApiError;
import stream.server.internal.http.Exchange;

/** jdk.httpserver handlers over {@link Exchange} resources: the one place where an exchange is made. */
final class Handlers {
    private static final System.Logger LOG = System.getLogger("stream.server");

    private Handlers() {}

    /** What a resource does with a request; a client mistake is an {@link ApiError}. */
    @FunctionalInterface
    interface Resource {
        /** @param ex the exchange, to be answered */
        void answer(Exchange ex) throws IOException, ApiError;
    }

    /**
     * @param resource what answers
     * @return a handler that answers through the resource, an {@link ApiError} as its JSON, and
     *         anything unexpected as a 500 without details (those go to the log)
     */
    static HttpHandler handler(Resource resource) {
        return jdk -> {
            try (jdk) {
                Exchange ex = new JdkExchange(jdk);
                try {
                    if (!ex.method().equals("POST")) Answers.consumeBody(ex);
                    resource.answer(ex);
                } catch (ApiError e) {
                    Answers.error(ex, e);
                } catch (IOException e) {
                    LOG.log(Level.DEBUG, "client connection: {0}", e.getMessage());
                } catch (RuntimeException e) {
                    LOG.log(Level.ERROR, "internal error on " + ex.method() + " " + ex.uri(), e);
                    Answers.json(ex, 500, Json.object().add("error", "Internal server error")
                            .add("hint", "This is a bug in stream-server; the server log has the details."));
                }
            }
        };
    }

    /** @return a handler that always throws the error it is given */
    static HttpHandler error(java.util.function.Function<Exchange, ApiError> error) {
        return handler(ex -> {
            throw error.apply(ex);
        });
    }
}
