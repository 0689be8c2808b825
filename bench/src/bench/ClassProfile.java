package bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** What a cold launcher loads: one run with -Xlog:class+load, summarized for a profile line. */
final class ClassProfile {
    private ClassProfile() {}

    /** Runs cmd once and summarizes: classes loaded, how many from the archive (AOT cache or CDS), top packages outside it. */
    static String of(Context ctx, List<String> cmd, String label) throws Exception {
        Path file = ctx.config().work().resolve("classload-" + label + ".txt");
        Files.deleteIfExists(file);
        Proc p = Proc.start("classload-" + label, cmd, Map.of("STREAM_JAVA_OPTS", "-Xlog:class+load=info:file=" + file), ctx.config().logs());
        p.waitFor(30_000);
        p.stop();
        List<String> lines = Files.readAllLines(file);
        int shared = 0;
        Map<String, Integer> pkgs = new HashMap<>();
        for (String l : lines) {
            if (l.contains("shared objects file")) { shared++; continue; }
            String[] w = l.split(" ");
            if (w.length < 2) continue;
            String cls = w[1];
            String[] parts = cls.split("\\.");
            String pkg = parts.length > 2 ? parts[0] + "." + parts[1] + "." + parts[2] : cls;
            pkgs.merge(pkg, 1, Integer::sum);
        }
        StringBuilder b = new StringBuilder(String.format(Locale.ROOT,
                "a cold `%s` loads %d classes, %d of them from the image's archive (its AOT cache, else the CDS archive); outside it, most from:",
                String.join(" ", cmd.subList(0, Math.min(2, cmd.size()))).replace(ctx.config().image().resolve("bin") + "/", ""),
                lines.size(), shared));
        pkgs.entrySet().stream().sorted((x, y) -> y.getValue() - x.getValue()).limit(5)
                .forEach(e -> b.append(' ').append(e.getKey()).append(" (").append(e.getValue()).append(')'));
        return b.toString();
    }
}
