package stream.viewer.internal;

import stream.viewer.Version;

/** Command-line entry point of stream.viewer. */
public final class Main {
    private Main() {}

    /**
     * Runs the command line.
     * @param args the arguments
     */
    public static void main(String[] args) {
        if (args.length == 1 && args[0].equals("--version")) {
            System.out.println("stream-viewer " + Version.of());
            return;
        }
        System.err.println("stream-viewer: not yet implemented");
        System.exit(2);
    }
}
