package bench;

import com.eclipsesource.json.Json;
import com.eclipsesource.json.JsonObject;
import com.eclipsesource.json.JsonValue;
import com.sun.jna.Callback;
import com.sun.jna.Library;
import com.sun.jna.Native;
import com.sun.jna.NativeLong;
import com.sun.jna.Pointer;
import com.sun.jna.ptr.IntByReference;
import com.sun.jna.ptr.PointerByReference;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * Light WebRTC receivers for the fan-out phase ({@link FanoutPhase}): many webrtcbin viewers in ONE
 * process, each its own pipeline {@code webrtcbin ! rtph264depay ! fakesink}: the SRTP, the jitter
 * buffer and the depayloader, nothing decoded. A buffer probe on each fakesink counts the frames
 * (access units) each viewer received. Plain JNA against GStreamer, as {@link Probe} and
 * {@link Stamper}; the ICE agent of every viewer has UPnP and ICE-TCP off and gathers only on the
 * address given (GROUND.md).
 *
 * <p>Usage: {@code LightViewers REF_PORT gateway ICE_ADDRESS} or {@code LightViewers REF_PORT janus ICE_ADDRESS API_URL MOUNTPOINT}.
 * REF_PORT: a plain RTP/UDP copy of the sender's packets ({@code udpsrc ! rtph264depay ! fakesink}), the frames
 * actually sent, which "counts" gives first.
 * Commands on stdin, one a line, answered on stdout:
 * <pre>
 * add I                 (gateway) a new viewer I makes a recvonly H.264 offer: "offer I BASE64-SDP"
 * answer I BASE64-SDP   (gateway) the gateway's answer for viewer I: "answered I"
 * janus I               (janus) viewer I watches the mountpoint through Janus's HTTP API: "joined I"
 * counts T N            "counts T ref c0 c1 ... cN-1": frames of the plain copy, then of each viewer, so far
 * </pre>
 * A failure answers "failed I reason". End of stdin ends the program.
 */
public final class LightViewers {
    private LightViewers() {}

    public interface Gst extends Library {
        Gst I = Native.load("libgstreamer-1.0.so.0", Gst.class);
        void gst_init(Pointer argc, Pointer argv);
        Pointer gst_pipeline_new(String name);
        Pointer gst_parse_launch(String description, PointerByReference error);
        Pointer gst_element_factory_make(String factory, String name);
        Pointer gst_parse_bin_from_description(String description, boolean ghost, PointerByReference error);
        int gst_element_set_state(Pointer element, int state);
        Pointer gst_bin_get_by_name(Pointer bin, String name);
        boolean gst_bin_add(Pointer bin, Pointer element);
        boolean gst_element_sync_state_with_parent(Pointer element);
        Pointer gst_element_get_static_pad(Pointer element, String name);
        int gst_pad_link(Pointer src, Pointer sink);
        int gst_pad_get_direction(Pointer pad);
        NativeLong gst_pad_add_probe(Pointer pad, int mask, ProbeCallback callback, Pointer data, Pointer destroy);
        Pointer gst_caps_from_string(String caps);
        void gst_util_set_object_arg(Pointer object, String name, String value);
        Pointer gst_promise_new();
        int gst_promise_wait(Pointer promise);
        Pointer gst_promise_get_reply(Pointer promise);
        void gst_mini_object_unref(Pointer object);
        Pointer gst_structure_get_value(Pointer structure, String field);
        boolean gst_structure_has_field(Pointer structure, String field);
        Pointer gst_structure_to_string(Pointer structure);
        void gst_object_unref(Pointer object);
    }

    public interface GObject extends Library {
        GObject I = Native.load("libgobject-2.0.so.0", GObject.class);
        void g_object_get(Pointer object, String name, Object... rest);
        void g_object_set(Pointer object, String name, Object... rest);
        void g_signal_emit_by_name(Pointer object, String signal, Object... rest);
        NativeLong g_signal_connect_data(Pointer instance, String signal, Callback handler, Pointer data, Pointer destroy, int flags);
        void g_object_unref(Pointer object);
        Pointer g_value_get_boxed(Pointer value);
    }

    public interface Sdp extends Library {
        Sdp I = Native.load("libgstsdp-1.0.so.0", Sdp.class);
        Pointer gst_sdp_message_as_text(Pointer sdp);
        int gst_sdp_message_new_from_text(String text, PointerByReference message);
    }

    public interface WebRtc extends Library {
        WebRtc I = Native.load("libgstwebrtc-1.0.so.0", WebRtc.class);
        void gst_webrtc_session_description_free(Pointer description);
        Pointer gst_webrtc_session_description_new(int type, Pointer sdp);
    }

    public interface Glib extends Library {
        Glib I = Native.load("libglib-2.0.so.0", Glib.class);
        void g_free(Pointer p);
    }

    public interface ProbeCallback extends Callback {
        int invoke(Pointer pad, Pointer info, Pointer userData);
    }

    public interface PadAdded extends Callback {
        void invoke(Pointer element, Pointer pad, Pointer userData);
    }

    static final int SDP_OFFER = 1, SDP_ANSWER = 3, PROMISE_REPLIED = 2, RECVONLY = 3;
    static final int STATE_PLAYING = 4, PAD_SRC = 1, PROBE_BUFFER = 1 << 4, PROBE_OK = 1;
    static final int GATHERING_COMPLETE = 2;
    static final String CAPS = "application/x-rtp,media=video,encoding-name=H264,clock-rate=90000,payload=96,"
            + "packetization-mode=(string)1,profile-level-id=(string)42e01f,level-asymmetry-allowed=(string)1";
    static final int MAX = 2000;

    static final AtomicLongArray FRAMES = new AtomicLongArray(MAX);
    static final Pointer[] PIPELINES = new Pointer[MAX];
    // kept in static fields: the GC must not take callbacks GStreamer still calls
    static final ProbeCallback COUNT = (pad, info, user) -> {
        FRAMES.incrementAndGet((int) Pointer.nativeValue(user));
        return PROBE_OK;
    };
    static final PadAdded PAD_ADDED = (element, pad, user) -> link((int) Pointer.nativeValue(user), pad);
    static int viewers;

    private static void link(int i, Pointer pad) {
        if (Gst.I.gst_pad_get_direction(pad) != PAD_SRC) return;
        PointerByReference err = new PointerByReference();
        Pointer bin = Gst.I.gst_parse_bin_from_description(
                "rtph264depay ! video/x-h264,alignment=au ! fakesink name=fs sync=false async=false", true, err);
        if (bin == null) { System.out.println("failed " + i + " cannot make the counting branch"); return; }
        Pointer fs = Gst.I.gst_bin_get_by_name(bin, "fs");
        Pointer sinkPad = Gst.I.gst_element_get_static_pad(fs, "sink");
        Gst.I.gst_pad_add_probe(sinkPad, PROBE_BUFFER, COUNT, new Pointer(i), null);
        Gst.I.gst_bin_add(PIPELINES[i], bin);
        Gst.I.gst_element_sync_state_with_parent(bin);
        int r = Gst.I.gst_pad_link(pad, Gst.I.gst_element_get_static_pad(bin, "sink"));
        if (r != 0) System.out.println("failed " + i + " link " + r);
    }

    /** A new viewer's pipeline, playing, its ICE restricted to address; its webrtcbin. */
    private static Pointer newViewer(int i, String address, boolean addTransceiver) {
        Pointer pipeline = Gst.I.gst_pipeline_new("viewer" + i);
        Pointer w = Gst.I.gst_element_factory_make("webrtcbin", "w");
        if (w == null) throw new IllegalStateException("cannot make webrtcbin (gstreamer1.0-plugins-bad, gstreamer1.0-nice)");
        Gst.I.gst_util_set_object_arg(w, "bundle-policy", "max-bundle");
        Gst.I.gst_bin_add(pipeline, w);
        PIPELINES[i] = pipeline;
        restrictIce(w, address);
        GObject.I.g_signal_connect_data(w, "pad-added", PAD_ADDED, new Pointer(i), null, 0);
        if (addTransceiver) {
            PointerByReference t = new PointerByReference();
            GObject.I.g_signal_emit_by_name(w, "add-transceiver", RECVONLY, Gst.I.gst_caps_from_string(CAPS), t);
            if (t.getValue() != null) GObject.I.g_object_unref(t.getValue());
        }
        Gst.I.gst_element_set_state(pipeline, STATE_PLAYING);
        return w;
    }

    private static void restrictIce(Pointer w, String address) {
        PointerByReference ice = new PointerByReference();
        GObject.I.g_object_get(w, "ice-agent", ice, null);
        PointerByReference agent = new PointerByReference();
        GObject.I.g_object_get(ice.getValue(), "agent", agent, null);
        GObject.I.g_object_set(agent.getValue(), "upnp", 0, null);
        IntByReference upnp = new IntByReference();
        GObject.I.g_object_get(agent.getValue(), "upnp", upnp, null);
        if (upnp.getValue() != 0) throw new IllegalStateException("UPnP could not be turned off");
        GObject.I.g_object_unref(agent.getValue());
        GObject.I.g_object_set(ice.getValue(), "ice-tcp", 0, null);
        IntByReference ok = new IntByReference();
        GObject.I.g_signal_emit_by_name(ice.getValue(), "add-local-ip-address", address, ok, null);
        if (ok.getValue() == 0) throw new IllegalStateException("the ICE agent refused " + address);
        GObject.I.g_object_unref(ice.getValue());
    }

    private interface Emit { void emit(Pointer promise); }

    private static Pointer promise(Emit emit, String step) {
        Pointer p = Gst.I.gst_promise_new();
        emit.emit(p);
        int r = Gst.I.gst_promise_wait(p);
        if (r != PROMISE_REPLIED) throw new IllegalStateException(step + " not answered (" + r + ")");
        Pointer reply = Gst.I.gst_promise_get_reply(p);
        if (reply != null && Gst.I.gst_structure_has_field(reply, "error")) {
            throw new IllegalStateException(step + ": " + Gst.I.gst_structure_to_string(reply).getString(0));
        }
        return p; // the caller unrefs
    }

    private static void createAndSetLocal(Pointer w, String kind) {
        Pointer p = promise(x -> GObject.I.g_signal_emit_by_name(w, "create-" + kind, null, x), "create-" + kind);
        try {
            Pointer value = Gst.I.gst_structure_get_value(Gst.I.gst_promise_get_reply(p), kind);
            Pointer desc = GObject.I.g_value_get_boxed(value);
            Gst.I.gst_mini_object_unref(promise(x -> GObject.I.g_signal_emit_by_name(w, "set-local-description", desc, x), "set-local-description"));
        } finally {
            Gst.I.gst_mini_object_unref(p);
        }
    }

    private static void setRemote(Pointer w, int type, String sdp) {
        PointerByReference msg = new PointerByReference();
        if (Sdp.I.gst_sdp_message_new_from_text(sdp, msg) != 0) throw new IllegalStateException("not SDP");
        Pointer desc = WebRtc.I.gst_webrtc_session_description_new(type, msg.getValue());
        try {
            Gst.I.gst_mini_object_unref(promise(x -> GObject.I.g_signal_emit_by_name(w, "set-remote-description", desc, x), "set-remote-description"));
        } finally {
            WebRtc.I.gst_webrtc_session_description_free(desc);
        }
    }

    /** The local description's SDP once ICE gathering is complete (no trickle). */
    private static String gatheredLocal(Pointer w) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        IntByReference state = new IntByReference();
        while (true) {
            GObject.I.g_object_get(w, "ice-gathering-state", state, null);
            if (state.getValue() == GATHERING_COMPLETE) break;
            if (System.nanoTime() > deadline) throw new IllegalStateException("ICE gathering did not complete in 10 s");
            Thread.sleep(5);
        }
        PointerByReference ref = new PointerByReference();
        GObject.I.g_object_get(w, "local-description", ref, null);
        Pointer sdp = ref.getValue().getPointer(Native.POINTER_SIZE);
        Pointer text = Sdp.I.gst_sdp_message_as_text(sdp);
        String s = text.getString(0, "UTF-8");
        Glib.I.g_free(text);
        WebRtc.I.gst_webrtc_session_description_free(ref.getValue());
        return s;
    }

    // ------------------------------------------------------------------ Janus's HTTP API
    static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    static String api;
    static long session;
    static final BlockingQueue<JsonObject> EVENTS = new LinkedBlockingQueue<>();

    static JsonObject janus(String path, JsonObject body) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(api + path)).timeout(Duration.ofSeconds(40));
        if (body != null) b.POST(HttpRequest.BodyPublishers.ofString(body.add("transaction", "t" + System.nanoTime()).toString()));
        String text = HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString()).body();
        JsonValue v = Json.parse(text);
        JsonObject o = v.isArray() ? new JsonObject().add("events", v) : v.asObject();
        if ("error".equals(o.getString("janus", ""))) throw new IllegalStateException("Janus: " + o);
        return o;
    }

    /** Long-polls the session's events (which also keeps the session alive) into EVENTS. */
    static void poll() {
        while (true) {
            try {
                JsonObject o = janus("/" + session + "?maxev=10&rid=" + System.nanoTime(), null);
                if (o.get("events") != null) for (JsonValue e : o.get("events").asArray()) EVENTS.add(e.asObject());
                else EVENTS.add(o);
            } catch (Exception e) {
                System.err.println("poll: " + e);
                try { Thread.sleep(500); } catch (InterruptedException x) { return; }
            }
        }
    }

    static void joinJanus(int i, String address, int mountpoint) throws Exception {
        long handle = janus("/" + session, new JsonObject().add("janus", "attach").add("plugin", "janus.plugin.streaming"))
                .get("data").asObject().getLong("id", 0);
        JsonObject w = janus("/" + session + "/" + handle, new JsonObject().add("janus", "message")
                .add("body", new JsonObject().add("request", "watch").add("id", mountpoint)));
        JsonObject ev = w.get("jsep") != null ? w : null;
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (ev == null) {
            JsonObject e = EVENTS.poll(Math.max(1, (deadline - System.nanoTime()) / 1_000_000), TimeUnit.MILLISECONDS);
            if (e == null) throw new IllegalStateException("no offer from Janus in 20 s");
            if (e.getLong("sender", 0) == handle && e.get("jsep") != null) ev = e;
        }
        Pointer webrtc = newViewer(i, address, false);
        setRemote(webrtc, SDP_OFFER, ev.get("jsep").asObject().getString("sdp", ""));
        createAndSetLocal(webrtc, "answer");
        String answer = gatheredLocal(webrtc);
        janus("/" + session + "/" + handle, new JsonObject().add("janus", "message").add("body", new JsonObject().add("request", "start"))
                .add("jsep", new JsonObject().add("type", "answer").add("sdp", answer)));
    }

    public static void main(String[] argv) throws Exception {
        int refPort = Integer.parseInt(argv[0]);
        String[] args = java.util.Arrays.copyOfRange(argv, 1, argv.length);
        String mode = args[0], address = args[1];
        Gst.I.gst_init(null, null);
        PointerByReference perr = new PointerByReference();
        Pointer ref = Gst.I.gst_parse_launch("udpsrc port=" + refPort + " caps=\"application/x-rtp,media=video,clock-rate=90000,encoding-name=H264,payload=96\""
                + " ! rtph264depay ! video/x-h264,alignment=au ! fakesink name=fs sync=false async=false", perr);
        Gst.I.gst_pad_add_probe(Gst.I.gst_element_get_static_pad(Gst.I.gst_bin_get_by_name(ref, "fs"), "sink"), PROBE_BUFFER, COUNT, new Pointer(MAX - 1), null);
        Gst.I.gst_element_set_state(ref, STATE_PLAYING);
        Pointer[] webrtcs = new Pointer[MAX];
        if (mode.equals("janus")) {
            api = args[2];
            session = janus("", new JsonObject().add("janus", "create")).get("data").asObject().getLong("id", 0);
            Thread t = new Thread(LightViewers::poll, "janus-poll");
            t.setDaemon(true);
            t.start();
        }
        System.out.println("ready");
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        String line;
        while ((line = in.readLine()) != null) {
            String[] f = line.strip().split(" ");
            int i = f.length > 1 ? Integer.parseInt(f[1]) : -1;
            try {
                switch (f[0]) {
                    case "add" -> {
                        webrtcs[i] = newViewer(i, address, true);
                        createAndSetLocal(webrtcs[i], "offer");
                        String sdp = gatheredLocal(webrtcs[i]);
                        System.out.println("offer " + i + " " + Base64.getEncoder().encodeToString(sdp.getBytes(StandardCharsets.UTF_8)));
                    }
                    case "answer" -> {
                        setRemote(webrtcs[i], SDP_ANSWER, new String(Base64.getDecoder().decode(f[2]), StandardCharsets.UTF_8));
                        System.out.println("answered " + i);
                    }
                    case "janus" -> {
                        joinJanus(i, address, Integer.parseInt(args[3]));
                        System.out.println("joined " + i);
                    }
                    case "counts" -> {
                        List<String> c = new ArrayList<>();
                        c.add("counts");
                        c.add(f[1]);
                        c.add(String.valueOf(FRAMES.get(MAX - 1)));
                        viewers = Math.max(viewers, Integer.parseInt(f[2]));
                        for (int k = 0; k < viewers; k++) c.add(String.valueOf(FRAMES.get(k)));
                        System.out.println(String.join(" ", c));
                    }
                    default -> System.out.println("failed " + i + " unknown command " + f[0]);
                }
            } catch (Exception e) {
                System.out.println("failed " + i + " " + e.getMessage());
            }
            System.out.flush();
        }
        for (Pointer p : PIPELINES) if (p != null) Gst.I.gst_element_set_state(p, 1);
        System.exit(0);
    }
}
