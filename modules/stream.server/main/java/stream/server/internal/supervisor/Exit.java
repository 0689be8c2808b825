package stream.server.internal.supervisor;

import com.eclipsesource.json.Json;
import com.eclipsesource.json.JsonArray;
import com.eclipsesource.json.JsonObject;
import java.time.Instant;
import java.util.List;

/**
 * How a child ended.
 * @param code the exit code as Java reports it (128+N for signal N on Unix)
 * @param signal the signal number, or null
 * @param description e.g. "exit code 1" or "signal 9 (SIGKILL)"
 * @param at when the exit was noticed
 * @param requested whether a stop asked for it
 * @param stderr the child's last stderr lines
 */
public record Exit(int code, Integer signal, String description, Instant at, boolean requested, List<String> stderr) {
    static Exit of(int code, boolean requested, List<String> stderr) {
        Integer signal = null;
        String description = "exit code " + code;
        boolean windows = System.getProperty("os.name", "").startsWith("Windows");
        if (!windows && code > 128 && code < 128 + 65) {
            signal = code - 128;
            description = "signal " + signal + " (" + signalName(signal) + ")";
        }
        return new Exit(code, signal, description, Instant.now(), requested, List.copyOf(stderr));
    }

    /** A child that could not be started at all. */
    static Exit notStarted(String why) {
        return new Exit(-1, null, why, Instant.now(), false, List.of());
    }

    /** @param n a signal number @return its name, e.g. SIGKILL */
    public static String signalName(int n) {
        return stream.server.internal.process.Signals.name(n);
    }

    JsonObject toJson() {
        JsonArray lines = new JsonArray();
        stderr.forEach(lines::add);
        return Json.object().add("code", code).add("signal", signal == null ? Json.NULL : Json.value(signal))
                .add("description", description).add("at", at.toString()).add("requested", requested)
                .add("stderr", lines);
    }
}
