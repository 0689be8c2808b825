package stream.viewer.internal.rtsp;

import stream.viewer.internal.process.LineServer.Refusal;
import stream.viewer.internal.process.LineServer;
import com.eclipsesource.json.Json;
import com.eclipsesource.json.JsonArray;
import com.eclipsesource.json.JsonObject;
import com.eclipsesource.json.JsonValue;
import com.eclipsesource.json.ParseException;
import java.io.BufferedReader;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import org.freedesktop.gstreamer.Version;

/**
 * The RTSP gateway: a process of its own that serves every stream of one server at
 * {@code rtsp://HOST:PORT/NAME} through GStreamer's RTSP server library, so NVRs (Frigate) and
 * players (VLC, ffmpeg) can take them. The server forwards each stream's RTP to a loopback UDP port
 * the gateway names; the H.264 passes through, one shared media per stream however many clients.
 * Control, like the WebRTC gateway's: see {@link stream.viewer.internal.rtsp} for the lines.
 */
public final class RtspGateway {
    private final LineServer out;
    private final RtspServer server;
    private final ScheduledExecutorService watch = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "rtsp-watch");
        t.setDaemon(true);
        return t;
    });

    private RtspGateway(RtspServer server, LineServer out) {
        this.server = server;
        this.out = out;
    }

    /**
     * Runs the gateway until stdin closes. Exit codes: 0 stdin closed, 1 the port cannot be bound or
     * GStreamer failed, 2 a usage error.
     * @param args see {@link RtspOptions#USAGE}
     */
    public static void main(String[] args) {
        if (Arrays.asList(args).contains("--help")) {
            System.out.print(RtspOptions.USAGE);
            return;
        }
        RtspOptions options;
        try {
            options = RtspOptions.parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println("stream-rtsp: " + e.getMessage() + " (see --help)");
            System.exit(2);
            return;
        }
        LineServer protocol = new LineServer("stream-rtsp"); // stdout is the protocol from here on
        int code = 0;
        try {
            stream.viewer.internal.GstStart.init(Version.of(1, 16), "stream-rtsp");
            RtspServer server = RtspServer.start(options.address(), options.port());
            new RtspGateway(server, protocol).run();
        } catch (RtspServer.BindFailed e) {
            System.err.println("stream-rtsp: cannot listen on " + options.address() + " port " + options.port() + ": "
                    + e.getMessage());
            code = 1;
        } catch (Throwable e) { // one line, never a stack trace
            System.err.println("stream-rtsp: " + e);
            code = 1;
        }
        // GStreamer's threads must not keep a gateway alive whose server is gone.
        System.exit(code);
    }

    private void run() throws IOException {
        watch.scheduleWithFixedDelay(server::removeExpiredSessions, 2, 2, TimeUnit.SECONDS);
        send(new JsonObject().add("event", "ready").add("pid", ProcessHandle.current().pid()).add("port", server.port()));
        Log.info("ready: listening on port " + server.port());
        out.serve(this::dispatch);
        watch.shutdownNow();
        server.close();
    }

    private JsonObject dispatch(JsonObject request) throws Refusal {
        String op = LineServer.text(request, "op");
        return switch (op) {
            case "addStream" -> addStream(request);
            case "endStream" -> endStream(name(request));
            case "removeStream" -> removeStream(name(request));
            case "auth" -> auth(request);
            case "tls" -> tls(request);
            case "stats" -> stats();
            default -> throw new Refusal(400, "unknown op '" + op + "'",
                    "addStream, endStream, removeStream, auth, tls, stats");
        };
    }

    private static String name(JsonObject request) throws Refusal {
        String name = LineServer.text(request, "name");
        if (!name.matches("[A-Za-z0-9][A-Za-z0-9._-]{0,63}")) {
            throw new Refusal(400, "a stream name is 1-64 letters, digits, '.', '_' or '-', not '" + name + "'", null);
        }
        return name;
    }

    private JsonObject addStream(JsonObject request) throws Refusal {
        String name = name(request);
        String multicast = null;
        int ttl = 1;
        if (request.get("multicast") != null && !request.get("multicast").isNull()) {
            multicast = LineServer.text(request, "multicast");
            if (!isIpv4Multicast(multicast)) {
                throw new Refusal(400, "'multicast' must be an IPv4 multicast address (224.0.0.0 to 239.255.255.255), not '"
                        + multicast + "'", "239.255.x.y is for a site's own use");
            }
            JsonValue t = request.get("ttl");
            if (t != null) {
                if (!t.isNumber() || t.asDouble() != Math.rint(t.asDouble()) || t.asDouble() < 1 || t.asDouble() > 255) {
                    throw new Refusal(400, "'ttl' must be a whole number from 1 to 255", null);
                }
                ttl = t.asInt();
            }
        }
        JsonValue audioValue = request.get("audio");
        if (audioValue != null && !audioValue.isBoolean()) throw new Refusal(400, "'audio' must be true or false", null);
        boolean audio = audioValue != null && audioValue.asBoolean();
        JsonValue codecValue = request.get("codec"); // H264 unless said: an IP camera's H.265 passes through too
        if (codecValue != null && !(codecValue.isString() && (codecValue.asString().equals("H264") || codecValue.asString().equals("H265"))))
            throw new Refusal(400, "'codec' must be H264 or H265", null);
        boolean h265 = codecValue != null && codecValue.asString().equals("H265");
        synchronized (server) {
            Mount existing = server.mounted(name);
            if (existing != null && ((existing.audioPort != 0) != audio || existing.h265 != h265)) { // sound or codec changed: a new media
                server.unmount(name);
                existing = null;
            }
            if (existing != null) {
                if (!java.util.Objects.equals(existing.multicast, multicast) || existing.multicast != null && existing.ttl != ttl) {
                    throw new Refusal(409, "stream " + name + " is mounted already with other multicast settings",
                            "removeStream first");
                }
                return ports(existing);
            }
            var taken = new HashSet<Integer>();
            for (Mount m : server.mounts().values()) {
                taken.add(m.rtpPort);
                taken.add(m.audioPort);
            }
            int rtpPort = RtpPorts.pick(taken);
            taken.add(rtpPort);
            Mount mount = new Mount(name, rtpPort, audio ? RtpPorts.pick(taken) : 0, multicast, ttl, h265);
            try {
                server.mount(mount);
            } catch (IllegalArgumentException e) {
                throw new Refusal(400, e.getMessage(), null);
            }
            Log.info("stream " + name + ": rtsp path " + mount.path + ", RTP in on 127.0.0.1:" + mount.rtpPort
                    + (h265 ? " (H.265)" : "") + (audio ? ", Opus in on 127.0.0.1:" + mount.audioPort : "")
                    + (multicast == null ? "" : ", multicast " + multicast + " ttl " + ttl));
            return ports(mount);
        }
    }

    private static JsonObject ports(Mount m) {
        JsonObject o = new JsonObject().add("rtpPort", m.rtpPort);
        if (m.audioPort != 0) o.add("audioPort", m.audioPort);
        return o;
    }

    private static boolean isIpv4Multicast(String address) {
        String[] parts = address.split("\\.", -1);
        if (parts.length != 4) return false;
        int first = -1;
        for (int i = 0; i < 4; i++) {
            if (!parts[i].matches("\\d{1,3}")) return false;
            int v = Integer.parseInt(parts[i]);
            if (v > 255) return false;
            if (i == 0) first = v;
        }
        return first >= 224 && first <= 239;
    }

    private JsonObject endStream(String name) throws Refusal {
        Mount mount = server.mounted(name);
        if (mount == null) throw new Refusal(404, "no stream '" + name + "'", "addStream first");
        int disconnected = server.end(mount);
        Log.info("stream " + name + " ended" + (disconnected == 0 ? "" : "; " + disconnected
                + " client(s) that stayed after the BYE disconnected"));
        return new JsonObject().add("ended", name).add("disconnected", disconnected);
    }

    private JsonObject removeStream(String name) throws Refusal {
        if (server.unmount(name) == null) throw new Refusal(404, "no stream '" + name + "'", null);
        Log.info("stream " + name + " removed");
        return new JsonObject().add("removed", name);
    }

    private JsonObject auth(JsonObject request) throws Refusal {
        JsonValue list = request.get("users");
        if (list == null || !list.isArray()) throw new Refusal(400, "'users' (an array) is missing", null);
        JsonValue basicValue = request.get("basic");
        if (basicValue != null && !basicValue.isBoolean()) throw new Refusal(400, "'basic' must be true or false", null);
        boolean basic = basicValue != null && basicValue.asBoolean();
        var users = new ArrayList<RtspServer.User>();
        JsonArray array = list.asArray();
        for (int i = 0; i < array.size(); i++) {
            JsonValue u = array.get(i);
            if (!u.isObject()) throw new Refusal(400, "users[" + i + "] is no object {user, password}", null);
            String user = LineServer.text(u.asObject(), "user");
            String password = LineServer.text(u.asObject(), "password");
            if (user.isEmpty() || user.contains(":")) {
                throw new Refusal(400, "users[" + i + "].user must be non-empty and without ':'", null);
            }
            if (password.isEmpty()) throw new Refusal(400, "users[" + i + "].password is empty", null);
            JsonValue streams = u.asObject().get("streams");
            java.util.Set<String> only = null;
            if (streams != null) {
                if (!streams.isArray()) throw new Refusal(400, "users[" + i + "].streams must be an array of stream names", null);
                only = new java.util.TreeSet<>();
                for (JsonValue s : streams.asArray()) {
                    if (!s.isString() || !s.asString().matches("[a-z0-9][a-z0-9-]{0,31}"))
                        throw new Refusal(400, "users[" + i + "].streams: a stream name is a-z 0-9 and -", null);
                    only.add(s.asString());
                }
            }
            users.add(new RtspServer.User(user, password, only));
        }
        server.setAuth(List.copyOf(users), basic);
        Log.info(users.isEmpty() ? "auth: open access" : "auth: " + users.size() + " user(s), Digest"
                + (basic ? " and Basic" : " only"));
        return new JsonObject().add("users", users.size()).add("basic", basic);
    }

    /** {"op": "tls", "cert": PEM file, "key": PEM file}: RTSPS from the next connection on (paths, never the key itself, on stdin). */
    private JsonObject tls(JsonObject request) throws Refusal {
        String cert = LineServer.text(request, "cert"), key = LineServer.text(request, "key");
        if (cert.isEmpty() || key.isEmpty()) throw new Refusal(400, "'cert' and 'key' (PEM files) are needed", null);
        try {
            server.setTls(cert, key);
        } catch (IllegalArgumentException e) {
            throw new Refusal(400, "TLS certificate " + cert + " with key " + key + ": " + e.getMessage(), "give PEM files as for --tls-cert and --tls-key");
        }
        Log.info("TLS: RTSPS with the certificate of " + cert);
        return new JsonObject().add("tls", true);
    }

    private JsonObject stats() {
        var mounts = server.mounts();
        var paths = new ArrayList<String>();
        for (Mount m : mounts.values()) paths.add(m.path);
        var clients = server.clientsPer(paths);
        var perStream = new JsonObject();
        for (Mount m : mounts.values()) {
            var s = new JsonObject().add("clients", clients.getOrDefault(m.path, 0)).add("rtpPort", m.rtpPort)
                    .add("payloadBytes", m.payloadBytes());
            if (m.multicast != null) s.add("multicast", m.multicast);
            perStream.add(m.name, s);
        }
        return new JsonObject().add("streams", perStream).add("port", server.port());
    }

    private void send(JsonObject message) {
        out.send(message);
    }
}
