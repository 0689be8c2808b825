package bench;

import static bench.Stats.fmt;
import static bench.Stats.num;
import static bench.Stats.plain;
import static bench.Stats.toJson;

import com.eclipsesource.json.JsonArray;
import com.eclipsesource.json.JsonObject;
import com.eclipsesource.json.JsonValue;
import com.eclipsesource.json.WriterConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Turns the {@link Results} into bench/RESULTS.md (the table a person reads, with a verdict per
 * target and the profile of every missed one) and bench/results.json (every run of every figure).
 */
final class Report {
    private final Config config;
    private final Results results;

    Report(Config config, Results results) {
        this.config = config;
        this.results = results;
    }

    static String verdict(Figure f) {
        if (f.targets.isEmpty()) return "";
        List<String> parts = new ArrayList<>();
        for (String t : f.targets) {
            Matcher m = Pattern.compile("(ours|ratio)(<=|>=)([0-9.]+)").matcher(t);
            if (!m.matches()) continue;
            double limit = Double.parseDouble(m.group(3));
            double v = m.group(1).equals("ours") ? f.oursMedian() : f.ratio();
            String what = m.group(1).equals("ours") ? plain(limit) + " " + f.unit : plain(limit) + "x";
            if (Double.isNaN(v)) { parts.add("not measured (" + t + ")"); continue; }
            boolean le = m.group(2).equals("<=");
            boolean met = le ? v <= limit : v >= limit;
            double by = Math.abs(v - limit);
            double pct = 100 * by / limit;
            String byS = m.group(1).equals("ours") ? fmt(by, f.digits) + " " + f.unit : fmt(by, by < 0.1 ? 3 : 2) + "x";
            parts.add((met ? "**met** " : "**missed** ") + (le ? "≤ " : "≥ ") + what
                    + (met ? " (" + String.format(Locale.ROOT, "%.0f", pct) + "% margin)" : " by " + byS + " (" + String.format(Locale.ROOT, "%.0f", pct) + "%)"));
        }
        return String.join("; ", parts);
    }

    static String targetText(Figure f) {
        List<String> t = new ArrayList<>();
        for (String s : f.targets) {
            Matcher m = Pattern.compile("(ours|ratio)(<=|>=)([0-9.]+)").matcher(s);
            if (!m.matches()) continue;
            t.add((m.group(1).equals("ratio") ? "ratio " : "") + (m.group(2).equals("<=") ? "≤ " : "≥ ")
                    + plain(Double.parseDouble(m.group(3))) + (m.group(1).equals("ours") ? " " + f.unit : "x"));
        }
        return String.join(", ", t);
    }

    /** Writes results.json and RESULTS.md into the results directory. */
    void write() throws IOException {
        Path dir = config.resultsDir();
        Files.createDirectories(dir);
        Results r = results;
        JsonObject machine = r.machine, tools = r.tools, extra = r.details;
        List<String> notes = r.notes, failures = r.failures;
        int runs = config.runs();
        JsonObject j = new JsonObject();
        j.add("machine", machine);
        j.add("tools", tools);
        j.add("runs_default", runs);
        j.add("elapsed_seconds", Math.round(r.elapsedSeconds() * 10) / 10.0);
        JsonObject figs = new JsonObject();
        for (Figure f : r.figures.values()) {
            JsonObject o = new JsonObject();
            o.add("section", f.section);
            o.add("title", f.title.trim());
            o.add("unit", f.unit);
            o.add("ours_label", f.oursLabel);
            o.add("counterpart_label", f.counterLabel);
            o.add("ours_runs", toJson(f.ours.stream().mapToDouble(Double::doubleValue).toArray()));
            o.add("counterpart_runs", toJson(f.counter.stream().mapToDouble(Double::doubleValue).toArray()));
            o.add("ours_median", num(f.oursMedian()));
            o.add("counterpart_median", num(f.counterMedian()));
            o.add("ratio", num(f.ratio()));
            JsonArray ts = new JsonArray();
            f.targets.forEach(ts::add);
            o.add("targets", ts);
            o.add("verdict", verdict(f).replace("**", ""));
            o.add("runs", f.runsNote == null ? "" : f.runsNote);
            if (f.failure != null) o.add("failure", f.failure);
            JsonArray pr = new JsonArray();
            f.profile.forEach(pr::add);
            o.add("profile", pr);
            figs.add(f.id, o);
        }
        j.add("figures", figs);
        j.add("details", extra);
        JsonArray fl = new JsonArray();
        failures.forEach(fl::add);
        j.add("failures", fl);
        Files.writeString(dir.resolve("results.json"), j.toString(WriterConfig.PRETTY_PRINT) + "\n");

        StringBuilder md = new StringBuilder();
        md.append("# Benchmark results\n\n");
        md.append("Written by `bench/run.sh` (`make bench`); how each figure is measured: [README.md](README.md). ")
          .append("Every figure with all its runs: [results.json](results.json).\n\n");
        md.append("- Date: ").append(machine.getString("date_utc", "?")).append("\n");
        md.append("- Machine: ").append(machine.get("nproc")).append(" CPUs, ").append(machine.getString("cpu", "?"))
          .append(", Linux ").append(machine.getString("kernel", "?")).append(", load average at start ")
          .append(machine.getString("loadavg_at_start", "?")).append("\n");
        md.append("- ").append(machine.getString("gstreamer", "GStreamer ?")).append("; image JDK ").append(machine.getString("image_jdk", "?"))
          .append("; bench helpers on ").append(machine.getString("helper_jdk", "?")).append("\n");
        md.append("- Tools: cold start by ").append(tools.getString("hyperfine", "?")).append("; HTTP load by ")
          .append(tools.getString("load_generator", "?")).append("; receiver for first-frame figures: ").append(tools.getString("receiver", "?")).append("\n");
        md.append("- Runs: ").append(runs).append(" per figure unless the Runs column says otherwise; each value is the median of its runs.")
          .append(" The bench took ").append(fmt(r.elapsedSeconds(), 0)).append(" s.\n");
        md.append("- Load average at the end: ").append(Util.loadavg()).append("\n\n");
        String note = (config.only().isEmpty() ? "" : "Partial run: `bench/run.sh --only " + config.only() + "`. ") + config.note();
        md.append("> ").append(note.isBlank() ? "" : note + " ")
          .append("Other work on the machine (the load average above) makes single figures noisy; ")
          .append("ours and its counterpart are measured in the same run, interleaved where the bench can, so their ratio is the steadier figure.\n\n");
        md.append("| Figure | Runs | Ours (median) | Counterpart | Counterpart (median) | Ratio | Target | Result |\n");
        md.append("|---|---|---|---|---|---|---|---|\n");
        String section = "";
        List<Figure> ordered = new ArrayList<>(r.figures.values());
        ordered.sort(java.util.Comparator.comparing(x -> x.section.substring(0, 1))); // stable: keeps the order within a section
        for (Figure f : ordered) {
            if (!f.section.equals(section)) {
                section = f.section;
                md.append("| **").append(section).append("** | | | | | | | |\n");
            }
            String ours = f.ours.isEmpty() ? (f.failure != null ? "failed: " + f.failure : "not measured")
                    : fmt(f.oursMedian(), f.digits) + " " + f.unit;
            String ctr = f.counter.isEmpty() ? (f.counterLabel.isEmpty() ? "" : "not measured") : fmt(f.counterMedian(), f.digits) + " " + f.unit;
            md.append("| ").append(f.title.startsWith("  ") ? "&nbsp;&nbsp;" + f.title.trim() : f.title)
              .append(" | ").append(f.runsNote == null ? "" : f.runsNote)
              .append(" | ").append(ours)
              .append(" | ").append(f.counterLabel)
              .append(" | ").append(ctr)
              .append(" | ").append(Double.isNaN(f.ratio()) ? "" : fmt(f.ratio(), f.ratio() < 1 ? 3 : 2) + "x")
              .append(" | ").append(targetText(f))
              .append(" | ").append(verdict(f)).append(" |\n");
        }
        md.append("\n## Where a target is missed: what the measurements show\n\n");
        boolean any = false;
        for (Figure f : r.figures.values()) {
            String v = verdict(f);
            if (v.contains("missed") || v.contains("not measured")) {
                any = true;
                md.append("- **").append(f.title.trim()).append("**: ").append(v.replace("**", "")).append(".");
                for (String p : f.profile) md.append(" ").append(p).append(".");
                md.append("\n");
            }
        }
        if (!any) md.append("- No target missed.\n");
        md.append("\n## Other profile notes\n\n");
        for (Figure f : r.figures.values()) {
            if (!verdict(f).contains("missed") && !f.profile.isEmpty()) {
                md.append("- ").append(f.title.trim()).append(": ").append(String.join("; ", f.profile)).append(".\n");
            }
        }
        md.append("\n## Pipelines\n\n");
        for (String k : List.of("server_pipeline", "g2g_ours_pipeline", "g2g_raw_pipeline", "g2g_original_pipeline", "original_pipeline")) {
            JsonValue v = extra.get(k);
            if (v != null && v.isString()) md.append("- ").append(k.replace('_', ' ')).append(": `").append(v.asString()).append("`\n");
        }
        for (String n : notes) md.append("\n").append(n).append("\n");
        md.append("\n## Failures\n\n");
        if (failures.isEmpty()) md.append("None: every measurement ran.\n");
        for (String f : failures) md.append("- ").append(f).append("\n");
        Files.writeString(dir.resolve("RESULTS.md"), md.toString());
    }
}
