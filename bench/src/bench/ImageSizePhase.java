package bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/** The image's size on disk and its largest parts (the AOT caches among them). */
final class ImageSizePhase implements Phase {
    @Override public String id() { return "image"; }
    @Override public String title() { return "image size"; }

    @Override
    public void run(Context ctx) throws Exception {
        Path image = ctx.config().image();
        Figure f = ctx.fig("image_size", "5 Cost", "Image size (du -sb out/image)", "MiB", "out/image", "", "ours<=90");
        f.digits = 1;
        String out = ctx.run(List.of("du", "-sb", image.toString()), 30_000);
        f.ours.add(Long.parseLong(out.trim().split("\\s+")[0]) / 1048576.0);
        f.runsNote = "1";
        StringBuilder b = new StringBuilder("largest parts:");
        for (String part : List.of("lib/modules", "lib/server/libjvm.so", "lib/server/classes.jsa", "lib/server/classes_nocoops.jsa",
                "lib/server-viewer.aot", "lib/stream-client.aot", "lib/stream-server.aot", "lib/stream-viewer.aot")) {
            Path p = image.resolve(part);
            if (Files.exists(p)) b.append(String.format(Locale.ROOT, " %s %.1f MiB;", part, Files.size(p) / 1048576.0));
        }
        f.profile.add(b.toString());
    }
}
