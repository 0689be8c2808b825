package stream.server.internal.process;

import com.eclipsesource.json.Json;
import com.eclipsesource.json.JsonObject;
import com.eclipsesource.json.JsonValue;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.lang.System.Logger.Level;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A media process of the server's (the RTSP server, the WebRTC gateway) spoken to in JSON lines:
 * each request on its stdin carries an {@code id} and is answered by one line on its stdout with
 * the same id; lines without an id are events. Its stderr is logged and its last lines kept for
 * the status of one that died. Closing stdin ends it (it never outlives the server); after
 * {@link #close()} it is killed if it has not ended within 3 s.
 */
public final class LineChild implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger("stream.server");
    private static final int TAIL_LINES = 20;

    /** Hears what the process says and how it ended. */
    public interface Listener {
        /** @param event a line without id */
        void event(JsonObject event);

        /**
         * It ended (not called after {@link #close()}).
         * @param code its exit code (128+N for signal N)
         * @param how in words, e.g. "was killed by signal 9 (SIGKILL)"
         * @param stderr its last stderr lines
         */
        void exited(int code, String how, List<String> stderr);
    }

    /** A refusal or failure of a request: the status an HTTP answer would have, a message and a hint. */
    public static final class CallException extends Exception {
        private static final long serialVersionUID = 1L;
        private final int status;
        private final String hint;

        CallException(int status, String message, String hint) {
            super(message, null, false, false);
            this.status = status;
            this.hint = hint;
        }

        /** @return the HTTP status it corresponds to */
        public int status() {
            return status;
        }

        /** @return what to do, or null */
        public String hint() {
            return hint;
        }
    }

    private final String label;
    private final Process process;
    private final OutputStream stdin;
    private final Listener listener;
    private final Map<Long, CompletableFuture<JsonObject>> waiting = new ConcurrentHashMap<>();
    private final AtomicLong ids = new AtomicLong();
    private final ArrayDeque<String> tail = new ArrayDeque<>();
    private volatile boolean closed;

    private LineChild(String label, Process process, Listener listener) {
        this.label = label;
        this.process = process;
        this.stdin = process.getOutputStream();
        this.listener = listener;
    }

    /**
     * Starts the process and its readers.
     * @param label what it is, for logs ("RTSP server")
     * @param command its command line
     * @param listener hears its events and its end
     * @return the running process
     * @throws IOException when it cannot be started
     */
    public static LineChild start(String label, List<String> command, Listener listener) throws IOException {
        // The server's variables (the token among them) are the server's alone: /proc/PID/environ is readable.
        ProcessBuilder pb = ChildEnvironment.builder(command);
        LineChild c = new LineChild(label, pb.start(), listener);
        Thread.ofPlatform().daemon().name(label + "-out").start(c::readReplies);
        Thread.ofPlatform().daemon().name(label + "-err").start(c::readStderr);
        c.process.onExit().thenRun(c::exited);
        return c;
    }

    /** @return its pid */
    public long pid() {
        return process.pid();
    }

    /**
     * Sends a request and waits for its answer.
     * @param request the request (its id is added)
     * @param timeout how long to wait
     * @return the answer
     * @throws CallException a refusal ({@code error}, {@code status}, {@code hint} in the answer), or 503 when it is gone or silent
     * @throws InterruptedException when interrupted while waiting
     */
    public JsonObject call(JsonObject request, Duration timeout) throws CallException, InterruptedException {
        long id = ids.incrementAndGet();
        var future = new CompletableFuture<JsonObject>();
        waiting.put(id, future);
        try {
            byte[] line = (request.add("id", id).toString() + "\n").getBytes(StandardCharsets.UTF_8);
            synchronized (stdin) {
                stdin.write(line);
                stdin.flush();
            }
            JsonObject reply = future.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            if (reply.get("error") != null)
                throw new CallException(reply.getInt("status", 500), reply.getString("error", label + " error"), reply.getString("hint", null));
            return reply;
        } catch (IOException e) {
            throw new CallException(503, "the " + label + " is gone: " + e.getMessage(), "Try again: a new one starts.");
        } catch (ExecutionException e) {
            throw new CallException(503, e.getCause().getMessage(), "Try again: a new one starts.");
        } catch (TimeoutException e) {
            throw new CallException(503, "the " + label + " did not answer within " + timeout.toSeconds() + " s", "Try again.");
        } finally {
            waiting.remove(id);
        }
    }

    private void readReplies() {
        try (var in = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = in.readLine()) != null) {
                JsonObject message;
                try {
                    message = Json.parse(line).asObject();
                } catch (RuntimeException e) {
                    LOG.log(Level.WARNING, "{0} wrote a line that is not JSON: {1}", label, line);
                    continue;
                }
                JsonValue id = message.get("id");
                if (id != null && id.isNumber()) {
                    var future = waiting.get(id.asLong());
                    if (future != null) future.complete(message);
                } else {
                    listener.event(message);
                }
            }
        } catch (IOException e) {
            // it ended: exited() reports it
        }
    }

    private void readStderr() {
        try (var in = new BufferedReader(new InputStreamReader(process.getErrorStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = in.readLine()) != null) {
                LOG.log(Level.INFO, line);
                synchronized (tail) {
                    if (tail.size() == TAIL_LINES) tail.removeFirst();
                    tail.addLast(line);
                }
            }
        } catch (IOException e) {
            // it ended
        }
    }

    /** @return its last stderr lines */
    public List<String> stderrTail() {
        synchronized (tail) {
            return List.copyOf(tail);
        }
    }

    private void exited() {
        int code = process.exitValue();
        String how = code > 128 ? "was killed by signal " + (code - 128) + " (" + Signals.name(code - 128) + ")" : "exited with code " + code;
        waiting.values().forEach(f -> f.completeExceptionally(new IOException("the " + label + " " + how)));
        if (closed) return;
        try {
            process.getErrorStream().transferTo(OutputStream.nullOutputStream()); // the reader may still hold the last lines
        } catch (IOException e) {
            // gone
        }
        listener.exited(code, how, stderrTail());
    }

    /** Closes its stdin, so it ends what it serves and exits; killed after 3 s. */
    @Override
    public void close() {
        closed = true;
        try {
            stdin.close();
        } catch (IOException e) {
            // already gone
        }
        try {
            if (!process.waitFor(3, TimeUnit.SECONDS)) process.destroyForcibly().waitFor(3, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }
}
