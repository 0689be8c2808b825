package stream.server.internal.http.server;

import stream.server.internal.metrics.Metrics;
import com.sun.net.httpserver.Filter;
import com.sun.net.httpserver.Headers;
import com.sun.net.httpserver.HttpContext;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpPrincipal;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;

/**
 * Counts every answer by status code for /metrics. Counted when the status is sent, before the
 * answer leaves, not after the handler returns: a client that reads /metrics right after its
 * answer must see it counted (after the handler, that was a race keep-alive connections won).
 */
final class RequestCounting extends Filter {
    private final Metrics.RequestCounter requests;

    /** @param requests where the counts go */
    RequestCounting(Metrics.RequestCounter requests) {
        this.requests = requests;
    }

    @Override
    public void doFilter(HttpExchange exchange, Chain chain) throws IOException {
        chain.doFilter(new Counted(exchange, requests));
    }

    @Override
    public String description() {
        return "counts answers by status code";
    }

    /** The exchange, counting its status as it is sent; everything else as it was. */
    private static final class Counted extends HttpExchange {
        private final HttpExchange ex;
        private final Metrics.RequestCounter requests;

        Counted(HttpExchange ex, Metrics.RequestCounter requests) {
            this.ex = ex;
            this.requests = requests;
        }

        @Override
        public void sendResponseHeaders(int code, long length) throws IOException {
            requests.count(code);
            ex.sendResponseHeaders(code, length);
        }

        @Override public Headers getRequestHeaders() { return ex.getRequestHeaders(); }
        @Override public Headers getResponseHeaders() { return ex.getResponseHeaders(); }
        @Override public URI getRequestURI() { return ex.getRequestURI(); }
        @Override public String getRequestMethod() { return ex.getRequestMethod(); }
        @Override public HttpContext getHttpContext() { return ex.getHttpContext(); }
        @Override public void close() { ex.close(); }
        @Override public InputStream getRequestBody() { return ex.getRequestBody(); }
        @Override public OutputStream getResponseBody() { return ex.getResponseBody(); }
        @Override public InetSocketAddress getRemoteAddress() { return ex.getRemoteAddress(); }
        @Override public int getResponseCode() { return ex.getResponseCode(); }
        @Override public InetSocketAddress getLocalAddress() { return ex.getLocalAddress(); }
        @Override public String getProtocol() { return ex.getProtocol(); }
        @Override public Object getAttribute(String name) { return ex.getAttribute(name); }
        @Override public void setAttribute(String name, Object value) { ex.setAttribute(name, value); }
        @Override public void setStreams(InputStream i, OutputStream o) { ex.setStreams(i, o); }
        @Override public HttpPrincipal getPrincipal() { return ex.getPrincipal(); }
    }
}
