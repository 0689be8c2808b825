package stream.viewer.internal.rtsp;

import java.io.PrintStream;

/** The RTSP gateway's log: lines on stderr (stdout carries the control protocol), read by its parent. */
final class Log {
    private static final PrintStream ERR = System.err;

    private Log() {}

    static void info(String message) {
        ERR.println("stream-rtsp: " + message);
    }

    static void warn(String message) {
        ERR.println("stream-rtsp: warning: " + message);
    }
}
