package stream.server.internal.process;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.Arrays;

/**
 * Runs a main class of module stream.viewer in a JVM whose main module is stream.server:
 * {@code java --add-modules stream.viewer -m stream.server/stream.server.internal.process.MediaMain
 * stream.viewer/CLASS ARGS...}. The image's launchers stream-server and stream-viewer, and the
 * server's media processes, so share one main module and one JDK 25 AOT cache
 * ({@code lib/server-viewer.aot}): a cache serves only JVMs with the main module, the added modules
 * and the native access it was made with. stream.viewer exports the packages of its main classes
 * to stream.server only.
 */
public final class MediaMain {
    private MediaMain() {}

    /**
     * @param args "stream.viewer/CLASS" and then the main class's own arguments
     * @throws Exception whatever the main class throws
     */
    public static void main(String[] args) throws Exception {
        if (args.length == 0 || args[0].indexOf('/') <= 0) {
            fail("usage: java -m stream.server/stream.server.internal.process.MediaMain MODULE/CLASS [ARGS...]");
        }
        String target = args[0];
        String moduleName = target.substring(0, target.indexOf('/'));
        String className = target.substring(target.indexOf('/') + 1);
        Module module = ModuleLayer.boot().findModule(moduleName).orElse(null);
        if (module == null) fail("module " + moduleName + " is not in this JVM (start it with --add-modules " + moduleName + ")");
        Class<?> main = Class.forName(module, className);
        if (main == null) fail("no class " + className + " in module " + moduleName);
        Method method = null;
        try {
            method = main.getMethod("main", String[].class);
        } catch (NoSuchMethodException e) {
            fail(target + " has no public main(String[])");
        }
        if (!Modifier.isStatic(method.getModifiers())) fail(target + ": main is not static");
        if (!module.isExported(main.getPackageName(), MediaMain.class.getModule())) {
            fail(target + ": module " + moduleName + " does not export " + main.getPackageName() + " to stream.server");
        }
        try {
            method.invoke(null, (Object) Arrays.copyOfRange(args, 1, args.length));
        } catch (InvocationTargetException e) {
            // As if the main class had been started itself: its exception, not the reflective wrapper.
            if (e.getCause() instanceof Exception cause) throw cause;
            if (e.getCause() instanceof Error error) throw error;
            throw e;
        }
    }

    private static void fail(String message) {
        System.err.println("MediaMain: " + message);
        System.exit(2);
    }
}
