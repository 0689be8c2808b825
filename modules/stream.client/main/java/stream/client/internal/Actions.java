package stream.client.internal;

import java.io.IOException;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.URI;
import java.time.Duration;
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
            ControlResponse response = client.start();
            out.print(commandLine.json() ? untouched(response) : Answers.action(response) + System.lineSeparator());
            return OK;
        } catch (ControlException e) {
            return failed(e);
        }
    }

    int stop() throws InterruptedException {
        try {
            ControlResponse response = client.stop();
            out.print(commandLine.json() ? untouched(response) : Answers.action(response) + System.lineSeparator());
            return OK;
        } catch (ControlException e) {
            return failed(e);
        }
    }

    int status() throws InterruptedException {
        try {
            ControlResponse response = client.status();
            if (commandLine.json()) {
                out.print(untouched(response));
            } else {
                Answers.status(response).forEach(out::println);
            }
            return "failed".equals(response.json().get("status")) ? FAILED : OK;
        } catch (ControlException e) {
            return failed(e);
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
        return viewer.runUntilEnd(report -> {
            int code;
            try {
                code = reportEnd(report, options.port(), options.frames(), options.timeout());
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
            ControlResponse response = quick.status();
            String status = response.text("status").orElse("unknown");
            if (!status.equals("running") && !status.equals("starting")) {
                out.println("Note: the stream is " + status + "; choose 1 to start it (the viewer waits for it).");
            }
            if (options.multicastGroup() != null) {
                return;
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
        switch (e.kind()) {
            case UNAUTHORIZED -> {
                problem.accept(e.getMessage() + (commandLine.token() == null
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

    /** The body byte for byte; a newline only when the server sent none, so the shell prompt stays on its line. */
    private static String untouched(ControlResponse response) {
        String body = response.body();
        return body.endsWith("\n") ? body : body + System.lineSeparator();
    }

    private static String seconds(Duration d) {
        return d == null ? "the time given" : d.toMillis() % 1000 == 0 ? d.toSeconds() + " s" : d.toMillis() + " ms";
    }
}
