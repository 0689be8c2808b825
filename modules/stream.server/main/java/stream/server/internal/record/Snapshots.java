package stream.server.internal.record;

import stream.server.internal.process.ChildEnvironment;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.time.Duration;
import java.util.List;
import stream.server.internal.rtp.VideoCodec;
import java.util.Objects;
import java.util.concurrent.TimeUnit;

/**
 * The latest picture of a stream as a JPEG, without a viewer: the newest keyframe interval from
 * the {@link PreRoll} goes through a short gst-launch-1.0 child (depayload, decode, scale, JPEG);
 * every frame is decoded, since the last one depends on those before it, but only the frames the
 * JPEG encoder has time for are encoded, and the last one always is: that JPEG is the answer.
 */
public final class Snapshots {
    /** Smallest and largest width that may be asked for. */
    public static final int MIN_WIDTH = 16, MAX_WIDTH = 3840;

    private Snapshots() {}

    /**
     * @param width a width asked for, 0 for the stream's own
     * @throws IllegalArgumentException when out of range
     */
    static void checkWidth(int width) {
        if (width != 0 && (width < MIN_WIDTH || width > MAX_WIDTH))
            throw new IllegalArgumentException("width must be " + MIN_WIDTH + " to " + MAX_WIDTH + ": " + width);
    }

    /**
     * @param gstLaunch the gst-launch-1.0 executable
     * @param units a keyframe and the units after it
     * @param payloadType the stream's RTP payload type
     * @param width the width to scale to (height keeps the aspect ratio), or 0 for the stream's size
     * @param tempDir where the child may write its frames (a fresh directory below it is used and removed)
     * @return the JPEG
     * @throws IOException when the child fails or produces no picture
     */
    public static byte[] jpeg(String gstLaunch, List<AccessUnit> units, int payloadType, int width, Path tempDir)
            throws IOException {
        return jpeg(gstLaunch, units, payloadType, width, tempDir, Duration.ofSeconds(20));
    }

    /**
     * As {@link #jpeg(String, List, int, int, Path)}, the child killed past a time limit.
     * @param gstLaunch the gst-launch-1.0 executable
     * @param units a keyframe and the units after it
     * @param payloadType the stream's RTP payload type
     * @param width the width to scale to, or 0
     * @param tempDir where the child may write its frames
     * @param limit how long the child may take, from its start, feeding included
     * @return the JPEG
     * @throws IOException when the child fails, takes longer, or produces no picture
     */
    public static byte[] jpeg(String gstLaunch, List<AccessUnit> units, int payloadType, int width, Path tempDir, Duration limit)
            throws IOException {
        Objects.requireNonNull(units, "units");
        checkWidth(width);
        if (units.isEmpty() || !units.get(0).keyframe()) throw new IllegalStateException("no keyframe to decode from");
        VideoCodec codec = VideoCodec.of(payloadType); // an H.265 camera's one GOP is decoded here, nowhere else
        Path dir = Files.createTempDirectory(tempDir, "snapshot-");
        try {
            List<String> c = new ArrayList<>(List.of(gstLaunch, "-q", "fdsrc", "fd=0", "!",
                    "application/x-rtp-stream,media=video,clock-rate=90000,encoding-name=" + codec.encodingName + ",payload=" + payloadType, "!",
                    "rtpstreamdepay", "!", "rtpjitterbuffer", "mode=none", "!", codec.depay, "!",
                    codec.decoder, "!",
                    // the decoder must see every frame, the JPEG encoder only the newest: a leaky queue of one
                    // lets it skip what it has no time for, and the last frame always comes through before EOS
                    "queue", "leaky=downstream", "max-size-buffers=1", "max-size-bytes=0", "max-size-time=0", "!",
                    "videoscale", "!", "videoconvert", "!"));
            if (width > 0) c.addAll(List.of("video/x-raw,width=" + (width & ~1) + ",pixel-aspect-ratio=1/1", "!"));
            c.addAll(List.of("jpegenc", "!", "multifilesink", "location=" + dir.resolve("f%06d.jpg"), "max-files=1"));
            Path stderr = dir.resolve("stderr.txt"); // a file, so a chatty child never blocks on a full pipe
            Process p = ChildEnvironment.builder(c).redirectOutput(ProcessBuilder.Redirect.DISCARD)
                    .redirectError(stderr.toFile()).start();
            // Fed from a thread of its own: a child that stops reading (stopped, hung) blocks the feeding, never the
            // time limit, and killing it ends the feeding.
            Thread feeder = Thread.ofVirtual().name("snapshot-feed-" + p.pid()).start(() -> {
                try (OutputStream out = new BufferedOutputStream(p.getOutputStream(), 1 << 16)) {
                    for (AccessUnit u : units) {
                        for (byte[] b : u.packets()) {
                            out.write(b.length >> 8);
                            out.write(b.length);
                            out.write(b);
                        }
                    }
                } catch (IOException e) {
                    // the child ended early; its exit says why
                }
            });
            try {
                if (!p.waitFor(limit.toMillis(), TimeUnit.MILLISECONDS))
                    throw new IOException("the decoder took longer than " + limit.toSeconds() + " s and was stopped");
                if (p.exitValue() != 0)
                    throw new IOException("the decoder failed (exit " + p.exitValue() + "): " + Files.readString(stderr).trim());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted");
            } finally {
                p.destroyForcibly();
                try {
                    p.waitFor(); // gone before its folder is removed
                    feeder.join();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            Path last = null;
            try (DirectoryStream<Path> s = Files.newDirectoryStream(dir, "f*.jpg")) {
                for (Path f : s) if (last == null || f.getFileName().toString().compareTo(last.getFileName().toString()) > 0) last = f;
            }
            if (last == null) throw new IOException("the snapshot child decoded no picture");
            return Files.readAllBytes(last);
        } finally {
            try (DirectoryStream<Path> s = Files.newDirectoryStream(dir)) {
                for (Path f : s) Files.deleteIfExists(f);
            }
            Files.deleteIfExists(dir);
        }
    }
}
