/**
 * Descriptor we give plain JNA (an automatic module upstream, which jlink refuses).
 * Unlike JNA's own jna-jpms jar, java.desktop is optional here: we never pass AWT
 * windows to native code, and requiring it would add about 19 MB to the image.
 */
module com.sun.jna {
    requires java.logging;
    requires static java.desktop;

    exports com.sun.jna;
    exports com.sun.jna.internal;
    exports com.sun.jna.ptr;
    exports com.sun.jna.win32;
}
