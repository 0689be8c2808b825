package stream.server.internal.http.server;

import stream.server.internal.http.Answers;
import stream.server.internal.http.ApiError;
import com.sun.net.httpserver.Filter;
import com.sun.net.httpserver.Headers;
import com.sun.net.httpserver.HttpExchange;
import stream.server.internal.http.Exchange;
import java.io.IOException;
import java.io.InputStream;
import java.lang.System.Logger.Level;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * What every request passes before its resource sees it, on every context (attached by
 * {@link HttpApi}'s context set-up, so that resources added later get it too):
 * <ul>
 * <li>a Host (or X-Forwarded-Host) that is not a name the server is known by ({@link KnownHosts}:
 * its addresses, localhost, the machine's names, {@code --server-name}) is a 421: a page whose
 * name an attacker re-pointed at this server (DNS rebinding) is refused, reads included;
 * <li>a URI over {@value #MAX_URI} bytes is a 414, more than {@value #MAX_HEADERS} headers or
 * {@value #MAX_HEADER_BYTES} bytes of them a 431 (larger ones jdk.httpserver closes itself);
 * <li>a CORS preflight ({@code OPTIONS} with Origin and Access-Control-Request-Method) is a 204
 * with Access-Control-Allow-* for an allowed origin, else a 403; every answer to an allowed
 * origin, errors included, carries Access-Control-Allow-Origin (and exposes Location,
 * Retry-After and WWW-Authenticate), so its page can read it;
 * <li>a state change (any method but GET, HEAD, OPTIONS) that a browser marks as coming from
 * another site ({@code Sec-Fetch-Site: cross-site|same-site}, or an Origin that is not the Host) is
 * a 403 unless its origin is allowed ({@code --allow-origin});
 * <li>with a token, a state change without {@code Authorization: Bearer TOKEN} is a 401, from
 * loopback too unless loopback is trusted ({@code --trust-loopback}): behind a reverse proxy on
 * the same host every request comes from loopback;
 * <li>a state change whose client has already closed its connection (it gave up waiting, e.g.
 * while the server was flooded) is not executed.
 * </ul>
 * Curl and scripts send no Origin and no Sec-Fetch-*, and the dashboard is same-origin: both pass.
 * A refused request's body of up to 64 KiB is read before the answer (else the close would reset
 * the connection and the client might lose the answer); an answer given with a body still unread
 * (larger, chunked) carries {@code Connection: close} ({@link Answers}).
 */
public final class RequestGuard extends Filter {
    private static final System.Logger LOG = System.getLogger("stream.server");
    static final int MAX_URI = 8 * 1024;
    static final int MAX_HEADERS = 64;
    static final int MAX_HEADER_BYTES = 8 * 1024;
    private static final Set<String> READS = Set.of("GET", "HEAD", "OPTIONS");
    private static final String METHODS = "GET, HEAD, POST, PUT, DELETE";

    private final byte[] token;
    private final boolean trustLoopback;
    private final Set<String> allowed;
    private final KnownHosts hosts;

    /**
     * @param token the bearer token for state changes, or null for none
     * @param trustLoopback whether loopback needs no token
     * @param allowedOrigins the web origins allowed to change state
     * @param hosts the names the server is known by
     */
    RequestGuard(String token, boolean trustLoopback, java.util.List<String> allowedOrigins, KnownHosts hosts) {
        this.hosts = hosts;
        this.token = token == null ? null : token.getBytes(StandardCharsets.UTF_8);
        this.trustLoopback = trustLoopback;
        this.allowed = allowedOrigins.stream().map(o -> o.toLowerCase(Locale.ROOT)).collect(Collectors.toUnmodifiableSet());
    }

    @Override
    public String description() {
        return "refuses oversized requests, cross-site state changes, state changes without the token and from clients that left";
    }

    @Override
    public void doFilter(HttpExchange ex, Chain chain) throws IOException {
        RequestBody.track(ex);
        String from = ex.getRequestHeaders().getFirst("Origin");
        if (from != null && allowed.contains(from.toLowerCase(Locale.ROOT))) {
            // An allowed origin's page may read the answers, errors included (CORS).
            Headers r = ex.getResponseHeaders();
            r.set("Access-Control-Allow-Origin", from);
            r.set("Access-Control-Expose-Headers", "Location, Retry-After, WWW-Authenticate");
            r.add("Vary", "Origin");
        }
        try {
            if (check(ex)) {
                try (ex) {
                    ex.sendResponseHeaders(204, -1); // an allowed preflight: the headers say it all
                }
                return;
            }
        } catch (ApiError e) {
            try (ex) {
                Answers.error(new JdkExchange(ex), e);
            }
            return;
        } catch (ClientGone e) {
            LOG.log(Level.INFO, "not executed: {0} {1} from {2}, whose client had closed its connection before it was read"
                    + " (it gave up waiting)", ex.getRequestMethod(), Answers.clip(ex.getRequestURI().getRawPath()),
                    ex.getRemoteAddress());
            ex.close();
            return;
        }
        if (READS.contains(ex.getRequestMethod())) {
            chain.doFilter(ex);
            return;
        }
        StatusCache.changeBegins(); // no cached status is answered until this request is done
        try {
            chain.doFilter(ex);
        } finally {
            StatusCache.changeEnds();
        }
    }

    /** The client closed its connection before its state change was executed. */
    private static final class ClientGone extends Exception {
        private static final long serialVersionUID = 1L;

        ClientGone() {
            super(null, null, false, false);
        }
    }

    /** @return true for an allowed preflight, to be answered 204 with the headers set */
    private boolean check(HttpExchange ex) throws ApiError, ClientGone {
        if (ex.getRequestURI().toString().length() > MAX_URI)
            throw new ApiError(414, "URI longer than " + MAX_URI + " bytes", "The API's paths and queries are short: see GET /control.");
        Headers h = ex.getRequestHeaders();
        int count = 0, bytes = 0;
        for (var e : h.entrySet())
            for (String v : e.getValue()) {
                count++;
                bytes += e.getKey().length() + v.length() + 4;
            }
        if (count > MAX_HEADERS || bytes > MAX_HEADER_BYTES)
            throw new ApiError(431, "Request headers too large: " + count + " headers, " + bytes + " bytes",
                    "At most " + MAX_HEADERS + " headers and " + MAX_HEADER_BYTES + " bytes of them.");
        for (String header : new String[] {"Host", "X-Forwarded-Host"}) {
            String host = h.getFirst(header);
            if (host != null && !hosts.known(host))
                throw new ApiError(421, "This server is not known by the name '" + Answers.clip(host) + "' (" + header + ")",
                        "Use its address or host name; a name it is reached by through DNS or a reverse proxy is given to it"
                                + " with stream-server --server-name NAME[,NAME...] (this refusal stops DNS rebinding).");
        }
        String method = ex.getRequestMethod();
        String origin = h.getFirst("Origin");
        if (method.equals("OPTIONS") && origin != null && h.containsKey("Access-Control-Request-Method")) {
            preflight(ex, origin);
            return true;
        }
        if (READS.contains(method)) return false;
        if (crossSite(h, origin))
            throw new ApiError(403, "Cross-site request refused: " + method + " from the page of " + Answers.clip(String.valueOf(origin)),
                    "A web page may change the stream only from this server's own origin or from an origin the operator allows"
                            + " (stream-server --allow-origin ORIGIN).");
        authorize(new JdkExchange(ex));
        if (TcpConnections.closedByPeer(ex.getRemoteAddress(), ex.getLocalAddress())) throw new ClientGone();
        return false;
    }

    /**
     * The token check, also used by resources that change state.
     * @param ex the exchange
     * @throws ApiError 401 when a token is set and the request does not carry it
     */
    void authorize(Exchange ex) throws ApiError {
        if (token == null) return;
        InetAddress remote = ex.remoteAddress().getAddress();
        if (trustLoopback && remote != null && remote.isLoopbackAddress()) return;
        String auth = ex.requestHeader("Authorization");
        byte[] given = auth != null && auth.regionMatches(true, 0, "Bearer ", 0, 7) // the scheme is case-insensitive
                ? auth.substring(7).trim().getBytes(StandardCharsets.UTF_8) : new byte[0];
        if (!MessageDigest.isEqual(given, token))
            throw ApiError.unauthorized("Missing or wrong bearer token", "Requests that change the stream need the header:"
                    + " Authorization: Bearer <token>" + (trustLoopback ? " (from other hosts; loopback is trusted)" : ""));
    }

    // Sec-Fetch-Site cannot be set by a page; where a browser sends none, Origin against Host decides.
    private boolean crossSite(Headers h, String origin) {
        if (origin != null && allowed.contains(origin.toLowerCase(Locale.ROOT))) return false;
        String site = h.getFirst("Sec-Fetch-Site");
        if (site != null) return site.equalsIgnoreCase("cross-site") || site.equalsIgnoreCase("same-site");
        if (origin == null) return false; // curl, scripts, the original client
        return !sameHost(origin, h.getFirst("Host")) && !sameHost(origin, h.getFirst("X-Forwarded-Host"));
    }

    private static boolean sameHost(String origin, String host) {
        if (host == null) return false;
        int scheme = origin.indexOf("://");
        if (scheme < 0) return false; // "null" (sandboxed pages, file:) is no host
        String hostPart = origin.substring(scheme + 3);
        String h = host.strip();
        if (hostPart.equalsIgnoreCase(h)) return true;
        // The default port may be written in one and not the other.
        String port = origin.regionMatches(true, 0, "https", 0, 5) ? ":443" : ":80";
        return (hostPart + port).equalsIgnoreCase(h) || hostPart.equalsIgnoreCase(h + port);
    }

    private void preflight(HttpExchange ex, String origin) throws ApiError {
        Headers h = ex.getRequestHeaders();
        boolean ok = allowed.contains(origin.toLowerCase(Locale.ROOT)) || (!crossSite(h, origin) && h.getFirst("Sec-Fetch-Site") == null);
        if (!ok)
            throw new ApiError(403, "Cross-origin request refused: origin " + Answers.clip(origin) + " is not allowed",
                    "The operator allows an origin with stream-server --allow-origin ORIGIN.");
        Headers r = ex.getResponseHeaders();
        r.set("Access-Control-Allow-Origin", origin);
        r.set("Access-Control-Allow-Methods", METHODS);
        r.set("Access-Control-Allow-Headers", "Authorization, Content-Type");
        r.set("Access-Control-Max-Age", "600");
        r.set("Vary", "Origin");
        r.remove("Access-Control-Expose-Headers"); // a preflight's answer is not read
    }

    /** Whether a request's body was read to its end: an answer before that closes the connection. */
    public static final class RequestBody extends InputStream {
        private static final String KEY = "stream.server.requestBody";
        private final InputStream in;
        private volatile boolean ended;

        private RequestBody(InputStream in) {
            this.in = in;
        }

        static void track(HttpExchange ex) {
            Headers h = ex.getRequestHeaders();
            String length = h.getFirst("Content-Length");
            boolean none = !h.containsKey("Transfer-Encoding") && (length == null || length.strip().equals("0"));
            RequestBody body = new RequestBody(ex.getRequestBody());
            body.ended = none;
            ex.setStreams(body, null);
            ex.setAttribute(KEY, body);
        }

        /** @return whether the request has a body that was not read to its end */
        public static boolean unread(HttpExchange ex) {
            return ex.getAttribute(KEY) instanceof RequestBody b && !b.ended;
        }

        @Override
        public int read() throws IOException {
            int c = in.read();
            if (c < 0) ended = true;
            return c;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            int n = in.read(b, off, len);
            if (n < 0) ended = true;
            return n;
        }

        @Override
        public void close() throws IOException {
            in.close();
        }
    }
}
