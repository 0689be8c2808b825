package stream.client.internal;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Pattern;
import stream.client.ControlClient;
import stream.viewer.ViewerOptions;
import stream.viewer.WhepViewer;

/**
 * The parsed command line of stream-client.
 *
 * @param command start, stop, status, view or list; null for the interactive menu
 * @param stream the stream named with --stream, or null for the server's default stream
 * @param server the server address (--server, STREAM_SERVER, or http://localhost:8590)
 * @param token the bearer token (--token, STREAM_TOKEN), or null
 * @param json print the server's JSON untouched
 * @param httpTimeout how long to wait for each answer of the server
 * @param viewer the options for view
 * @param viewAddressGiven --port or --multicast was given, so view does not look up where a named stream goes
 * @param whep the WHEP endpoint view pulls the stream from over WebRTC; null to receive pushed UDP
 * @param iceAddresses with whep: the only local addresses to offer ICE candidates on; empty for all
 * @param help --help was given
 * @param version --version was given
 */
record CommandLine(String command, String stream, URI server, String token, boolean json, Duration httpTimeout,
        ViewerOptions viewer, boolean viewAddressGiven, URI whep, List<String> iceAddresses, boolean help, boolean version) {

    /** The commands for scripts. */
    static final List<String> COMMANDS = List.of("start", "stop", "status", "view", "list");

    /**
     * One option, described once: the parser's known flags, which take a value, and the option
     * lines of the usage text come from {@link #OPTIONS}.
     *
     * @param flag e.g. "--server"
     * @param metavar what the value is called, e.g. "URL"; empty for a switch (--json)
     * @param env the environment variable that gives it when the flag does not, or null
     * @param help the usage text: the first line beside the flag, the others below it
     */
    record Option(String flag, String metavar, String env, List<String> help) {
        Option {
            Objects.requireNonNull(flag, "flag");
            Objects.requireNonNull(metavar, "metavar");
            help = List.copyOf(help);
        }

        static Option of(String flag, String metavar, String env, String... help) {
            return new Option(flag, metavar, env, List.of(help));
        }

        boolean takesValue() {
            return !metavar.isEmpty();
        }

        /** @return the usage lines, each ending with a newline */
        String usage() {
            String name = flag.equals("--help") ? "-h, --help" : takesValue() ? flag + " " + metavar : flag;
            StringBuilder b = new StringBuilder(String.format("  %-18s %s%s\n", name, help.get(0), env == null ? "" : " [" + env + "]"));
            for (String line : help.subList(1, help.size())) b.append(" ".repeat(21)).append(line).append('\n');
            return b.toString();
        }
    }

    /** Every option of stream-client, in the order of the usage. */
    static final List<Option> OPTIONS = List.of(
            Option.of("--server", "URL", "STREAM_SERVER", "the server's address (default http://localhost:8590)"),
            Option.of("--stream", "NAME", null, "act on this stream of the server (default: main, through /control);",
                    "view then receives it where its settings send it to this machine:",
                    "the UDP port of a destination here, or its multicast group",
                    "(unless --port or --multicast is given)"),
            Option.of("--token", "T", "STREAM_TOKEN", "bearer token, when the server requires one"),
            Option.of("--json", "", null, "print the server's JSON answer untouched (start, stop, status, list, menu)"),
            Option.of("--http-timeout", "D", null, "how long to wait for each answer of the server (default 15s;",
                    "connecting gives up after 3 s)"),
            Option.of("--port", "N", "STREAM_VIEW_PORT", "view: the UDP port the stream arrives on",
                    "(default 5000; with --stream, found from the stream's settings)"),
            Option.of("--multicast", "ADDR", null, "view: the multicast group to join (default: unicast)"),
            Option.of("--bind", "ADDR", null, "view: the local address to listen on (default: all)"),
            Option.of("--sink", "S", null, "view: auto (a window), a GStreamer video sink such as ximagesink,",
                    "or none (decode without a window)"),
            Option.of("--frames", "N", null, "view: stop after N decoded frames (default: no limit)"),
            Option.of("--timeout", "D", null, "view: stop after D, for example 30, 30s, 500ms, 2m (default: no limit)"),
            Option.of("--snapshot", "FILE", null, "view: write one decoded frame to FILE (PNG)"),
            Option.of("--whep", "URL", null, "view: pull the stream over WebRTC from the server's WHEP endpoint,",
                    "for example http://SERVER-HOST:8590/whep, instead of receiving UDP",
                    "(the server needs not know this machine's address; with --sink,",
                    "--frames, --timeout)"),
            Option.of("--ice-address", "ADDR", null, "view --whep: offer ICE candidates on this local address only",
                    "(repeatable; default: every address of this machine)"),
            Option.of("--help", "", null, "show this help"),
            Option.of("--version", "", null, "show the version"));

    private static final Map<String, Option> BY_FLAG = OPTIONS.stream()
            .collect(java.util.stream.Collectors.toUnmodifiableMap(Option::flag, o -> o));

    /** @return the option lines of the usage text, from {@link #OPTIONS} */
    static String optionsUsage() {
        return OPTIONS.stream().map(Option::usage).collect(java.util.stream.Collectors.joining());
    }

    /** What a usage error ends with, instead of the whole usage. */
    static final String HINT = "Run 'stream-client --help' for the options.";

    private static final Pattern DURATION = Pattern.compile("(\\d+(?:\\.\\d+)?)\\s*(ms|s|m|min)?");

    /** A usage error: one line naming the bad option or value. */
    static final class UsageException extends Exception {
        private static final long serialVersionUID = 1L;

        UsageException(String message) {
            super(message);
        }
    }

    /**
     * Parses the arguments; environment variables fill in what the arguments leave out.
     * @param args the arguments
     * @param env the environment (System.getenv() in production)
     * @return the command line
     * @throws UsageException naming the first bad option or value
     */
    static CommandLine parse(List<String> args, Map<String, String> env) throws UsageException {
        Objects.requireNonNull(env, "env");
        String command = null;
        Map<String, String> given = new java.util.HashMap<>(); // by flag; a switch as ""
        List<String> iceAddresses = new ArrayList<>();
        for (int i = 0; i < args.size(); i++) {
            String arg = args.get(i);
            String name = arg.equals("-h") ? "--help" : arg;
            String value = null;
            int eq = arg.indexOf('=');
            if (arg.startsWith("--") && eq > 0) {
                name = arg.substring(0, eq);
                value = arg.substring(eq + 1);
            }
            Option option = BY_FLAG.get(name);
            if (option == null) {
                if (arg.startsWith("-")) {
                    throw new UsageException("unknown option '" + arg + "'");
                }
                if (command != null) {
                    throw new UsageException("one command at a time: '" + command + "' and '" + arg + "'");
                }
                if (!COMMANDS.contains(arg)) {
                    throw new UsageException("unknown command '" + arg + "' (commands: " + String.join(", ", COMMANDS) + ")");
                }
                command = arg;
                continue;
            }
            if (!option.takesValue()) {
                if (value != null) {
                    throw new UsageException(name + " takes no value (got '" + arg + "')");
                }
                given.put(name, "");
                continue;
            }
            if (value == null) {
                if (i + 1 >= args.size()) {
                    throw new UsageException(name + " needs a value");
                }
                value = args.get(++i);
            }
            if (name.equals("--ice-address")) {
                iceAddresses.add(value); // repeatable
            } else {
                given.put(name, value);
            }
        }
        boolean help = given.containsKey("--help");
        boolean version = given.containsKey("--version");
        boolean json = given.containsKey("--json");
        String stream = given.get("--stream");
        String sink = given.get("--sink");
        String frames = given.get("--frames");
        String timeout = given.get("--timeout");
        String snapshot = given.get("--snapshot");
        String group = given.get("--multicast");
        String bind = given.get("--bind");
        String httpTimeout = given.get("--http-timeout");
        String whep = given.get("--whep");
        String server = given.get("--server");
        String serverFrom = "--server";
        if (server == null) {
            server = nonBlank(env.get(BY_FLAG.get("--server").env()));
            serverFrom = BY_FLAG.get("--server").env();
        }
        URI serverUri;
        try {
            serverUri = server == null ? ControlClient.DEFAULT_SERVER : ControlClient.checkServer(server);
        } catch (IllegalArgumentException e) {
            throw new UsageException(serverFrom + ": " + e.getMessage());
        }
        if (stream != null) {
            try {
                ControlClient.checkStreamName(stream);
            } catch (IllegalArgumentException e) {
                throw new UsageException("--stream: " + e.getMessage());
            }
        }
        String port = given.get("--port");
        boolean viewAddressGiven = port != null || group != null;
        String token = given.get("--token");
        if (token == null) {
            token = nonBlank(env.get(BY_FLAG.get("--token").env()));
        }
        String portFrom = "--port";
        if (port == null) {
            portFrom = BY_FLAG.get("--port").env();
            port = nonBlank(env.get(portFrom));
        }
        ViewerOptions viewer = ViewerOptions.defaults();
        try {
            if (port != null) {
                viewer = viewer.withPort(number(portFrom, port, 1, 65535));
            }
            if (sink != null) {
                viewer = viewer.withSink(sink);
            }
            if (frames != null) {
                viewer = viewer.withFrames(number("--frames", frames, 0, Integer.MAX_VALUE));
            }
            if (timeout != null) {
                viewer = viewer.withTimeout(duration("--timeout", timeout));
            }
            if (snapshot != null) {
                viewer = viewer.withSnapshot(Path.of(snapshot));
            }
            if (group != null) {
                viewer = viewer.withMulticastGroup(group);
            }
            if (bind != null) {
                viewer = viewer.withBindAddress(bind);
            }
        } catch (IllegalArgumentException e) {
            throw new UsageException(e.getMessage());
        }
        URI whepUri = null;
        if (whep == null && !iceAddresses.isEmpty()) {
            throw new UsageException("--ice-address goes with --whep (WebRTC); the UDP viewer has --bind");
        }
        if (whep != null) {
            if (port != null && portFrom.equals("--port") || snapshot != null || group != null || bind != null) {
                throw new UsageException("--whep pulls the stream over WebRTC: --port, --bind, --multicast and --snapshot"
                        + " are for receiving UDP");
            }
            try {
                whepUri = WhepViewer.checkUrl(whep);
            } catch (IllegalArgumentException e) {
                throw new UsageException(e.getMessage());
            }
        }
        Duration http = httpTimeout == null ? ControlClient.DEFAULT_REQUEST_TIMEOUT : duration("--http-timeout", httpTimeout);
        return new CommandLine(command, stream, serverUri, token, json, http, viewer, viewAddressGiven, whepUri,
                List.copyOf(iceAddresses), help, version);
    }

    private static String nonBlank(String s) {
        return s == null || s.isBlank() ? null : s.strip();
    }

    private static int number(String option, String value, int min, int max) throws UsageException {
        try {
            int n = Integer.parseInt(value.strip());
            if (n >= min && n <= max) {
                return n;
            }
        } catch (NumberFormatException e) {
            // named below
        }
        throw new UsageException(option + ": '" + value + "' is not a whole number from " + min + " to " + max);
    }

    /** Parses "10", "10s", "1.5s", "500ms", "2m": a bare number means seconds. */
    private static Duration duration(String option, String value) throws UsageException {
        var m = DURATION.matcher(value.strip().toLowerCase(Locale.ROOT));
        if (m.matches()) {
            double amount = Double.parseDouble(m.group(1));
            String unit = m.group(2) == null ? "s" : m.group(2);
            double ms = switch (unit) {
                case "ms" -> amount;
                case "s" -> amount * 1000;
                default -> amount * 60_000;
            };
            if (ms >= 1 && ms < 1e12) {
                return Duration.ofMillis((long) ms);
            }
        }
        throw new UsageException(option + ": '" + value + "' is not a positive duration (for example 30, 30s, 500ms, 2m)");
    }
}
