package stream.server.internal;

import stream.server.internal.settings.SettingsGrammar;
import stream.server.internal.settings.Validation;
import stream.server.internal.settings.InvalidValueException;
import stream.server.internal.settings.Option;
import stream.server.internal.settings.Setting;
import stream.server.internal.settings.CameraGrammar;
import stream.server.internal.settings.StreamSettings;
import stream.server.internal.stream.Stream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import stream.server.ServerConfig;
import stream.server.StreamServer;

/** Command-line entry point of stream.server. */
public final class Main {
    private Main() {}

    /** Exit codes, the same for every launcher of the project. */
    static final int OK = 0, FAILED = 1, USAGE = 2, ENVIRONMENT = 3;

    /** The server's own options before the stream settings in the usage. */
    private static final List<Option> SERVER = List.of(
            Option.of("--port", "N", "8590", "HTTP port, 0 for any free one"),
            Option.of("--bind", "ADDRESS", "0.0.0.0", "address to listen on"),
            Option.of("--token", "TOKEN", null, "bearer token required for every request",
                    "that changes the stream (Authorization: Bearer TOKEN), from",
                    "loopback too: behind a reverse proxy every client is loopback"),
            Option.toggle("--trust-loopback", "with --token: loopback clients need no",
                    "token, 1 or true (only where no proxy or other user on this host",
                    "forwards requests)"),
            Option.of("--allow-origin", "ORIGIN", null, "a web origin, https://host[:port], whose",
                    "pages may change the stream; repeat it or separate with commas",
                    "(pages of other sites are refused; curl and scripts are not concerned)"),
            Option.of("--server-name", "NAMES", null, "names the server is reached by besides its",
                    "addresses and host name (DNS, a proxy's Host), with commas; requests",
                    "for any other name get 421 (against DNS rebinding)"),
            Option.of("--tls-cert", "FILE", null, "serve HTTPS on --port with this certificate",
                    "chain (PEM, as nginx's ssl_certificate); SIGHUP reloads it"),
            Option.of("--tls-key", "FILE", null, "the certificate's private key (PEM, unencrypted,",
                    "mode 0600, as nginx's ssl_certificate_key)"),
            new Option("--make-cert", "DIR", null, null, List.of("write a self-signed cert.pem and key.pem for",
                    "this host's names and addresses into DIR, print how to use them, and",
                    "exit (a first try on a LAN; browsers warn until it is trusted)")),
            Option.of("--max-connections", "N", "2500", "HTTP connections open at once (more are",
                    "closed); each takes up to ~50 KB of heap while it sends a request"),
            Option.of("--request-timeout", "S", "10", "seconds a client has to send a whole",
                    "request; slower ones are closed"),
            Option.of("--idle-timeout", "S", "30", "seconds a kept-alive connection may idle"),
            Option.of("--max-streams", "N", "64", "streams defined at once, main included; a PUT",
                    "of one more is refused (409)"),
            Option.of("--state-dir", "DIR", null, "private directory (pid files, streams)",
                    "default $XDG_STATE_HOME/stream-server, else ~/.local/state/stream-server",
                    "(made 0700); one that other users can write is refused (exit 3);",
                    "it keeps the named streams' definitions in streams-PORT.json"));

    /** The server's own options after the stream settings in the usage. */
    private static final List<Option> LATER = List.of(
            Option.toggle("--start", "start the stream as soon as the server",
                    "listens, as POST start would (also --start=true|false, or the variable",
                    "1 or true); if it fails, the server keeps serving and GET /control",
                    "says failed (with lastStderr)"),
            Option.of("--streams", "FILE", null, "more named streams beside main, as JSON",
                    "{\"cam2\": {\"source\": \"/dev/video1\", \"destinations\": [\"127.0.0.1:5002\"],",
                    " \"width\": 640, \"height\": 360, \"autostart\": true}}",
                    "(settings as PUT /streams/NAME takes them; \"autostart\": true starts it",
                    "with the server). They are kept in STATE-DIR/streams-PORT.json with",
                    "the streams PUT defines, and a name in both takes FILE's definition."),
            Option.of("--webrtc-addresses", "LIST", null, "the only local addresses WebRTC offers",
                    "browsers (ICE candidates): IPs with commas, or \"all\"; default: the",
                    "--bind address when it is a specific one, else every address of the host"),
            Option.of("--stun-server", "URL", null, "stun://host:port for WebRTC behind NAT",
                    "(nothing is sent to the internet unless this is set)"),
            Option.of("--rtsp-port", "N", "8554", "RTSP port: every stream at rtsp://HOST:N/NAME",
                    "(for Frigate, Home Assistant, VLC, ffmpeg); 0 serves no RTSP"),
            new Option("--help", "", null, null, List.of("this text")),
            new Option("--version", "", null, null, List.of("the version")));

    /** Every option of stream-server, in the order of the usage: its own, the stream settings, its own again. */
    static final List<Option> OPTIONS = java.util.stream.Stream.of(SERVER.stream(),
            StreamSettings.ALL.stream().map(Setting::option), LATER.stream()).flatMap(o -> o).toList();

    private static final Map<String, Option> BY_FLAG = OPTIONS.stream()
            .collect(java.util.stream.Collectors.toUnmodifiableMap(Option::flag, o -> o));

    // The option lines of the usage text, from the descriptions.
    private static String optionsUsage() {
        return OPTIONS.stream().map(Option::usage).collect(java.util.stream.Collectors.joining()).stripTrailing();
    }

    /** What a usage error ends with, instead of the whole usage. */
    static final String HINT = "Run 'stream-server --help' for the options.";

    /**
     * @return the --help text. A method, not a constant: making the route table loads the features'
     *     classes, whose loggers would start java.util.logging before main() chooses its LogManager
     *     (the shutdown would then lose its log lines).
     */
    static String usageText() {
        return """
            Usage: stream-server [options]

            Serves an HTTP API (and a dashboard at /) that starts, stops and supervises live
            H.264/RTP/UDP streams, each its own gst-launch-1.0: camera or test pattern -> x264 8-bit
            4:2:0 constrained-baseline -> RTP/UDP. The options define the stream "main"; more are
            defined with PUT /streams/NAME or --streams FILE.

            Options (each also from the environment variable in brackets; the option wins):
            %s

            API (the route table; NAME is a stream's name, main the stream of /control):
            %s
            %s
            Exit codes:
              0  ended normally
              1  failed at run time
              2  usage error (unknown option, bad value)
              3  environment problem (port in use, gst-launch-1.0 missing, state dir not writable or unsafe,
                 a damaged streams-PORT.json in the state directory: the message names it and what is wrong)
              70 a vital thread died (out of memory, a bug): a service manager should restart the server
              130, 143  ended by Ctrl+C (SIGINT) or SIGTERM, after it stopped the stream (the stream's
                 gst-launch-1.0 runs in a session of its own, via setsid, so only the server ends it; with
                 setpriv it also dies with the server, even after a kill -9)
              SIGHUP does not end the server: it reads the TLS certificate and the users file again
                 (a problem is logged and what is in use stays); the streams go on
            """.formatted(optionsUsage(), routes(), startFields()); // the options and routes, from their descriptions
    }

    /** @return the route table, indented as the usage's sections */
    private static String routes() {
        return String.join("\n", StreamServer.routeTable().stream().map(r -> "  " + r).toList());
    }

    // "optional settings with start: width, ..." wrapped as the API section is.
    private static String startFields() {
        StringBuilder out = new StringBuilder();
        StringBuilder line = new StringBuilder("       optional settings with start:");
        List<Setting<?>> all = StreamSettings.ALL;
        for (int i = 0; i < all.size(); i++) {
            Setting<?> s = all.get(i);
            String word = " " + s.name() + (s.json() == Setting.JsonType.LIST ? " (list)" : "")
                    + (i < all.size() - 1 ? "," : "; defaults from the options");
            if (line.length() + word.length() > 102) {
                out.append(line).append('\n');
                line = new StringBuilder("      ");
            }
            line.append(word);
        }
        return out.append(line).append('\n').toString();
    }

    /** An option's value, and its name as messages show it: "--dest", or "--dest (from STREAM_DEST)". */
    record Given(String value, String label) {}

    /** A usage error: one line for stderr. */
    static final class UsageException extends Exception {
        private static final long serialVersionUID = 1L;

        UsageException(String message) {
            super(message, null, false, false);
        }
    }

    /**
     * Runs the command line.
     * @param args the arguments
     */
    public static void main(String[] args) {
        if (System.getProperty("java.util.logging.manager") == null)
            System.setProperty("java.util.logging.manager", ShutdownSafeLogManager.class.getName());
        if (System.getProperty("java.util.logging.SimpleFormatter.format") == null)
            System.setProperty("java.util.logging.SimpleFormatter.format", "%1$tFT%1$tT.%1$tL %4$s %3$s: %5$s%6$s%n");
        VitalThreads.install();
        int code;
        try {
            code = run(args, System.getenv(), System.out, System.err);
        } catch (Throwable t) {
            System.err.println("stream-server: unexpected error: " + t + "; please report it");
            code = FAILED;
        }
        if (code != OK) System.exit(code);
    }

    static int run(String[] args, Map<String, String> env, PrintStream out, PrintStream err) throws InterruptedException {
        ServerConfig config;
        boolean start;
        Path streamsFile;
        try {
            Map<String, Given> values = parse(args, env);
            if (values.containsKey("--help")) {
                out.print(usageText());
                return OK;
            }
            if (values.containsKey("--version")) {
                // The module's version, recorded by build.sh (javac and jar --module-version).
                out.println("stream-server " + Main.class.getModule().getDescriptor().rawVersion().orElse("unversioned"));
                return OK;
            }
            if (values.containsKey("--make-cert")) return makeCert(get(values, "--make-cert"), out, err);
            config = toConfig(values);
            start = autostart(values);
            String file = get(values, "--streams");
            streamsFile = file == null ? null : Path.of(file);
        } catch (java.nio.file.InvalidPathException e) {
            err.println("stream-server: --streams: " + e.getMessage());
            err.println(HINT);
            return USAGE;
        } catch (UsageException | IllegalArgumentException e) {
            err.println("stream-server: " + e.getMessage()); // the one problem, not the whole usage
            err.println(HINT);
            return USAGE;
        }
        warnIfNoCamera(config, err);
        StreamServer server;
        try {
            server = StreamServer.start(config, start, streamsFile);
        } catch (StreamServer.PortInUseException e) {
            err.println("stream-server: " + e.getMessage() + "; stop the other server or choose another with --port");
            return ENVIRONMENT;
        } catch (IllegalArgumentException e) {
            err.println("stream-server: " + e.getMessage());
            return USAGE;
        } catch (IOException e) {
            err.println("stream-server: " + e.getMessage());
            return ENVIRONMENT;
        }
        CountDownLatch done = new CountDownLatch(1);
        Thread hook = new Thread(() -> {
            server.close(); // the child ends first, then HTTP
            done.countDown();
        }, "stream-server-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        try {
            stream.server.internal.access.Reload.onHangup(server::reload); // SIGHUP: certificate and users file, the streams go on
        } catch (IllegalStateException e) {
            System.getLogger("stream.server").log(System.Logger.Level.WARNING, e.getMessage());
        }
        // Machine-readable line for scripts and tests (the port may have been 0).
        String scheme = server.tls() ? "https" : "http";
        out.println("stream-server listening on " + scheme + "://" + hostForUrl(config.bind()) + ":" + server.port() + "/control");
        // For a person: the addresses to open the dashboard at (the line above is for scripts).
        DashboardAddresses.lines(scheme, config.bind(), server.port()).forEach(out::println);
        out.flush();
        // After the listening line, so scripts and clients can reach the API while the child starts.
        Thread others = Thread.ofVirtual().name("autostart").start(server::startAutostartStreams);
        if (start) server.startStream();
        others.join();
        done.await();
        return OK;
    }

    /**
     * --make-cert DIR: a self-signed certificate for this host's name, its addresses and
     * localhost, for a first try on a LAN.
     */
    private static int makeCert(String dir, PrintStream out, PrintStream err) {
        if (dir == null || dir.isBlank()) {
            err.println("stream-server: --make-cert: give a directory");
            err.println(HINT);
            return USAGE;
        }
        List<String> names = new java.util.ArrayList<>();
        try {
            String host = java.net.InetAddress.getLocalHost().getHostName();
            if (host.matches("[A-Za-z0-9.-]+") && !host.equals("localhost")) names.add(host);
        } catch (IOException e) {
            // no host name: addresses and localhost only
        }
        try {
            java.net.NetworkInterface.networkInterfaces().filter(i -> {
                try {
                    return i.isUp() && !i.isLoopback();
                } catch (java.net.SocketException e) {
                    return false;
                }
            }).flatMap(java.net.NetworkInterface::inetAddresses)
                    .filter(a -> a instanceof java.net.Inet4Address || !a.isLinkLocalAddress())
                    .map(a -> a.getHostAddress().replaceAll("%.*", "")).distinct().forEach(names::add);
        } catch (java.net.SocketException e) {
            // no interfaces listed: loopback only
        }
        names.add("localhost");
        names.add("127.0.0.1");
        names.add("::1");
        try {
            Path d = Path.of(dir);
            if (!java.nio.file.Files.isDirectory(d))
                java.nio.file.Files.createDirectories(d, java.nio.file.attribute.PosixFilePermissions.asFileAttribute(
                        java.nio.file.attribute.PosixFilePermissions.fromString("rwx------")));
            var w = stream.server.internal.access.SelfSigned.write(d, names, java.time.Duration.ofDays(365));
            out.println("stream-server: wrote " + w.cert() + " (for " + String.join(", ", names) + ", valid 365 days) and its key " + w.key() + " (mode 0600)");
            out.println("Serve HTTPS with: stream-server --tls-cert " + w.cert() + " --tls-key " + w.key());
            out.println("Clients: curl --cacert " + w.cert() + " https://HOST:8590/health; browsers warn until the certificate is trusted on each device.");
            return OK;
        } catch (java.nio.file.InvalidPathException e) {
            err.println("stream-server: --make-cert: " + e.getMessage());
            return USAGE;
        } catch (IOException e) {
            err.println("stream-server: --make-cert: cannot write to " + dir + ": " + e.getMessage());
            return ENVIRONMENT;
        }
    }

    // A /dev/videoN of the options is kept though it is not there (its camera may come after the
    // server, at boot): said once here, and the stream fails to start until it is there.
    private static void warnIfNoCamera(ServerConfig config, PrintStream err) {
        String source = com.eclipsesource.json.Json.parse(config.settingsJson()).asObject().getString(StreamSettings.SOURCE.name(), "");
        if (source.startsWith("/dev/") && !java.nio.file.Files.exists(Path.of(source)))
            err.println("stream-server: warning: --source '" + clip(source) + "': no such device yet; "
                    + Validation.missingDeviceHint("--source") + " (the stream fails to start until it is there)");
    }

    private static String hostForUrl(String h) {
        return h.indexOf(':') >= 0 ? "[" + h + "]" : h;
    }

    /** Options from the environment, then from the arguments, which override them. */
    static Map<String, Given> parse(String[] args, Map<String, String> env) throws UsageException {
        Map<String, Given> values = new LinkedHashMap<>();
        for (Option o : OPTIONS) {
            String v = o.env() == null ? null : env.get(o.env());
            if (v != null && !v.isEmpty()) values.put(o.flag(), new Given(v, o.flag() + " (from " + o.env() + ")"));
        }
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            if (a.equals("--help") || a.equals("-h") || a.equals("--version")) {
                String name = a.equals("-h") ? "--help" : a;
                values.put(name, new Given("", name));
                continue;
            }
            Option given = BY_FLAG.get(a.indexOf('=') > 0 ? a.substring(0, a.indexOf('=')) : a);
            if (given != null && given.isSwitch()) { // a switch: no value, or --start=true|false
                String sw = given.flag();
                values.put(sw, new Given(a.equals(sw) ? "true" : a.substring(sw.length() + 1), sw));
                continue;
            }
            String name = a;
            String value;
            int eq = a.indexOf('=');
            if (a.startsWith("--") && eq > 0) {
                name = a.substring(0, eq);
                value = a.substring(eq + 1);
            } else {
                value = null;
            }
            if (!BY_FLAG.containsKey(name)) throw new UsageException("unknown option '" + clip(a) + "'");
            if (value == null) {
                if (i + 1 >= args.length) throw new UsageException("option " + name + " needs a value");
                value = args[++i];
            }
            Given before = values.get(name);
            if ((name.equals("--allow-origin") || name.equals("--server-name")) && before != null && before.label().equals(name)) // repeatable
                value = before.value() + "," + value;
            values.put(name, new Given(value, name));
        }
        return values;
    }

    /**
     * @param values the parsed options
     * @return whether to start the stream once the server listens (--start, STREAM_START=1|true)
     * @throws UsageException for a value other than 1, true, 0, false
     */
    static boolean autostart(Map<String, Given> values) throws UsageException {
        return flag(values, "--start", "start the stream at once (0 or false: wait for POST start)");
    }

    private static boolean flag(Map<String, Given> values, String option, String meaning) throws UsageException {
        String v = get(values, option);
        if (v == null) return false;
        switch (v.toLowerCase(java.util.Locale.ROOT)) {
            case "1", "true" -> { return true; }
            case "0", "false" -> { return false; }
            default -> throw new UsageException(label(values, option) + " '" + clip(v) + "': expected 1 or true to " + meaning);
        }
    }

    private static String clip(String s) {
        String q = SettingsGrammar.show(s);
        return q.substring(1, q.length() - 1);
    }

    private static String get(Map<String, Given> values, String option) {
        Given g = values.get(option);
        return g == null ? null : g.value();
    }

    private static String label(Map<String, Given> values, String option) {
        Given g = values.get(option);
        return g == null ? option : g.label();
    }

    /** Reads the stream settings among the flags, all at once, with the grammar of the API; errors name the flag. */
    private static ServerConfig withStreamSettings(ServerConfig c, Map<String, Given> values) throws UsageException {
        String dest = StreamSettings.DESTINATIONS.flag(), multicast = StreamSettings.MULTICAST.flag();
        if (get(values, dest) != null && get(values, multicast) != null)
            throw new UsageException(label(values, multicast) + ": give either " + dest + " or " + multicast + ", not both");
        Map<String, String> texts = new LinkedHashMap<>();
        for (Setting<?> s : StreamSettings.ALL) {
            String v = get(values, s.flag());
            if (v == null) continue;
            // Whether the device is there and is a camera belongs to this machine, not to the grammar: named here.
            if (s == StreamSettings.SOURCE && !v.equals("auto") && !v.equals("test") && !CameraGrammar.isCameraUrl(v))
                Validation.devicePath(label(values, s.flag()), v);
            // Every local user reads a command line in /proc: a password is taken only from the environment.
            if (StreamSettings.SECRETS.contains(s) && label(values, s.flag()).equals(s.flag()))
                throw new UsageException(s.flag() + " on the command line is readable by every local user (/proc/PID/cmdline):"
                        + " set " + s.env() + " instead, or send it with PUT /streams/NAME");
            texts.put(s.name(), v);
        }
        try {
            return c.withSettings(texts);
        } catch (SettingsGrammar.Invalid bad) {
            for (Setting<?> s : StreamSettings.ALL)
                if (s.name().equals(bad.field()) && get(values, s.flag()) != null)
                    // a camera URL with credentials and a password are shown as the grammar shows them: not echoed
                    throw new InvalidValueException(label(values, s.flag()),
                            s == StreamSettings.SOURCE || StreamSettings.SECRETS.contains(s) ? bad.value() : get(values, s.flag()),
                            "not allowed; expected " + bad.allowed());
            throw bad;
        }
    }

    /** IP literals with commas, or "all" (an empty list: every address of the host). */
    private static List<String> webrtcAddresses(String label, String v) throws UsageException {
        if (v.strip().equals("all")) return List.of();
        List<String> out = new java.util.ArrayList<>();
        for (String a : v.split(",", -1)) {
            String address = a.strip();
            if (!address.matches("[0-9]{1,3}(\\.[0-9]{1,3}){3}|[0-9A-Fa-f:]*:[0-9A-Fa-f:.]*"))
                throw new UsageException(label + " '" + clip(v) + "': expected IP addresses separated by commas, or all");
            try {
                out.add(java.net.InetAddress.getByName(address).getHostAddress()); // a literal: no lookup
            } catch (java.net.UnknownHostException e) {
                throw new UsageException(label + " '" + clip(address) + "': not an IP address");
            }
        }
        return out;
    }

    private static int number(Map<String, Given> values, String option, int otherwise, int min, int max) {
        String v = get(values, option);
        if (v == null) return otherwise;
        try {
            return SettingsGrammar.intIn(label(values, option), v, min, max, "");
        } catch (SettingsGrammar.Invalid e) {
            throw new InvalidValueException(label(values, option), v, "expected " + e.allowed());
        }
    }

    private static final java.util.regex.Pattern ORIGIN =
            java.util.regex.Pattern.compile("https?://([A-Za-z0-9-]+(\\.[A-Za-z0-9-]+)*|\\[[0-9A-Fa-f:.]+\\])(:[0-9]{1,5})?");

    private static List<String> origins(Map<String, Given> values) {
        String v = get(values, "--allow-origin");
        if (v == null) return List.of();
        List<String> list = new java.util.ArrayList<>();
        for (String o : v.split(",", -1)) {
            String t = o.strip();
            if (!ORIGIN.matcher(t).matches())
                throw new InvalidValueException(label(values, "--allow-origin"), t,
                        "not a web origin; expected scheme://host[:port] as a browser sends it, e.g. https://cam.example.org");
            list.add(t);
        }
        return list;
    }

    private static List<String> serverNames(Map<String, Given> values) {
        String v = get(values, "--server-name");
        if (v == null) return List.of();
        List<String> list = new java.util.ArrayList<>();
        for (String o : v.split(",", -1)) {
            String t = o.strip();
            if (!stream.server.internal.http.server.HttpEndpoint.validServerName(t))
                throw new InvalidValueException(label(values, "--server-name"), t,
                        "not a host name; expected names such as cam.example.org (no scheme, no port), separated by commas");
            list.add(t);
        }
        return list;
    }

    private static Path path(Map<String, Given> values, String flag) throws UsageException {
        String v = get(values, flag);
        if (v == null) return null;
        if (v.isBlank()) throw new UsageException(label(values, flag) + ": empty; give a file");
        try {
            return Path.of(v);
        } catch (java.nio.file.InvalidPathException e) {
            throw new UsageException(label(values, flag) + ": " + e.getMessage());
        }
    }

    static ServerConfig toConfig(Map<String, Given> values) throws UsageException {
        ServerConfig c = ServerConfig.defaults();
        try {
            String v;
            if ((v = get(values, "--port")) != null) c = c.withPort(Validation.port(label(values, "--port"), v, 0));
            if ((v = get(values, "--bind")) != null) c = c.withBind(Validation.host(label(values, "--bind"), v));
            if ((v = get(values, "--token")) != null) c = c.withToken(Validation.token(label(values, "--token"), v));
            // Checked when the server starts (StateDir): an unusable directory is an environment problem, exit 3.
            if ((v = get(values, "--state-dir")) != null) c = c.withStateDir(Path.of(v));
            if ((v = get(values, "--webrtc-addresses")) != null) c = c.withWebRtcAddresses(webrtcAddresses(label(values, "--webrtc-addresses"), v));
            if ((v = get(values, "--rtsp-port")) != null) c = c.withRtspPort(Validation.port(label(values, "--rtsp-port"), v, 0));
            if ((v = get(values, "--stun-server")) != null) {
                if (!v.matches("stun://[A-Za-z0-9.\\-]+:[0-9]{1,5}|stun://\\[[0-9A-Fa-f:]+\\]:[0-9]{1,5}"))
                    throw new UsageException(label(values, "--stun-server") + " '" + clip(v) + "': expected stun://HOST:PORT");
                c = c.withStunServer(v);
            }
            c = c.withAccess(new ServerConfig.Access(flag(values, "--trust-loopback", "let loopback clients change the stream without the token"),
                    origins(values), path(values, "--tls-cert"), path(values, "--tls-key"), serverNames(values)));
            ServerConfig.HttpLimits d = ServerConfig.HttpLimits.DEFAULTS;
            c = c.withLimits(new ServerConfig.HttpLimits(number(values, "--max-connections", d.maxConnections(), 16, 100_000),
                    number(values, "--request-timeout", d.requestSeconds(), 1, 3600),
                    number(values, "--idle-timeout", d.idleSeconds(), 1, 3600),
                    number(values, "--max-streams", d.maxStreams(), 1, 10_000)));
            return withStreamSettings(c, values);
        } catch (java.nio.file.InvalidPathException e) {
            throw new UsageException("--state-dir: " + e.getMessage());
        }
    }
}
