package stream.client.internal;

import java.nio.charset.Charset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import stream.client.ControlResponse;

/**
 * Turns the server's JSON answers into lines for people. The member names are those of
 * stream-server's GET /control: status, pid, uptimeSeconds, destination, restarts (by the restart policy),
 * lastExit {code, signal, description, stderr ...}, lastStderr.
 */
final class Answers {
    private Answers() {}

    /** An arrow when the terminal takes UTF-8, else its ASCII look-alike. */
    static final String ARROW = arrow();

    private static String arrow() {
        String encoding = System.getProperty("stdout.encoding", Charset.defaultCharset().name());
        return encoding.toUpperCase(java.util.Locale.ROOT).replace("-", "").equals("UTF8") ? "\u2192" : "->";
    }

    /**
     * The answer to start or stop: the server's message, and where the stream goes when it says.
     * @param response the server's answer
     * @return one line, for example "Stream started → udp://127.0.0.1:5000"
     */
    static String action(ControlResponse response) {
        return action(response, null);
    }

    /**
     * The answer to start or stop of a named stream.
     * @param response the server's answer
     * @param stream the stream's name, or null for the default stream (no prefix)
     * @return one line, for example "cam2: Stream started → udp://127.0.0.1:5002"
     */
    static String action(ControlResponse response, String stream) {
        String message = response.text("message").orElse("done");
        String status = response.text("status").orElse("");
        boolean flowing = status.equals("running") || status.equals("starting");
        return prefix(stream) + message + (flowing ? destination(response).map(d -> " " + ARROW + " " + d).orElse("") : "");
    }

    /**
     * The answer to status: one line, with more lines (last exit, stderr tail, what to do) when the stream failed.
     * @param response the server's answer
     * @return the lines
     */
    static List<String> status(ControlResponse response) {
        return status(response, null);
    }

    /**
     * The answer to status for a named stream: as {@link #status(ControlResponse)}, its first line
     * starting with "NAME: ".
     * @param response the server's answer
     * @param stream the stream's name, or null for the default stream (no prefix)
     * @return the lines
     */
    static List<String> status(ControlResponse response, String stream) {
        String status = response.text("status").orElse("unknown");
        var details = new ArrayList<String>();
        first(response, "pid").ifPresent(pid -> details.add("pid " + pid));
        if (status.equals("running")) {
            first(response, "uptimeSeconds")
                    .flatMap(Answers::seconds).ifPresent(s -> details.add("up " + s));
        }
        first(response, "restarts").filter(r -> !r.equals("0")).ifPresent(r -> details.add("restarts " + r));
        if (status.equals("failed")) {
            lastExit(response).ifPresent(e -> details.add("ended with " + e));
        }
        var line = new StringBuilder("Stream ").append(status);
        if (!details.isEmpty()) {
            line.append(" (").append(String.join(", ", details)).append(')');
        }
        if (!status.equals("stopped")) {
            destination(response).ifPresent(d -> line.append(' ').append(ARROW).append(' ').append(d));
        }
        var lines = new ArrayList<String>();
        lines.add(prefix(stream) + line);
        if (status.equals("failed")) {
            List<String> tail = stderrTail(response);
            if (!tail.isEmpty()) {
                lines.add("  stderr of the stream's last run:");
                tail.forEach(t -> lines.add("    " + t));
            }
            first(response, "hint").ifPresent(h -> lines.add("  " + h));
            lines.add("  Fix the cause shown above, then start the stream again (menu 1, or stream-client start"
                    + (stream == null ? "" : " --stream " + stream) + ").");
        }
        return lines;
    }

    /**
     * Where the stream goes, from the status's "destination" text.
     * "127.0.0.1:5000,[::1]:5002" becomes "udp://127.0.0.1:5000, udp://[::1]:5002";
     * "239.255.0.1:5004 (multicast, ttl 1)" becomes "udp://239.255.0.1:5004 (multicast, ttl 1)".
     * @param response a status, or a stream's entry of the list
     * @return the text, if the server said
     */
    static Optional<String> destination(ControlResponse response) {
        return first(response, "destination").map(d -> d.contains("(") ? udp(d.strip()) : String.join(", ",
                java.util.Arrays.stream(d.split(",")).map(String::strip).filter(x -> !x.isEmpty()).map(Answers::udp).toList()));
    }

    private static String udp(String destination) {
        return destination.contains("://") ? destination : "udp://" + destination;
    }

    /** "NAME: " for a named stream, nothing for the default one, so one-stream output stays as it was. */
    private static String prefix(String stream) {
        return stream == null ? "" : stream + ": ";
    }

    private static Optional<String> lastExit(ControlResponse response) {
        Object value = firstValue(response, "lastExit");
        if (value instanceof Map<?, ?> map && map.get("description") instanceof String description) {
            return Optional.of(description);
        }
        if (value instanceof Map<?, ?> map) {
            var parts = new ArrayList<String>();
            map.forEach((k, v) -> {
                if (v != null && !(v instanceof List) && !(v instanceof Map)) {
                    parts.add(k + " " + v);
                }
            });
            return parts.isEmpty() ? Optional.empty() : Optional.of(String.join(", ", parts));
        }
        return value == null ? Optional.empty() : Optional.of(value.toString());
    }

    /**
     * The last lines the stream's gst-launch-1.0 wrote to stderr, as the server reports them.
     * @param response the server's answer (status, or a refused start)
     * @return at most 8 lines, oldest first; empty when the server sent none
     */
    static List<String> stderrTail(ControlResponse response) {
        Object value = firstValue(response, "lastStderr");
        if (value instanceof List<?> list && list.isEmpty() && response.json().get("lastExit") instanceof Map<?, ?> exit) {
            value = exit.get("stderr");
        }
        var lines = new ArrayList<String>();
        if (value instanceof List<?> list) {
            list.forEach(o -> lines.add(String.valueOf(o)));
        } else if (value instanceof String s) {
            s.lines().forEach(lines::add);
        }
        lines.removeIf(String::isBlank);
        return lines.size() > 8 ? lines.subList(lines.size() - 8, lines.size()) : lines;
    }

    private static Object firstValue(ControlResponse response, String... names) {
        for (String name : names) {
            Object value = response.json().get(name);
            if (value != null) {
                return value;
            }
        }
        return null;
    }

    private static Optional<String> first(ControlResponse response, String... names) {
        for (String name : names) {
            var text = response.text(name);
            if (text.isPresent() && !text.get().isBlank()) {
                return text;
            }
        }
        return Optional.empty();
    }

    /** "75" (seconds) becomes "1 min 15 s". */
    private static Optional<String> seconds(String text) {
        long s;
        try {
            s = Math.round(Double.parseDouble(text));
        } catch (NumberFormatException e) {
            return Optional.of(text);
        }
        if (s < 60) {
            return Optional.of(s + " s");
        }
        if (s < 3600) {
            return Optional.of(s / 60 + " min " + s % 60 + " s");
        }
        return Optional.of(s / 3600 + " h " + s % 3600 / 60 + " min");
    }
}
