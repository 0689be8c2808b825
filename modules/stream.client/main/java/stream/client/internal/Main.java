package stream.client.internal;

import stream.client.Version;

/** Command-line entry point of stream.client. */
public final class Main {
    private Main() {}

    /**
     * Runs the command line.
     * @param args the arguments
     */
    public static void main(String[] args) {
        if (args.length == 1 && args[0].equals("--version")) {
            System.out.println("stream-client " + Version.of());
            return;
        }
        System.err.println("stream-client: not yet implemented");
        System.exit(2);
    }
}
