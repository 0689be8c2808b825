package stream.server.internal;

import stream.server.Version;

/** Command-line entry point of stream.server. */
public final class Main {
    private Main() {}

    /**
     * Runs the command line.
     * @param args the arguments
     */
    public static void main(String[] args) {
        if (args.length == 1 && args[0].equals("--version")) {
            System.out.println("stream-server " + Version.of());
            return;
        }
        System.err.println("stream-server: not yet implemented");
        System.exit(2);
    }
}
