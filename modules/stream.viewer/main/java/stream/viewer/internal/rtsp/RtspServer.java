package stream.viewer.internal.rtsp;

import static stream.viewer.internal.rtsp.RtspLib.GLIB;
import static stream.viewer.internal.rtsp.RtspLib.GOBJECT;
import static stream.viewer.internal.rtsp.RtspLib.GST;
import static stream.viewer.internal.rtsp.RtspLib.RTSP;

import com.sun.jna.Pointer;
import com.sun.jna.ptr.IntByReference;
import com.sun.jna.ptr.PointerByReference;
import java.lang.ref.Reference;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Predicate;

/**
 * Owns one GstRTSPServer: its listening socket, its mounts, its auth, and the GMainLoop that runs it.
 * The server gets a GMainContext of its own, iterated by a platform thread: {@code attach(server, NULL)}
 * would use the default context, which nothing iterates here (the port listens, DESCRIBE is never
 * answered). gst1-java-core's {@code Gst.init} must have run.
 */
final class RtspServer implements AutoCloseable {
    /** The role every user's token carries and every factory permits (see {@link Mount#newFactory}). */
    static final String ROLE = "viewer";

    /**
     * A user allowed to play every mount, or only the mounts of some streams. The password never
     * leaves this process.
     * @param streams the streams it may play, or null for every stream
     */
    record User(String name, String password, java.util.Set<String> streams) {
        User {
            Objects.requireNonNull(name);
            Objects.requireNonNull(password);
            if (streams != null) streams = java.util.Set.copyOf(streams);
        }

        @Override
        public String toString() {
            return "User[" + name + "]";
        }
    }

    /** The socket could not be bound; the message is GLib's (e.g. "Address already in use"). */
    static final class BindFailed extends Exception {
        private static final long serialVersionUID = 1L;

        BindFailed(String message) {
            super(message);
        }
    }

    private final Pointer server;
    private final Pointer context;
    private final Pointer loop;
    private final Pointer source;
    private final Pointer mountPoints;
    private final Pointer sessions;
    private final Thread loopThread;
    private final int port;
    private final Map<String, Mount> mounts = new HashMap<>();

    private RtspServer(Pointer server, Pointer context, Pointer loop, Pointer source) {
        this.server = server;
        this.context = context;
        this.loop = loop;
        this.source = source;
        this.mountPoints = RTSP.gst_rtsp_server_get_mount_points(server);
        this.sessions = RTSP.gst_rtsp_server_get_session_pool(server);
        this.port = RTSP.gst_rtsp_server_get_bound_port(server);
        this.loopThread = Thread.ofPlatform().name("rtsp-main-loop").daemon().unstarted(() -> GLIB.g_main_loop_run(loop));
        loopThread.start();
    }

    /**
     * Binds address:port and starts serving (no mounts yet: every path gets 404).
     * @param port 0 for an ephemeral port ({@link #port()} tells which)
     * @throws BindFailed when the socket cannot be bound
     */
    static RtspServer start(String address, int port) throws BindFailed {
        Pointer server = RTSP.gst_rtsp_server_new();
        RTSP.gst_rtsp_server_set_address(server, address);
        RTSP.gst_rtsp_server_set_service(server, Integer.toString(port));
        var error = new PointerByReference();
        Pointer source = RTSP.gst_rtsp_server_create_source(server, null, error);
        if (source == null) {
            GOBJECT.g_object_unref(server);
            throw new BindFailed(RtspLib.takeError(error.getValue()));
        }
        Pointer context = GLIB.g_main_context_new();
        GLIB.g_source_attach(source, context);
        Pointer loop = GLIB.g_main_loop_new(context, false);
        return new RtspServer(server, context, loop, source);
    }

    int port() {
        return port;
    }

    /** Mounts the stream at /NAME. @throws IllegalStateException when that name is mounted already */
    synchronized void mount(Mount mount) {
        if (mounts.containsKey(mount.name)) throw new IllegalStateException(mount.path + " is mounted already");
        Pointer factory = mount.newFactory(limitedRoles.getOrDefault(mount.name, List.of()));
        RTSP.gst_rtsp_mount_points_add_factory(mountPoints, mount.path, factory); // takes our reference
        mounts.put(mount.name, mount);
    }

    synchronized Mount mounted(String name) {
        return mounts.get(name);
    }

    synchronized Map<String, Mount> mounts() {
        return Map.copyOf(mounts);
    }

    /** Unmounts /NAME (new clients get 404) and ends its sessions. @return the mount, or null */
    Mount unmount(String name) {
        Mount mount;
        synchronized (this) {
            mount = mounts.remove(name);
            if (mount == null) return null;
            RTSP.gst_rtsp_mount_points_remove_factory(mountPoints, mount.path);
        }
        end(mount);
        mount.release();
        return mount;
    }

    /**
     * How long clients get to leave on their own after the end, before they are disconnected. The
     * RTCP BYE goes out at the media's next RTCP interval (up to about 5 s, seen as 0.1-5.5 s), and
     * a player's jitter buffer delays the end it sees (rtspsrc's default is 2 s); a session removed
     * under a client that is leaving makes its TEARDOWN fail (454), which rtspsrc reports as an error.
     */
    private static final long LEAVE_MILLIS = 8000;

    /**
     * Ends every session of the mount so that its clients see the end: EOS into the shared media
     * (RTCP BYE: rtspsrc posts EOS, ffmpeg ends its input, and both TEARDOWN); clients still there
     * after {@link #LEAVE_MILLIS} (a UDP client whose BYE was lost, a player that ignores BYE) are
     * disconnected and their sessions removed, so the media is unprepared and its port freed, and
     * the next client gets a new media. The mount stays. @return how many clients were disconnected
     */
    int end(Mount mount) {
        mount.endOfStream();
        long deadline = System.nanoTime() + LEAVE_MILLIS * 1_000_000;
        while (clients(mount.path) > 0 && System.nanoTime() < deadline) {
            try {
                Thread.sleep(50); // polling the library's session list; nothing to wait on
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        int[] closed = {0};
        RtspLib.ClientFilter closeIfWatching = (srv, client, data) -> {
            boolean watching = false;
            for (Pointer session : RtspLib.drain(RTSP.gst_rtsp_client_session_filter(client, null, null))) {
                watching |= hasMedia(session, mount.path);
                GOBJECT.g_object_unref(session);
            }
            if (watching) closed[0]++;
            return watching ? RtspLib.FILTER_REMOVE : RtspLib.FILTER_KEEP;
        };
        RtspLib.drain(RTSP.gst_rtsp_server_client_filter(server, closeIfWatching, null));
        Reference.reachabilityFence(closeIfWatching); // JNA holds callbacks weakly
        RtspLib.SessionFilter removeIfWatching = (pool, session, data) ->
                hasMedia(session, mount.path) ? RtspLib.FILTER_REMOVE : RtspLib.FILTER_KEEP;
        RtspLib.drain(RTSP.gst_rtsp_session_pool_filter(sessions, removeIfWatching, null));
        Reference.reachabilityFence(removeIfWatching);
        mount.release();
        return closed[0];
    }

    /** @return RTSP sessions (one per player) that have a media of this path */
    int clients(String path) {
        return clientsPer(List.of(path)).getOrDefault(path, 0);
    }

    /** @return sessions per path, for the given paths */
    Map<String, Integer> clientsPer(List<String> paths) {
        var counts = new HashMap<String, Integer>();
        RtspLib.SessionFilter count = (pool, session, data) -> {
            for (String path : paths) {
                if (hasMedia(session, path)) counts.merge(path, 1, Integer::sum);
            }
            return RtspLib.FILTER_KEEP;
        };
        RtspLib.drain(RTSP.gst_rtsp_session_pool_filter(sessions, count, null));
        Reference.reachabilityFence(count);
        return counts;
    }

    private static boolean hasMedia(Pointer session, String path) {
        return anyMedia(session, media -> {
            var matched = new IntByReference();
            return RTSP.gst_rtsp_session_media_matches(media, path, matched) && matched.getValue() == path.length();
        });
    }

    private static boolean anyMedia(Pointer session, Predicate<Pointer> test) {
        boolean any = false;
        for (Pointer media : RtspLib.drain(RTSP.gst_rtsp_session_filter(session, null, null))) {
            any |= test.test(media);
            GOBJECT.g_object_unref(media);
        }
        return any;
    }

    /** Removes sessions whose client has not been heard of for their timeout (60 s): UDP players that vanished. */
    void removeExpiredSessions() {
        RTSP.gst_rtsp_session_pool_cleanup(sessions);
    }

    /**
     * From now on every mount needs one of these users' credentials: Digest always, Basic too when
     * {@code basic}. Connections already made keep the auth they were made with. An empty list
     * opens every mount to everyone (over TLS too, when {@link #setTls} gave a certificate).
     */
    synchronized void setAuth(List<User> users, boolean basic) {
        this.users = List.copyOf(users);
        this.basic = basic;
        apply();
    }

    /**
     * Serves RTSPS from the next connection on: every new connection is TLS with this certificate
     * (gst-rtsp-server takes it from the auth); connections already made keep theirs.
     * @param certFile PEM certificate (chain)
     * @param keyFile PEM private key
     * @throws IllegalArgumentException with GIO's message when the files cannot be used
     */
    synchronized void setTls(String certFile, String keyFile) {
        PointerByReference error = new PointerByReference();
        Pointer cert = RtspLib.GIO.g_tls_certificate_new_from_files(certFile, keyFile, error);
        if (cert == null) throw new IllegalArgumentException(RtspLib.takeError(error.getValue()));
        if (tlsCertificate != null) GOBJECT.g_object_unref(tlsCertificate);
        tlsCertificate = cert;
        apply();
    }

    private void apply() {
        if (users.isEmpty() && tlsCertificate == null) {
            limitedRoles = Map.of();
            RTSP.gst_rtsp_server_set_auth(server, null);
            retire(null);
            return;
        }
        // A user limited to streams gets a role of its own, new at every auth (so that no role of
        // an earlier one, still on a factory, is carried by any token), permitted on its streams'
        // factories only; gst-rtsp-server answers 401 to its requests for other mounts.
        long generation = ++authGeneration;
        Map<String, List<String>> roles = new java.util.HashMap<>();
        Pointer auth = RTSP.gst_rtsp_auth_new();
        for (User user : users) {
            String role = user.streams() == null ? ROLE : "g" + generation + "." + user.name();
            if (user.streams() != null) for (String s : user.streams()) roles.computeIfAbsent(s, k -> new java.util.ArrayList<>()).add(role);
            Pointer token = RTSP.gst_rtsp_token_new("media.factory.role", RtspLib.G_TYPE_STRING, role, null);
            RTSP.gst_rtsp_auth_add_digest(auth, user.name(), user.password(), token);
            if (basic) {
                Pointer encoded = RTSP.gst_rtsp_auth_make_basic(user.name(), user.password());
                RTSP.gst_rtsp_auth_add_basic(auth, encoded.getString(0, "US-ASCII"), token);
                GLIB.g_free(encoded);
            }
            GST.gst_mini_object_unref(token);
        }
        if (users.isEmpty()) {
            // open access over TLS: a request without credentials carries the role every mount permits
            Pointer token = RTSP.gst_rtsp_token_new("media.factory.role", RtspLib.G_TYPE_STRING, ROLE, null);
            RTSP.gst_rtsp_auth_set_default_token(auth, token);
            GST.gst_mini_object_unref(token);
        }
        if (tlsCertificate != null) RTSP.gst_rtsp_auth_set_tls_certificate(auth, tlsCertificate);
        limitedRoles = Map.copyOf(roles);
        for (Mount m : mounts.values()) for (String role : limitedRoles.getOrDefault(m.name, List.of())) m.permit(role);
        RTSP.gst_rtsp_auth_set_supported_methods(auth,
                basic ? RtspLib.AUTH_DIGEST | RtspLib.AUTH_BASIC : RtspLib.AUTH_DIGEST);
        RTSP.gst_rtsp_server_set_auth(server, auth);
        retire(auth);
    }

    /**
     * Keeps our reference to the auth now in force, and releases the ones it replaced only a while
     * later. gst-rtsp-server 1.22 reads the server's auth (and its TLS certificate) while it sets up a
     * new connection without holding a reference of its own: an auth that the replacing set_auth freed
     * at once was read after it was freed, the connection got no certificate
     * ("g_tls_connection_set_certificate: assertion 'G_IS_TLS_CERTIFICATE (certificate)' failed") and
     * its TLS handshake never completed (openssl waited for the server's hello; seen as a hang right
     * after a SIGHUP reload). A replaced auth is released at the first change at least
     * {@link #RETIRE_AFTER_NANOS} after it was replaced; changes are rare (credentials, SIGHUP).
     * @param now the auth in force (our reference, full), or null for none
     */
    private void retire(Pointer now) {
        long t = System.nanoTime();
        for (var it = retired.iterator(); it.hasNext();) {
            var r = it.next();
            if (t - r.since() < RETIRE_AFTER_NANOS) continue;
            GOBJECT.g_object_unref(r.auth());
            it.remove();
        }
        if (current != null) retired.add(new Retired(current, t));
        current = now;
    }

    private static final long RETIRE_AFTER_NANOS = 60_000_000_000L;

    private record Retired(Pointer auth, long since) {}

    private Pointer current; // (full) the auth in force, guarded by this
    private final List<Retired> retired = new java.util.ArrayList<>(); // guarded by this

    private List<User> users = List.of(); // guarded by this
    private boolean basic; // guarded by this
    private Pointer tlsCertificate; // (full) guarded by this; null: plain RTSP
    /** Per stream, the roles of the users limited to streams that may play it (guarded by this). */
    private Map<String, List<String>> limitedRoles = Map.of();
    private long authGeneration; // guarded by this

    /** Stops the main loop; the process ends right after (the library's sockets close with it). */
    @Override
    public void close() {
        GLIB.g_main_loop_quit(loop);
        try {
            loopThread.join(2000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        GLIB.g_source_destroy(source);
        GLIB.g_source_unref(source);
        if (!loopThread.isAlive()) {
            GLIB.g_main_loop_unref(loop);
            GLIB.g_main_context_unref(context);
        }
    }
}
