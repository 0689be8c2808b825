// The test module: same name as the main one, open, so tests see its internals.
open module stream.server {
    // copied from main
    requires com.eclipsesource.json;
    requires java.logging; // backs java.lang.System.Logger
    requires java.net.http; // the Janus HTTP API
    requires jdk.unsupported; // sun.misc.Signal: SIGHUP reloads the TLS certificate
    requires jdk.httpserver;

    exports stream.server;
    // java.util.logging instantiates the LogManager subclass reflectively.
    exports stream.server.internal to java.logging;

    // test dependencies
    requires org.junit.jupiter.api;
    requires stream.testkit; // Await, Ports, ServerProcess, NetNs, Chromium (modules/stream.testkit)
    requires org.junit.jupiter.params;
}
