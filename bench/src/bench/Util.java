package bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Small things every phase uses: PATH look-up, sleeping, the load average. */
final class Util {
    private Util() {}

    static String which(String exe) {
        for (String dir : System.getenv().getOrDefault("PATH", "/usr/bin").split(":")) {
            Path p = Path.of(dir, exe);
            if (Files.isExecutable(p)) return p.toString();
        }
        return exe;
    }

    static void sleep(double seconds) throws InterruptedException { Thread.sleep((long) (seconds * 1000)); }

    static String loadavg() {
        try {
            String[] f = Files.readString(Path.of("/proc/loadavg")).trim().split(" ");
            return f[0] + " " + f[1] + " " + f[2];
        } catch (IOException e) {
            return "?";
        }
    }
}
