package stream.testkit;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolutionException;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * The kit's fixtures as JUnit 5 parameters: with {@code @ExtendWith(Fixtures.class)} a test method
 * (or a {@code @BeforeAll} method, or a constructor) may declare
 * <ul>
 * <li>{@link NetNs}: a namespace of its own with loopback up;</li>
 * <li>{@link Chromium}: headless Chromium inside that namespace (the same one when both are
 *     declared), its log in {@code test-reports/chromium/} of the build directory.</li>
 * </ul>
 * Each is made once per test (per class for a {@code @BeforeAll} method or a constructor under
 * {@code PER_CLASS}) and closed when that test (or class) ends: after {@code @AfterEach}
 * (or {@code @AfterAll}) methods, browser first, then the namespace.
 */
public final class Fixtures implements ParameterResolver {
    private static final ExtensionContext.Namespace KIT = ExtensionContext.Namespace.create(Fixtures.class);

    /** Made by JUnit for {@code @ExtendWith(Fixtures.class)}. */
    public Fixtures() {}

    @Override
    public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
        Class<?> type = parameter.getParameter().getType();
        return type == NetNs.class || type == Chromium.class;
    }

    @Override
    public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
        Class<?> type = parameter.getParameter().getType();
        try {
            return type == NetNs.class ? netNs(context) : chromium(context);
        } catch (IOException e) {
            throw new ParameterResolutionException("could not make the " + type.getSimpleName() + " for " + context.getDisplayName()
                    + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ParameterResolutionException("interrupted while making the " + type.getSimpleName(), e);
        }
    }

    /** A store value JUnit closes when its context ends. */
    private record Closing<T extends AutoCloseable>(T value) implements ExtensionContext.Store.CloseableResource {
        @Override
        public void close() throws Throwable {
            value.close();
        }
    }

    private static NetNs netNs(ExtensionContext context) throws IOException, InterruptedException {
        ExtensionContext.Store store = context.getStore(KIT);
        Closing<?> held = store.get(NetNs.class, Closing.class);
        if (held != null) return (NetNs) held.value();
        // a short, unique suffix: namespace names are free, but logs should say which test made it
        String suffix = Integer.toHexString(System.identityHashCode(context)) + "-"
                + context.getRequiredTestClass().getSimpleName().toLowerCase(Locale.ROOT);
        NetNs ns = NetNs.create(suffix.length() > 40 ? suffix.substring(0, 40) : suffix);
        store.put(NetNs.class, new Closing<>(ns));
        return ns;
    }

    private static Chromium chromium(ExtensionContext context) throws IOException, InterruptedException {
        ExtensionContext.Store store = context.getStore(KIT);
        Closing<?> held = store.get(Chromium.class, Closing.class);
        if (held != null) return (Chromium) held.value();
        NetNs ns = netNs(context);
        Chromium browser = Chromium.start(ns.prefix(), logFile(context));
        // stored after the namespace: JUnit closes a store's values in reverse order, the browser first
        store.put(Chromium.class, new Closing<>(browser));
        return browser;
    }

    private static Path logFile(ExtensionContext context) throws IOException {
        String build = System.getProperty("stream.build.dir");
        Path dir = build == null ? Files.createTempDirectory("chromium-logs") : Files.createDirectories(Path.of(build, "test-reports", "chromium"));
        String name = context.getRequiredTestClass().getSimpleName()
                + context.getTestMethod().map(m -> "-" + m.getName()).orElse("") + ".log";
        return dir.resolve(name);
    }
}
