package stream.server.internal.record;

import java.io.BufferedOutputStream;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One gst-launch-1.0 child that writes the H.264 it gets as RTP on its standard input (RFC 4571
 * framing: a 16-bit length before each packet) into one MP4 file, without decoding or encoding.
 *
 * <p>Why this shape: a pipe loses nothing and needs no port (a burst of pre-roll over UDP would
 * overflow the socket buffer); the RTP timestamps give the MP4 its timing (rtpjitterbuffer
 * mode=none), so a burst is written with the times it was sent with. The MP4 is fragmented (a
 * fragment per keyframe interval, about 1 s) and written unbuffered with O_SYNC, so after a
 * {@code kill -9} or a power cut the file plays up to its last complete fragment. When the server
 * dies the pipe closes, which the child takes as the end of the stream: it finishes the file and exits.
 *
 * <p>{@link #write} never blocks the caller: a thread of its own feeds the pipe; when the child
 * falls behind by more than {@link #MAX_QUEUED_BYTES}, units are dropped and counted.
 */
public final class Mp4Writer {
    /** What may wait for the pipe before units are dropped. */
    public static final long MAX_QUEUED_BYTES = 32L << 20;
    private static final AccessUnit END = new AccessUnit(List.of(), 0, 0, false);

    private final Path file;
    private final Process process;
    private final LinkedBlockingQueue<AccessUnit> queue = new LinkedBlockingQueue<>();
    private final AtomicLong queuedBytes = new AtomicLong();
    private final ArrayDeque<String> stderrTail = new ArrayDeque<>();
    private final CompletableFuture<Mp4Writer> done;
    private volatile long dropped, writtenUnits;
    private volatile boolean finishing;

    private Mp4Writer(Path file, Process process, java.util.function.Consumer<Mp4Writer> whenDone) {
        this.file = file;
        this.process = process;
        Thread err = Thread.ofPlatform().daemon().name("mp4-writer-err-" + process.pid()).start(this::readStderr);
        Thread.ofPlatform().daemon().name("mp4-writer-" + process.pid()).start(this::feed);
        this.done = process.onExit().thenApply(p -> {
            try {
                err.join(2000); // the last stderr lines say why it ended
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            try {
                whenDone.accept(this);
            } catch (RuntimeException e) {
                System.getLogger("stream.server").log(System.Logger.Level.WARNING, "after the MP4 writer: {0}", e.toString());
            }
            return this;
        });
    }

    /**
     * Starts the child writing to {@code file}.
     * @param gstLaunch the gst-launch-1.0 executable
     * @param file the MP4 to write (created or truncated)
     * @param payloadType the RTP payload type of the stream (0-127)
     * @param whenDone runs once the child has exited, before {@link #done()} completes
     * @return the writer
     * @throws IOException when the child cannot be started
     */
    public static Mp4Writer start(String gstLaunch, Path file, int payloadType,
                                  java.util.function.Consumer<Mp4Writer> whenDone) throws IOException {
        return new Mp4Writer(file, new ProcessBuilder(command(gstLaunch, file, payloadType))
                .redirectOutput(ProcessBuilder.Redirect.DISCARD).start(), Objects.requireNonNull(whenDone, "whenDone"));
    }

    /** The child's arguments: one element or property per argument, no shell. */
    static List<String> command(String gstLaunch, Path file, int payloadType) {
        if (payloadType < 0 || payloadType > 127) throw new IllegalArgumentException("payload type " + payloadType);
        return List.of(gstLaunch, "-e", "-q", "fdsrc", "fd=0", "!",
                "application/x-rtp-stream,media=video,clock-rate=90000,encoding-name=H264,payload=" + payloadType, "!",
                "rtpstreamdepay", "!", "rtpjitterbuffer", "mode=none", "!", "rtph264depay", "!", "h264parse", "!",
                "mp4mux", "fragment-duration=1000", "!",
                "filesink", "location=" + file.toAbsolutePath(), "buffer-mode=unbuffered", "o-sync=true");
    }

    /** Feeds the pipe until the end marker or a broken pipe. */
    private void feed() {
        try (OutputStream out = new BufferedOutputStream(process.getOutputStream(), 1 << 16)) {
            while (true) {
                AccessUnit u = queue.take();
                if (u == END) break;
                queuedBytes.addAndGet(-u.bytes());
                for (byte[] p : u.packets()) {
                    out.write(p.length >> 8);
                    out.write(p.length);
                    out.write(p);
                }
                out.flush();
                writtenUnits++;
            }
        } catch (IOException e) {
            // the child is gone; onExit reports it
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        queue.clear();
    }

    private void readStderr() {
        try (BufferedReader r = new BufferedReader(new InputStreamReader(process.getErrorStream(), StandardCharsets.UTF_8))) {
            for (String l; (l = r.readLine()) != null; ) {
                synchronized (stderrTail) {
                    stderrTail.addLast(l);
                    if (stderrTail.size() > 20) stderrTail.removeFirst();
                }
            }
        } catch (IOException e) {
            // child gone
        }
    }

    /**
     * Queues one unit for the file; never blocks.
     * @param unit the access unit
     * @return false when it was dropped (the child is behind, finishing or gone)
     */
    public boolean write(AccessUnit unit) {
        Objects.requireNonNull(unit, "unit");
        if (finishing || !process.isAlive() || queuedBytes.get() + unit.bytes() > MAX_QUEUED_BYTES) {
            dropped++;
            return false;
        }
        queuedBytes.addAndGet(unit.bytes());
        queue.add(unit);
        return true;
    }

    /** Ends the input: the child writes what it has, finishes the file and exits. Idempotent. */
    public void finish() {
        if (finishing) return;
        finishing = true;
        queue.add(END);
    }

    /** Ends the child at once (SIGKILL): the file keeps what was written up to its last fragment. */
    public void kill() {
        finishing = true;
        process.destroyForcibly();
    }

    /**
     * Finishes and waits for the exit, killing the child when it takes longer.
     * @param seconds how long to wait
     */
    public void finishAndWait(long seconds) {
        finish();
        try {
            if (!process.waitFor(seconds, TimeUnit.SECONDS)) process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** @return completes when the child has exited and the whenDone action ran */
    public CompletableFuture<Mp4Writer> done() {
        return done;
    }

    /** @return whether {@link #finish} or {@link #kill} was called: an exit then was asked for */
    public boolean finishing() {
        return finishing;
    }

    /** @return whether the child still runs */
    public boolean alive() {
        return process.isAlive();
    }

    /** @return the exit code, or -1 while it runs */
    public int exitCode() {
        return process.isAlive() ? -1 : process.exitValue();
    }

    /** @return the child's process id */
    public long pid() {
        return process.pid();
    }

    /** @return the file it writes */
    public Path file() {
        return file;
    }

    /** @return units handed to the pipe */
    public long writtenUnits() {
        return writtenUnits;
    }

    /** @return units dropped because the child was behind or gone */
    public long dropped() {
        return dropped;
    }

    /** @return the last lines the child wrote to stderr */
    public String stderr() {
        synchronized (stderrTail) {
            return String.join("\n", stderrTail);
        }
    }
}
