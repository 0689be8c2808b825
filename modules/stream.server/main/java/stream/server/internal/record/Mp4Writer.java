package stream.server.internal.record;

import stream.server.internal.process.ChildEnvironment;
import java.io.BufferedOutputStream;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.List;
import stream.server.internal.rtp.VideoCodec;
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
 *
 * <p>With sound, the Opus RTP goes to the same child through a second pipe, a FIFO in a private
 * temporary folder that the child reads with filesrc, and mp4mux writes it as a second track. Each
 * track's times start at its first packet, so the first audio packet written is the first that
 * arrived at or after the first video unit did (both came from one pipeline clock over loopback,
 * a few ms apart): that keeps the two in step in the file.
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
    // With sound: the FIFO (held open read-write, so neither side's open blocks) and its packets.
    private final AudioPipe audio;
    private volatile long firstVideoNanos = Long.MIN_VALUE, lastAudioNanos = Long.MIN_VALUE;
    private volatile boolean audioOpened; // the child has the FIFO open: its name is gone, nothing is left behind

    /** The audio input of a writer with sound: a FIFO in a private folder, open for writing. */
    private record AudioPipe(Path dir, Path fifo, java.io.RandomAccessFile out, LinkedBlockingQueue<byte[]> queue) {
        static AudioPipe open() throws IOException {
            Path dir = java.nio.file.Files.createTempDirectory("stream-mp4-audio");
            Path fifo = dir.resolve("opus.rtp");
            try {
                Process mk = ChildEnvironment.builder("mkfifo", "-m", "600", fifo.toString()).redirectErrorStream(true).start();
                String why = new String(mk.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
                if (mk.waitFor() != 0) throw new IOException("mkfifo " + fifo + ": " + why);
                return new AudioPipe(dir, fifo, new java.io.RandomAccessFile(fifo.toFile(), "rw"), new LinkedBlockingQueue<>());
            } catch (IOException | InterruptedException e) {
                remove(dir, fifo);
                if (e instanceof InterruptedException) Thread.currentThread().interrupt();
                throw e instanceof IOException io ? io : new IOException("interrupted making the audio FIFO");
            }
        }

        static void remove(Path dir, Path fifo) {
            try {
                java.nio.file.Files.deleteIfExists(fifo);
                java.nio.file.Files.deleteIfExists(dir);
            } catch (IOException e) {
                // a temporary folder left behind; nothing else to do
            }
        }
    }

    private static final byte[] AUDIO_END = new byte[0];

    private Mp4Writer(Path file, Process process, AudioPipe audio, java.util.function.Consumer<Mp4Writer> whenDone) {
        this.file = file;
        this.process = process;
        this.audio = audio;
        Thread err = Thread.ofPlatform().daemon().name("mp4-writer-err-" + process.pid()).start(this::readStderr);
        Thread.ofPlatform().daemon().name("mp4-writer-" + process.pid()).start(this::feed);
        if (audio != null) Thread.ofPlatform().daemon().name("mp4-writer-audio-" + process.pid()).start(this::feedAudio);
        this.done = process.onExit().thenApply(p -> {
            try {
                err.join(2000); // the last stderr lines say why it ended
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            if (audio != null) {
                audio.queue().add(AUDIO_END);
                AudioPipe.remove(audio.dir(), audio.fifo());
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
        return start(gstLaunch, file, payloadType, false, whenDone);
    }

    /**
     * Starts the child writing to {@code file}, with an Opus track when asked.
     * @param gstLaunch the gst-launch-1.0 executable
     * @param file the MP4 to write (created or truncated)
     * @param payloadType the RTP payload type of the video (0-127)
     * @param withAudio whether Opus RTP (payload type 97) comes through {@link #writeAudio}
     * @param whenDone runs once the child has exited, before {@link #done()} completes
     * @return the writer
     * @throws IOException when the child cannot be started
     */
    public static Mp4Writer start(String gstLaunch, Path file, int payloadType, boolean withAudio,
                                  java.util.function.Consumer<Mp4Writer> whenDone) throws IOException {
        Objects.requireNonNull(whenDone, "whenDone");
        AudioPipe audio = withAudio ? AudioPipe.open() : null;
        try {
            return new Mp4Writer(file, ChildEnvironment.builder(command(gstLaunch, file, payloadType, audio == null ? null : audio.fifo()))
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD).start(), audio, whenDone);
        } catch (IOException | RuntimeException e) {
            if (audio != null) {
                audio.out().close();
                AudioPipe.remove(audio.dir(), audio.fifo());
            }
            throw e;
        }
    }

    /** The child's arguments: one element or property per argument, no shell. */
    static List<String> command(String gstLaunch, Path file, int payloadType) {
        return command(gstLaunch, file, payloadType, null);
    }

    /** The child's arguments; with an audio FIFO, a second branch into the same mp4mux. */
    static List<String> command(String gstLaunch, Path file, int payloadType, Path audioFifo) {
        if (payloadType < 0 || payloadType > 127) throw new IllegalArgumentException("payload type " + payloadType);
        VideoCodec codec = VideoCodec.of(payloadType); // H.265 only from an IP camera that sends it: passed into the MP4 as it is
        List<String> a = new java.util.ArrayList<>(List.of(gstLaunch, "-e", "-q", "fdsrc", "fd=0", "!",
                "application/x-rtp-stream,media=video,clock-rate=90000,encoding-name=" + codec.encodingName + ",payload=" + payloadType, "!",
                "rtpstreamdepay", "!", "rtpjitterbuffer", "mode=none", "!", codec.depay, "!", codec.parse, "!",
                "mp4mux", "fragment-duration=1000", "!",
                "filesink", "location=" + file.toAbsolutePath(), "buffer-mode=unbuffered", "o-sync=true"));
        if (audioFifo == null) return List.copyOf(a); // without sound, exactly the child it always was
        a.add(a.indexOf("mp4mux") + 1, "name=mux");
        a.addAll(List.of("filesrc", "location=" + audioFifo.toAbsolutePath(), "!",
                "application/x-rtp-stream,media=audio,clock-rate=48000,encoding-name=OPUS,payload=97", "!",
                "rtpstreamdepay", "!", "rtpjitterbuffer", "mode=none", "!", "rtpopusdepay", "!", "opusparse", "!", "mux."));
        return List.copyOf(a);
    }

    /**
     * Feeds the audio FIFO until the end marker; closing it is the audio's end of stream. A child
     * that opens the FIFO after the last writer closed it would wait forever, so the end waits
     * (bounded) until the child has it open.
     */
    private void feedAudio() {
        try (java.io.RandomAccessFile out = audio.out()) {
            // Once both ends are open the FIFO's name is not needed: removed now, a server killed later leaves nothing.
            awaitAudioOpened();
            AudioPipe.remove(audio.dir(), audio.fifo());
            while (true) {
                byte[] p = audio.queue().take();
                if (p == AUDIO_END) {
                    awaitAudioOpened();
                    break;
                }
                byte[] framed = new byte[p.length + 2];
                framed[0] = (byte) (p.length >> 8);
                framed[1] = (byte) p.length;
                System.arraycopy(p, 0, framed, 2, p.length);
                out.write(framed);
            }
        } catch (IOException e) {
            // the child is gone; onExit reports it
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        audio.queue().clear();
    }

    private void awaitAudioOpened() throws InterruptedException {
        if (audioOpened) return;
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (process.isAlive() && !(audioOpened = opened(audio.fifo()))) {
            if (System.nanoTime() > deadline) { // stuck before its first read: nothing else would end it
                process.destroyForcibly();
                return;
            }
            Thread.sleep(20);
        }
    }

    /** @return whether the child holds the file open (its /proc fd links); true where /proc cannot tell */
    private boolean opened(Path fifo) {
        Path fds = Path.of("/proc", Long.toString(process.pid()), "fd");
        try (var list = java.nio.file.Files.list(fds)) {
            return list.anyMatch(fd -> {
                try {
                    return java.nio.file.Files.readSymbolicLink(fd).equals(fifo);
                } catch (IOException | UnsupportedOperationException e) {
                    return false;
                }
            });
        } catch (IOException | UnsupportedOperationException e) {
            return !java.nio.file.Files.isDirectory(Path.of("/proc/self/fd"));
        }
    }

    /**
     * Queues one Opus RTP packet for the file; never blocks. Taken only after the first video unit
     * and only when it arrived at or after it (and after the last one taken): the tracks start together.
     * @param packet the RTP packet (kept: the caller must not change it)
     * @param receivedNanos when it arrived on the tap
     * @return whether it was queued
     */
    public boolean writeAudio(byte[] packet, long receivedNanos) {
        if (audio == null || finishing || !process.isAlive() || firstVideoNanos == Long.MIN_VALUE
                || receivedNanos < firstVideoNanos || receivedNanos <= lastAudioNanos) return false;
        if (audio.queue().size() > 10_000) { // about 200 s of Opus: the child is stuck
            dropped++;
            return false;
        }
        lastAudioNanos = receivedNanos;
        audio.queue().add(packet);
        return true;
    }

    /** @return whether this file gets a sound track */
    public boolean withAudio() {
        return audio != null;
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
        if (firstVideoNanos == Long.MIN_VALUE) firstVideoNanos = unit.receivedNanos();
        queue.add(unit);
        return true;
    }

    /** Ends the input: the child writes what it has, finishes the file and exits. Idempotent. */
    public void finish() {
        if (finishing) return;
        finishing = true;
        queue.add(END);
        if (audio != null) audio.queue().add(AUDIO_END);
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
