package stream.client.internal;

import java.io.PrintStream;
import java.util.Locale;
import java.util.Scanner;

/**
 * The interactive menu, numbered as in the original client: 1 start, 2 stop, 3 view; plus 4 status
 * and q quit. Every answer or problem is printed and the menu comes back; end of input ends it.
 */
final class Menu {
    private final Actions actions;
    private final Scanner input;
    private final PrintStream out;

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
        while (true) {
            out.println();
            out.println("  1  Start stream");
            out.println("  2  Stop stream");
            out.println("  3  View stream");
            out.println("  4  Status");
            out.println("  q  Quit");
            out.print("Choice: ");
            out.flush();
            if (!input.hasNextLine()) {
                out.println();
                out.println("Bye.");
                return Actions.OK;
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
                case "q", "quit", "exit" -> {
                    out.println("Bye.");
                    return Actions.OK;
                }
                case "" -> { /* just the menu again */ }
                default -> out.println("Unknown choice '" + choice + "': type 1, 2, 3, 4 or q.");
            }
        }
    }
}
