package bench;

import java.io.IOException;
import java.net.DatagramSocket;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;

/** Small things every phase uses: free ports, PATH look-up, sleeping, the load average. */
final class Util {
    private Util() {}

    static int freeTcpPort() throws IOException { try (ServerSocket s = new ServerSocket(0)) { return s.getLocalPort(); } }

    static int freeUdpPort() throws IOException {
        // a port free for both, so nothing else of ours collides with it
        for (int i = 0; i < 50; i++) {
            int p;
            try (DatagramSocket s = new DatagramSocket(0)) { p = s.getLocalPort(); }
            try (ServerSocket t = new ServerSocket(p)) { return p; } catch (IOException e) { /* next */ }
        }
        throw new IOException("no free UDP port");
    }

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
