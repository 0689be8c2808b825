package stream.viewer;

import com.sun.jna.Library;
import com.sun.jna.Memory;
import com.sun.jna.Native;
import com.sun.jna.NativeLong;
import com.sun.jna.Pointer;

/**
 * Closes a window the way a window manager does when a person clicks its close button: a
 * WM_PROTOCOLS/WM_DELETE_WINDOW ClientMessage, sent through libX11 (a real X client, not a mock).
 */
final class X11Close {
    private X11Close() {}

    /** The few libX11 functions needed. */
    interface X11 extends Library {
        Pointer XOpenDisplay(String name);

        NativeLong XInternAtom(Pointer display, String name, boolean onlyIfExists);

        int XSendEvent(Pointer display, NativeLong window, boolean propagate, NativeLong mask, Pointer event);

        int XFlush(Pointer display);

        int XCloseDisplay(Pointer display);
    }

    /** Sends WM_DELETE_WINDOW to the window. */
    static void close(String display, long window) {
        X11 x = Native.load("X11", X11.class);
        Pointer d = x.XOpenDisplay(display);
        if (d == null) {
            throw new AssertionError("cannot open display " + display);
        }
        try {
            NativeLong protocols = x.XInternAtom(d, "WM_PROTOCOLS", false);
            NativeLong delete = x.XInternAtom(d, "WM_DELETE_WINDOW", false);
            // XClientMessageEvent on LP64: type@0 serial@8 send_event@16 display@24 window@32
            // message_type@40 format@48 data.l[0]@56 data.l[1]@64; an XEvent is 192 bytes.
            var event = new Memory(192);
            event.clear();
            event.setInt(0, 33); // ClientMessage
            event.setInt(16, 1);
            event.setPointer(24, d);
            event.setLong(32, window);
            event.setLong(40, protocols.longValue());
            event.setInt(48, 32);
            event.setLong(56, delete.longValue());
            event.setLong(64, 0); // CurrentTime
            x.XSendEvent(d, new NativeLong(window), false, new NativeLong(0), event);
            x.XFlush(d);
        } finally {
            x.XCloseDisplay(d);
        }
    }
}
