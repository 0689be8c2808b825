package stream.client.internal;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The real stream-server as a process on a free port, with its state directory in the test's
 * folder; {@link #close()} kills it and its gst-launch-1.0 children.
 */
final class RealServer implements AutoCloseable {
    private static final Pattern LISTENING = Pattern.compile("listening on (http://[^\\s/]+)/control");

    private final Process process;
    private final String url;
    private final Path err;

    private RealServer(Process process, String url, Path err) {
        this.process = process;
        this.url = url;
        this.err = err;
    }

    /**
     * Starts stream-server and waits until it listens.
     * @param dir the test's folder (logs, state directory)
     * @param args the server's arguments after --port 0 --bind 127.0.0.1 --state-dir
     * @return the running server
     */
    static RealServer start(Path dir, String... args) throws IOException {
        Path out = Files.createTempFile(dir, "server", ".out");
        Path err = Files.createTempFile(dir, "server", ".err");
        Path state = Files.createTempDirectory(dir, "state");
        var all = new ArrayList<>(List.of("--port", "0", "--bind", "127.0.0.1", "--state-dir", state.toString()));
        all.addAll(List.of(args));
        var pb = new ProcessBuilder(ClientProcess.command("stream.server", false, all));
        pb.environment().keySet().removeIf(k -> k.startsWith("STREAM_"));
        Process p = pb.redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        String[] url = new String[1];
        try {
            ClientProcess.await(Duration.ofSeconds(60), "stream-server to listen", () -> {
                if (!p.isAlive()) {
                    throw new AssertionError("stream-server ended with " + p.exitValue() + ": " + read(err));
                }
                Matcher m = LISTENING.matcher(read(out));
                if (m.find()) {
                    url[0] = m.group(1);
                    return true;
                }
                return false;
            });
        } catch (RuntimeException | Error e) {
            ClientProcess.kill(p);
            throw e;
        }
        return new RealServer(p, url[0], err);
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
        return read(err);
    }

    @Override
    public void close() {
        ClientProcess.kill(process);
    }

    private static String read(Path p) {
        try {
            return Files.exists(p) ? Files.readString(p) : "";
        } catch (IOException e) {
            return "";
        }
    }
}
