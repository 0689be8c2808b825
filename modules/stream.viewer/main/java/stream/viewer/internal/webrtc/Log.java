package stream.viewer.internal.webrtc;

import java.io.PrintStream;

/** The gateway's log: lines on stderr (stdout carries the control protocol), read by its parent. */
final class Log {
    private static final PrintStream ERR = System.err;

    private Log() {}

    static void info(String message) {
        ERR.println("stream-webrtc: " + message);
    }

    static void warn(String message) {
        ERR.println("stream-webrtc: warning: " + message);
    }
}
