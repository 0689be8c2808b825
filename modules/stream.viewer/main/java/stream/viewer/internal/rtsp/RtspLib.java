package stream.viewer.internal.rtsp;

import com.sun.jna.Callback;
import com.sun.jna.Library;
import com.sun.jna.Native;
import com.sun.jna.NativeLong;
import com.sun.jna.Pointer;
import com.sun.jna.ptr.IntByReference;
import com.sun.jna.ptr.PointerByReference;

/**
 * The C functions the RTSP gateway calls, one interface per library, each loaded once (after
 * gst1-java-core's {@code Gst.init}), in the manner of gst1-java-core's own lowlevel GstAPI.
 * Ownership of every returned pointer is stated: "full" means the caller holds a reference and
 * must release it (GObject: {@code g_object_unref}; GstMiniObject: {@code gst_mini_object_unref};
 * GList: each element unreffed, then {@code g_list_free}; gchar*: {@code g_free}); "none" means it
 * is borrowed. Debian ships only the versioned library names without its -dev packages.
 */
final class RtspLib {
    private RtspLib() {}

    /** libgstrtspserver-1.0: the RTSP server itself; all protocol work is done there. */
    interface RtspServer extends Library {
        /** @return (full) a new GstRTSPServer */
        Pointer gst_rtsp_server_new();

        void gst_rtsp_server_set_address(Pointer server, String address);

        void gst_rtsp_server_set_service(Pointer server, String service);

        /** @return the port the listening socket is bound to, or -1 before it is */
        int gst_rtsp_server_get_bound_port(Pointer server);

        /** @return (full) the server's GstRTSPMountPoints */
        Pointer gst_rtsp_server_get_mount_points(Pointer server);

        /** @return (full) the server's GstRTSPSessionPool */
        Pointer gst_rtsp_server_get_session_pool(Pointer server);

        /**
         * Binds the listening socket and makes the GSource that accepts clients.
         * @param error (out, full) a GError on failure: free with g_error_free
         * @return (full) a GSource, or null on failure
         */
        Pointer gst_rtsp_server_create_source(Pointer server, Pointer cancellable, PointerByReference error);

        /** @param auth (none: the server takes its own reference) a GstRTSPAuth, or null for open access */
        void gst_rtsp_server_set_auth(Pointer server, Pointer auth);

        /**
         * Calls func for every client; a client for which it returns {@link #FILTER_REMOVE} is closed
         * ({@code gst_rtsp_client_close}). @return (full) a GList of the clients it returned FILTER_REF for
         */
        Pointer gst_rtsp_server_client_filter(Pointer server, ClientFilter func, Pointer userData);

        /** @return (full) a GList of the client's GstRTSPSessions when func is null */
        Pointer gst_rtsp_client_session_filter(Pointer client, Pointer func, Pointer userData);

        /** @return (full) a GList of the session's GstRTSPSessionMedias when func is null */
        Pointer gst_rtsp_session_filter(Pointer session, Pointer func, Pointer userData);

        /** @param matched (out) how many characters of path the session media's path matched */
        boolean gst_rtsp_session_media_matches(Pointer sessionMedia, String path, IntByReference matched);

        /** Sessions for which func returns {@link #FILTER_REMOVE} leave the pool (their media is released). @return (full) GList */
        Pointer gst_rtsp_session_pool_filter(Pointer pool, SessionFilter func, Pointer userData);

        /** Removes the sessions whose timeout has passed. @return how many */
        int gst_rtsp_session_pool_cleanup(Pointer pool);

        /** @return (full) a new GstRTSPMediaFactory */
        Pointer gst_rtsp_media_factory_new();

        void gst_rtsp_media_factory_set_launch(Pointer factory, String launch);

        void gst_rtsp_media_factory_set_shared(Pointer factory, boolean shared);

        void gst_rtsp_media_factory_set_protocols(Pointer factory, int lowerTransports);

        /** @param pool (none: the factory takes its own reference) */
        void gst_rtsp_media_factory_set_address_pool(Pointer factory, Pointer pool);

        /** @param structure (full: the factory's permissions take it) role name + media.factory.* booleans */
        void gst_rtsp_media_factory_add_role_from_structure(Pointer factory, Pointer structure);

        /** @param factory (full: the mount points take the caller's reference) */
        void gst_rtsp_mount_points_add_factory(Pointer mounts, String path, Pointer factory);

        void gst_rtsp_mount_points_remove_factory(Pointer mounts, String path);

        /** @return (full) a new, empty GstRTSPAddressPool */
        Pointer gst_rtsp_address_pool_new();

        boolean gst_rtsp_address_pool_add_range(Pointer pool, String minAddress, String maxAddress, short minPort,
                short maxPort, byte ttl);

        /** @return (full) the media's top-level bin (the launch line's "( ... )") */
        Pointer gst_rtsp_media_get_element(Pointer media);

        /** @return (full) a new GstRTSPAuth */
        Pointer gst_rtsp_auth_new();

        void gst_rtsp_auth_set_supported_methods(Pointer auth, int methods);

        /** @param token (none: the auth keeps its own reference) */
        void gst_rtsp_auth_add_digest(Pointer auth, String user, String pass, Pointer token);

        /** @param basic (none) the base64 "user:pass" from {@link #gst_rtsp_auth_make_basic} */
        void gst_rtsp_auth_add_basic(Pointer auth, String basic, Pointer token);

        /** @param cert (none: the auth keeps its own reference) a GTlsCertificate with its key: connections are TLS (RTSPS) from then on */
        void gst_rtsp_auth_set_tls_certificate(Pointer auth, Pointer cert);

        /** @param token (none: the auth keeps its own reference) the token of a request without credentials */
        void gst_rtsp_auth_set_default_token(Pointer auth, Pointer token);

        /** @return (full, g_free) base64 of "user:pass" */
        Pointer gst_rtsp_auth_make_basic(String user, String pass);

        /**
         * Varargs: field name, GType as a Java long, value, ..., then a final null.
         * @return (full, gst_mini_object_unref) a new GstRTSPToken
         */
        Pointer gst_rtsp_token_new(String firstField, Object... rest);
    }

    /** libgstreamer-1.0: the few element and pad calls made on a media's pipeline. */
    interface Gst extends Library {
        /** @return (full) the child element named name, or null */
        Pointer gst_bin_get_by_name(Pointer bin, String name);

        /** @return (full) the pad, or null */
        Pointer gst_element_get_static_pad(Pointer element, String name);

        /** @param event (full: taken by the element) */
        boolean gst_element_send_event(Pointer element, Pointer event);

        /** @return (full) a new EOS event */
        Pointer gst_event_new_eos();

        NativeLong gst_buffer_get_size(Pointer buffer);

        NativeLong gst_buffer_list_calculate_size(Pointer list);

        /** @return (full) a new GstStructure, or null when the text is not one */
        Pointer gst_structure_new_from_string(String text);

        void gst_object_unref(Pointer object);

        void gst_mini_object_unref(Pointer object);
    }

    /** libgio-2.0: the TLS certificate RTSPS serves (GIO's TLS backend, glib-networking, does the TLS). */
    interface Gio extends Library {
        /**
         * @param error (out, full) a GError on failure
         * @return (full, g_object_unref) the certificate with its private key, or null
         */
        Pointer g_tls_certificate_new_from_files(String certFile, String keyFile, PointerByReference error);
    }

    /** libglib-2.0 and libgobject-2.0 (one interface: JNA finds each symbol in the library it loads; see {@link #GLIB}). */
    interface GLib extends Library {
        /** @return (full) a new GMainContext */
        Pointer g_main_context_new();

        void g_main_context_unref(Pointer context);

        /** @return (full) a new GMainLoop on context */
        Pointer g_main_loop_new(Pointer context, boolean isRunning);

        void g_main_loop_run(Pointer loop);

        void g_main_loop_quit(Pointer loop);

        void g_main_loop_unref(Pointer loop);

        int g_source_attach(Pointer source, Pointer context);

        void g_source_destroy(Pointer source);

        void g_source_unref(Pointer source);

        void g_list_free(Pointer list);

        void g_free(Pointer memory);

        void g_error_free(Pointer error);
    }

    /** libgobject-2.0. */
    interface GObject extends Library {
        Pointer g_object_ref(Pointer object);

        void g_object_unref(Pointer object);

        NativeLong g_signal_connect_data(Pointer instance, String signal, Callback handler, Pointer data,
                Pointer destroyData, int flags);
    }

    /** GstRTSPServerClientFilterFunc. */
    interface ClientFilter extends Callback {
        int invoke(Pointer server, Pointer client, Pointer userData);
    }

    /** GstRTSPSessionPoolFilterFunc. */
    interface SessionFilter extends Callback {
        int invoke(Pointer pool, Pointer session, Pointer userData);
    }

    /** The factory's "media-configure" signal: (factory, media, user data). */
    interface MediaConfigure extends Callback {
        void invoke(Pointer factory, Pointer media, Pointer userData);
    }

    // GstRTSPFilterResult
    static final int FILTER_REMOVE = 0;
    static final int FILTER_KEEP = 1;
    // GstRTSPLowerTrans
    static final int LOWER_TRANS_UDP = 1;
    static final int LOWER_TRANS_UDP_MCAST = 2;
    static final int LOWER_TRANS_TCP = 4;
    // GstRTSPAuthMethod
    static final int AUTH_BASIC = 1;
    static final int AUTH_DIGEST = 2;
    static final long G_TYPE_STRING = 16 << 2;

    static final RtspServer RTSP = Native.load("libgstrtspserver-1.0.so.0", RtspServer.class);
    static final Gst GST = Native.load("libgstreamer-1.0.so.0", Gst.class);
    static final GLib GLIB = Native.load("libglib-2.0.so.0", GLib.class);
    static final Gio GIO = Native.load("libgio-2.0.so.0", Gio.class);
    static final GObject GOBJECT = Native.load("libgobject-2.0.so.0", GObject.class);

    /** Reads the GList's data pointers and frees the list (not the elements). */
    static java.util.List<Pointer> drain(Pointer list) {
        var items = new java.util.ArrayList<Pointer>();
        for (Pointer l = list; l != null; l = l.getPointer(Native.POINTER_SIZE)) items.add(l.getPointer(0));
        if (list != null) GLIB.g_list_free(list);
        return items;
    }

    /** @return the message of a GError (struct {GQuark domain; gint code; gchar *message}) and frees it */
    static String takeError(Pointer error) {
        if (error == null) return "unknown error";
        try {
            return error.getPointer(8).getString(0, "UTF-8");
        } finally {
            GLIB.g_error_free(error);
        }
    }
}
