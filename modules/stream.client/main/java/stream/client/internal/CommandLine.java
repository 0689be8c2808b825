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
        String stream = null;
        String server = null;
        String token = null;
        String port = null;
        String sink = null;
        String frames = null;
        String timeout = null;
        String snapshot = null;
        String group = null;
        String bind = null;
        String httpTimeout = null;
        String whep = null;
        List<String> iceAddresses = new ArrayList<>();
        boolean json = false;
        boolean help = false;
        boolean version = false;
        for (int i = 0; i < args.size(); i++) {
            String arg = args.get(i);
            String name = arg;
            String value = null;
            int eq = arg.indexOf('=');
            if (arg.startsWith("--") && eq > 0) {
                name = arg.substring(0, eq);
                value = arg.substring(eq + 1);
            }
            switch (name) {
                case "-h", "--help" -> help = true;
                case "--version" -> version = true;
                case "--json" -> {
                    if (value != null) {
                        throw new UsageException("--json takes no value (got '" + arg + "')");
                    }
                    json = true;
                }
                case "--server", "--stream", "--token", "--port", "--sink", "--frames", "--timeout", "--snapshot", "--multicast", "--bind",
                        "--http-timeout", "--whep", "--ice-address" -> {
                    if (value == null) {
                        if (i + 1 >= args.size()) {
                            throw new UsageException(name + " needs a value");
                        }
                        value = args.get(++i);
                    }
                    switch (name) {
                        case "--server" -> server = value;
                        case "--stream" -> stream = value;
                        case "--token" -> token = value;
                        case "--port" -> port = value;
                        case "--sink" -> sink = value;
                        case "--frames" -> frames = value;
                        case "--timeout" -> timeout = value;
                        case "--snapshot" -> snapshot = value;
                        case "--multicast" -> group = value;
                        case "--bind" -> bind = value;
                        case "--whep" -> whep = value;
                        case "--ice-address" -> iceAddresses.add(value);
                        default -> httpTimeout = value;
                    }
                }
                default -> {
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
                }
            }
        }
        String serverFrom = "--server";
        if (server == null) {
            server = nonBlank(env.get("STREAM_SERVER"));
            serverFrom = "STREAM_SERVER";
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
        boolean viewAddressGiven = port != null || group != null;
        if (token == null) {
            token = nonBlank(env.get("STREAM_TOKEN"));
        }
        String portFrom = "--port";
        if (port == null) {
            port = nonBlank(env.get("STREAM_VIEW_PORT"));
            portFrom = "STREAM_VIEW_PORT";
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
