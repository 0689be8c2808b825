package stream.server.internal.http;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;

/**
 * One HTTP request and its answer, as the resources of the core and of the features see it: the
 * HTTP server itself stays at the edge ({@code http.server}), so nothing else depends on it.
 * The methods mean what their counterparts of {@code com.sun.net.httpserver.HttpExchange} mean.
 */
public interface Exchange {
    /** @return the method, e.g. "GET" */
    String method();

    /** @return the request URI */
    URI uri();

    /** @return the raw path of the request URI */
    default String rawPath() {
        return uri().getRawPath();
    }

    /**
     * @param name a header's name
     * @return its first value, or null
     */
    String requestHeader(String name);

    /** @return the request body */
    InputStream requestBody();

    /** @return whether the request has a body that was not read to its end */
    boolean bodyUnread();

    /** @return the client's address */
    InetSocketAddress remoteAddress();

    /** @return the server's address the client reached */
    InetSocketAddress localAddress();

    /**
     * Sets a response header.
     * @param name its name
     * @param value its value
     */
    void setHeader(String name, String value);

    /**
     * Sends the status and headers.
     * @param code the status
     * @param length the body's length; -1 for none, 0 for chunked
     */
    void send(int code, long length) throws IOException;

    /** @return where the body goes, after {@link #send} */
    OutputStream responseBody();
}
