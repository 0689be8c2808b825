package stream.server.internal.supervisor;

import com.eclipsesource.json.Json;
import com.eclipsesource.json.JsonObject;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import stream.server.internal.sources.AudioSource;

/**
 * The capture child of a stream's microphone, beside the stream's own child: it sends the device's
 * raw sound to the stream's pipeline over loopback UDP ({@link AudioSource#captureArguments}).
 * When the device disappears this child ends, not the stream's: the video goes on, the sound turns
 * to silence, the status says {@code microphone gone: DEVICE}, and the child is started again every
 * {@link #RETRY} until the device answers again, then it is heard again.
 *
 * <p>Made by the supervisor when it spawns a stream's child with a microphone and closed when
 * that child ends. Its children are spawned by the same {@link Launcher} as the stream's (so they
 * die with the server) and never outlive {@link #close()}.
 */
final class Microphone implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger("stream.server");
    /** How long after the capture child ended it is started again. */
    static final Duration RETRY = Duration.ofSeconds(2);
    private static final String CAPTURING_MARK = ":" + AudioSource.CAPTURE_SINK + ".GstPad:sink: caps = ";

    private final String stream;
    private final AudioSource audio;
    private final List<String> command;
    private final Launcher launcher;
    private final int port;
    private final Thread loop;

    // Guarded by this.
    private Child child;
    private boolean closed;
    private boolean capturing;
    private String problem = "starting";
    private Instant since = Instant.now();
    private int starts;

    private Microphone(String stream, AudioSource audio, String gstLaunch, Launcher launcher, int port) {
        this.stream = stream;
        this.audio = audio;
        this.launcher = launcher;
        this.port = port;
        this.command = audio.captureArguments(gstLaunch, port);
        this.loop = Thread.ofPlatform().daemon().name("microphone-" + stream).unstarted(this::run);
    }

    /**
     * Chooses the loopback port the stream's pipeline receives the microphone on; the capture child
     * starts with {@link #start()}, after the stream's child has bound the port.
     * @param stream the stream's name, for the log
     * @param audio the microphone
     * @param gstLaunch gst-launch-1.0
     * @param launcher how children are spawned
     * @return it, not started
     * @throws IOException when no loopback UDP port is free
     */
    static Microphone prepare(String stream, AudioSource audio, String gstLaunch, Launcher launcher) throws IOException {
        int port;
        try (DatagramSocket s = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        return new Microphone(stream, audio, gstLaunch, launcher, port);
    }

    /** @return the loopback UDP port of the stream pipeline's udpsrc */
    int port() {
        return port;
    }

    /** Starts capturing, and capturing again whenever the capture child ends. */
    void start() {
        loop.start();
    }

    private void run() {
        while (true) {
            Child c;
            synchronized (this) {
                if (closed) return;
                try {
                    Launcher.Launched p = launcher.launch(command);
                    c = Child.watch(p.process(), new Child.Listener() {
                        @Override
                        public void stdout(Child ch, String line) {
                            if (line.contains(CAPTURING_MARK)) capturing(ch);
                        }

                        @Override
                        public void exited(Child ch, int code) {
                            // the loop below waits for the exit itself
                        }
                    });
                    child = c;
                    starts++;
                } catch (IOException e) {
                    gone("could not start " + command.get(0) + ": " + e.getMessage());
                    c = null;
                }
            }
            if (c != null) {
                while (!c.waitFor(Duration.ofSeconds(60))) {
                    if (Thread.currentThread().isInterrupted()) break;
                }
                c.joinDrain();
                List<String> tail = c.tail();
                synchronized (this) {
                    child = null;
                    if (closed) return;
                    gone(why(tail, c.exitCode()));
                }
            }
            synchronized (this) {
                long deadline = System.nanoTime() + RETRY.toNanos();
                long left;
                while (!closed && (left = deadline - System.nanoTime()) > 0) {
                    try {
                        java.util.concurrent.TimeUnit.NANOSECONDS.timedWait(this, left);
                    } catch (InterruptedException e) {
                        return;
                    }
                }
            }
        }
    }

    /** The first error gst-launch-1.0 printed, without the element's path ("Disconnected: Connection terminated"), or its exit. */
    static String why(List<String> stderr, int exitCode) {
        for (String line : stderr) {
            if (!line.startsWith("ERROR: from element ")) continue;
            String rest = line.substring("ERROR: from element ".length());
            int colon = rest.indexOf(": ");
            return colon < 0 ? rest.strip() : rest.substring(colon + 2).strip();
        }
        return stderr.isEmpty() ? "its capture child ended with exit code " + exitCode : stderr.get(stderr.size() - 1).strip();
    }

    private synchronized void capturing(Child c) {
        if (child != c || capturing) return;
        capturing = true;
        problem = null;
        since = Instant.now();
        LOG.log(Level.INFO, "stream {0}: capturing {1} (pid {2})", stream, audio.label(), Long.toString(c.pid));
    }

    /** Caller holds the monitor. */
    private void gone(String why) {
        String p = "microphone gone: " + audio.label() + " (" + why + ")";
        if (capturing || problem == null || problem.equals("starting"))
            LOG.log(Level.WARNING, "stream {0}: {1}; the video goes on, the sound is silence until it is back", stream, p);
        if (capturing || "starting".equals(problem)) since = Instant.now(); // since it went, whatever each retry says
        capturing = false;
        problem = p;
    }

    /**
     * @return the "microphone" object of the status: the device, "capturing" or "microphone gone: DEVICE (why)",
     *         since when, and how often its child was started
     */
    synchronized JsonObject toJson() {
        return Json.object().add("device", audio.label())
                .add("state", capturing ? "capturing" : problem)
                .add("since", since.toString())
                .add("captureStarts", starts)
                .add("pid", child == null ? Json.NULL : Json.value(child.pid));
    }

    /** @return what is wrong with it now, or null while it captures (or is starting) */
    synchronized String problem() {
        return capturing || "starting".equals(problem) ? null : problem;
    }

    /** Ends the capture child (bounded) and the retries. */
    @Override
    public void close() {
        Child c;
        synchronized (this) {
            if (closed) return;
            closed = true;
            c = child;
            notifyAll();
        }
        if (c != null) {
            c.kill(); // nothing to finish: the sound goes nowhere but to the stream's pipeline
            c.waitFor(Duration.ofSeconds(5));
        }
        try {
            loop.join(Duration.ofSeconds(5));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
