package stream.server.internal;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import stream.server.StreamServer;
import stream.testkit.Ports;

/**
 * The in-process server most API tests share, as a JUnit 5 extension: started before the class's
 * tests ({@link TestSupport#smallTestServer}: loopback, a free HTTP port, the 320x240 test pattern
 * to a free UDP port, a state directory of its own) and closed after them.
 *
 * <pre>{@code
 * @RegisterExtension
 * static final SmallServer server = new SmallServer();
 * ... server.port() ...
 * }</pre>
 */
final class SmallServer implements BeforeAllCallback, AfterAllCallback {
    private StreamServer server;
    private Path stateDir;
    private int udpPort;

    @Override
    public void beforeAll(ExtensionContext context) throws IOException {
        stateDir = Files.createTempDirectory("stream-state");
        udpPort = Ports.freeUdp();
        server = StreamServer.start(TestSupport.smallTestServer(stateDir, udpPort));
    }

    @Override
    public void afterAll(ExtensionContext context) throws IOException {
        try {
            if (server != null) server.close();
        } finally {
            try (var files = Files.walk(stateDir)) {
                files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    /** @return the server's HTTP port */
    int port() {
        return server.port();
    }

    /** @return the UDP port its stream goes to on 127.0.0.1 */
    int udpPort() {
        return udpPort;
    }

    StreamServer server() {
        return server;
    }
}
