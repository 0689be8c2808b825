package stream.server;

import java.io.IOException;
import java.net.BindException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.ArrayList;
import java.util.List;
import java.time.Duration;
import stream.server.internal.access.Audit;
import stream.server.internal.access.FailureThrottle;
import stream.server.internal.access.Gate;
import stream.server.internal.access.ReloadableTls;
import stream.server.internal.access.Sessions;
import stream.server.internal.access.Tls;
import stream.server.internal.access.Users;
import stream.server.internal.http.server.ConnectionWatch;
import stream.server.internal.feature.Features;
import stream.server.internal.http.server.HttpEndpoint;
import stream.server.internal.http.server.JdkHttpLimits;
import stream.server.internal.state.PidFile;
import stream.server.internal.sources.Source;
import stream.server.internal.sources.Sources;
import stream.server.internal.state.StateDir;
import stream.server.internal.stream.Stream;
import stream.server.internal.settings.StreamName;
import stream.server.internal.supervisor.StreamPlan;
import stream.server.internal.stream.StreamRegistry;
import stream.server.internal.supervisor.Supervisor;
import stream.server.internal.settings.Validation;
import stream.server.internal.janus.JanusFeature;
import stream.server.internal.record.RecordingFeature;
import stream.server.internal.rtsp.RtspConfig;
import stream.server.internal.rtsp.RtspFeature;
import stream.server.internal.senders.SendersFeature;
import stream.server.internal.webrtc.WebRtcFeature;
import stream.server.internal.webrtc.WebRtcService;

/**
 * A running stream server: the HTTP API on a bound port and its named streams, each with its own
 * supervised gst-launch-1.0 child; main is defined by the configuration, the others by the
 * definitions file in the state directory and {@code --streams}. Start one with
 * {@link #start(ServerConfig)}; {@link #close()} ends the children first, then the HTTP server.
 */
public final class StreamServer implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger("stream.server");

    static {
        // After an early answer (413) jdk.httpserver would block reading up to 64 KiB of the
        // unread body before it sends anything; a client that announced more than it sends
        // would never get its answer. Drain nothing: the connection is closed instead.
        if (System.getProperty("sun.net.httpserver.drainAmount") == null)
            System.setProperty("sun.net.httpserver.drainAmount", "0");
    }

    private final HttpEndpoint http;
    private final ExecutorService executor;
    private final StreamRegistry streams;
    private final Supervisor supervisor; // main's
    private final PidFile pidFile;
    private final Features features;
    private final java.util.concurrent.atomic.AtomicBoolean closed = new java.util.concurrent.atomic.AtomicBoolean();

    private final ConnectionWatch watch;

    private final Users users;
    private final ReloadableTls tls; // null without TLS

    private StreamServer(HttpEndpoint http, ExecutorService executor, StreamRegistry streams, PidFile pidFile, ConnectionWatch watch,
                         Features features, Users users, ReloadableTls tls) {
        this.users = users;
        this.tls = tls;
        this.features = features;
        this.watch = watch;
        this.http = http;
        this.executor = executor;
        this.streams = streams;
        this.supervisor = streams.main().supervisor();
        this.pidFile = pidFile;
    }

    /** Thrown when the HTTP port cannot be bound because it is taken. */
    public static final class PortInUseException extends IOException {
        private static final long serialVersionUID = 1L;

        /** @param message what is in use */
        public PortInUseException(String message) {
            super(message);
        }
    }

    /**
     * Validates the configuration, binds the HTTP port, ends a stale child recorded for this port,
     * and serves. The stream itself starts on {@code POST /control {"action":"start"}}.
     *
     * @param config the configuration
     * @return the running server
     * @throws IllegalArgumentException naming the field and value when a value fails its grammar
     * @throws PortInUseException when the port is taken
     * @throws IOException when the server cannot be set up, e.g. gst-launch-1.0 is missing, or the state
     *         directory is unsafe or unusable ({@link StateDir.UnsafeException})
     */
    public static StreamServer start(ServerConfig config) throws IOException {
        return start(config, false, null);
    }

    /**
     * As {@link #start(ServerConfig)}, with the streams of a definitions file beside main.
     *
     * @param config the configuration (main's settings among it)
     * @param mainAutostart whether main starts with the server ({@code --start}; {@link #startStream} starts it)
     * @param streamsFile a JSON file of stream definitions ({@code --streams}), or null
     * @return the running server
     * @throws IllegalArgumentException for a bad value, a bad --streams file or streams in conflict
     * @throws PortInUseException when the port is taken
     * @throws IOException when the server cannot be set up, or the definitions file in the state
     *         directory is damaged (the message names it and what is wrong)
     */
    public static StreamServer start(ServerConfig config, boolean mainAutostart, Path streamsFile) throws IOException {
        StreamPlan plan = StreamPlan.of(config.stream());
        Source source = plan.source();
        Validation.port("port", Integer.toString(config.port()), 0);
        String token = config.token() == null ? null : Validation.token("token", config.token());
        InetAddress bind = bindAddress(config.bind());
        String gstLaunch = Sources.findGstLaunch()
                .orElseThrow(() -> new IOException("gst-launch-1.0 not found on PATH; install GStreamer "
                        + "(Debian: apt-get install gstreamer1.0-tools gstreamer1.0-plugins-good gstreamer1.0-plugins-ugly)"));

        // Before the port is bound: an unsafe or unusable state directory ends the start (exit 3).
        StateDir stateDir = config.stateDir() == null ? StateDir.openDefault() : StateDir.open(config.stateDir());
        // Before the first HttpServer of this JVM: jdk.httpserver reads its limits once.
        JdkHttpLimits.Limits limits = JdkHttpLimits.apply(new JdkHttpLimits.Limits(config.limits().maxConnections(),
                config.limits().requestSeconds(), config.limits().idleSeconds()));
        // Before the port is bound too: damaged credentials or an unusable certificate end the start (exit 3).
        Users users = Users.load(stateDir.path(), token);
        ReloadableTls tls = config.access().tls() ? ReloadableTls.load(config.access().tlsCert(), config.access().tlsKey()) : null;
        Audit audit = Audit.in(stateDir.path());
        Gate gate = new Gate(users, Sessions.create(users, Duration.ofHours(12), tls != null), new FailureThrottle(), audit);
        HttpEndpoint http;
        try {
            http = HttpEndpoint.bind(new InetSocketAddress(bind, config.port()), tls);
        } catch (BindException e) {
            String why = String.valueOf(e.getMessage());
            if (why.contains("in use"))
                throw new PortInUseException("port " + config.port() + " on " + config.bind() + " is already in use");
            throw new IOException("cannot listen on " + config.bind() + ":" + config.port() + " (" + why
                    + "); use an address of this machine with --bind, e.g. 0.0.0.0, or a port above 1023", e);
        }
        int port = http.address().getPort();
        PidFile pidFile = new PidFile(stateDir, port);
        try {
            pidFile.checkNames();
        } catch (StateDir.UnsafeException e) {
            http.close();
            throw e;
        }
        // ICE offers the bind address when it is a specific one, else every address of the host.
        List<String> iceAddresses = config.webrtcAddresses() != null ? config.webrtcAddresses()
                : bind.isAnyLocalAddress() ? List.of() : List.of(bind.getHostAddress());
        Features features = features(iceAddresses, config, users);
        StreamRegistry streams; // ends the children a killed predecessor on this port left, main's included
        try {
            streams = StreamRegistry.open(gstLaunch, stateDir, port, config.port(), plan, mainAutostart, streamsFile, features);
        } catch (IOException | RuntimeException e) {
            features.close();
            http.close();
            throw e;
        }
        streams.limitStreams(config.limits().maxStreams());
        ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor();
        http.serve(streams, new HttpEndpoint.Access(users, gate, audit, config.access().trustLoopback()), config.access().allowedOrigins(),
                config.access().serverNames(), executor);
        ConnectionWatch watch = ConnectionWatch.start(port, limits.maxConnections());
        LOG.log(System.Logger.Level.INFO, "stream-server {0} listening on {1}://{2}:{3,number,#}; source {4} ({5}); destination {6}; access {7}",
                StreamServer.class.getModule().getDescriptor().rawVersion().orElse("unversioned"), tls != null ? "https" : "http", bind.getHostAddress(), port,
                source.describe(), source.reason(), plan.destinations(),
                !users.any() ? "open" : users.list().size() + " credential(s)" + (token != null && config.access().trustLoopback() ? ", loopback is trusted" : ""));
        if (tls != null) LOG.log(System.Logger.Level.INFO, "TLS certificate: {0}", tls.current().describe());
        warnAboutAccess(users, tls != null, bind, port);
        for (Stream s : streams.all())
            if (!s.name().equals(StreamName.MAIN))
                LOG.log(System.Logger.Level.INFO, "stream {0}: {1} to {2}{3}", s.name(), s.supervisor().defaults().source().describe(),
                        s.supervisor().defaults().destinations(), s.autostart() ? " (autostart)" : "");
        return new StreamServer(http, executor, streams, pidFile, watch, features, users, tls);
    }

    /** Said once at start: who can reach an open server, or that credentials travel in clear. */
    private static void warnAboutAccess(Users users, boolean tls, InetAddress bind, int port) {
        String where = bind.isLoopbackAddress() ? "programs and users of this host (it listens on " + bind.getHostAddress() + ":" + port + " only)"
                : bind.isAnyLocalAddress() ? "any host that can reach port " + port + " of this machine, on every interface"
                : "any host that can reach " + bind.getHostAddress() + ":" + port;
        if (!users.any())
            LOG.log(System.Logger.Level.WARNING, "access is open: there is no --token and no credential in " + users.file()
                    + ", so " + where + " may watch and act (start, stop, define, delete streams). Create a credential with"
                    + " POST /users '{\"name\":\"me\",\"role\":\"admin\"}' (or give --token) to require one from then on.");
        else if (!tls && !bind.isLoopbackAddress())
            LOG.log(System.Logger.Level.WARNING, "credentials travel in clear text: no TLS, and the server listens beyond loopback (" + where
                    + "); give --tls-cert and --tls-key (or stream-server --make-cert DIR for a first try), or put it behind an HTTPS proxy");
    }

    /**
     * Reads the users file and the TLS certificate again (SIGHUP). A problem is logged and what
     * is in use stays; the streams go on either way.
     */
    public void reload() {
        try {
            LOG.log(System.Logger.Level.INFO, "users file reloaded: {0} credential(s)", users.reload());
        } catch (IOException e) {
            LOG.log(System.Logger.Level.WARNING, "users file not reloaded, the credentials in use stay: " + e.getMessage());
        }
        if (tls == null) return;
        try {
            LOG.log(System.Logger.Level.INFO, "TLS certificate reloaded: {0}", tls.reload().describe());
            for (var f : features.all()) if (f instanceof RtspFeature rtsp) rtsp.tlsChanged(); // RTSPS reads the same files
        } catch (Tls.Problem e) {
            LOG.log(System.Logger.Level.WARNING, e.getMessage() + "; the certificate in use stays");
        }
    }

    /**
     * The features every stream has, in the order of their status members: the one place where a
     * feature is registered. None starts a process here; each starts its own when first needed.
     * @param iceAddresses the addresses WebRTC may offer (empty: every address of the host)
     * @param config the configuration
     * @param users the credentials (RTSP asks for them too)
     * @return the features
     */
    static Features features(List<String> iceAddresses, ServerConfig config, Users users) {
        RtspFeature rtsp = new RtspFeature(rtsp(config, users));
        if (users != null) users.onChange(rtsp::usersChanged); // a credential created or deleted reaches the RTSP process at once
        return new Features(List.of(
                new WebRtcFeature(new WebRtcService(iceAddresses, config.stunServer())),
                new JanusFeature(),
                new RecordingFeature(),
                rtsp,
                new SendersFeature()));
    }

    /** @return every route the server answers, one line each (the core's and each feature's), for --help and the docs */
    public static List<String> routeTable() {
        try (Features f = features(List.of(), ServerConfig.defaults().withRtspPort(0), null)) {
            return stream.server.internal.http.server.Routes.table(f);
        }
    }

    /**
     * RTSP asks for the same credentials as HTTP, the token as the password (Digest; Basic too
     * where nothing leaves the host or under TLS), each limited to its streams; --token's is
     * user admin (as before) and user token. Every role may watch, so the streams are the limit.
     * With --tls-cert and --tls-key, RTSP is RTSPS only (rtsps://, the same port), with the same files.
     */
    private static RtspConfig rtsp(ServerConfig config, Users users) {
        boolean loopback;
        try {
            loopback = InetAddress.getByName(Validation.host("bind", config.bind())).isLoopbackAddress();
        } catch (UnknownHostException e) {
            loopback = false;
        }
        return new RtspConfig(config.rtspPort(), config.bind(), () -> {
            List<RtspConfig.User> out = new ArrayList<>();
            if (users == null) return out; // the route table's features: nothing is served
            for (Users.Secret s : users.secrets()) {
                String name = s.principal().name();
                out.add(new RtspConfig.User(name, s.token(), s.principal().streams().orElse(null)));
                if (name.equals(Users.TOKEN_USER) && users.find(RtspConfig.TOKEN_USER).isEmpty())
                    out.add(new RtspConfig.User(RtspConfig.TOKEN_USER, s.token(), null));
            }
            return out;
        }, loopback || config.access().tls(), config.access().tlsCert(), config.access().tlsKey());
    }

    private static InetAddress bindAddress(String bind) {
        String host = Validation.host("bind", bind);
        try {
            return InetAddress.getByName(host);
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException("bind '" + bind + "': unknown host; use an address of this machine, e.g. 0.0.0.0 or 127.0.0.1");
        }
    }

    /**
     * Starts the stream with the server's settings, as {@code POST /control {"action":"start"}} without
     * settings does, and logs what happened. A failure does not end the server: it is logged and
     * shown by GET /control (status failed, lastExit, lastStderr) until a start or stop.
     *
     * @return true when the stream started (or was already running), false when it failed to start
     */
    public boolean startStream() {
        Supervisor.Outcome outcome = supervisor.start(supervisor.defaults());
        if (outcome == Supervisor.Outcome.SHUTTING_DOWN) return false; // a signal came first: nothing to report
        boolean ok = outcome == Supervisor.Outcome.STARTED || outcome == Supervisor.Outcome.ALREADY_RUNNING;
        if (ok) {
            LOG.log(System.Logger.Level.INFO, "stream started at server start (--start): {0}",
                    supervisor.defaults().destinations());
        } else {
            String why = supervisor.status().get("lastExit") instanceof com.eclipsesource.json.JsonObject exit
                    ? exit.getString("description", "an error") : outcome.message;
            LOG.log(System.Logger.Level.WARNING, "stream failed to start at server start (--start): {0}; the server keeps"
                    + " serving: see GET /control (lastStderr), fix the cause, then POST /control '{'\"action\":\"start\"'}'", why);
        }
        return ok;
    }

    /**
     * Starts every stream other than main whose definition says autostart, all at once, and waits
     * for them; a failure is logged and shown by its status, as with {@link #startStream}.
     * @return how many started
     */
    public int startAutostartStreams() {
        List<Thread> starting = new ArrayList<>();
        int[] ok = new int[1];
        for (Stream s : streams.all()) {
            if (s.name().equals(StreamName.MAIN) || !s.autostart()) continue;
            starting.add(Thread.ofVirtual().name("autostart-" + s.name()).start(() -> {
                Supervisor.Outcome o = s.supervisor().start(s.supervisor().defaults());
                boolean started = o == Supervisor.Outcome.STARTED || o == Supervisor.Outcome.ALREADY_RUNNING;
                if (started) synchronized (ok) { ok[0]++; }
                LOG.log(started ? System.Logger.Level.INFO : System.Logger.Level.WARNING, "stream {0} at server start (autostart): {1}",
                        s.name(), o.message);
            }));
        }
        for (Thread t : starting) {
            try {
                t.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        synchronized (ok) {
            return ok[0];
        }
    }

    /** @return the definitions file of this server's streams, in the state directory */
    public Path streamsFile() {
        return streams.file();
    }

    /** @return whether the server speaks HTTPS */
    public boolean tls() {
        return http.tls();
    }

    /** @return the bound HTTP port */
    public int port() {
        return http.address().getPort();
    }

    /** @return the bound HTTP address */
    public InetSocketAddress address() {
        return http.address();
    }

    /** @return the pid file path used for stale-child cleanup */
    public Path pidFile() {
        return pidFile.path();
    }

    /** @return the current status as JSON text, the same as GET /control */
    public String status() {
        return supervisor.status().toString();
    }

    /** Ends the child (bounded: SIGINT, 3 s, SIGKILL), then stops serving. Idempotent. */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) return;
        streams.beginClose(); // first: a child that ends from now on was stopped, not failed
        LOG.log(System.Logger.Level.INFO, "stream-server on port {0,number,#} shutting down: ending the streams first", port());
        try {
            features.close(); // first: their processes end (browsers' viewers with the gateway), so no stream waits on one
            streams.close();
        } finally {
            watch.close();
            http.close();
            executor.shutdownNow();
            LOG.log(System.Logger.Level.INFO, "stream-server stopped");
        }
    }

}
