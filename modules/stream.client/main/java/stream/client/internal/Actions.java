package stream.client.internal;

import com.eclipsesource.json.Json;
import com.eclipsesource.json.JsonObject;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.URI;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import stream.client.ControlClient;
import stream.client.ControlException;
import stream.client.ControlResponse;
import stream.viewer.Viewer;
import stream.viewer.ViewerException;
import stream.viewer.ViewerReport;
import stream.viewer.WhepViewer;

/**
 * What the commands and the menu items do. Each returns the documented exit code; answers go to
 * {@code out}, problems (one line each) to {@code problem}.
 */
final class Actions {
    /** Exit code: ok. */
    static final int OK = 0;
    /** Exit code: the operation failed at run time (server refused, stream failed, no frames). */
    static final int FAILED = 1;
    /** Exit code: usage error. */
    static final int USAGE = 2;
    /** Exit code: environment problem (server unreachable or not stream-server, no display, plugin missing). */
    static final int ENVIRONMENT = 3;

    private final ControlClient client;
    private final CommandLine commandLine;
    private final PrintStream out;
    private final Consumer<String> problem;
    private final Consumer<String> detail;
    // The stream the commands act on: null for the default one (today's paths and output).
    private String stream;

    /**
     * @param problem prints the one line that says what went wrong and what to do
     * @param detail prints further lines under it (the stream's stderr), without a prefix
     */
    Actions(ControlClient client, CommandLine commandLine, PrintStream out, Consumer<String> problem,
            Consumer<String> detail) {
        this.client = client;
        this.commandLine = commandLine;
        this.out = out;
        this.problem = problem;
        this.detail = detail;
        this.stream = commandLine.stream();
    }

    /** @return the stream the commands act on, or null for the server's default stream */
    String stream() {
        return stream;
    }

    /** @param name the stream the commands act on from now, or null for the default stream */
    void use(String name) {
        stream = name == null ? null : ControlClient.checkStreamName(name);
    }

    /** @return the client that talks to the server */
    ControlClient client() {
        return client;
    }

    /** @return the options view uses */
    stream.viewer.ViewerOptions viewerOptions() {
        return commandLine.viewer();
    }

    int start() throws InterruptedException {
        try {
            ControlResponse response = client.start(stream);
            out.print(commandLine.json() ? untouched(response) : Answers.action(response, stream) + System.lineSeparator());
            return OK;
        } catch (ControlException e) {
            return failed(e);
        }
    }

    int stop() throws InterruptedException {
        try {
            ControlResponse response = client.stop(stream);
            out.print(commandLine.json() ? untouched(response) : Answers.action(response, stream) + System.lineSeparator());
            return OK;
        } catch (ControlException e) {
            return failed(e);
        }
    }

    int status() throws InterruptedException {
        try {
            ControlResponse response = client.status(stream);
            if (commandLine.json()) {
                out.print(untouched(response));
            } else {
                Answers.status(response, stream).forEach(out::println);
            }
            return "failed".equals(response.json().get("status")) ? FAILED : OK;
        } catch (ControlException e) {
            return failed(e);
        }
    }

    /**
     * Lists the server's streams (or the one named with --stream). A server without named streams
     * (HTTP 404 on /streams) has only the default stream: that one is shown, from GET /control.
     * @return the exit code: 0 when the server answered
     * @throws InterruptedException when interrupted
     */
    int list() throws InterruptedException {
        try {
            ControlResponse response;
            try {
                response = stream == null ? client.streams() : client.stream(stream);
            } catch (ControlException e) {
                if (!notFound(e) || (stream != null && !isDefault(stream)) || namedStreams()) {
                    throw e;
                }
                return listDefaultOnly();
            }
            if (commandLine.json()) {
                out.print(untouched(response));
            } else {
                var entries = stream == null ? StreamTable.entries(response) : List.of(response.json());
                StreamTable.lines(entries).forEach(out::println);
            }
            return OK;
        } catch (ControlException e) {
            return failed(e);
        }
    }

    /** What list shows for a server that predates named streams: its one stream, as an entry named main. */
    private int listDefaultOnly() throws ControlException, InterruptedException {
        ControlResponse status = client.status();
        var entry = new LinkedHashMap<String, Object>();
        entry.put("name", ControlClient.DEFAULT_STREAM);
        entry.putAll(status.json());
        if (commandLine.json()) {
            // The shape of GET /streams, so scripts read both kinds of server alike.
            JsonObject named = Json.object().add("name", ControlClient.DEFAULT_STREAM);
            Json.parse(status.body()).asObject().forEach(m -> named.add(m.getName(), m.getValue()));
            out.println(Json.object().add("streams", Json.array().add(named)));
        } else {
            out.println("The server has only the default stream, " + ControlClient.DEFAULT_STREAM
                    + " (it has no named streams):");
            StreamTable.lines(List.of(entry)).forEach(out::println);
        }
        return OK;
    }

    /**
     * The server's streams for the menu; empty when the server has no named streams or does not
     * answer quickly (the menu then works as with one stream).
     * @return the entries
     * @throws InterruptedException when interrupted
     */
    List<Map<String, Object>> streamsQuietly() throws InterruptedException {
        try (var quick = new ControlClient(client.server(), commandLine.token(), Duration.ofSeconds(1), Duration.ofSeconds(2))) {
            return StreamTable.entries(quick.streams());
        } catch (ControlException e) {
            return List.of();
        }
    }

    /**
     * The server's streams for the menu's choice, with problems shown.
     * @return the entries; empty after a problem (shown)
     * @throws InterruptedException when interrupted
     */
    List<Map<String, Object>> streams() throws InterruptedException {
        try {
            return StreamTable.entries(client.streams());
        } catch (ControlException e) {
            failed(e);
            return List.of();
        }
    }

    int view() throws InterruptedException {
        var options = commandLine.viewer();
        if (commandLine.whep() != null) {
            // Pulled over WebRTC: the server needs not know this machine's address.
            try {
                return WhepViewer.watch(commandLine.whep(), options, commandLine.iceAddresses(), line -> out.println("Viewer done: " + line),
                        line -> out.println("  " + line), problem);
            } catch (RuntimeException | LinkageError e) {
                problem.accept("the WebRTC viewer could not start (" + e + "); check the GStreamer installation"
                        + " (webrtcbin: gstreamer1.0-plugins-bad and gstreamer1.0-nice)");
                return ENVIRONMENT;
            }
        }
        if (stream != null && !commandLine.viewAddressGiven()) {
            // A named stream: receive it where its settings send it on this machine.
            ViewTarget target;
            try {
                target = ViewTarget.of(stream, client.status(stream), client.server());
            } catch (ControlException e) {
                return failed(e);
            }
            if (!target.found()) {
                problem.accept(target.message());
                return FAILED;
            }
            out.println(target.message());
            options = target.applyTo(options);
        }
        Viewer viewer;
        try {
            viewer = Viewer.start(options, line -> out.println("  " + line));
        } catch (ViewerException e) {
            problem.accept(e.getMessage());
            return e.isEnvironment() ? ENVIRONMENT : FAILED;
        } catch (RuntimeException | LinkageError e) {
            problem.accept("the viewer could not start (" + e + "); check the GStreamer installation (./build.sh setup)");
            return ENVIRONMENT;
        }
        // Ctrl+C or SIGTERM while viewing: the pipeline stops cleanly, the summary is printed, exit 0
        // (stopping on request is a success, as in stream-viewer). After a normal end no hook stays
        // registered, so the menu goes on.
        var shown = options;
        return viewer.runUntilEnd(report -> {
            int code;
            try {
                code = reportEnd(report, shown.port(), shown.frames(), shown.timeout());
            } catch (RuntimeException e) {
                problem.accept("the viewer failed (" + e + ")");
                code = FAILED;
            }
            out.flush();
            return code;
        });
    }

    /**
     * Before a view from the menu: says when the stream is not running, or goes to another UDP port
     * of this machine than the one the viewer listens on. Quiet when the server does not answer quickly:
     * viewing does not need it.
     * @throws InterruptedException when interrupted
     */
    void viewNotes() throws InterruptedException {
        var options = commandLine.viewer();
        try (var quick = new ControlClient(client.server(), commandLine.token(), Duration.ofSeconds(1), Duration.ofSeconds(2))) {
            ControlResponse response = quick.status(stream);
            String status = response.text("status").orElse("unknown");
            if (!status.equals("running") && !status.equals("starting")) {
                out.println("Note: the stream is " + status + "; choose 1 to start it (the viewer waits for it).");
            }
            if (options.multicastGroup() != null || (stream != null && !commandLine.viewAddressGiven())) {
                return; // joining a group, or view finds the port of the named stream itself
            }
            var local = new java.util.ArrayList<String>();
            boolean toOurPort = false;
            for (String dest : response.text("destination").orElse("").split(",")) {
                var uri = URI.create("udp://" + dest.strip().replaceFirst("^udp://", ""));
                if (uri.getHost() != null && uri.getPort() > 0 && isThisMachine(uri.getHost())) {
                    local.add(uri.getPort() + "");
                    toOurPort |= uri.getPort() == options.port();
                }
            }
            if (!local.isEmpty() && !toOurPort) {
                out.println("Note: the server sends the stream to UDP port " + String.join(", ", local) + " of this machine, but the viewer"
                        + " listens on port " + options.port() + "; start stream-client with --port " + local.get(0)
                        + " (or STREAM_VIEW_PORT=" + local.get(0) + ").");
            }
        } catch (ControlException | IllegalArgumentException e) {
            // no notes: the viewer works without the server
        }
    }

    private static boolean isThisMachine(String host) {
        try {
            InetAddress address = InetAddress.getByName(host);
            return address.isLoopbackAddress() || address.isAnyLocalAddress() || NetworkInterface.getByInetAddress(address) != null;
        } catch (IOException e) {
            return false;
        }
    }

    private int reportEnd(ViewerReport report, int port, long framesWanted, Duration timeout) {
        String detail = report.message().isBlank() ? "" : " (" + report.message() + ")";
        switch (report.ending()) {
            case WINDOW_CLOSED -> out.println("Window closed: " + report.summary() + detail);
            case FRAMES_REACHED -> out.println("Viewer done: " + report.summary() + detail);
            case CLOSED -> out.println("Viewer stopped: " + report.summary());
            case TIMEOUT -> {
                if (report.frames() == 0) {
                    problem.accept("no video arrived on UDP port " + port + " within " + seconds(timeout)
                            + "; is the stream started (menu 1 or stream-client start) and sent to this machine's port " + port + "?");
                    return FAILED;
                }
                out.println("Viewer timed out: " + report.summary() + detail);
                if (framesWanted > 0 && report.frames() < framesWanted) {
                    problem.accept("only " + report.frames() + " of " + framesWanted + " frames arrived within "
                            + seconds(timeout) + "; the stream is slow or losing packets");
                    return FAILED;
                }
            }
            case ERROR -> {
                problem.accept("the viewer stopped with an error: " + (report.message().isBlank() ? "no detail" : report.message())
                        + " (" + report.summary() + ")");
                return FAILED;
            }
        }
        return OK;
    }

    private int failed(ControlException e) {
        if (commandLine.json()) {
            // The server's JSON answer, untouched, also when it said no.
            e.response().ifPresent(r -> out.print(untouched(r)));
        }
        if (notFound(e) && stream != null && !isDefault(stream)) {
            problem.accept(noSuchStream());
            return FAILED;
        }
        switch (e.kind()) {
            case UNAUTHORIZED -> {
                String said = e.getMessage().endsWith(".") ? e.getMessage().substring(0, e.getMessage().length() - 1) : e.getMessage();
                problem.accept(said + (commandLine.token() == null
                        ? "; give the token with --token or STREAM_TOKEN"
                        : "; check the token given with --token or STREAM_TOKEN"));
                return FAILED;
            }
            case REFUSED -> {
                problem.accept(e.getMessage());
                // A start that failed carries the stream's own error output: show it, it names the cause.
                e.response().map(Answers::stderrTail).filter(tail -> !tail.isEmpty()).ifPresent(tail -> {
                    detail.accept("  stderr of the stream's last run:");
                    tail.forEach(line -> detail.accept("    " + line));
                });
                return FAILED;
            }
            default -> {
                problem.accept(e.getMessage());
                return ENVIRONMENT;
            }
        }
    }

    /** Why a named stream got HTTP 404: the server has no stream of that name, or no named streams at all. */
    private String noSuchStream() {
        try {
            var names = StreamTable.entries(client.streams()).stream().map(StreamTable::name).toList();
            return "the server at " + client.server() + " has no stream named '" + stream + "'; its streams: "
                    + String.join(", ", names) + " (stream-client list shows them)";
        } catch (ControlException e) {
            if (notFound(e)) {
                return "the server at " + client.server() + " has only the default stream (it has no named streams);"
                        + " leave out --stream, or give --stream " + ControlClient.DEFAULT_STREAM;
            }
            return "the server at " + client.server() + " has no stream named '" + stream + "' (HTTP 404); stream-client list"
                    + " shows the streams";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "the server at " + client.server() + " has no stream named '" + stream + "'";
        }
    }

    /** @return true when the server has GET /streams (false: HTTP 404, a server without named streams) */
    private boolean namedStreams() throws ControlException, InterruptedException {
        try {
            client.streams();
            return true;
        } catch (ControlException e) {
            if (notFound(e)) {
                return false;
            }
            throw e;
        }
    }

    private static boolean notFound(ControlException e) {
        return e.kind() == ControlException.Kind.REFUSED && e.response().map(r -> r.httpStatus() == 404).orElse(false);
    }

    private static boolean isDefault(String name) {
        return name.equals(ControlClient.DEFAULT_STREAM);
    }

    /** The body byte for byte; a newline only when the server sent none, so the shell prompt stays on its line. */
    private static String untouched(ControlResponse response) {
        String body = response.body();
        return body.endsWith("\n") ? body : body + System.lineSeparator();
    }

    private static String seconds(Duration d) {
        return d == null ? "the time given" : d.toMillis() % 1000 == 0 ? d.toSeconds() + " s" : d.toMillis() + " ms";
    }
}
