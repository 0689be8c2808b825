package stream.server.internal.http.server;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.util.Map;

/**
 * Serves the dashboard: {@code GET /} is its page, {@code GET /ui/NAME} its stylesheet and
 * scripts, read once from this module's resources. Only the names in {@link #FILES} exist: no
 * part of a request path ever reaches a resource lookup. The page talks to the same JSON API as
 * curl; its Content-Security-Policy lets it load nothing from anywhere but this server.
 */
public final class Dashboard implements HttpHandler {
    /** The request path prefix of the page's own files. */
    public static final String UI_PREFIX = "/ui/";

    private static final String BASE = "/stream/server/dashboard/";
    private static final Map<String, String> FILES = Map.of(
            "index.html", "text/html; charset=utf-8",
            "style.css", "text/css; charset=utf-8",
            "app.js", "text/javascript; charset=utf-8",
            "api.js", "text/javascript; charset=utf-8",
            "preview.js", "text/javascript; charset=utf-8",
            "latency.js", "text/javascript; charset=utf-8",
            "settings.js", "text/javascript; charset=utf-8",
            "streams-form.js", "text/javascript; charset=utf-8",
            "recordings.js", "text/javascript; charset=utf-8",
            "ui.js", "text/javascript; charset=utf-8");
    private static final String CSP = "default-src 'self'; img-src 'self' blob: data:; media-src 'self' blob:; "
            + "connect-src 'self'; style-src 'self'; script-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'";

    private final Map<String, byte[]> content;

    /** Reads every file of the page; a missing one is a packaging bug and fails at start. */
    public Dashboard() {
        var loaded = new java.util.HashMap<String, byte[]>();
        for (String name : FILES.keySet()) loaded.put(name, read(name));
        content = Map.copyOf(loaded);
    }

    private static byte[] read(String name) {
        try (InputStream in = Dashboard.class.getModule().getResourceAsStream(BASE + name)) {
            if (in == null) throw new IllegalStateException("dashboard file missing from the module: " + BASE + name);
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * @param path a request path
     * @return the dashboard file it names ("index.html" for "/"), or null when it names none
     */
    public static String fileFor(String path) {
        if (path.equals("/") || path.equals("/index.html")) return "index.html";
        if (!path.startsWith(UI_PREFIX)) return null;
        String name = path.substring(UI_PREFIX.length());
        return FILES.containsKey(name) && !name.equals("index.html") ? name : null;
    }

    /** @param path a request path @return whether this handler serves it */
    public static boolean serves(String path) {
        return fileFor(path) != null;
    }

    /** Answers GET and HEAD for a path {@link #serves} accepts; the caller routes everything else. */
    @Override
    public void handle(HttpExchange ex) throws IOException {
        try (ex) {
            String name = fileFor(ex.getRequestURI().getPath());
            if (name == null) throw new IllegalStateException("routed a path the dashboard does not serve");
            byte[] body = content.get(name);
            var h = ex.getResponseHeaders();
            h.set("Content-Type", FILES.get(name));
            h.set("Cache-Control", "no-cache");
            h.set("X-Content-Type-Options", "nosniff");
            h.set("Content-Security-Policy", CSP);
            h.set("Referrer-Policy", "no-referrer");
            boolean head = ex.getRequestMethod().equals("HEAD");
            ex.sendResponseHeaders(200, head ? -1 : body.length);
            if (!head) try (OutputStream out = ex.getResponseBody()) { out.write(body); }
        }
    }
}
