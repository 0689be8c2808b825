package stream.client.internal;

import java.io.PrintStream;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Scanner;
import stream.client.ControlClient;

/**
 * The interactive menu, numbered as in the original client: 1 start, 2 stop, 3 view; plus 4 status
 * and q quit. Every answer or problem is printed and the menu comes back; end of input ends it.
 * When the server has more than one stream, the menu lists them, lets the person pick one (at the
 * start unless --stream named one, and later with 5), and says which one 1 to 4 act on.
 */
final class Menu {
    private final Actions actions;
    private final Scanner input;
    private final PrintStream out;
    private boolean severalStreams;

    Menu(Actions actions, Scanner input, PrintStream out) {
        this.actions = actions;
        this.input = input;
        this.out = out;
    }

    /**
     * Runs until q or the end of input.
     * @return the exit code: always 0, problems were shown on the way
     * @throws InterruptedException when the thread is interrupted
     */
    int run() throws InterruptedException {
        out.println("stream-client, server " + actions.client().server());
        List<Map<String, Object>> streams = actions.streamsQuietly();
        severalStreams = streams.size() > 1;
        if (severalStreams && actions.stream() == null && !choose(streams, ControlClient.DEFAULT_STREAM)) {
            return bye();
        }
        while (true) {
            out.println();
            if (actions.stream() != null) {
                out.println("  Stream " + actions.stream());
            }
            out.println("  1  Start stream");
            out.println("  2  Stop stream");
            out.println("  3  View stream");
            out.println("  4  Status");
            if (severalStreams) {
                out.println("  5  Another stream");
            }
            out.println("  q  Quit");
            out.print("Choice: ");
            out.flush();
            if (!input.hasNextLine()) {
                return bye();
            }
            String choice = input.nextLine().strip();
            switch (choice.toLowerCase(Locale.ROOT)) {
                case "1" -> actions.start();
                case "2" -> actions.stop();
                case "3" -> {
                    out.println(actions.viewerOptions().showsWindow()
                            ? "Viewing the stream; close the window to come back to this menu."
                            : "Receiving the stream without a window (--sink " + actions.viewerOptions().sink() + ").");
                    actions.viewNotes();
                    actions.view();
                }
                case "4" -> actions.status();
                case "5" -> {
                    if (!severalStreams) {
                        unknown(choice);
                    } else {
                        var now = actions.streams();
                        if (!now.isEmpty() && !choose(now, actions.stream())) {
                            return bye();
                        }
                    }
                }
                case "q", "quit", "exit" -> {
                    out.println("Bye.");
                    return Actions.OK;
                }
                case "" -> { /* just the menu again */ }
                default -> unknown(choice);
            }
        }
    }

    private void unknown(String choice) {
        out.println("Unknown choice '" + choice + "': type 1, 2, 3, 4" + (severalStreams ? ", 5" : "") + " or q.");
    }

    /**
     * Shows the streams and asks which one; Enter keeps the current one (or the default).
     * @return false at the end of input
     */
    private boolean choose(List<Map<String, Object>> streams, String current) {
        out.println("Streams on the server:");
        StreamTable.numbered(streams).forEach(out::println);
        List<String> names = streams.stream().map(StreamTable::name).toList();
        while (true) {
            out.print("Stream (number or name; Enter: " + current + "): ");
            out.flush();
            if (!input.hasNextLine()) {
                return false;
            }
            String answer = input.nextLine().strip();
            String picked = answer.isEmpty() ? current : names.contains(answer) ? answer : byNumber(answer, names);
            if (picked != null) {
                try {
                    actions.use(picked);
                    return true;
                } catch (IllegalArgumentException e) {
                    // a name the server should not have: asked again below
                }
            }
            out.println("Unknown stream '" + answer + "': type a number from 1 to " + names.size() + ", a name, or Enter.");
        }
    }

    private static String byNumber(String answer, List<String> names) {
        try {
            int n = Integer.parseInt(answer);
            return n >= 1 && n <= names.size() ? names.get(n - 1) : null;
        } catch (NumberFormatException e) {
            return null;
        }
    }

    private int bye() {
        out.println();
        out.println("Bye.");
        return Actions.OK;
    }
}
