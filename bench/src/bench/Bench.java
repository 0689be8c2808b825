package bench;

import java.io.IOException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * Runs the measurements of bench/ (see bench/README.md) and writes RESULTS.md and results.json. A
 * failed measurement is recorded as such; the bench itself never fails. Discovery runs first; then
 * every phase of {@link #PHASES}, or those named in the system property bench.only
 * ({@code bench/run.sh --only coldstart,http}).
 */
public final class Bench {
    /** The phases in the order they run; a new one is a class and a line here. */
    static final List<Phase> PHASES = List.of(
            new ColdStartPhase(),
            new ControlApiPhase(),
            new FirstFramePhase(),
            new LateJoinPhase(),
            new GlassToGlassPhase(),
            new ImageSizePhase(),
            new CostPhase(),
            new StreamsPhase(),
            new BrowserPhase(),
            new RecordPhase(),
            new JanusPhase(),
            new FanoutPhase(),
            new RtspPhase(),
            new AudioPhase(),
            new CameraPhase());

    private Bench() {}

    public static void main(String[] args) {
        Config cfg = Config.fromSystemProperties();
        Results results = new Results();
        Report report = new Report(cfg, results);
        int rc = 0;
        try {
            List<Phase> chosen = chosen(cfg.only());
            Files.createDirectories(cfg.logs());
            Context ctx = new Context(cfg, results, null);
            Discovery.machineInfo(ctx);
            Baseline[] baseline = new Baseline[1];
            boolean found = phase(cfg, results, report, "discover our default pipeline", () -> baseline[0] = Discovery.discover(ctx));
            if (!found) throw new IOException("nothing to compare against: discovery failed");
            Context withBaseline = ctx.withBaseline(baseline[0]);
            for (Phase p : chosen) phase(cfg, results, report, p.title(), () -> p.run(withBaseline));
        } catch (Throwable t) {
            results.failures.add("bench aborted: " + t);
            rc = 1;
        } finally {
            Proc.stopAll();
            try {
                report.write();
            } catch (IOException e) {
                System.err.println("bench: cannot write the results: " + e.getMessage());
                rc = 1;
            }
        }
        System.exit(rc);
    }

    /** The phases named in only (comma-separated ids), all when it is empty; an unknown id is an error naming the known ones. */
    static List<Phase> chosen(String only) {
        if (only.isEmpty()) return PHASES;
        Set<String> ids = new TreeSet<>(Arrays.asList(only.split("\\s*,\\s*")));
        List<Phase> out = new ArrayList<>();
        for (Phase p : PHASES) if (ids.remove(p.id())) out.add(p);
        if (!ids.isEmpty()) {
            throw new IllegalArgumentException("unknown phase " + ids + "; the phases are "
                    + PHASES.stream().map(Phase::id).toList());
        }
        return out;
    }

    private interface Step { void run() throws Exception; }

    /** Runs one step unless the time budget is used up; a failure is recorded. Writes the results after each. */
    private static boolean phase(Config cfg, Results results, Report report, String name, Step step) {
        boolean ok = false;
        if (System.nanoTime() - results.startedNs > cfg.budgetNs()) {
            results.failures.add(name + ": skipped, the time budget of the bench was used up");
            return false;
        }
        System.out.printf("%n== %s (%.0f s into the bench)%n", name, results.elapsedSeconds());
        try {
            step.run();
            ok = true;
        } catch (Exception e) {
            results.failures.add(name + ": " + e.getClass().getSimpleName() + ": " + e.getMessage());
            System.out.println("   FAILED: " + e.getMessage());
        } finally {
            Proc.stopAll();
        }
        try { report.write(); } catch (IOException e) { System.err.println("bench: " + e.getMessage()); }
        return ok;
    }
}
