package bench;

import java.nio.file.Path;

/**
 * The bench's settings and tools, read once from the system properties bench/run.sh sets
 * (bench.root, bench.image, bench.work, bench.helper.java, bench.helper.cp, bench.runs,
 * bench.g2g.seconds, bench.cost.seconds, bench.cost.rounds, bench.hyperfine, bench.wrk,
 * bench.budget.seconds, bench.only, bench.results.dir, bench.note).
 */
record Config(Path root, Path image, Path work, Path logs, Path resultsDir, String helperJava, String helperCp,
              int runs, int coldRuns, int g2gSeconds, int g2gWarmup, int g2gDiagSeconds, int costSeconds, int costRounds,
              int loadSeconds, int loadRuns, String hyperfine, String wrk, String gstLaunch, long budgetNs, String only,
              String note) {

    static Config fromSystemProperties() {
        Path root = Path.of(System.getProperty("bench.root", ".")).toAbsolutePath();
        Path work = Path.of(System.getProperty("bench.work", "/tmp/bench-work"));
        return new Config(root,
                Path.of(System.getProperty("bench.image", root.resolve("out/image").toString())),
                work,
                work.resolve("logs"),
                Path.of(System.getProperty("bench.results.dir", root.resolve("bench").toString())),
                System.getProperty("bench.helper.java", "java"),
                System.getProperty("bench.helper.cp", ""),
                Integer.getInteger("bench.runs", 5),
                Integer.getInteger("bench.cold.runs", 10),
                Integer.getInteger("bench.g2g.seconds", 30),
                Integer.getInteger("bench.g2g.warmup", 2),
                Integer.getInteger("bench.g2g.diag.seconds", 8),
                Integer.getInteger("bench.cost.seconds", 15),
                Integer.getInteger("bench.cost.rounds", 2),
                Integer.getInteger("bench.load.seconds", 5),
                Integer.getInteger("bench.load.runs", 3),
                System.getProperty("bench.hyperfine", ""),
                System.getProperty("bench.wrk", ""),
                Util.which("gst-launch-1.0"),
                Long.getLong("bench.budget.seconds", 540) * 1_000_000_000L,
                System.getProperty("bench.only", "").trim(),
                System.getProperty("bench.note", ""));
    }

    /** A launcher (or java) of the image under test. */
    String bin(String name) { return image.resolve("bin").resolve(name).toString(); }
}
