package stream.server.internal.process;

import java.lang.module.ModuleFinder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * How the server starts one of its media processes (the WebRTC gateway, the RTSP server): the
 * image's own {@code bin/java} running a main class of module stream.viewer (linked into the same
 * image), with JNA's native access and a small heap. The server itself never loads JNA or GStreamer.
 */
public final class MediaCommand {
    /** The system property naming stream.viewer's module path when the server does not run from the image (tests, out/mods). */
    public static final String MODULE_PATH_PROPERTY = "stream.webrtc.module-path";
    /** The image's AOT cache (in lib/) of stream-server, stream-viewer and the media processes. */
    public static final String AOT_CACHE = "server-viewer.aot";

    private MediaCommand() {}

    /**
     * @param main the main class, "stream.viewer/CLASS"
     * @param crashName a name for the native crash report in the temp folder, e.g. "stream-rtsp"
     * @param modulePath where stream.viewer and its dependencies are, or null in the image
     * @param options the process's options
     * @return the full command line
     * @throws IllegalStateException when stream.viewer is neither in the runtime nor on the path
     */
    public static List<String> of(String main, String crashName, String modulePath, List<String> options) {
        Objects.requireNonNull(options);
        var command = new ArrayList<String>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        // A native crash report goes to stderr and a file in the temp folder, never to stdout
        // (the protocol) nor into the server's working directory.
        command.addAll(List.of("-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-Xss512k", "-Xmx64m",
                "-XX:+DisplayVMOutputToStderr",
                "-XX:ErrorFile=" + Path.of(System.getProperty("java.io.tmpdir"), crashName + "-crash-%p.log"),
                "--enable-native-access=com.sun.jna"));
        if (modulePath != null) {
            command.addAll(List.of("--module-path", modulePath, "-m", main));
        } else if (ModuleFinder.ofSystem().find("stream.viewer").isEmpty()) {
            throw new IllegalStateException("module stream.viewer (the server's media processes) is not in this runtime;"
                    + " run the server from the image (out/image/bin/stream-server)");
        } else {
            // The AOT cache build.sh made for the image's server and viewer (lib/server-viewer.aot)
            // serves these processes too when they start as those launchers do: main module stream.server
            // (MediaMain runs the main class of stream.viewer), stream.viewer added, native access to
            // com.sun.jna. Without the file, or with a cache this JVM cannot use, the process starts without it.
            command.addAll(List.of("--add-modules", "stream.viewer"));
            Path aot = Path.of(System.getProperty("java.home"), "lib", AOT_CACHE);
            if (Files.isRegularFile(aot)) command.add("-XX:AOTCache=" + aot);
            command.addAll(List.of("-m", "stream.server/" + MediaMain.class.getName(), main));
        }
        command.addAll(options);
        return List.copyOf(command);
    }

    /**
     * As {@link #of}, from the image or from {@code -Dstream.webrtc.module-path=...}.
     * @param main the main class
     * @param crashName a name for the crash report
     * @param options the process's options
     * @return the command line
     */
    public static List<String> forServer(String main, String crashName, List<String> options) {
        return of(main, crashName, System.getProperty(MODULE_PATH_PROPERTY), options);
    }
}
