package stream.viewer.internal.webrtc;

import com.sun.jna.Library;
import com.sun.jna.Native;
import com.sun.jna.Pointer;
import com.sun.jna.ptr.IntByReference;
import com.sun.jna.ptr.PointerByReference;

/**
 * The few GLib/GStreamer C calls gst1-java-core 1.4 does not offer: properties whose type it cannot
 * wrap (webrtcbin's {@code ice-agent}, the NiceAgent behind it, the boxed {@code local-description}),
 * and action signals with a return value ({@code add-local-ip-address}).
 */
final class GLib {
    /** libgobject-2.0. Varargs are terminated by the caller with a null. */
    public interface GObject extends Library {
        void g_object_get(Pointer object, String name, Object... rest);

        void g_object_set(Pointer object, String name, Object... rest);

        void g_signal_emit_by_name(Pointer object, String signal, Object... rest);

        void g_object_unref(Pointer object);

        String g_type_name_from_instance(Pointer instance);
    }

    /** libglib-2.0. */
    public interface Glib extends Library {
        void g_free(Pointer p);
    }

    /** libgstsdp-1.0 and libgstwebrtc-1.0. */
    public interface Sdp extends Library {
        Pointer gst_sdp_message_as_text(Pointer sdp);
    }

    /** libgstwebrtc-1.0. */
    public interface WebRtc extends Library {
        void gst_webrtc_session_description_free(Pointer description);
    }

    // Debian ships only the versioned names without its -dev packages.
    static final GObject GOBJECT = Native.load("libgobject-2.0.so.0", GObject.class);
    static final Glib GLIB = Native.load("libglib-2.0.so.0", Glib.class);
    static final Sdp SDP = Native.load("libgstsdp-1.0.so.0", Sdp.class);
    static final WebRtc WEBRTC = Native.load("libgstwebrtc-1.0.so.0", WebRtc.class);

    private GLib() {}

    /** @return the object property {@code name} with a new reference (unref it), or null */
    static Pointer objectProperty(Pointer object, String name) {
        var ref = new PointerByReference();
        GOBJECT.g_object_get(object, name, ref, null);
        return ref.getValue();
    }

    static boolean booleanProperty(Pointer object, String name) {
        var ref = new IntByReference();
        GOBJECT.g_object_get(object, name, ref, null);
        return ref.getValue() != 0;
    }

    static void setBoolean(Pointer object, String name, boolean value) {
        GOBJECT.g_object_set(object, name, value ? 1 : 0, null);
    }

    /** Emits an action signal that takes one string and returns a gboolean. */
    static boolean emitStringForBoolean(Pointer object, String signal, String argument) {
        var ret = new IntByReference();
        GOBJECT.g_signal_emit_by_name(object, signal, argument, ret, null);
        return ret.getValue() != 0;
    }

    /** @return the SDP text of webrtcbin's current local description, or null when it has none */
    static String localDescription(Pointer webrtcbin) {
        var ref = new PointerByReference();
        GOBJECT.g_object_get(webrtcbin, "local-description", ref, null);
        Pointer description = ref.getValue();
        if (description == null) return null;
        try {
            // struct GstWebRTCSessionDescription { GstWebRTCSDPType type; GstSDPMessage *sdp; }
            Pointer sdp = description.getPointer(Native.POINTER_SIZE);
            Pointer text = SDP.gst_sdp_message_as_text(sdp);
            try {
                return text.getString(0, "UTF-8");
            } finally {
                GLIB.g_free(text);
            }
        } finally {
            WEBRTC.gst_webrtc_session_description_free(description);
        }
    }
}
