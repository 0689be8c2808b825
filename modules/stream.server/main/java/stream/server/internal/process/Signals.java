package stream.server.internal.process;

/** Names of Unix signals, as exit messages show them. */
public final class Signals {
    private Signals() {}

    /** @param n a signal number @return e.g. "SIGKILL" for 9, "SIG40" for one without a name here */
    public static String name(int n) {
        return switch (n) {
            case 1 -> "SIGHUP"; case 2 -> "SIGINT"; case 3 -> "SIGQUIT"; case 4 -> "SIGILL"; case 6 -> "SIGABRT";
            case 7 -> "SIGBUS"; case 8 -> "SIGFPE"; case 9 -> "SIGKILL"; case 11 -> "SIGSEGV"; case 13 -> "SIGPIPE";
            case 14 -> "SIGALRM"; case 15 -> "SIGTERM";
            default -> "SIG" + n;
        };
    }
}
