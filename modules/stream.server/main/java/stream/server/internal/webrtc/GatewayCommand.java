package stream.server.internal.webrtc;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import stream.server.internal.process.MediaCommand;

/**
 * How to start the WebRTC gateway process: the image's own {@code bin/java} running the gateway's
 * main class in module stream.viewer (linked into the same image), with JNA's native access. The
 * server itself never loads JNA or GStreamer.
 *
 * @param command the full command line
 */
public record GatewayCommand(List<String> command) {
    /** The gateway's main class. */
    public static final String MAIN = "stream.viewer/stream.viewer.internal.webrtc.Gateway";

    /** @param command the full command line */
    public GatewayCommand {
        command = List.copyOf(command);
        if (command.isEmpty()) throw new IllegalArgumentException("empty gateway command");
    }

    /**
     * The gateway from this runtime: {@code java.home/bin/java -m stream.viewer/...}, with
     * {@code --module-path modulePath} when stream.viewer is not linked into the runtime (tests).
     * @param modulePath where stream.viewer and its dependencies are, or null in the image
     * @param options the gateway's options ({@code --ice-address}, {@code --max-viewers}, ...)
     * @return the command
     * @throws IllegalStateException when stream.viewer is neither in the runtime nor on the path
     */
    public static GatewayCommand ofRuntime(String modulePath, List<String> options) {
        return new GatewayCommand(MediaCommand.of(MAIN, "stream-webrtc", modulePath, options));
    }

    /** The system property naming the gateway's module path when the server does not run from the image. */
    public static final String MODULE_PATH_PROPERTY = MediaCommand.MODULE_PATH_PROPERTY;

    /**
     * The gateway as the server starts it: from the image, or from {@code -Dstream.webrtc.module-path=...}
     * (tests, a server run from out/mods).
     * @param iceAddresses the addresses ICE may use: the server's --bind address when it is a
     *     specific one; empty for every address of the host
     * @param maxViewers viewers of all streams together
     * @return the command
     */
    public static GatewayCommand forServer(List<String> iceAddresses, int maxViewers) {
        var options = new ArrayList<String>();
        for (String address : iceAddresses) options.addAll(List.of("--ice-address", address));
        options.addAll(List.of("--max-viewers", String.valueOf(maxViewers)));
        return ofRuntime(System.getProperty(MODULE_PATH_PROPERTY), options);
    }

    /**
     * @param prefix words put before the command, e.g. {@code ip netns exec NAME}
     * @return this command run through the prefix
     */
    public GatewayCommand prefixed(List<String> prefix) {
        var all = new ArrayList<>(prefix);
        all.addAll(command);
        return new GatewayCommand(all);
    }
}
