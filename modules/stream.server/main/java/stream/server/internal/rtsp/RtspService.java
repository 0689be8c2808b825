package stream.server.internal.rtsp;

import stream.server.internal.rtp.VideoCodec;
import com.eclipsesource.json.Json;
import com.eclipsesource.json.JsonArray;
import com.eclipsesource.json.JsonObject;
import com.eclipsesource.json.JsonValue;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import stream.server.internal.process.LineChild;
import stream.server.internal.process.MediaCommand;

/**
 * The server's RTSP server: one process (module stream.viewer, GStreamer's RTSP server library)
 * serving every stream at {@code rtsp://HOST:PORT/NAME}, started when the first stream's child
 * starts (a server that never streams never runs it) and ended with the server. A process that
 * dies (a native crash, {@code kill -9}) takes only its RTSP clients with it: the status says how
 * it ended, a new one is started with backoff (1 s doubling to 30 s) and given every live stream
 * again, so clients that reconnect play again. Credentials reach it over its stdin only.
 */
final class RtspService implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger("stream.server");
    /** The process's main class. */
    static final String MAIN = "stream.viewer/stream.viewer.internal.rtsp.RtspGateway";
    private static final Duration CALL_TIMEOUT = Duration.ofSeconds(10);
    private static final Duration MIN_BACKOFF = Duration.ofSeconds(1), MAX_BACKOFF = Duration.ofSeconds(30);

    private final RtspConfig config;
    private final Map<String, StreamRtsp> streams = new ConcurrentHashMap<>();
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(
            Thread.ofVirtual().name("rtsp-service").factory());
    // The streams' requests, in the order their events came, off their event threads.
    private final java.util.concurrent.ExecutorService control = Executors.newSingleThreadExecutor(
            Thread.ofVirtual().name("rtsp-control").factory());

    // guarded by this
    private LineChild running;
    private int starts;
    private JsonObject lastExit;
    private List<String> lastStderr = List.of();
    private Duration backoff = MIN_BACKOFF;
    private Instant nextStart;
    private boolean closed;
    private volatile JsonObject stats = Json.object();

    RtspService(RtspConfig config) {
        this.config = config;
        timer.scheduleWithFixedDelay(this::poll, 2, 2, TimeUnit.SECONDS);
    }

    /** @param task a stream's request to the process, run after the ones before it */
    void later(Runnable task) {
        try {
            control.execute(task);
        } catch (java.util.concurrent.RejectedExecutionException e) {
            // closed: the process is gone with its clients
        }
    }

    /** @return how it is configured */
    RtspConfig config() {
        return config;
    }

    /**
     * A stream's child started: makes sure the process runs and serves the stream.
     * @param stream the stream
     * @return the loopback UDP ports the process reads the stream's RTP on ("rtpPort", with sound also
     *         "audioPort"), or null when it is not running (the status says why)
     */
    JsonObject live(StreamRtsp stream) {
        streams.put(stream.name(), stream);
        LineChild child = ensureRunning();
        if (child == null) return null;
        return add(child, stream);
    }

    private JsonObject add(LineChild child, StreamRtsp stream) {
        try {
            JsonObject request = new JsonObject().add("op", "addStream").add("name", stream.name());
            if (stream.group() != null) request.add("multicast", stream.group()).add("ttl", 1);
            if (stream.hasAudio()) request.add("audio", true); // without sound the request is as it always was
            if (stream.codec() == VideoCodec.H265) request.add("codec", "H265"); // an IP camera's, passed through
            return child.call(request, CALL_TIMEOUT);
        } catch (LineChild.CallException e) {
            LOG.log(Level.WARNING, "stream {0}: RTSP: {1}", stream.name(), e.getMessage());
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }

    /** The credentials changed (created, deleted, reloaded): the running process gets them now; a later one at its start. */
    void usersChanged() {
        later(() -> send(auth(config.users().get())));
    }

    /** The TLS certificate files were replaced (SIGHUP): the running process loads them for its next connections; a later one at its start. */
    void tlsChanged() {
        if (config.tls()) later(() -> send(tlsRequest()));
    }

    /** @return the tls request: the PEM files' paths (the process reads them; the key never passes through a pipe) */
    private JsonObject tlsRequest() {
        return new JsonObject().add("op", "tls").add("cert", config.tlsCert().toString()).add("key", config.tlsKey().toString());
    }

    /** @return the auth request: each user's name, token and streams (secrets: only ever on the process's stdin) */
    private JsonObject auth(List<RtspConfig.User> users) {
        JsonArray list = new JsonArray();
        for (RtspConfig.User u : users) {
            JsonObject o = new JsonObject().add("user", u.name()).add("password", u.password());
            if (u.streams() != null) {
                JsonArray s = new JsonArray();
                u.streams().stream().sorted().forEach(s::add);
                o.add("streams", s);
            }
            list.add(o);
        }
        return new JsonObject().add("op", "auth").add("users", list).add("basic", config.basicAllowed());
    }

    /** A stream's child ended: its RTSP clients see the end. @param name the stream */
    void ended(String name) {
        send(new JsonObject().add("op", "endStream").add("name", name));
    }

    /** A stream is deleted: it is served no more. @param name the stream */
    void deleted(String name) {
        streams.remove(name);
        removed(name);
    }

    /** A stream's mount goes (it is deleted, or made again with another multicast group). @param name the stream */
    void removed(String name) {
        send(new JsonObject().add("op", "removeStream").add("name", name));
    }

    private void send(JsonObject request) {
        LineChild child;
        synchronized (this) {
            child = running;
        }
        if (child == null) return;
        try {
            child.call(request, CALL_TIMEOUT);
        } catch (LineChild.CallException e) {
            LOG.log(Level.DEBUG, "RTSP server: {0}: {1}", request.getString("op", "?"), e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** @return the running process, started now if none runs and no backoff holds it back; null when none can run */
    private synchronized LineChild ensureRunning() {
        if (closed) return null;
        if (running != null) return running;
        if (nextStart != null && Instant.now().isBefore(nextStart)) return null;
        List<String> command;
        try {
            command = MediaCommand.forServer(MAIN, "stream-rtsp",
                    List.of("--port", String.valueOf(config.port()), "--address", config.address()));
        } catch (IllegalStateException e) {
            lastExit = new JsonObject().add("description", "RTSP is not available: " + e.getMessage()).add("at", Instant.now().toString());
            return null;
        }
        try {
            LineChild[] self = new LineChild[1];
            LineChild child = LineChild.start("RTSP server", command, new LineChild.Listener() {
                @Override
                public void event(JsonObject event) {
                    if ("ready".equals(event.getString("event", ""))) LOG.log(Level.INFO, "RTSP server ready on {0}:{1,number,#} (pid {2})",
                            config.address(), event.getInt("port", config.port()), String.valueOf(event.getLong("pid", -1)));
                }

                @Override
                public void exited(int code, String how, List<String> stderr) {
                    died(self[0], code, how, stderr);
                }
            });
            self[0] = child;
            starts++;
            running = child;
            if (config.tls()) { // before any stream is mounted: no plain connection is ever served
                try {
                    child.call(tlsRequest(), CALL_TIMEOUT);
                } catch (LineChild.CallException e) {
                    // never RTSP in clear instead: the process ends, the status says why, and it is tried again later
                    running = null;
                    child.close();
                    lastExit = new JsonObject().add("description", "RTSPS not served: " + e.getMessage()).add("at", Instant.now().toString());
                    LOG.log(Level.WARNING, "RTSP is not served: its TLS certificate cannot be used: {0}", e.getMessage());
                    scheduleRetry();
                    return null;
                }
            }
            List<RtspConfig.User> now = config.users().get();
            if (!now.isEmpty()) child.call(auth(now), CALL_TIMEOUT);
            return child;
        } catch (IOException e) {
            lastExit = new JsonObject().add("description", "could not start: " + e.getMessage()).add("at", Instant.now().toString());
            scheduleRetry();
            return null;
        } catch (LineChild.CallException | InterruptedException e) {
            // it died at once (port in use?): died() reports it
            if (e instanceof InterruptedException) Thread.currentThread().interrupt();
            return null;
        }
    }

    private void died(LineChild child, int code, String how, List<String> stderr) {
        synchronized (this) {
            if (running != child) return;
            running = null;
            stats = Json.object();
            lastStderr = stderr;
            lastExit = new JsonObject().add("code", code).add("description", how).add("at", Instant.now().toString());
            if (closed) return;
            LOG.log(Level.WARNING, "RTSP server (pid {0}) {1}{2}; starting a new one in {3} s", String.valueOf(child.pid()), how,
                    stderr.isEmpty() ? "" : ": " + stderr.get(stderr.size() - 1), backoff.toSeconds());
            scheduleRetry();
        }
        for (StreamRtsp s : streams.values()) s.serverGone();
    }

    /** Caller holds the monitor. */
    private void scheduleRetry() {
        Duration wait = backoff;
        nextStart = Instant.now().plus(wait);
        backoff = backoff.multipliedBy(2).compareTo(MAX_BACKOFF) > 0 ? MAX_BACKOFF : backoff.multipliedBy(2);
        timer.schedule(this::restart, wait.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Starts a new process and gives it every live stream again. */
    private void restart() {
        List<StreamRtsp> live = new ArrayList<>();
        for (StreamRtsp s : streams.values()) if (s.isLive()) live.add(s);
        if (live.isEmpty()) {
            synchronized (this) {
                nextStart = null; // the next stream that starts starts one
            }
            return;
        }
        LineChild child = ensureRunning();
        if (child == null) return;
        for (StreamRtsp s : live) s.served(add(child, s));
    }

    /** Asks the process for its figures every 2 s; a process that ran 60 s resets the backoff. */
    private void poll() {
        LineChild child;
        synchronized (this) {
            child = running;
        }
        if (child == null) return;
        try {
            stats = child.call(new JsonObject().add("op", "stats"), CALL_TIMEOUT);
            synchronized (this) {
                if (nextStart != null && Instant.now().isAfter(nextStart.plusSeconds(60))) {
                    backoff = MIN_BACKOFF;
                    nextStart = null;
                }
            }
        } catch (LineChild.CallException e) {
            // it died or is busy: the next round tells
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** @param name a stream @return its figures from the last poll: clients, bytes; empty when unknown */
    JsonObject streamStats(String name) {
        JsonValue streams = stats.get("streams");
        JsonValue mine = streams != null && streams.isObject() ? streams.asObject().get(name) : null;
        return mine != null && mine.isObject() ? mine.asObject() : Json.object();
    }

    /** @return the process as the status shows it: status (idle, running, exited), pid, port, starts, lastExit, lastStderr */
    synchronized JsonObject status() {
        JsonArray tail = new JsonArray();
        if (running == null) lastStderr.forEach(tail::add);
        return new JsonObject().add("status", running != null ? "running" : lastExit != null ? "exited" : "idle")
                .add("pid", running == null ? Json.NULL : Json.value(running.pid()))
                .add("port", config.port())
                .add("starts", starts)
                .add("lastExit", lastExit == null ? Json.NULL : lastExit)
                .add("lastStderr", tail);
    }

    /** @return whether the process runs */
    synchronized boolean up() {
        return running != null;
    }

    /** Ends the process: its clients see the end. */
    @Override
    public void close() {
        LineChild child;
        synchronized (this) {
            closed = true;
            child = running;
            running = null;
        }
        timer.shutdownNow();
        control.shutdown();
        if (child != null) child.close();
    }
}
