package stream.client.internal;

import java.io.PrintStream;
import java.time.Duration;
import java.util.function.Consumer;
import stream.client.ControlClient;
import stream.client.ControlException;
import stream.client.ControlResponse;
import stream.viewer.Viewer;
import stream.viewer.ViewerException;
import stream.viewer.ViewerReport;

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

    Actions(ControlClient client, CommandLine commandLine, PrintStream out, Consumer<String> problem) {
        this.client = client;
        this.commandLine = commandLine;
        this.out = out;
        this.problem = problem;
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
            out.println(commandLine.json() ? response.body() : Answers.action(response));
            return OK;
        } catch (ControlException e) {
            return failed(e);
        }
    }

    int stop() throws InterruptedException {
        try {
            ControlResponse response = client.stop();
            out.println(commandLine.json() ? response.body() : Answers.action(response));
            return OK;
        } catch (ControlException e) {
            return failed(e);
        }
    }

    int status() throws InterruptedException {
        try {
            ControlResponse response = client.status();
            if (commandLine.json()) {
                out.println(response.body());
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
        // Ctrl+C during a one-shot view: stop the pipeline cleanly before the JVM goes.
        Thread hook = new Thread(viewer::close, "stream-client-viewer-close");
        Runtime.getRuntime().addShutdownHook(hook);
        ViewerReport report;
        try {
            report = viewer.awaitEnd();
        } catch (RuntimeException e) {
            problem.accept("the viewer failed (" + e + ")");
            return FAILED;
        } finally {
            viewer.close();
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException shuttingDown) {
                // the hook runs anyway; close() is idempotent
            }
        }
        return reportEnd(report, options.port(), options.frames(), options.timeout());
    }

    private int reportEnd(ViewerReport report, int port, long framesWanted, Duration timeout) {
        String detail = report.message().isBlank() ? "" : " (" + report.message() + ")";
        switch (report.ending()) {
            case WINDOW_CLOSED -> out.println("Window closed: " + report.summary() + detail);
            case FRAMES_REACHED, CLOSED -> out.println("Viewer done: " + report.summary() + detail);
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
            e.response().ifPresent(r -> out.println(r.body()));
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
                return FAILED;
            }
            default -> {
                problem.accept(e.getMessage());
                return ENVIRONMENT;
            }
        }
    }

    private static String seconds(Duration d) {
        return d == null ? "the time given" : d.toMillis() % 1000 == 0 ? d.toSeconds() + " s" : d.toMillis() + " ms";
    }
}
