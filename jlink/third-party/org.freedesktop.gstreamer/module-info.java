/**
 * Descriptor we give gst1-java-core (an automatic module upstream, which jlink refuses).
 * Open, because JNA calls setAccessible on the library's callback and structure classes;
 * and it declares the TypeProvider service that Gst.init looks up, which jdeps leaves out.
 */
open module org.freedesktop.gstreamer {
    requires java.logging;
    requires transitive com.sun.jna;

    exports org.freedesktop.gstreamer;
    exports org.freedesktop.gstreamer.controller;
    exports org.freedesktop.gstreamer.device;
    exports org.freedesktop.gstreamer.elements;
    exports org.freedesktop.gstreamer.event;
    exports org.freedesktop.gstreamer.glib;
    exports org.freedesktop.gstreamer.interfaces;
    exports org.freedesktop.gstreamer.lowlevel;
    exports org.freedesktop.gstreamer.lowlevel.annotations;
    exports org.freedesktop.gstreamer.message;
    exports org.freedesktop.gstreamer.query;
    exports org.freedesktop.gstreamer.video;
    exports org.freedesktop.gstreamer.webrtc;

    uses org.freedesktop.gstreamer.glib.NativeObject.TypeProvider;
}
