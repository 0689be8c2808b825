package stream.viewer.internal.webrtc;

import com.sun.jna.Library;
import com.sun.jna.Native;
import com.sun.jna.Pointer;
import com.sun.jna.ptr.IntByReference;
import com.sun.jna.ptr.PointerByReference;

/**
 * The few GLib/GStreamer C calls gst1-java-core 1.4 does not offer: properties whose type it cannot
 * wrap (webrtcbin's {@code ice-agent}, the NiceAgent behind it, the boxed {@code local-description}),
 * action signals with a return value ({@code add-local-ip-address}), and promises waited on by the
 * caller. gst1-java-core's {@code createAnswer} keeps its promise's callback only in an object the
 * garbage collector may take before webrtcbin answers (seen after about 50 viewers: no answer ever),
 * and its answer is freed with the promise; so the offer/answer exchange is done here.
 */
final class GLib {
    /** libgobject-2.0. Varargs are terminated by the caller with a null. */
    public interface GObject extends Library {
        void g_object_get(Pointer object, String name, Object... rest);

        void g_object_set(Pointer object, String name, Object... rest);

        void g_signal_emit_by_name(Pointer object, String signal, Object... rest);

        void g_object_unref(Pointer object);

        Pointer g_value_get_boxed(Pointer value);

        String g_type_name_from_instance(Pointer instance);
    }

    /** libglib-2.0. */
    public interface Glib extends Library {
        void g_free(Pointer p);
    }

    /** libgstreamer-1.0. */
    public interface Gst extends Library {
        Pointer gst_promise_new();

        int gst_promise_wait(Pointer promise);

        Pointer gst_promise_get_reply(Pointer promise);

        void gst_mini_object_unref(Pointer object);

        Pointer gst_structure_get_value(Pointer structure, String field);

        boolean gst_structure_has_field(Pointer structure, String field);

        Pointer gst_structure_to_string(Pointer structure);

        void gst_util_set_object_arg(Pointer object, String name, String value);

        /** @return a new structure, or null when the text is not one; owned by the caller (or the event made of it) */
        Pointer gst_structure_new_from_string(String text);

        /** @return a new event that owns the structure */
        Pointer gst_event_new_custom(int type, Pointer structure);

        /** Takes the event (it is unreffed whatever the outcome). */
        boolean gst_pad_push_event(Pointer pad, Pointer event);
    }

    /** libgstsdp-1.0. */
    public interface Sdp extends Library {
        Pointer gst_sdp_message_as_text(Pointer sdp);

        int gst_sdp_message_new_from_text(String text, PointerByReference message);
    }

    /** libgstwebrtc-1.0. */
    public interface WebRtc extends Library {
        void gst_webrtc_session_description_free(Pointer description);

        Pointer gst_webrtc_session_description_new(int type, Pointer sdp);
    }

    static final int SDP_TYPE_OFFER = 1;
    static final int SDP_TYPE_ANSWER = 3; // 2 is a provisional answer
    private static final int PROMISE_REPLIED = 2;

    // Debian ships only the versioned names without its -dev packages.
    static final GObject GOBJECT = Native.load("libgobject-2.0.so.0", GObject.class);
    static final Glib GLIB = Native.load("libglib-2.0.so.0", Glib.class);
    static final Gst GST = Native.load("libgstreamer-1.0.so.0", Gst.class);
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

    /** A webrtcbin step that failed, with GStreamer's words. */
    static final class StepFailed extends Exception {
        private static final long serialVersionUID = 1L;

        StepFailed(String message) {
            super(message);
        }
    }

    /**
     * Sets an SDP offer as webrtcbin's remote description and waits until webrtcbin took it.
     * @throws StepFailed when the text is no SDP or webrtcbin refuses it
     */
    static void setRemoteOffer(Pointer webrtcbin, String sdp) throws StepFailed {
        setRemote(webrtcbin, SDP_TYPE_OFFER, sdp);
    }

    /**
     * Sets an SDP offer or answer as webrtcbin's remote description and waits until webrtcbin took it.
     * @throws StepFailed when the text is no SDP or webrtcbin refuses it
     */
    static void setRemote(Pointer webrtcbin, int type, String sdp) throws StepFailed {
        var message = new PointerByReference();
        if (SDP.gst_sdp_message_new_from_text(sdp, message) != 0 || message.getValue() == null) {
            throw new StepFailed("the " + (type == SDP_TYPE_OFFER ? "offer" : "answer") + " is not valid SDP");
        }
        Pointer description = WEBRTC.gst_webrtc_session_description_new(type, message.getValue());
        try {
            withPromise(promise -> GOBJECT.g_signal_emit_by_name(webrtcbin, "set-remote-description", description, promise),
                    "set-remote-description", reply -> null);
        } finally {
            WEBRTC.gst_webrtc_session_description_free(description); // webrtcbin keeps a copy
        }
    }

    /**
     * Creates the answer and sets it as webrtcbin's local description, waiting for both.
     * @throws StepFailed when webrtcbin cannot answer the offer
     */
    static void answer(Pointer webrtcbin) throws StepFailed {
        createAndSetLocal(webrtcbin, "answer");
    }

    /**
     * Creates an offer and sets it as webrtcbin's local description, waiting for both.
     * @throws StepFailed when webrtcbin cannot make one
     */
    static void offer(Pointer webrtcbin) throws StepFailed {
        createAndSetLocal(webrtcbin, "offer");
    }

    private static void createAndSetLocal(Pointer webrtcbin, String kind) throws StepFailed {
        withPromise(promise -> GOBJECT.g_signal_emit_by_name(webrtcbin, "create-" + kind, null, promise), "create-" + kind,
                reply -> {
                    Pointer value = reply == null ? null : GST.gst_structure_get_value(reply, kind);
                    if (value == null) throw new StepFailed("create-" + kind + " gave no " + kind);
                    // The answer belongs to this promise's reply: set it while the promise lives.
                    Pointer description = GOBJECT.g_value_get_boxed(value);
                    withPromise(p -> GOBJECT.g_signal_emit_by_name(webrtcbin, "set-local-description", description, p),
                            "set-local-description", r -> null);
                    return null;
                });
    }

    /**
     * Adds a receive-only transceiver for the given RTP caps ({@code add-transceiver}).
     * @param caps a GstCaps pointer
     */
    static void addRecvonlyTransceiver(Pointer webrtcbin, Pointer caps) {
        var transceiver = new PointerByReference();
        GOBJECT.g_signal_emit_by_name(webrtcbin, "add-transceiver", TRANSCEIVER_RECVONLY, caps, transceiver);
        if (transceiver.getValue() != null) GOBJECT.g_object_unref(transceiver.getValue());
    }

    private static final int TRANSCEIVER_RECVONLY = 3;

    private interface Emit {
        void emit(Pointer promise);
    }

    private interface OnReply {
        Void accept(Pointer reply) throws StepFailed;
    }

    private static void withPromise(Emit emit, String step, OnReply onReply) throws StepFailed {
        Pointer promise = GST.gst_promise_new();
        try {
            emit.emit(promise);
            int result = GST.gst_promise_wait(promise);
            if (result != PROMISE_REPLIED) throw new StepFailed(step + " was not answered (promise state " + result + ")");
            Pointer reply = GST.gst_promise_get_reply(promise);
            if (reply != null && GST.gst_structure_has_field(reply, "error")) {
                Pointer text = GST.gst_structure_to_string(reply);
                try {
                    throw new StepFailed(step + " failed: " + text.getString(0, "UTF-8"));
                } finally {
                    GLIB.g_free(text);
                }
            }
            onReply.accept(reply);
        } finally {
            GST.gst_mini_object_unref(promise);
        }
    }
}
