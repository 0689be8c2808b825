package stream.server.internal.process;

import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The environment of every process the server starts (stream children, recorders, clip writers,
 * snapshot decoders, the WebRTC gateway, the RTSP server, probes): the one place that decides it.
 * A child gets only the variables on a short list of what GStreamer, GLib, the C library and a
 * JVM need to run and to be debugged; everything else the server was started with is dropped,
 * whatever it is called, so no secret (STREAM_TOKEN, a cloud key, a password in MY_SECRET) can be
 * read from a child's {@code /proc/PID/environ}.
 *
 * <p>Kept: {@code PATH}, {@code HOME} (GStreamer's registry cache, JNA's native library cache),
 * {@code TMPDIR}, {@code TZ}, {@code LANG}, {@code LANGUAGE}, {@code LC_*}, {@code XDG_RUNTIME_DIR},
 * {@code XDG_CACHE_HOME}, {@code LD_LIBRARY_PATH} (a GStreamer installed elsewhere),
 * {@code SSL_CERT_FILE}/{@code SSL_CERT_DIR} (an rtsps camera), {@code GST_*} (plugin paths,
 * debugging), {@code G_DEBUG}/{@code G_MESSAGES_DEBUG}, {@code ORC_*}, {@code PULSE_*} and {@code ALSA_*}
 * (where a microphone's sound server or card is: PULSE_SERVER, PULSE_CLIENTCONFIG). No display variable: no
 * child of the server opens a window.
 */
public final class ChildEnvironment {
    /** Variables a child keeps by exact name. */
    static final Set<String> NAMES = Set.of("PATH", "HOME", "TMPDIR", "TZ", "LANG", "LANGUAGE", "XDG_RUNTIME_DIR",
            "XDG_CACHE_HOME", "LD_LIBRARY_PATH", "SSL_CERT_FILE", "SSL_CERT_DIR", "G_DEBUG", "G_MESSAGES_DEBUG");
    /**
     * Variables a child keeps by prefix: GStreamer's own, the locale's, ORC's (GStreamer's SIMD compiler), and
     * PulseAudio's and ALSA's (a microphone's capture child finds its sound server or card through them).
     */
    static final List<String> PREFIXES = List.of("GST_", "LC_", "ORC_", "PULSE_", "ALSA_");

    private ChildEnvironment() {}

    /**
     * @param name a variable's name
     * @return whether a child may have it
     */
    public static boolean keeps(String name) {
        if (NAMES.contains(name)) return true;
        for (String p : PREFIXES) if (name.startsWith(p) && name.length() > p.length()) return true;
        return false;
    }

    /**
     * Reduces a process builder's environment (a copy of the server's) to what a child may have.
     * @param pb the builder, before {@code start()}
     * @return pb
     */
    public static ProcessBuilder apply(ProcessBuilder pb) {
        Map<String, String> env = pb.environment();
        env.keySet().removeIf(name -> !keeps(name));
        return pb;
    }

    /**
     * A process builder for a child, its environment already reduced.
     * @param command the command line
     * @return the builder
     */
    public static ProcessBuilder builder(List<String> command) {
        return apply(new ProcessBuilder(command));
    }

    /**
     * A process builder for a child, its environment already reduced.
     * @param command the command line
     * @return the builder
     */
    public static ProcessBuilder builder(String... command) {
        return builder(List.of(command));
    }
}
