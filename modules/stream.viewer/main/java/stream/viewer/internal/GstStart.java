package stream.viewer.internal;

import com.sun.jna.NativeLibrary;
import org.freedesktop.gstreamer.Gst;
import org.freedesktop.gstreamer.Version;

/**
 * GStreamer's start in every process of this module, with libgstreamer loaded the way
 * gst-launch-1.0 is linked to it. GStreamer finds its plugins next to its own library and keys
 * its registry cache (~/.cache/gstreamer-1.0) by their paths. JNA, asked for "gstreamer-1.0",
 * finds the library by searching directories itself (/usr/lib/x86_64-linux-gnu on Debian) while
 * the dynamic linker gives gst-launch-1.0 the same file under /lib/x86_64-linux-gnu (merged /usr):
 * every plugin's path differed, and each of our processes and each gst-launch-1.0 child after it
 * rewrote the whole cache, 0.6 s of loading every plugin at each start. Loaded first by its
 * soname, the library is the dynamic linker's, and JNA's later load by path is the same object.
 */
public final class GstStart {
    /** Held for the life of the process: the library must stay loaded under the dynamic linker's name. */
    private static NativeLibrary gstreamer;

    private GstStart() {}

    /**
     * Loads libgstreamer by its soname (once), then {@link Gst#init(Version, String)}.
     * @param version the least GStreamer version needed
     * @param name the program's name, as GStreamer's messages show it
     */
    public static synchronized void init(Version version, String name) {
        preload();
        Gst.init(version, name);
    }

    /** Loads libgstreamer by its soname; when it is not there, JNA's own search in Gst.init says what is missing. */
    public static synchronized void preload() {
        if (gstreamer != null) return;
        try {
            gstreamer = NativeLibrary.getInstance("libgstreamer-1.0.so.0");
        } catch (UnsatisfiedLinkError e) {
            // not installed, or not under this name: Gst.init's own load reports it
        }
    }
}
