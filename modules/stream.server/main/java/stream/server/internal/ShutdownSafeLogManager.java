package stream.server.internal;

import java.util.logging.LogManager;

/**
 * A LogManager that keeps its handlers during JVM shutdown. The JDK's own shutdown hook resets
 * java.util.logging while other hooks still run, which would swallow the lines our shutdown
 * hook logs as it stops the stream ("stream main: running -> stopping", "stopping -> stopped").
 * Main installs it through the {@code java.util.logging.manager} property.
 */
public final class ShutdownSafeLogManager extends LogManager {
    /** Called reflectively by java.util.logging. */
    public ShutdownSafeLogManager() {
        super();
    }

    @Override
    public void reset() {
        // The JDK's hook thread is LogManager$Cleaner; ConsoleHandler flushes every record, so
        // nothing is lost by not closing it at exit.
        if (Thread.currentThread().getClass().getName().startsWith(LogManager.class.getName() + "$")) return;
        super.reset();
    }
}
