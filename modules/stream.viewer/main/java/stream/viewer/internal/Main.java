package stream.viewer.internal;

import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import stream.viewer.Viewer;
import stream.viewer.ViewerException;
import stream.viewer.ViewerOptions;
import stream.viewer.ViewerReport;
import stream.viewer.ViewerReport.Ending;

/** Command-line entry point of stream.viewer: {@code stream-viewer [options]}. */
public final class Main {
    static final int OK = 0;
    static final int FAILED = 1;
    static final int USAGE = 2;
    static final int ENVIRONMENT = 3;

    /**
     * One option, described once: the parser's known flags and the option lines of the usage
     * text come from {@link #OPTIONS}.
     *
     * @param flag e.g. "--port"
     * @param metavar what the value is called, e.g. "PORT"; empty for --help and --version
     * @param help the usage text: the first line beside the flag, the others below it
     */
    record Option(String flag, String metavar, List<String> help) {
        static Option of(String flag, String metavar, String... help) {
            return new Option(flag, metavar, List.of(help));
        }

        String usage() {
            StringBuilder b = new StringBuilder(String.format("  %-20s %s\n", metavar.isEmpty() ? flag : flag + " " + metavar, help.get(0)));
            for (String line : help.subList(1, help.size())) b.append(" ".repeat(23)).append(line).append('\n');
            return b.toString();
        }
    }

    /** Every option of stream-viewer, in the order of the usage. */
    static final List<Option> OPTIONS = List.of(
            Option.of("--port", "PORT", "UDP port the stream arrives on (default 5000)"),
            Option.of("--bind", "ADDRESS", "listen on this local address only (default: all addresses);",
                    "with --multicast, join the group on this address's interface"),
            Option.of("--multicast", "GROUP", "join this multicast group, e.g. 239.255.42.1 (default: unicast)"),
            Option.of("--sink", "SINK", "auto: a window (autovideosink, the default);",
                    "a GStreamer video sink, e.g. ximagesink or glimagesink;",
                    "none: decode without a window (scripts, no display)"),
            Option.of("--frames", "N", "exit after N decoded frames (default 0: no limit)"),
            Option.of("--timeout", "D", "give up after D: 20, 2.5, 20s, 500ms, 2m (a bare number",
                    "is seconds; default: no limit)"),
            Option.of("--snapshot", "FILE.png", "write one decoded frame to FILE.png"),
            Option.of("--mute", "", "do not play the stream's sound (Opus on PORT+2; played by default)"),
            Option.of("--whep", "URL", "watch over WebRTC from the server's WHEP endpoint instead,",
                    "e.g. http://SERVER-HOST:8590/whep or .../streams/NAME/whep",
                    "(with --sink, --frames, --timeout, --ice-address)"),
            Option.of("--ice-address", "ADDR", "with --whep: offer ICE candidates on this local address only",
                    "(repeatable; default: every address of this machine)"),
            Option.of("--help", "", "print this help and exit"),
            Option.of("--version", "", "print the version and exit"));

    private static final java.util.Map<String, Option> BY_FLAG = OPTIONS.stream()
            .collect(java.util.stream.Collectors.toUnmodifiableMap(Option::flag, o -> o));

    // The option lines of the usage text, from the descriptions.
    private static String optionsUsage() {
        return OPTIONS.stream().map(Option::usage).collect(java.util.stream.Collectors.joining()).stripTrailing();
    }

    /** What a usage error ends with, instead of the whole usage. */
    public static final String HINT = "Run 'stream-viewer --help' for the options.";

    static final String USAGE_TEXT = """
            Usage: stream-viewer [options]
            Shows the live H.264 video that stream-server sends as RTP over UDP, in a window.

            Options:
            %s
            Options may also be written --name=value.

            Closing the window or Ctrl+C ends the viewer; it then prints what it saw
            (frames decoded, mean frame rate, time to the first frame). It keeps waiting
            when the stream stops, and shows it again in the same window when it restarts.

            Exit codes:
              0  the window was closed, Ctrl+C, or --frames N frames were decoded
              1  run-time failure: GStreamer error, --timeout before the frames (or before any frame)
              2  usage error: unknown option or bad value
              3  environment problem: no display (DISPLAY and WAYLAND_DISPLAY unset; use
                 --sink none), GStreamer plugin missing, UDP port in use

            Examples:
              stream-viewer                                   # window, udp/5000
              stream-viewer --sink none --frames 30 --timeout 20 --snapshot frame.png
            """.formatted(optionsUsage()); // the options, from their descriptions

    private Main() {}

    /** A bad command line: one line naming the problem. */
    static final class UsageException extends Exception {
        private static final long serialVersionUID = 1L;

        UsageException(String message) {
            super(message);
        }
    }

    /**
     * Runs the command line and exits with the documented code.
     * @param args the arguments
     */
    public static void main(String[] args) {
        if (System.getProperty("java.util.logging.SimpleFormatter.format") == null) {
            System.setProperty("java.util.logging.SimpleFormatter.format", "stream-viewer: %4$s %3$s: %5$s%6$s%n");
        }
        int code;
        try {
            code = run(args, System.out, System.err);
        } catch (Throwable e) { // the last line of defence: one line, never a stack trace
            System.err.println("stream-viewer: unexpected failure: " + e
                    + "; please report it with the command line you used");
            code = FAILED;
        }
        System.exit(code);
    }

    static int run(String[] args, PrintStream out, PrintStream err) throws InterruptedException {
        if (stream.viewer.internal.webrtc.WhepCommand.wanted(args)) { // pulling over WebRTC instead of UDP
            return stream.viewer.internal.webrtc.WhepCommand.run(args, out, err);
        }
        ViewerOptions options;
        try {
            options = parse(args, out);
        } catch (UsageException e) {
            err.println("stream-viewer: " + e.getMessage()); // the one problem, not the whole usage
            err.println(HINT);
            return USAGE;
        }
        if (options == null) {
            return OK; // --help or --version was handled
        }
        Viewer viewer;
        try {
            viewer = Viewer.start(options, line -> err.println("stream-viewer: " + line));
        } catch (ViewerException e) {
            err.println("stream-viewer: " + e.getMessage());
            return e.isEnvironment() ? ENVIRONMENT : FAILED;
        }
        // Ctrl+C (SIGINT) or SIGTERM: the pipeline stops cleanly, the summary is printed, exit 0.
        return viewer.runUntilEnd(report -> {
            int code = exitCode(report, options);
            String detail = report.message().isEmpty() || report.ending() == Ending.CLOSED
                    || report.ending() == Ending.FRAMES_REACHED || report.ending() == Ending.WINDOW_CLOSED
                    ? "" : report.message() + "; ";
            if (code == OK) {
                out.println("stream-viewer: " + ending(report) + detail + report.summary());
            } else {
                err.println("stream-viewer: " + detail + report.summary());
            }
            out.flush();
            err.flush();
            return code;
        });
    }

    private static String ending(ViewerReport report) {
        return switch (report.ending()) {
            case WINDOW_CLOSED -> "window closed; ";
            case CLOSED -> "stopped; ";
            default -> "";
        };
    }

    static int exitCode(ViewerReport report, ViewerOptions options) {
        return switch (report.ending()) {
            case WINDOW_CLOSED, CLOSED, FRAMES_REACHED -> OK;
            // Watching for a while without --frames is fine if something was seen.
            case TIMEOUT -> options.frames() == 0 && report.frames() > 0 ? OK : FAILED;
            case ERROR -> FAILED;
        };
    }

    /** Parses the command line; returns null after printing --help or --version. */
    static ViewerOptions parse(String[] args, PrintStream out) throws UsageException {
        var options = ViewerOptions.defaults();
        List<String> list = new ArrayList<>(List.of(args));
        for (int i = 0; i < list.size(); i++) {
            String arg = list.get(i);
            String name = arg;
            String value = null;
            int eq = arg.indexOf('=');
            if (arg.startsWith("--") && eq > 0) {
                name = arg.substring(0, eq);
                value = arg.substring(eq + 1);
            }
            Option option = BY_FLAG.get(name.equals("-h") ? "--help" : name);
            if (option == null) {
                throw new UsageException(arg.startsWith("-") ? "unknown option " + arg : "unexpected argument " + arg);
            }
            switch (option.flag()) {
                case "--help" -> {
                    out.print(USAGE_TEXT);
                    return null;
                }
                case "--mute" -> {
                    if (value != null) throw new UsageException("--mute takes no value");
                    options = options.withMute(true);
                }
                case "--version" -> {
                    // The module's version, recorded by build.sh (javac and jar --module-version).
                    out.println("stream-viewer " + Main.class.getModule().getDescriptor().rawVersion().orElse("unversioned"));
                    return null;
                }
                default -> {
                    if (value == null) {
                        if (i + 1 >= list.size()) {
                            throw new UsageException(name + " needs a value");
                        }
                        value = list.get(++i);
                    }
                    if (name.equals("--ice-address")) {
                        throw new UsageException("--ice-address goes with --whep (WebRTC); the UDP viewer has --bind");
                    }
                    options = apply(options, name, value);
                }
            }
        }
        return options;
    }

    private static ViewerOptions apply(ViewerOptions options, String name, String value) throws UsageException {
        try {
            return switch (name) {
                case "--port" -> options.withPort(integer(name, value, 1, 65535));
                case "--bind" -> options.withBindAddress(nonEmpty(name, value));
                case "--multicast" -> options.withMulticastGroup(multicast(value));
                case "--sink" -> options.withSink(nonEmpty(name, value));
                case "--frames" -> options.withFrames(integer(name, value, 0, Integer.MAX_VALUE));
                case "--timeout" -> options.withTimeout(duration(value));
                case "--snapshot" -> options.withSnapshot(snapshot(value));
                default -> throw new UsageException("unknown option " + name);
            };
        } catch (IllegalArgumentException e) {
            throw new UsageException(name + " " + value + ": " + e.getMessage());
        }
    }

    private static String nonEmpty(String name, String value) throws UsageException {
        if (value.isBlank()) {
            throw new UsageException(name + " needs a value");
        }
        return value;
    }

    private static int integer(String name, String value, int min, int max) throws UsageException {
        try {
            int v = Integer.parseInt(value.trim());
            if (v < min || v > max) {
                throw new NumberFormatException();
            }
            return v;
        } catch (NumberFormatException e) {
            throw new UsageException(name + " must be a whole number from " + min + " to " + max + ", not '" + value + "'");
        }
    }

    private static Duration duration(String value) throws UsageException {
        try {
            return TimeoutOption.parse(value);
        } catch (IllegalArgumentException e) {
            throw new UsageException(e.getMessage());
        }
    }

    private static String multicast(String value) throws UsageException {
        String v = value.trim();
        // Checked by syntax only: a name lookup here would hang on a broken resolver.
        if (!v.matches("\\d{1,3}(\\.\\d{1,3}){3}|[0-9A-Fa-f:]+:[0-9A-Fa-f:.]*")) {
            throw new UsageException("--multicast must be a multicast IP address such as 239.255.42.1, not '"
                    + value + "'");
        }
        try {
            if (!java.net.InetAddress.getByName(v).isMulticastAddress()) {
                throw new UsageException("--multicast " + value
                        + " is not a multicast address (IPv4: 224.0.0.0 to 239.255.255.255)");
            }
        } catch (java.net.UnknownHostException e) {
            throw new UsageException("--multicast must be a multicast IP address, not '" + value + "'");
        }
        return v;
    }

    private static Path snapshot(String value) throws UsageException {
        if (value.isBlank()) {
            throw new UsageException("--snapshot needs a file name ending in .png");
        }
        if (!value.toLowerCase(java.util.Locale.ROOT).endsWith(".png")) {
            throw new UsageException("--snapshot writes a PNG: give a file name ending in .png, not '" + value + "'");
        }
        return Path.of(value);
    }
}
