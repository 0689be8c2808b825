package stream.server.internal.janus;

import com.eclipsesource.json.JsonArray;
import com.eclipsesource.json.JsonObject;
import com.eclipsesource.json.JsonValue;
import stream.server.internal.http.Answers;
import stream.server.internal.http.Exchange;
import java.io.IOException;
import java.io.OutputStream;
import java.lang.System.Logger.Level;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.locks.LockSupport;
import stream.server.internal.http.ApiError;
import stream.server.internal.metrics.Metrics;
import stream.server.internal.rtp.RtpTap;
import stream.server.internal.feature.StreamEvent;
import stream.server.internal.feature.StreamFeature;
import stream.server.internal.feature.StreamView;

/**
 * A stream's Janus fan-out: the {@code "janus"} field of its definition (a list of
 * {@link JanusEndpoint}s; a field of the definition, not a row of {@link StreamSettings}, because
 * it carries secrets the status must not show and the child never sees), and while the stream's
 * child runs a {@link JanusFeed} fed from the stream's {@link RtpTap}. The stream's events wake a
 * watcher: a child starts, the feed starts (each Janus gets its mountpoint); the child ends (stop,
 * failure, delete, shutdown), the feed closes (every mountpoint destroyed). A new child or a new
 * list of instances gets a new feed; a feed that could not start is tried again every
 * {@link #RETRY}. Also the status member, the /metrics samples and the player page under
 * {@code /streams/NAME/janus/}.
 */
public final class StreamJanus implements StreamFeature {
    /** The definition's field. */
    static final String FIELD = "janus";
    private static final System.Logger LOG = System.getLogger("stream.server");
    /** How often a feed that could not start is tried again. */
    static final Duration RETRY = Duration.ofMillis(250);
    private static final String HINT = "Send \"janus\": [{\"url\": \"http://HOST:8088/janus\", \"apiSecret\": \"...\", "
            + "\"adminKey\": \"...\"}] (url required; also token, rtpHost, mountpoint), or leave the field out for none.";

    /** The feed in force and what it was started for. */
    private record Running(JanusFeed feed, List<JanusEndpoint> endpoints, Instant child) {}

    private final String stream;
    private final StreamView view;
    private final RtpTap tap;
    private final KeeperTiming timing;
    private final RtpTap.PacketListener listener = (packet, nanos) -> {
        Running r = this.running;
        if (r != null) r.feed().accept(packet);
    };
    private final Thread watcher;
    private volatile List<JanusEndpoint> endpoints;
    private volatile Instant child; // when the running child started, from the events; null with none
    private volatile Running running;
    private volatile boolean closed;
    private String lastFailure; // the watcher's own: logs a failure to start a feed once

    private StreamJanus(StreamView view, List<JanusEndpoint> endpoints, KeeperTiming timing) {
        this.stream = view.name();
        this.view = view;
        this.tap = view.rtp();
        this.timing = timing;
        this.endpoints = List.copyOf(endpoints);
        this.watcher = Thread.ofVirtual().name("janus-" + stream).unstarted(this::watch);
    }

    /**
     * Starts watching a stream.
     * @param view the stream (its name, the H.264 parameters, the packets)
     * @param timing how the keepers pace their requests
     * @return the running watcher, with no instances until its definition gives some
     */
    static StreamJanus start(StreamView view, KeeperTiming timing) {
        StreamJanus j = new StreamJanus(Objects.requireNonNull(view), List.of(), timing);
        j.watcher.start();
        return j;
    }

    @Override
    public void on(StreamEvent event) {
        switch (event) {
            case StreamEvent.ChildStarted started -> child = started.at();
            case StreamEvent.ChildEnded ended -> child = null;
            case StreamEvent.SettingsChanged changed -> {
                List<JanusEndpoint> list = endpointsOf(changed.field(FIELD));
                if (list.equals(endpoints)) return;
                endpoints = list;
            }
        }
        LockSupport.unpark(watcher);
    }

    /** @return the instances a checked field value names; none for no value */
    private static List<JanusEndpoint> endpointsOf(JsonValue v) {
        return v == null ? List.of() : JanusEndpoint.listFromJson(v);
    }

    /**
     * Checks the field's value.
     * @param v the value of PUT /streams/NAME or of the definitions file
     * @return the value to keep (secrets included: only the private definitions file holds it), or null for none
     * @throws ApiError 400 naming the entry and what is wrong (never a secret's value)
     */
    static JsonValue read(JsonValue v) throws ApiError {
        List<JanusEndpoint> list;
        try {
            list = JanusEndpoint.listFromJson(v);
        } catch (IllegalArgumentException e) {
            throw new ApiError(400, "Invalid Janus instance: " + e.getMessage(), HINT);
        }
        if (list.isEmpty()) return null;
        JsonArray a = new JsonArray();
        list.forEach(e -> a.add(e.toStoredJson()));
        return a;
    }

    /** @return the instances in force */
    List<JanusEndpoint> endpoints() {
        return endpoints;
    }

    private void watch() {
        while (!closed) {
            try {
                look();
            } catch (RuntimeException e) { // keep watching whatever one round met
                LOG.log(Level.WARNING, "stream {0}: Janus feed: {1}", stream, e.toString());
            }
            // A stream without instances has nothing to watch until a PUT gives it some (redefine wakes this).
            // Nothing to retry: sleep until an event; a feed that could not start: try again soon.
            if (lastFailure == null || closed) LockSupport.park();
            else LockSupport.parkNanos(RETRY.toNanos());
        }
        stopFeed();
    }

    /** One look: the feed exists exactly while a child runs and there are instances. */
    private void look() {
        Instant child = this.child;
        List<JanusEndpoint> want = endpoints;
        Running r = running;
        if (r != null && (child == null || !child.equals(r.child()) || !want.equals(r.endpoints()))) {
            stopFeed();
            r = null;
        }
        if (r != null || child == null || want.isEmpty() || closed) {
            lastFailure = null; // fed, or nothing to feed: no retry
            return;
        }
        try {
            JanusFeed feed = JanusFeed.start(stream, want, view::h264Params, timing);
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

    /** Adds "janus": per instance its settings (no secret values) and, while fed, its keeper's status. */
    @Override
    public void addStatus(JsonObject status) {
        status.add(FIELD, toJson());
    }

    private JsonArray toJson() {
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
    @Override
    public void addMetrics(Metrics m) {
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
    void page(Exchange ex, String rest) throws IOException, ApiError {
        String[] parts = rest.substring(1).split("/", -1);
        if (parts.length != 2) throw new ApiError(404, "No such path: " + Answers.clip(ex.uri().getRawPath()),
                "GET /streams/" + stream + "/janus/I plays the stream through its Janus instance I (from 0).");
        String what = parts[1];
        String method = ex.method();
        if (!method.equals("GET") && !method.equals("HEAD"))
            throw ApiError.notAllowed(method, ex.uri().getRawPath(), "GET, HEAD");
        List<JanusEndpoint> list = endpoints;
        if (what.equals("janus-player.js")) {
            send(ex, what, JanusPlayerPage.csp(list));
            return;
        }
        int i = what.matches("[0-9]{1,2}") ? Integer.parseInt(what) : -1;
        if (i < 0 || i >= list.size())
            throw new ApiError(404, "Stream '" + stream + "' has no Janus instance " + Answers.clip(what),
                    list.isEmpty() ? "Give it some with PUT /streams/" + stream + " {\"janus\": [{\"url\": ...}], ...}."
                            : "Its instances are numbered 0 to " + (list.size() - 1) + " as in the status's \"janus\" list.");
        send(ex, "janus-player.html", JanusPlayerPage.csp(List.of(list.get(i))));
    }

    private static void send(Exchange ex, String file, String csp) throws IOException {
        {
            byte[] body = JanusPlayerPage.read(file);
            ex.setHeader("Content-Type", JanusPlayerPage.FILES.get(file));
            ex.setHeader("Cache-Control", "no-cache");
            ex.setHeader("X-Content-Type-Options", "nosniff");
            ex.setHeader("Content-Security-Policy", csp);
            ex.setHeader("Referrer-Policy", "no-referrer");
            boolean head = ex.method().equals("HEAD");
            ex.send(200, head ? -1 : body.length);
            if (!head) try (OutputStream out = ex.responseBody()) { out.write(body); }
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
