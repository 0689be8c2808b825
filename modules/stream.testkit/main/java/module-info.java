/**
 * Defines the test kit: what every module's tests and the bench start, wait for and clean up,
 * written once. Real processes, real namespaces, real ports; nothing here is a mock.
 *
 * <p>The kit is compiled by {@code build.sh} before the tests and put on every test module path
 * and on the bench's class path; it is never linked into the image. Its one package,
 * {@link stream.testkit}, holds {@link stream.testkit.Await} (the one poll helper),
 * {@link stream.testkit.Ports}, {@link stream.testkit.ServerProcess}, {@link stream.testkit.NetNs},
 * {@link stream.testkit.Chromium}, {@link stream.testkit.Processes} and the JUnit 5 extension
 * {@link stream.testkit.Fixtures} that hands namespaces and browsers to tests as parameters.
 *
 * @since 0.1.0
 */
module stream.testkit {
    requires transitive com.eclipsesource.json; // the DevTools protocol's messages, in Chromium's API
    // The extension only: the bench uses the kit on its class path without JUnit.
    requires static transitive org.junit.jupiter.api;

    exports stream.testkit;
}
