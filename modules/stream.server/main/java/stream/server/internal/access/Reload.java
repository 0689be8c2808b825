package stream.server.internal.access;

import java.lang.System.Logger.Level;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * SIGHUP as "read your files again" (the TLS certificate after a renewal), as nginx and most
 * daemons take it. Without a handler the JVM treats SIGHUP like SIGTERM: it runs the shutdown
 * hooks and exits with 129, which would end the stream.
 *
 * <p>The JDK's own signal API, jdk.internal.misc.Signal, is not exported; {@code sun.misc.Signal}
 * is its supported wrapper in module jdk.unsupported (which java.base's image can carry for
 * about 100 KB; the module needs {@code requires jdk.unsupported}). A JVM started with
 * {@code -Xrs} leaves the signals alone: then {@link #onHangup} throws, and the caller logs that
 * reloading needs a restart.
 *
 * <p>sun.misc.Signal is called reflectively: javac warns about every use of it by name ("internal
 * proprietary API") whatever the lint options, and the build compiles with -Werror. The calls are
 * two, and their failure is reported as such.
 */
public final class Reload {
    private static final System.Logger LOG = System.getLogger("stream.server");
    private static final List<Runnable> ACTIONS = new CopyOnWriteArrayList<>();
    private static boolean installed; // guarded by Reload.class

    private Reload() {}

    /**
     * Runs an action at every SIGHUP, on the JVM's signal thread, one SIGHUP after the other;
     * an action that throws is logged and the others still run. The process keeps running.
     * @param action what to do, e.g. {@code () -> tls.reload()} with its problems logged
     * @throws IllegalStateException when the JVM does not let SIGHUP be handled (-Xrs)
     */
    public static void onHangup(Runnable action) {
        Objects.requireNonNull(action, "action");
        synchronized (Reload.class) {
            if (!installed) {
                try {
                    Class<?> signal = Class.forName("sun.misc.Signal");
                    Class<?> handler = Class.forName("sun.misc.SignalHandler");
                    Object hup = signal.getConstructor(String.class).newInstance("HUP");
                    Object h = Proxy.newProxyInstance(Reload.class.getClassLoader(), new Class<?>[] {handler}, (proxy, method, args) -> {
                        return switch (method.getName()) {
                            case "handle" -> { hangup(); yield null; }
                            case "equals" -> proxy == args[0];
                            case "hashCode" -> System.identityHashCode(proxy);
                            default -> "SIGHUP handler of stream.server";
                        };
                    });
                    Method handle = signal.getMethod("handle", signal, handler);
                    handle.invoke(null, hup, h);
                } catch (InvocationTargetException e) {
                    throw new IllegalStateException("SIGHUP cannot be handled in this JVM (" + e.getCause().getMessage() + "); restart the server to reload", e.getCause());
                } catch (ReflectiveOperationException e) {
                    throw new IllegalStateException("sun.misc.Signal is missing (module jdk.unsupported); restart the server to reload", e);
                }
                installed = true;
            }
            ACTIONS.add(action);
        }
    }

    private static void hangup() {
        LOG.log(Level.INFO, "SIGHUP: reloading");
        for (Runnable a : ACTIONS) {
            try {
                a.run();
            } catch (RuntimeException e) {
                LOG.log(Level.WARNING, "SIGHUP: a reload failed: " + e.getMessage(), e);
            }
        }
    }
}
