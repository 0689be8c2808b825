package stream.server.internal;

import com.eclipsesource.json.Json;
import com.eclipsesource.json.JsonObject;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import java.io.IOException;
import java.io.OutputStream;
import java.lang.System.Logger.Level;
import java.nio.charset.StandardCharsets;

/**
 * How the API answers: every answer, errors included, is JSON ({@code application/json}) or, for
 * /stream.sdp and /metrics, their own text; never cached; HEAD gets the headers of GET.
 */
public final class Answers {
    private static final System.Logger LOG = System.getLogger("stream.server");

    private Answers() {}

    /** What a resource does with a request; a client mistake is an {@link ApiError}. */
    @FunctionalInterface
    interface Resource {
        /** @param ex the exchange, to be answered */
        void answer(HttpExchange ex) throws IOException, ApiError;
    }

    /**
     * @param resource what answers
     * @return a handler that answers through the resource, an {@link ApiError} as its JSON, and
     *         anything unexpected as a 500 without details (those go to the log)
     */
    static HttpHandler handler(Resource resource) {
        return ex -> {
            try (ex) {
                try {
                    if (!ex.getRequestMethod().equals("POST")) consumeBody(ex);
                    resource.answer(ex);
                } catch (ApiError e) {
                    error(ex, e);
                } catch (IOException e) {
                    LOG.log(Level.DEBUG, "client connection: {0}", e.getMessage());
                } catch (RuntimeException e) {
                    LOG.log(Level.ERROR, "internal error on " + ex.getRequestMethod() + " " + ex.getRequestURI(), e);
                    json(ex, 500, Json.object().add("error", "Internal server error: " + e.getClass().getSimpleName())
                            .add("hint", "This is a bug in stream-server; the server log has the details."));
                }
            }
        };
    }

    /**
     * Answers a client mistake with its status, headers and JSON body.
     * @param ex the exchange
     * @param e the mistake
     */
    static void error(HttpExchange ex, ApiError e) throws IOException {
        drainSmallBody(ex);
        e.headers.forEach(ex.getResponseHeaders()::set);
        json(ex, e.code, e.body());
    }

    /** @return a handler that always throws the error it is given */
    static HttpHandler error(java.util.function.Function<HttpExchange, ApiError> error) {
        return handler(ex -> {
            throw error.apply(ex);
        });
    }

    /**
     * Reads the (normally empty) body of a request that takes none. jdk.httpserver keeps a
     * connection alive only when the body was read to its end, since drainAmount is 0 (see
     * StreamServer): without this, every GET would cost the client a new connection. A request
     * that announces a body is not waited for: its connection is closed after the answer.
     */
    private static void consumeBody(HttpExchange ex) throws IOException {
        String length = ex.getRequestHeaders().getFirst("Content-Length");
        boolean chunked = ex.getRequestHeaders().containsKey("Transfer-Encoding");
        if (!chunked && (length == null || length.strip().equals("0"))) ex.getRequestBody().read();
    }

    /**
     * Reads an unread body of at most {@link HttpApi#MAX_BODY} bytes before an error answer: a
     * socket closed with unread data is reset, and the reset can overtake the answer (a browser
     * then sees "Failed to fetch" instead of the 401 or 403). A slow sender is bounded by the
     * request timeout; a larger or chunked body is not waited for: the answer says Connection: close.
     */
    private static void drainSmallBody(HttpExchange ex) {
        if (!RequestGuard.RequestBody.unread(ex) || ex.getRequestHeaders().containsKey("Transfer-Encoding")) return;
        String length = ex.getRequestHeaders().getFirst("Content-Length");
        if (length == null || !length.strip().matches("[0-9]{1,6}") || Integer.parseInt(length.strip()) > HttpApi.MAX_BODY) return;
        try {
            ex.getRequestBody().readNBytes(HttpApi.MAX_BODY + 1);
        } catch (IOException e) {
            // the client is gone: the answer will fail too
        }
    }

    /**
     * @param ex the exchange
     * @param code the status
     * @param body the JSON answer
     */
    public static void json(HttpExchange ex, int code, JsonObject body) throws IOException {
        text(ex, code, "application/json; charset=utf-8", body.toString() + "\n");
    }

    /**
     * @param ex the exchange
     * @param code the status
     * @param contentType its type
     * @param text the answer
     */
    public static void text(HttpExchange ex, int code, String contentType, String text) throws IOException {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().set("Content-Type", contentType);
        ex.getResponseHeaders().set("Cache-Control", "no-store");
        // Answered before the body was read (401, 403, 413): the connection cannot carry another
        // request, and a keep-alive client must be told before it sends one.
        if (RequestGuard.RequestBody.unread(ex)) ex.getResponseHeaders().set("Connection", "close");
        if (ex.getRequestMethod().equals("HEAD")) {
            ex.getResponseHeaders().set("Content-Length", Integer.toString(bytes.length));
            ex.sendResponseHeaders(code, -1);
            return;
        }
        ex.sendResponseHeaders(code, bytes.length);
        try (OutputStream out = ex.getResponseBody()) {
            out.write(bytes);
        }
    }
}
