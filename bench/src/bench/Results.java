package bench;

import com.eclipsesource.json.JsonObject;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What the phases measured, collected for {@link Report}: the figures in the order they were
 * first made, notes, failures, the machine and tools, and details (pipelines, samples) for
 * results.json. Phases add to it; nothing else is shared between them.
 */
final class Results {
    final Map<String, Figure> figures = new LinkedHashMap<>();
    final List<String> notes = new ArrayList<>();
    final List<String> failures = new ArrayList<>();
    final JsonObject machine = new JsonObject();
    final JsonObject tools = new JsonObject();
    final JsonObject details = new JsonObject();
    final long startedNs = System.nanoTime();

    /** The figure with this id, made on first use: a phase run more than once adds to its figures. */
    Figure fig(String id, String section, String title, String unit, String oursLabel, String counterLabel, String... targets) {
        if (figures.containsKey(id)) return figures.get(id);
        Figure f = new Figure(id, section, title, unit, oursLabel, counterLabel);
        f.targets.addAll(Arrays.asList(targets));
        figures.put(id, f);
        return f;
    }

    /** An existing figure, or null when its phase did not run. */
    Figure get(String id) { return figures.get(id); }

    double elapsedSeconds() { return (System.nanoTime() - startedNs) / 1e9; }
}
