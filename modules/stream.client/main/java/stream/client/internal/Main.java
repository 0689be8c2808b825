package stream.client.internal;

import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.Charset;
import java.util.List;
import java.util.Map;
import java.util.Scanner;
import stream.client.ControlClient;

/** Command-line entry point of stream.client: the menu, or one command for scripts. */
public final class Main {
    private Main() {}

    /** The --help text. */
    static final String USAGE = """
            Usage: stream-client [COMMAND] [OPTIONS]

            Starts, stops and shows the live streams of a stream-server (main, or --stream NAME).
            Without a command: an interactive menu
              1 Start stream, 2 Stop stream, 3 View stream, 4 Status, q Quit.
            When the server has several streams, the menu lists them, asks which one
            (Enter: main) and offers 5 Another stream.

            Commands (for scripts):
              start              ask the server to start the stream
              stop               ask the server to stop the stream
              status             show the stream's state (stopped, starting, running, stalled, stopping, failed)
              view               show the stream in a window until it is closed (or --frames / --timeout)
              list               list the server's streams: name, status, fps, autostart, destination
                                 (a server without named streams: its one stream, main)

            Options (--name value or --name=value; the variable in brackets gives it when the option does not):
            %s

            Exit codes:
              0  ok
              1  the operation failed: the server refused (HTTP 4xx/5xx, token missing or wrong),
                 no stream of the --stream name, status found the stream failed, view ended
                 without the frames asked for, or the --stream is sent to no destination here
              2  usage error: unknown command or option, bad value (named on stderr)
              3  environment problem: server unreachable, not answering in time, or not answering
                 like stream-server; view: no display, GStreamer plugin missing, port in use

            Examples:
              stream-client                                   the menu, server on this machine
              stream-client start --server http://SERVER-HOST:8590
              stream-client status --json
              stream-client view --sink none --frames 30 --timeout 20s
              stream-client list
              stream-client start --stream cam2
              stream-client view --stream cam2                finds cam2's UDP port itself
              stream-client view --whep http://SERVER-HOST:8590/whep --sink none --frames 30
            """.formatted(CommandLine.optionsUsage().stripTrailing()); // the options, from their descriptions

    /**
     * Runs the command line and exits with the documented exit code.
     * @param args the arguments
     */
    public static void main(String[] args) {
        // One line per log record (the viewer logs through System.Logger, backed by java.util.logging).
        if (System.getProperty("java.util.logging.SimpleFormatter.format") == null) {
            System.setProperty("java.util.logging.SimpleFormatter.format", "stream-client: %4$s %3$s: %5$s%6$s%n");
        }
        int code;
        try {
            code = run(List.of(args), System.getenv(), System.in, System.out, System.err);
        } catch (InterruptedException e) {
            System.err.println("stream-client: interrupted");
            code = Actions.FAILED;
        } catch (Throwable t) { // NOPMD: nobody sees a stack trace
            System.err.println("stream-client: unexpected problem (" + t + "); please report it with the command you ran");
            code = Actions.FAILED;
        }
        System.out.flush();
        System.exit(code);
    }

    /**
     * Runs the command line.
     * @param args the arguments
     * @param env the environment variables
     * @param in the menu's input
     * @param out answers
     * @param err problems of one-shot commands
     * @return the exit code
     * @throws InterruptedException when interrupted while waiting for the server or the viewer
     */
    static int run(List<String> args, Map<String, String> env, InputStream in, PrintStream out, PrintStream err)
            throws InterruptedException {
        CommandLine commandLine;
        try {
            commandLine = CommandLine.parse(args, env);
        } catch (CommandLine.UsageException e) {
            err.println("stream-client: " + e.getMessage()); // the one problem, not the whole usage
            err.println(CommandLine.HINT);
            return Actions.USAGE;
        }
        if (commandLine.help()) {
            out.print(USAGE);
            return Actions.OK;
        }
        if (commandLine.version()) {
            // The module's version, recorded by build.sh (javac and jar --module-version).
            out.println("stream-client " + Main.class.getModule().getDescriptor().rawVersion().orElse("unversioned"));
            return Actions.OK;
        }
        try (var client = new ControlClient(commandLine.server(), commandLine.token(),
                ControlClient.DEFAULT_CONNECT_TIMEOUT, commandLine.httpTimeout())) {
            if (commandLine.command() == null) {
                var actions = new Actions(client, commandLine, out, out::println, out::println);
                return new Menu(actions, new Scanner(in, Charset.defaultCharset()), out).run();
            }
            var actions = new Actions(client, commandLine, out, line -> err.println("stream-client: " + line),
                    err::println);
            return switch (commandLine.command()) {
                case "start" -> actions.start();
                case "stop" -> actions.stop();
                case "status" -> actions.status();
                case "list" -> actions.list();
                default -> actions.view();
            };
        }
    }
}
