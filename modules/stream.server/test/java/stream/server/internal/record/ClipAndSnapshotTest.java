package stream.server.internal.record;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import stream.testkit.Await;

/** Clips with pre-roll and snapshots from a real stream, checked by ffprobe. */
class ClipAndSnapshotTest {
    @TempDir
    Path tmp;

    @Test
    void aClipStartsBeforeSecondsBeforeTheRequestAtAKeyframeAndEndsAfterSecondsAfterIt() throws Exception {
        try (Live live = new Live(tmp)) {
            live.awaitPicture();
            Thread.sleep(5000); // more pre-roll than asked for
            Instant asked = Instant.now();
            Clips.Ticket t = live.capture.clip(3, 2);
            // the answer comes at once, with the name the file will have
            assertTrue(MediaName.valid(t.name()), t.toString());
            assertTrue(live.capture.clips().entry(t.name()).isEmpty(), "not there before it is complete");
            assertEquals(List.of(t), live.capture.pendingClips());
            // from the keyframe at or before 3 s ago: within one keyframe interval (1 s) more
            assertTrue(t.beforeSeconds() >= 3 && t.beforeSeconds() <= 3 + 1.0 + 0.1, t.toString());
            double startOffset = Duration.between(t.start(), asked).toMillis() / 1000.0;
            assertEquals(t.beforeSeconds(), startOffset, 0.1, "the name is the first frame's time");
            Await.until("the clip", Duration.ofSeconds(30), () -> {
                try {
                    return live.capture.clips().entry(t.name()).isPresent();
                } catch (java.io.IOException e) {
                    throw new IllegalStateException(e);
                }
            });
            assertTrue(live.capture.pendingClips().isEmpty());
            Live.Probe p = Live.ffprobe(live.capture.clips().entry(t.name()).orElseThrow().path());
            assertTrue(p.firstFrameKey(), "a clip starts with a keyframe: " + p);
            assertEquals(Live.WIDTH, p.width());
            // before + after, as ffprobe counts it: the first frame lies before seconds before the request
            assertEquals(t.beforeSeconds() + 2, p.duration(), 0.2, p.toString());
            assertEquals(p.duration() * Live.FPS, p.frames(), 1.5, p.toString());
            assertTrue(Live.files(live.capture.clips().dir(), "*" + MediaName.PARTIAL).isEmpty());
        }
    }

    @Test
    void clipAndSnapshotRefuseBadValuesAndAStreamThatDoesNotRun() throws Exception {
        try (Live live = new Live(tmp)) {
            live.awaitPicture();
            assertThrows(IllegalArgumentException.class, () -> live.capture.clip(-1, 2));
            assertThrows(IllegalArgumentException.class, () -> live.capture.clip(11, 2)); // max before is 10 here
            assertThrows(IllegalArgumentException.class, () -> live.capture.clip(1, 0));
            assertThrows(IllegalArgumentException.class, () -> live.capture.clip(Double.NaN, 2));
            assertThrows(IllegalArgumentException.class, () -> live.capture.snapshot(8));
            assertThrows(IllegalArgumentException.class, () -> live.capture.snapshot(100_000));
            live.stopSender();
            Await.until("the stream counts as stopped", Duration.ofSeconds(10), () -> !live.capture.receiving());
            var e = assertThrows(IllegalStateException.class, () -> live.capture.snapshot(0));
            assertTrue(e.getMessage().startsWith("the stream is not running"), e.getMessage());
            assertThrows(IllegalStateException.class, () -> live.capture.clip(1, 1));
            assertTrue(Live.files(live.capture.clips().dir(), "*").isEmpty(), "no clip was started");
        }
    }

    @Test
    void aSnapshotDecodesToTheStreamsSizeOrTheWidthAskedFor() throws Exception {
        try (Live live = new Live(tmp)) {
            live.awaitPicture();
            Thread.sleep(700); // some frames after the keyframe
            Path full = tmp.resolve("full.jpg"), small = tmp.resolve("small.jpg");
            Files.write(full, live.capture.snapshot(0));
            Files.write(small, live.capture.snapshot(160));
            Live.Probe f = Live.ffprobe(full), s = Live.ffprobe(small);
            assertEquals("mjpeg", f.codec(), f.raw());
            assertEquals(Live.WIDTH, f.width());
            assertEquals(Live.HEIGHT, f.height());
            assertEquals(160, s.width());
            assertEquals(120, s.height(), "the aspect ratio is kept");
            assertTrue(Live.files(tmp, "snapshot-*").isEmpty(), "the snapshot's temporary directory is gone");
        }
    }
}
