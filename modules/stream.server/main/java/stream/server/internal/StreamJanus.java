package stream.server.internal;

import com.eclipsesource.json.JsonArray;
import com.eclipsesource.json.JsonObject;
import com.eclipsesource.json.JsonValue;
import com.sun.net.httpserver.HttpExchange;
import java.io.IOException;
import java.io.OutputStream;
import java.lang.System.Logger.Level;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import stream.server.internal.janus.JanusEndpoint;
import stream.server.internal.janus.JanusFeed;
import stream.server.internal.janus.JanusPlayerPage;
import stream.server.internal.janus.KeeperStatus;
import stream.server.internal.janus.KeeperTiming;
import stream.server.internal.janus.MountpointSpec;

/**
 * A stream's Janus fan-out: the {@code "janus"} field of its definition (a list of
 * {@link JanusEndpoint}s; a field of the definition, not a row of {@link StreamSettings}, because
 * it carries secrets the status must not show and the child never sees), and while the stream's
 * child runs a {@link JanusFeed} fed from the stream's {@link RtpTap}. A watcher looks at the
 * supervisor four times a second: a child appears, the feed starts (each Janus gets its
 * mountpoint); the child goes (stop, failure, delete, shutdown), the feed closes (every mountpoint
 * destroyed). A new child or a new list of instances gets a new feed. Also the status member, the
 * /metrics samples and the player page under {@code /streams/NAME/janus/}.
 */
final class StreamJanus implements AutoCloseable {
    /** The definition's field. */
    static final String FIELD = "janus";
    private static final System.Logger LOG = System.getLogger("stream.server");
    private static final long LOOK_NANOS = TimeUnit.MILLISECONDS.toNanos(250);
    private static final String HINT = "Send \"janus\": [{\"url\": \"http://HOST:8088/janus\", \"apiSecret\": \"...\", "
            + "\"adminKey\": \"...\"}] (url required; also token, rtpHost, mountpoint), or leave the field out for none.";

    /** The feed in force and what it was started for. */
    private record Running(JanusFeed feed, List<JanusEndpoint> endpoints, Instant child) {}

    private final String stream;
    private final Supervisor supervisor;
    private final RtpTap tap;
    private final KeeperTiming timing;
    private final RtpTap.PacketListener listener = (packet, nanos) -> {
        Running r = this.running;
        if (r != null) r.feed().accept(packet);
    };
    private final Thread watcher;
    private volatile List<JanusEndpoint> endpoints;
    private volatile Running running;
    private volatile boolean closed;
    private String lastFailure; // the watcher's own: logs a failure to start a feed once

    private StreamJanus(String stream, Supervisor supervisor, RtpTap tap, List<JanusEndpoint> endpoints, KeeperTiming timing) {
        this.stream = stream;
        this.supervisor = supervisor;
        this.tap = tap;
        this.timing = timing;
        this.endpoints = List.copyOf(endpoints);
        this.watcher = Thread.ofVirtual().name("janus-" + stream).unstarted(this::watch);
    }

    /**
     * Starts watching a stream.
     * @param stream its name
     * @param supervisor its supervisor (whether a child runs, the H.264 parameters)
     * @param tap its tap (the packets)
     * @param endpoints its Janus instances, possibly none
     * @return the running watcher
     */
    static StreamJanus start(String stream, Supervisor supervisor, RtpTap tap, List<JanusEndpoint> endpoints) {
        StreamJanus j = new StreamJanus(Objects.requireNonNull(stream), supervisor, tap, endpoints, KeeperTiming.DEFAULT);
        j.watcher.start();
        return j;
    }

    /**
     * Reads the field from a definition object.
     * @param definition the object of PUT /streams/NAME or of the definitions file
     * @return the instances; none when the field is absent
     * @throws ApiError 400 naming the entry and what is wrong (never a secret's value)
     */
    static List<JanusEndpoint> read(JsonObject definition) throws ApiError {
        JsonValue v = definition.get(FIELD);
        if (v == null) return List.of();
        try {
            return JanusEndpoint.listFromJson(v);
        } catch (IllegalArgumentException e) {
            throw new ApiError(400, "Invalid Janus instance: " + e.getMessage(), HINT);
        }
    }

    /**
     * Writes the field into a definition object, secrets included: for the definitions file only,
     * which lives in the private state directory.
     * @param definition the object being written
     * @param list the instances; nothing is written for none
     */
    static void store(JsonObject definition, List<JanusEndpoint> list) {
        if (list.isEmpty()) return;
        JsonArray a = new JsonArray();
        list.forEach(e -> a.add(e.toStoredJson()));
        definition.add(FIELD, a);
    }

    /** @return the instances in force */
    List<JanusEndpoint> endpoints() {
        return endpoints;
    }

    /**
     * Takes a new list: a running stream's feed is replaced by one for the new list (its
     * mountpoints are destroyed and made again); the child is not touched.
     * @param list the instances
     */
    void redefine(List<JanusEndpoint> list) {
        endpoints = List.copyOf(list);
        LockSupport.unpark(watcher);
    }

    private void watch() {
        while (!closed) {
            try {
                look();
            } catch (RuntimeException e) { // keep watching whatever one round met
                LOG.log(Level.WARNING, "stream {0}: Janus feed: {1}", stream, e.toString());
            }
            // A stream without instances has nothing to watch until a PUT gives it some (redefine wakes this).
            if (endpoints.isEmpty() && running == null) LockSupport.park();
            else LockSupport.parkNanos(LOOK_NANOS);
        }
        stopFeed();
    }

    /** One look: the feed exists exactly while a child runs and there are instances. */
    private void look() {
        Instant child = supervisor.childStartedAt();
        List<JanusEndpoint> want = endpoints;
        Running r = running;
        if (r != null && (child == null || !child.equals(r.child()) || !want.equals(r.endpoints()))) {
            stopFeed();
            r = null;
        }
        if (r != null || child == null || want.isEmpty() || closed) return;
        try {
            JanusFeed feed = JanusFeed.start(stream, want, supervisor::h264Params, timing);
            running = new Running(feed, want, child);
            tap.addListener(listener);
            lastFailure = null;
        } catch (IOException e) {
            if (!Objects.equals(lastFailure, e.getMessage()))
                LOG.log(Level.WARNING, "stream {0}: cannot feed Janus: {1}; trying again", stream, e.getMessage());
            lastFailure = e.getMessage();
        }
    }

    private void stopFeed() {
        Running r = running;
        if (r == null) return;
        tap.removeListener(listener);
        r.feed().close(); // destroys every mountpoint, the instances in parallel
        running = null;
    }

    /** @return the status member: per instance its settings (no secret values) and, while fed, its keeper's status */
    JsonArray toJson() {
        List<JanusEndpoint> list = endpoints;
        Running r = running;
        List<KeeperStatus> status = r != null && r.endpoints().equals(list) ? r.feed().status() : null;
        Instant now = Instant.now();
        JsonArray a = new JsonArray();
        for (int i = 0; i < list.size(); i++) {
            JanusEndpoint e = list.get(i);
            JsonObject o = e.toJson();
            if (status != null) {
                JsonObject s = status.get(i).toJson(now);
                for (String name : s.names()) o.set(name, s.get(name));
            } else {
                o.set("state", "stopped").set("up", false).set("mountpoint", mountpoint(e));
            }
            a.add(o);
        }
        return a;
    }

    private long mountpoint(JanusEndpoint e) {
        return e.mountpointId() != 0 ? e.mountpointId() : MountpointSpec.idFor(stream);
    }

    /**
     * Adds the stream's Janus samples to a scrape: the feed's while it runs, else {@code up 0} per instance.
     * @param m the scrape
     */
    void addTo(Metrics m) {
        List<JanusEndpoint> list = endpoints;
        Running r = running;
        if (r != null && r.endpoints().equals(list)) {
            r.feed().addTo(m);
            return;
        }
        for (JanusEndpoint e : list)
            m.gauge("stream_janus_up", "1 while the stream's mountpoint on this Janus exists and is fed",
                    Map.of("stream", stream, "janus", e.label()), 0);
    }

    /**
     * {@code GET /streams/NAME/janus/I}: the player page for instance I (from 0), with a
     * Content-Security-Policy that lets it reach that Janus alone; {@code GET
     * /streams/NAME/janus/janus-player.js}: its script.
     * @param ex the exchange
     * @param what the path's last part
     */
    void page(HttpExchange ex, String what) throws IOException, ApiError {
        String method = ex.getRequestMethod();
        if (!method.equals("GET") && !method.equals("HEAD"))
            throw ApiError.notAllowed(method, ex.getRequestURI().getRawPath(), "GET, HEAD");
        List<JanusEndpoint> list = endpoints;
        if (what.equals("janus-player.js")) {
            send(ex, what, JanusPlayerPage.csp(list));
            return;
        }
        int i = what.matches("[0-9]{1,2}") ? Integer.parseInt(what) : -1;
        if (i < 0 || i >= list.size())
            throw new ApiError(404, "Stream '" + stream + "' has no Janus instance " + HttpApi.clip(what),
                    list.isEmpty() ? "Give it some with PUT /streams/" + stream + " {\"janus\": [{\"url\": ...}], ...}."
                            : "Its instances are numbered 0 to " + (list.size() - 1) + " as in the status's \"janus\" list.");
        send(ex, "janus-player.html", JanusPlayerPage.csp(List.of(list.get(i))));
    }

    private static void send(HttpExchange ex, String file, String csp) throws IOException {
        try (ex) {
            byte[] body = JanusPlayerPage.read(file);
            var h = ex.getResponseHeaders();
            h.set("Content-Type", JanusPlayerPage.FILES.get(file));
            h.set("Cache-Control", "no-cache");
            h.set("X-Content-Type-Options", "nosniff");
            h.set("Content-Security-Policy", csp);
            h.set("Referrer-Policy", "no-referrer");
            boolean head = ex.getRequestMethod().equals("HEAD");
            ex.sendResponseHeaders(200, head ? -1 : body.length);
            if (!head) try (OutputStream out = ex.getResponseBody()) { out.write(body); }
        }
    }

    /** Stops watching and closes the feed: every mountpoint is destroyed (bounded by a few Janus request timeouts). */
    @Override
    public void close() {
        closed = true;
        LockSupport.unpark(watcher);
        try {
            if (!watcher.join(Duration.ofSeconds(20))) LOG.log(Level.WARNING, "stream {0}: Janus feed did not close in time", stream);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
