package stream.server.internal.http;

import com.eclipsesource.json.Json;
import com.eclipsesource.json.JsonObject;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import stream.server.internal.settings.SettingsGrammar;

/**
 * How the API answers: every answer, errors included, is JSON ({@code application/json}) or, for
 * /stream.sdp and /metrics, their own text; never cached; HEAD gets the headers of GET.
 */
public final class Answers {
    /** The largest request body accepted. */
    public static final int MAX_BODY = 64 * 1024;

    private Answers() {}

    /**
     * Answers a client mistake with its status, headers and JSON body.
     * @param ex the exchange
     * @param e the mistake
     */
    public static void error(Exchange ex, ApiError e) throws IOException {
        drainSmallBody(ex);
        e.headers.forEach(ex::setHeader);
        json(ex, e.code, e.body());
    }

    /**
     * Reads the (normally empty) body of a request that takes none. jdk.httpserver keeps a
     * connection alive only when the body was read to its end, since drainAmount is 0 (see
     * StreamServer): without this, every GET would cost the client a new connection. A request
     * that announces a body is not waited for: its connection is closed after the answer.
     */
    public static void consumeBody(Exchange ex) throws IOException {
        String length = ex.requestHeader("Content-Length");
        boolean chunked = (ex.requestHeader("Transfer-Encoding") != null);
        if (!chunked && (length == null || length.strip().equals("0"))) ex.requestBody().read();
    }

    /**
     * Reads an unread body of at most {@link HttpApi#MAX_BODY} bytes before an error answer: a
     * socket closed with unread data is reset, and the reset can overtake the answer (a browser
     * then sees "Failed to fetch" instead of the 401 or 403). A slow sender is bounded by the
     * request timeout; a larger or chunked body is not waited for: the answer says Connection: close.
     */
    private static void drainSmallBody(Exchange ex) {
        if (!ex.bodyUnread() || (ex.requestHeader("Transfer-Encoding") != null)) return;
        String length = ex.requestHeader("Content-Length");
        if (length == null || !length.strip().matches("[0-9]{1,6}") || Integer.parseInt(length.strip()) > MAX_BODY) return;
        try {
            ex.requestBody().readNBytes(MAX_BODY + 1);
        } catch (IOException e) {
            // the client is gone: the answer will fail too
        }
    }

    /**
     * @param ex the exchange
     * @param code the status
     * @param body the JSON answer
     */
    public static void json(Exchange ex, int code, JsonObject body) throws IOException {
        text(ex, code, "application/json; charset=utf-8", body.toString() + "\n");
    }

    /**
     * @param ex the exchange
     * @param code the status
     * @param contentType its type
     * @param text the answer
     */
    public static void text(Exchange ex, int code, String contentType, String text) throws IOException {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        ex.setHeader("Content-Type", contentType);
        ex.setHeader("Cache-Control", "no-store");
        // Answered before the body was read (401, 403, 413): the connection cannot carry another
        // request, and a keep-alive client must be told before it sends one.
        if (ex.bodyUnread()) ex.setHeader("Connection", "close");
        if (ex.method().equals("HEAD")) {
            ex.setHeader("Content-Length", Integer.toString(bytes.length));
            ex.send(code, -1);
            return;
        }
        ex.send(code, bytes.length);
        try (OutputStream out = ex.responseBody()) {
            out.write(bytes);
        }
    }

    /**
     * Reads a request's body, bounded.
     * @param ex the exchange
     * @return its body, at most {@link #MAX_BODY} bytes
     * @throws ApiError 413 for a larger one
     */
    public static byte[] readBody(Exchange ex) throws IOException, ApiError {
        String length = ex.requestHeader("Content-Length");
        if (length != null && length.matches("[0-9]{1,18}") && Long.parseLong(length) > MAX_BODY)
            throw tooLarge(length + " bytes");
        InputStream in = ex.requestBody();
        byte[] body = in.readNBytes(MAX_BODY + 1);
        if (body.length > MAX_BODY) throw tooLarge("more than " + MAX_BODY + " bytes");
        return body;
    }

    private static ApiError tooLarge(String what) {
        return new ApiError(413, "Request body too large: " + what,
                "The limit is " + MAX_BODY + " bytes (64 KiB): the API's JSON bodies and SDP offers are far smaller.");
    }

    /** @param s a client's value @return the text shown quoted for it, without the quotes */
    public static String clip(String s) {
        String q = SettingsGrammar.show(s);
        return q.substring(1, q.length() - 1);
    }
}
