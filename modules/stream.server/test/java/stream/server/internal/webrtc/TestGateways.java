package stream.server.internal.webrtc;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** The gateway as the tests start it (from the compiled modules), and a real H.264/RTP sender. */
final class TestGateways {
    private TestGateways() {}

    static Path buildDir() {
        String dir = System.getProperty("stream.build.dir");
        if (dir == null) throw new IllegalStateException("stream.build.dir is not set (run the tests through build.sh)");
        return Path.of(dir);
    }

    /** Where screenshots and logs of these tests are kept, beside the test reports. */
    static Path reportDir() throws IOException {
        Path dir = buildDir().resolve("test-reports/stream.server/webrtc");
        Files.createDirectories(dir);
        return dir;
    }

    /** The gateway from out/mods, ICE on loopback only, run through {@code prefix}. */
    static GatewayCommand command(List<String> prefix, String... options) {
        Path out = buildDir();
        var all = new ArrayList<>(List.of("--ice-address", "127.0.0.1"));
        all.addAll(List.of(options));
        return GatewayCommand.ofRuntime(out.resolve("mods/stream.viewer.jar") + ":" + out.resolve("lib"), all)
                .prefixed(prefix);
    }

    /** A live 320x240 30 fps H.264 test pattern, a keyframe a second, as RTP pt 96 to 127.0.0.1:port. */
    static final class Sender implements AutoCloseable {
        private final Process process;
        private final int port;

        Sender(List<String> prefix, int port) throws IOException {
            this.port = port;
            var command = new ArrayList<>(prefix);
            command.addAll(List.of("gst-launch-1.0", "-q", "videotestsrc", "is-live=true", "pattern=ball",
                    "!", "video/x-raw,width=320,height=240,framerate=30/1", "!", "videoconvert",
                    "!", "video/x-raw,format=I420", "!", "x264enc", "tune=zerolatency", "speed-preset=ultrafast",
                    "key-int-max=30", "!", "video/x-h264,profile=constrained-baseline",
                    "!", "rtph264pay", "config-interval=1", "pt=96",
                    "!", "udpsink", "host=127.0.0.1", "port=" + port));
            process = new ProcessBuilder(command).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        }

        int port() {
            return port;
        }

        @Override
        public void close() {
            process.destroyForcibly();
            try {
                process.waitFor(5, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
