package stream.testkit;

import com.eclipsesource.json.Json;
import com.eclipsesource.json.JsonArray;
import com.eclipsesource.json.JsonObject;
import com.eclipsesource.json.JsonValue;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * Debian's Chromium, headless, driven over the DevTools protocol: a small driver for tests (WebRTC,
 * the dashboard, Janus) and the bench's browser rows in one file, with no dependency but minimal-json.
 *
 * <p>The protocol runs over a pipe ({@code --remote-debugging-pipe}: commands on the browser's fd 3,
 * answers and events on its fd 4, each message ended by a NUL byte), not over a WebSocket on a TCP
 * port: the browser runs in a network namespace that has only loopback (see {@code NetNs}), which
 * the test (or bench) JVM outside cannot reach by TCP, and a pipe crosses namespaces. It also needs no port.
 *
 * <p>Pages need no web server either: {@link Tab#route} answers the tab's HTTP requests from Java
 * (the Fetch domain), so a page at {@code http://localhost:PORT/} and its WHEP POSTs are served by
 * the test itself, and nothing listens on the network.
 */
public final class Chromium implements AutoCloseable {
    private static final Duration CALL_TIMEOUT = Duration.ofSeconds(30);
    /**
     * Headless, and quiet on the network: no background requests, updates, sync or QUIC, and
     * WebRTC offers real (namespace) addresses instead of mDNS names.
     */
    private static final List<String> QUIET = List.of("--headless=new", "--no-sandbox", "--disable-gpu",
            "--autoplay-policy=no-user-gesture-required", "--disable-features=WebRtcHideLocalIpsWithMdns",
            "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run",
            "--disable-quic");

    private final Process process;
    private final OutputStream commands;
    private final Path profile;
    private final Path log;
    private final AtomicLong ids = new AtomicLong();
    private final Map<Long, CompletableFuture<JsonObject>> waiting = new ConcurrentHashMap<>();
    private final Map<String, Consumer<JsonObject>> sessions = new ConcurrentHashMap<>();
    private final ExecutorService handlers = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "cdp-handler");
        t.setDaemon(true);
        return t;
    });

    private Chromium(Process process, Path profile, Path log) {
        this.process = process;
        this.commands = process.getOutputStream();
        this.profile = profile;
        this.log = log;
        Thread.ofPlatform().daemon().name("cdp-reader").start(this::read);
    }

    /**
     * Starts Chromium headless.
     * @param prefix words before the command, e.g. {@code ip netns exec NAME} (empty: none)
     * @param logFile where Chromium's own output goes
     * @return the browser, ready for {@link #newTab}
     */
    public static Chromium start(List<String> prefix, Path logFile) throws IOException {
        return start(prefix, logFile, List.of());
    }

    /**
     * Starts Chromium headless with flags of the test's own.
     * @param prefix words before the command, e.g. {@code ip netns exec NAME} (empty: none)
     * @param logFile where Chromium's own output goes
     * @param extraFlags more flags, e.g. {@code --ignore-certificate-errors-spki-list=HASH} to trust one test key
     * @return the browser, ready for {@link #newTab}
     */
    public static Chromium start(List<String> prefix, Path logFile, List<String> extraFlags) throws IOException {
        return start(prefix, logFile, extraFlags, null);
    }

    /**
     * Starts Chromium with flags of the caller's own, headless or in a window on an X display.
     * Headless Chromium paces presentation by itself and on a busy machine shows only some of the
     * frames of a video (about a quarter at 320x240@15); a window on an Xvfb display shows them all.
     * @param prefix words before the command, e.g. {@code ip netns exec NAME} (empty: none); an Xvfb
     *     for the display must run in the same network namespace (its abstract socket is per namespace)
     * @param logFile where Chromium's own output goes
     * @param extraFlags more flags
     * @param display an X display such as {@code :99} for a real (non-headless) window, or null for headless
     * @return the browser, ready for {@link #newTab}
     */
    public static Chromium start(List<String> prefix, Path logFile, List<String> extraFlags, String display) throws IOException {
        Path profile = Files.createTempDirectory("chromium-profile");
        var flags = new ArrayList<>(QUIET);
        if (display != null) flags.remove("--headless=new");
        flags.addAll(extraFlags);
        flags.addAll(List.of("--allow-loopback-in-peer-connection", "--disable-default-apps", "--disable-extensions",
                "--no-default-browser-check", "--mute-audio", "--user-data-dir=" + profile, "--remote-debugging-pipe"));
        // fd 3 = our stdin (commands), fd 4 = our stdout (answers); Chromium's own stdout to stderr.
        var command = new ArrayList<>(prefix);
        command.addAll(List.of("sh", "-c", "exec chromium \"$@\" 3<&0 4>&1 1>&2 0</dev/null", "chromium"));
        command.addAll(flags);
        var builder = new ProcessBuilder(command).redirectError(logFile.toFile());
        if (display != null) builder.environment().put("DISPLAY", display);
        Process p = builder.start();
        var browser = new Chromium(p, profile, logFile);
        try {
            browser.call(null, "Browser.getVersion", new JsonObject());
        } catch (IOException e) {
            browser.close();
            throw new IOException("Chromium did not start: " + e.getMessage() + "; its log: " + tail(logFile), e);
        }
        return browser;
    }

    /**
     * The command for a Chromium without the DevTools driver that only shows one page and writes
     * its console to stderr (as {@code [...] "MESSAGE", source: ...} lines); put a namespace's
     * prefix before it.
     * @param profile a folder of its own for the browser's profile
     */
    public static List<String> pageCommand(Path profile, String url) {
        var command = new ArrayList<>(List.of("chromium"));
        command.addAll(QUIET);
        command.addAll(List.of("--enable-logging=stderr", "--v=0", "--user-data-dir=" + profile, url));
        return command;
    }

    /** @return the browser's process (the shell exec'd into chromium) */
    public ProcessHandle process() {
        return process.toHandle();
    }

    /**
     * Sends one command and waits for its result.
     * @param session a tab's session id, or null for the browser
     * @throws IOException with the protocol's error message, or on a timeout
     */
    public JsonObject call(String session, String method, JsonObject params) throws IOException {
        long id = ids.incrementAndGet();
        var message = new JsonObject().add("id", id).add("method", method).add("params", params);
        if (session != null) message.add("sessionId", session);
        var future = new CompletableFuture<JsonObject>();
        waiting.put(id, future);
        try {
            synchronized (commands) {
                commands.write(message.toString().getBytes(StandardCharsets.UTF_8));
                commands.write(0);
                commands.flush();
            }
            JsonObject reply = future.get(CALL_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            JsonValue error = reply.get("error");
            if (error != null) throw new IOException(method + ": " + error);
            JsonValue result = reply.get("result");
            return result == null ? new JsonObject() : result.asObject();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException(method + ": interrupted", e);
        } catch (ExecutionException | TimeoutException e) {
            throw new IOException(method + ": no answer (" + e + ")", e);
        } finally {
            waiting.remove(id);
        }
    }

    private void read() {
        try (InputStream in = process.getInputStream()) {
            var message = new ByteArrayOutputStream();
            byte[] buf = new byte[65536];
            int n;
            while ((n = in.read(buf)) > 0) {
                for (int i = 0; i < n; i++) {
                    if (buf[i] != 0) {
                        message.write(buf[i]);
                        continue;
                    }
                    dispatch(Json.parse(message.toString(StandardCharsets.UTF_8)).asObject());
                    message.reset();
                }
            }
        } catch (IOException | RuntimeException e) {
            // the browser ended
        }
        var gone = new IOException("Chromium ended");
        waiting.values().forEach(f -> f.completeExceptionally(gone));
    }

    private void dispatch(JsonObject message) {
        JsonValue id = message.get("id");
        if (id != null) {
            var future = waiting.get(id.asLong());
            if (future != null) future.complete(message);
            return;
        }
        String session = message.getString("sessionId", null);
        Consumer<JsonObject> listener = session == null ? null : sessions.get(session);
        if (listener != null) handlers.execute(() -> listener.accept(message));
    }

    /** Opens a new tab on about:blank. */
    public Tab newTab() throws IOException {
        return open(new JsonObject().add("url", "about:blank"));
    }

    /**
     * Opens a new tab, in a window of its own, on about:blank: every such page is in front and
     * renders, as a person's viewer would (a background tab decodes but presents nothing).
     */
    public Tab newWindow() throws IOException {
        return open(new JsonObject().add("url", "about:blank").add("newWindow", true));
    }

    private Tab open(JsonObject params) throws IOException {
        String target = call(null, "Target.createTarget", params).getString("targetId", null);
        String session = call(null, "Target.attachToTarget", new JsonObject().add("targetId", target).add("flatten", true))
                .getString("sessionId", null);
        var tab = new Tab(target, session);
        sessions.put(session, tab::event);
        return tab;
    }

    /** An HTTP response a route gives. */
    public record Response(int status, Map<String, String> headers, String body) {}

    /** An HTTP request a tab made: method, URL and body (text). */
    public record Request(String method, String url, String body) {}

    /** One tab (a page target) and its session. */
    public final class Tab implements AutoCloseable {
        private final String target;
        private final String session;
        private volatile String routePrefix;
        private volatile java.util.function.Function<Request, Response> routeHandler;

        private Tab(String target, String session) {
            this.target = target;
            this.session = session;
        }

        public JsonObject call(String method, JsonObject params) throws IOException {
            return Chromium.this.call(session, method, params);
        }

        /** Answers every request whose URL starts with {@code prefix} with {@code handler}. */
        public void route(String prefix, java.util.function.Function<Request, Response> handler) throws IOException {
            this.routePrefix = prefix;
            this.routeHandler = handler;
            call("Fetch.enable", new JsonObject().add("patterns",
                    new JsonArray().add(new JsonObject().add("urlPattern", prefix + "*").add("requestStage", "Request"))));
        }

        private void event(JsonObject message) {
            if (!"Fetch.requestPaused".equals(message.getString("method", ""))) return;
            JsonObject params = message.get("params").asObject();
            String requestId = params.getString("requestId", "");
            JsonObject request = params.get("request").asObject();
            try {
                String body = request.getString("postData", null);
                if (body == null && request.getBoolean("hasPostData", false)) {
                    body = call("Fetch.getRequestPostData", new JsonObject().add("requestId", requestId)).getString("postData", "");
                }
                String url = request.getString("url", "");
                Response response = url.startsWith(routePrefix)
                        ? routeHandler.apply(new Request(request.getString("method", "GET"), url, body == null ? "" : body))
                        : new Response(404, Map.of("Content-Type", "text/plain"), "not routed");
                var headers = new JsonArray();
                response.headers().forEach((k, v) -> headers.add(new JsonObject().add("name", k).add("value", v)));
                call("Fetch.fulfillRequest", new JsonObject().add("requestId", requestId)
                        .add("responseCode", response.status()).add("responseHeaders", headers)
                        .add("body", Base64.getEncoder().encodeToString(response.body().getBytes(StandardCharsets.UTF_8))));
            } catch (IOException | RuntimeException e) {
                try {
                    call("Fetch.failRequest", new JsonObject().add("requestId", requestId).add("errorReason", "Failed"));
                } catch (IOException ignored) {
                    // the tab is gone
                }
            }
        }

        /** Navigates and waits until the page's document is complete. */
        public void navigate(String url) throws IOException, InterruptedException {
            call("Page.navigate", new JsonObject().add("url", url));
            try {
                Await.until("page " + url + " to load", CALL_TIMEOUT, () -> "complete".equals(evaluate("document.readyState").asString()));
            } catch (AssertionError e) {
                throw new IOException(e.getMessage(), e);
            }
        }

        /**
         * Evaluates an expression (awaiting a promise) and returns its value as JSON.
         * @throws IOException with the page's exception text when it throws
         */
        public JsonValue evaluate(String expression) throws IOException {
            JsonObject result = call("Runtime.evaluate", new JsonObject().add("expression", expression)
                    .add("awaitPromise", true).add("returnByValue", true));
            JsonValue exception = result.get("exceptionDetails");
            if (exception != null) throw new IOException("page: " + exception);
            JsonValue value = result.get("result").asObject().get("value");
            return value == null ? Json.NULL : value;
        }

        /** Writes a PNG screenshot of the page. */
        public void screenshot(Path file) throws IOException {
            String data = call("Page.captureScreenshot", new JsonObject().add("format", "png")).getString("data", "");
            Files.write(file, Base64.getDecoder().decode(data));
        }

        /** Closes the tab as a person closing it would: the page gets no chance to clean up. */
        @Override
        public void close() throws IOException {
            sessions.remove(session);
            Chromium.this.call(null, "Target.closeTarget", new JsonObject().add("targetId", target));
        }
    }

    private static String tail(Path file) {
        try {
            List<String> lines = Files.readAllLines(file);
            return String.join(" | ", lines.subList(Math.max(0, lines.size() - 5), lines.size()));
        } catch (IOException e) {
            return "(unreadable)";
        }
    }

    /** Closes the browser, kills it (and its helpers) if it lingers, and removes its profile. */
    @Override
    public void close() {
        try {
            call(null, "Browser.close", new JsonObject());
        } catch (IOException e) {
            // already gone
        }
        try {
            if (!process.waitFor(5, TimeUnit.SECONDS)) {
                process.descendants().forEach(ProcessHandle::destroyForcibly);
                process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
        handlers.shutdownNow();
        try (var files = Files.walk(profile)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            // a temp folder left behind
        }
    }

    public Path log() {
        return log;
    }
}
