package stream.viewer.internal.process;

import com.eclipsesource.json.Json;
import com.eclipsesource.json.JsonObject;
import com.eclipsesource.json.JsonValue;
import com.eclipsesource.json.ParseException;
import java.io.BufferedReader;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * The control side of a media process the server supervises (the WebRTC gateway, the RTSP
 * server): one JSON object per line on stdin, each answered on stdout by one line with the same
 * {@code id}; a refusal is {@code {error, status, hint}}, status being the HTTP status the server
 * should answer; lines without an id are events. stdout carries only the protocol: made here,
 * before anything else may print, {@code System.out} goes to stderr. Requests run on worker
 * threads, so a slow one (an offer waiting for ICE) never holds the others.
 */
public final class LineServer {
    private final String name;
    private final PrintStream out;
    private final ExecutorService workers;

    /** Answers one request. */
    @FunctionalInterface
    public interface Handler {
        /**
         * @param request the request, its "op" among its fields
         * @return the reply (its id is added)
         * @throws Refusal what to answer instead
         * @throws InterruptedException when interrupted while waiting
         */
        JsonObject handle(JsonObject request) throws Refusal, InterruptedException;
    }

    /** A request refused, with the HTTP status the server should answer and what to do. */
    public static class Refusal extends Exception {
        private static final long serialVersionUID = 1L;
        /** The HTTP status the server should answer. */
        public final int status;
        /** What to do, or null. */
        public final String hint;

        /**
         * @param status the HTTP status
         * @param message what is wrong
         * @param hint what to do, or null
         */
        public Refusal(int status, String message, String hint) {
            super(message);
            this.status = status;
            this.hint = hint;
        }
    }

    /**
     * Takes stdout for the protocol.
     * @param name the process's name, e.g. "stream-rtsp" (its log lines and its worker threads)
     */
    public LineServer(String name) {
        this.name = name;
        this.out = new PrintStream(new FileOutputStream(FileDescriptor.out), false, StandardCharsets.UTF_8);
        System.setOut(System.err);
        this.workers = Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, name + "-request");
            t.setDaemon(true);
            return t;
        });
    }

    /** @param message an event or a reply, as one line */
    public synchronized void send(JsonObject message) {
        out.println(message.toString());
        out.flush();
    }

    /**
     * Answers requests until stdin closes (the server is gone or ends us).
     * @param handler what answers them
     * @throws IOException when stdin cannot be read
     */
    public void serve(Handler handler) throws IOException {
        var in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        String line;
        while ((line = in.readLine()) != null) {
            if (line.isBlank()) continue;
            String request = line;
            workers.execute(() -> answer(handler, request));
        }
        System.err.println(name + ": stdin closed: ending");
    }

    private void answer(Handler handler, String line) {
        JsonValue id = Json.NULL;
        JsonObject reply;
        try {
            JsonValue parsed = Json.parse(line);
            if (!parsed.isObject()) throw new Refusal(400, "a request is a JSON object", null);
            JsonObject request = parsed.asObject();
            id = request.get("id") == null ? Json.NULL : request.get("id");
            reply = handler.handle(request);
        } catch (ParseException e) {
            // The parser's message quotes no input, so a password in a broken line is not logged.
            reply = error(new Refusal(400, "malformed JSON at " + e.getLocation(), null));
        } catch (Refusal e) {
            reply = error(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            reply = error(new Refusal(500, "interrupted", null));
        } catch (RuntimeException e) {
            System.err.println(name + ": warning: request failed: " + e);
            reply = error(new Refusal(500, name + " failure: " + e.getMessage(), null));
        }
        send(reply.add("id", id));
    }

    private static JsonObject error(Refusal e) {
        var reply = new JsonObject().add("error", e.getMessage()).add("status", e.status);
        if (e.hint != null) reply.add("hint", e.hint);
        return reply;
    }

    /**
     * @param request a request
     * @param field a field that must be a string
     * @return its value
     * @throws Refusal 400 when it is missing or not a string
     */
    public static String text(JsonObject request, String field) throws Refusal {
        JsonValue v = request.get(field);
        if (v == null || !v.isString()) throw new Refusal(400, "'" + field + "' (a string) is missing", null);
        return v.asString();
    }
}
