package stream.client.internal;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import stream.client.ControlResponse;

/**
 * The server's streams as a table for people: name, state, frame rate, whether it starts with the
 * server, where it goes. An entry is the stream's GET /control status plus "name" and "autostart".
 */
final class StreamTable {
    private StreamTable() {}

    /**
     * The entries of a GET /streams answer.
     * @param response the answer
     * @return the entry objects, in the server's order
     */
    static List<Map<String, Object>> entries(ControlResponse response) {
        var entries = new ArrayList<Map<String, Object>>();
        if (response.json().get("streams") instanceof List<?> list) {
            for (Object o : list) {
                if (o instanceof Map<?, ?> m) {
                    @SuppressWarnings("unchecked")
                    Map<String, Object> entry = (Map<String, Object>) m;
                    entries.add(entry);
                }
            }
        }
        return entries;
    }

    /**
     * @param entry a stream's entry
     * @return its name, or "?" when the server sent none
     */
    static String name(Map<String, Object> entry) {
        return entry.get("name") instanceof String s ? s : "?";
    }

    /**
     * The table with a header line, for {@code stream-client list}.
     * @param entries the streams
     * @return the lines
     */
    static List<String> lines(List<Map<String, Object>> entries) {
        var rows = new ArrayList<List<String>>();
        rows.add(List.of("NAME", "STATUS", "FPS", "AUTOSTART", "DESTINATION"));
        for (var e : entries) {
            rows.add(List.of(name(e), status(e), fps(e), autostart(e), Answers.destination(new ControlResponse(200, e, "")).orElse("-")));
        }
        return align(rows, "");
    }

    /**
     * The table numbered from 1 without a header, for the menu's choice of stream.
     * @param entries the streams
     * @return the lines, each indented
     */
    static List<String> numbered(List<Map<String, Object>> entries) {
        var rows = new ArrayList<List<String>>();
        int n = 1;
        for (var e : entries) {
            String fps = fps(e);
            rows.add(List.of(Integer.toString(n++), name(e), status(e), fps.equals("-") ? "" : fps + " fps",
                    Answers.ARROW + " " + Answers.destination(new ControlResponse(200, e, "")).orElse("-")));
        }
        return align(rows, "  ");
    }

    private static String status(Map<String, Object> entry) {
        return entry.get("status") instanceof String s ? s : "unknown";
    }

    /** The measured rate while the stream sends, else "-". */
    private static String fps(Map<String, Object> entry) {
        if (entry.get("stats") instanceof Map<?, ?> stats && stats.get("fps") instanceof Number fps
                && !status(entry).equals("stopped")) {
            return String.format(Locale.ROOT, "%.1f", fps.doubleValue());
        }
        return "-";
    }

    private static String autostart(Map<String, Object> entry) {
        return entry.get("autostart") instanceof Boolean b ? (b ? "yes" : "no") : "-";
    }

    private static List<String> align(List<List<String>> rows, String indent) {
        if (rows.isEmpty()) {
            return List.of();
        }
        int columns = rows.get(0).size();
        int[] width = new int[columns];
        rows.forEach(r -> {
            for (int i = 0; i < columns; i++) {
                width[i] = Math.max(width[i], r.get(i).length());
            }
        });
        var lines = new ArrayList<String>();
        for (var r : rows) {
            var line = new StringBuilder(indent);
            for (int i = 0; i < columns; i++) {
                if (width[i] == 0) {
                    continue; // a column nobody has a value in (the menu's rates while all are stopped)
                }
                line.append(r.get(i));
                if (i < columns - 1) {
                    line.append(" ".repeat(width[i] - r.get(i).length() + 2));
                }
            }
            lines.add(line.toString().stripTrailing());
        }
        return lines;
    }
}
