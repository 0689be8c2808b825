package stream.viewer.internal.webrtc;

import com.sun.jna.Pointer;
import java.util.List;

import org.freedesktop.gstreamer.Element;
import org.freedesktop.gstreamer.glib.Natives;

/**
 * Network safety of a webrtcbin's ICE agent, set before it gathers anything: UPnP off (Debian's
 * libnice is built with gupnp-igd and turns it on, which sends SSDP to 239.255.255.250:1900 and
 * may ask the router to open ports), and host candidates only on the addresses the operator
 * allows. gst1-java-core cannot read {@code ice-agent} (it throws), so this goes through GLib.
 */
final class Ice {
    private Ice() {}

    /**
     * @param webrtcbin a webrtcbin that has not gathered yet
     * @param addresses the only local addresses to gather on; empty: every address of the host
     * @throws IllegalStateException when UPnP cannot be turned off or an address is refused
     */
    static void restrict(Element webrtcbin, List<String> addresses) {
        Pointer ice = GLib.objectProperty(Natives.getRawPointer(webrtcbin), "ice-agent");
        if (ice == null) throw new IllegalStateException("webrtcbin has no ice-agent");
        try {
            Pointer agent = GLib.objectProperty(ice, "agent");
            if (agent == null) throw new IllegalStateException("webrtcbin's ice-agent has no NiceAgent");
            try {
                upnpOff(agent);
            } finally {
                GLib.GOBJECT.g_object_unref(agent);
            }
            // UDP only: no ICE-TCP listening sockets (browsers connect over UDP on a LAN).
            GLib.setBoolean(ice, "ice-tcp", false);
            for (String address : addresses) {
                if (!GLib.emitStringForBoolean(ice, "add-local-ip-address", address)) {
                    throw new IllegalStateException("the ICE agent refused the local address " + address);
                }
            }
        } finally {
            GLib.GOBJECT.g_object_unref(ice);
        }
    }

    /** Turns UPnP off on a NiceAgent and checks that it is off. */
    static void upnpOff(Pointer agent) {
        GLib.setBoolean(agent, "upnp", false);
        if (GLib.booleanProperty(agent, "upnp")) {
            throw new IllegalStateException("UPnP could not be turned off on the ICE agent");
        }
    }

    /** The same guard for an agent found on a nicesrc or nicesink ({@code agent} property). */
    static void upnpOffOnElement(Element niceElement) {
        Pointer agent = GLib.objectProperty(Natives.getRawPointer(niceElement), "agent");
        if (agent == null) return;
        try {
            upnpOff(agent);
        } finally {
            GLib.GOBJECT.g_object_unref(agent);
        }
    }
}
