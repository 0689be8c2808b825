package stream.client.internal;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import stream.testkit.ServerProcess;

/**
 * The real stream-server as a process on a free port, with its state directory in the test's
 * folder; {@link #close()} kills it and its gst-launch-1.0 children.
 */
final class RealServer implements AutoCloseable {
    private final ServerProcess process;
    private final String url;

    private RealServer(ServerProcess process, String url) {
        this.process = process;
        this.url = url;
    }

    /**
     * Starts stream-server and waits until it listens.
     * @param dir the test's folder (the state directory)
     * @param args the server's arguments after --port 0 --bind 127.0.0.1 --state-dir
     * @return the running server
     */
    static RealServer start(Path dir, String... args) throws IOException {
        Path state = Files.createTempDirectory(dir, "state");
        var all = new ArrayList<>(List.of("--port", "0", "--bind", "127.0.0.1", "--state-dir", state.toString()));
        all.addAll(List.of(args));
        ServerProcess p = ServerProcess.builder().jvm(List.of()).args(all).start();
        try {
            return new RealServer(p, p.awaitUrl());
        } catch (RuntimeException | Error e) {
            p.close();
            throw e;
        }
    }

    /** @return the server's base address, http://127.0.0.1:PORT */
    String url() {
        return url;
    }

    /**
     * Sends one request to the server's API, as curl would.
     * @param method GET, PUT, DELETE, POST
     * @param path for example /streams/cam2
     * @param body the JSON body, or null
     * @return the answer
     */
    HttpResponse<String> http(String method, String path, String body) {
        try (var http = HttpClient.newHttpClient()) {
            var request = HttpRequest.newBuilder(URI.create(url + path)).method(method,
                    body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
            return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** @return what the server wrote to stderr so far, for failure messages */
    String log() {
        return process.stderrText();
    }

    @Override
    public void close() {
        process.close();
    }
}
