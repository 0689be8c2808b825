package stream.server.internal.access;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The child JVM of {@link ReloadTest}: with "handle", prints "reloaded N" at every SIGHUP; then
 * says "ready" and runs until its standard input ends, exiting 0.
 */
public final class HangupChild {
    private HangupChild() {}

    public static void main(String[] args) throws IOException {
        if (args.length > 0 && args[0].equals("handle")) {
            AtomicInteger n = new AtomicInteger();
            Reload.onHangup(() -> {
                System.out.println("reloaded " + n.incrementAndGet());
                System.out.flush();
            });
        }
        System.out.println("ready");
        System.out.flush();
        try (BufferedReader in = new BufferedReader(new InputStreamReader(System.in))) {
            while (in.readLine() != null) {
                // runs until the test closes our input
            }
        }
    }
}
