// The test module: same name as the main one, open, so tests see its internals.
open module stream.client {
    // copied from main
    requires com.eclipsesource.json;
    requires java.net.http;
    requires stream.viewer;

    exports stream.client;

    // test dependencies
    requires org.junit.jupiter.api;
    requires stream.testkit; // Await, Ports, ServerProcess, NetNs, Chromium (modules/stream.testkit)
    requires jdk.httpserver; // misbehaving HTTP peers written in the tests
}
