package stream.server.internal;

import java.lang.System.Logger.Level;
import java.util.List;

/**
 * A server whose vital thread has died must not live on half-dead (an API that never answers, a
 * status that says stalled while the stream flows, a watchdog killing a healthy child): an
 * uncaught throwable in one of them, or an {@link VirtualMachineError} (out of memory) in any
 * thread, ends the process with {@link #EXIT} after one clear log line, so that a service manager
 * restarts it. The shutdown hook still ends the stream; if it cannot within 10 s, the process halts
 * (the child dies with it: parent-death signal).
 */
public final class VitalThreads {
    /** The exit code of a server that lost a vital thread (EX_SOFTWARE of sysexits.h). */
    public static final int EXIT = 70;
    // jdk.httpserver's dispatcher and timers; our statistics reader, watchdog and child launcher.
    private static final List<String> VITAL = List.of("HTTP-Dispatcher", "idle-timeout-task", "req-rsp-timeout-task",
            "rtp-tap-", "stream-watchdog", "stream-child-launcher");

    // Made beforehand: out of memory, making a thread may fail too.
    private static final Thread HALT = new Thread(() -> {
        try {
            Thread.sleep(10_000);
        } catch (InterruptedException ignored) {
            // halting anyway
        }
        Runtime.getRuntime().halt(EXIT);
    }, "stream-server-halt");
    private static final Thread EXITING = new Thread(() -> System.exit(EXIT), "stream-server-exit");
    private static final java.util.concurrent.atomic.AtomicBoolean ENDING = new java.util.concurrent.atomic.AtomicBoolean();
    // Given back to the heap when a thread dies of an error: the handler itself must allocate (a
    // message, a log line), and out of memory it would die too.
    private static volatile byte[] reserve = new byte[2 * 1024 * 1024];

    private VitalThreads() {}

    /** Installs the handler for every thread that has none of its own. */
    public static void install() {
        HALT.setDaemon(true);
        Thread.setDefaultUncaughtExceptionHandler(VitalThreads::died);
    }

    static boolean vital(String threadName) {
        for (String v : VITAL)
            if (threadName.startsWith(v)) return true;
        return false;
    }

    private static void died(Thread t, Throwable e) {
        if (e instanceof VirtualMachineError) reserve = null;
        if (!vital(t.getName()) && !(e instanceof VirtualMachineError)) {
            System.getLogger("stream.server").log(Level.ERROR, "thread " + t.getName() + " ended by an error", e);
            return;
        }
        if (!ENDING.compareAndSet(false, true)) return;
        reserve = null;
        // Printed, not logged: under out-of-memory a logger may fail.
        System.err.println("stream-server: " + (vital(t.getName()) ? "vital thread " : "thread ") + t.getName() + " died (" + e + "); exiting with "
                + EXIT + " so that the service manager restarts the server");
        HALT.start();
        EXITING.start();
    }
}
