package stream.server.internal.http.server;

import com.sun.net.httpserver.HttpExchange;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import stream.server.internal.http.Exchange;

/** An {@link Exchange} over jdk.httpserver's. */
public record JdkExchange(HttpExchange ex) implements Exchange {
    @Override
    public String method() {
        return ex.getRequestMethod();
    }

    @Override
    public URI uri() {
        return ex.getRequestURI();
    }

    @Override
    public String requestHeader(String name) {
        return ex.getRequestHeaders().getFirst(name);
    }

    @Override
    public InputStream requestBody() {
        return ex.getRequestBody();
    }

    @Override
    public boolean bodyUnread() {
        return RequestGuard.RequestBody.unread(ex);
    }

    @Override
    public InetSocketAddress remoteAddress() {
        return ex.getRemoteAddress();
    }

    @Override
    public InetSocketAddress localAddress() {
        return ex.getLocalAddress();
    }

    @Override
    public void setHeader(String name, String value) {
        ex.getResponseHeaders().set(name, value);
    }

    @Override
    public void send(int code, long length) throws IOException {
        ex.sendResponseHeaders(code, length);
    }

    @Override
    public OutputStream responseBody() {
        return ex.getResponseBody();
    }
}
