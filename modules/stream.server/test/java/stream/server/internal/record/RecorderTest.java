package stream.server.internal.record;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import stream.testkit.Await;

/** Continuous recording from a real stream: segments ffprobe can read, and a kill -9 of the recording child. */
class RecorderTest {
    @TempDir
    Path tmp;

    @Test
    void segmentsStartAtKeyframesAndFfprobeReadsEachWithItsDurationAndFrameCount() throws Exception {
        Path rec = tmp.resolve("rec");
        List<Catalog.Entry> segments;
        long lastWritten;
        int started;
        try (Live live = new Live(tmp)) {
            live.awaitPicture();
            live.capture.record(new RecordSettings(rec, Duration.ofSeconds(2), Duration.ZERO, 0, 0));
            Await.until("four segments started", Duration.ofSeconds(60),
                    () -> live.capture.recordStatus().orElseThrow().segmentsStarted() >= 4);
            assertEquals(Recorder.State.RECORDING, live.capture.recordStatus().orElseThrow().state());
            Recorder recorder = recorderOf(live);
            Mp4Writer last = recorder.currentWriter();
            live.capture.record(null); // off: the segment being written is finished and named
            lastWritten = last.writtenUnits();
            // a loaded machine may start a fifth before the switch: every started one is finished
            started = (int) recorder.status().segmentsStarted();
            assertTrue(live.capture.recordStatus().isEmpty());
            // the segments before the last may still be finishing (their writer's EOS) on a loaded machine
            int expected = started;
            Await.until("all " + started + " started segments finished and named", Duration.ofSeconds(30),
                    () -> new Catalog(rec).list().size() >= expected);
            segments = new Catalog(rec).list();
            assertTrue(live.capture.receiving(), "the stream went on");
        }
        assertTrue(started >= 4, "segments started: " + started);
        assertEquals(started, segments.size(), segments.toString());
        assertTrue(Live.files(rec, "*" + MediaName.PARTIAL).isEmpty(), "no partial file left");
        for (int i = 0; i < segments.size(); i++) {
            Catalog.Entry e = segments.get(i);
            Live.Probe p = Live.ffprobe(e.path());
            assertEquals("h264", p.codec(), p.raw());
            assertEquals(Live.WIDTH, p.width());
            assertEquals(Live.HEIGHT, p.height());
            assertTrue(p.firstFrameKey(), "segment starts with a keyframe: " + p.raw());
            // ffprobe's count of frames matches the duration at 30 fps; our own box reader agrees
            assertEquals(p.duration() * Live.FPS, p.frames(), 1.5, e.name() + ": " + p);
            assertEquals(p.duration(), e.durationSeconds(), 0.05, e.name());
            if (i == segments.size() - 1) assertEquals(lastWritten, p.frames(), "a finished segment has every frame written");
            if (i < segments.size() - 1) {
                // a full segment: cut at the first keyframe after 2 s; keyframes come every second
                assertTrue(p.duration() >= 1.9 && p.duration() <= 3.1, e.name() + ": " + p);
                // the name is the UTC start: the next one starts this one's duration later
                double gap = Duration.between(e.start(), segments.get(i + 1).start()).toMillis() / 1000.0;
                assertEquals(p.duration(), gap, 0.35, "start of " + segments.get(i + 1).name());
            }
        }
    }

    @Test
    void killMinus9OfTheRecordingChildLeavesAPlayableSegmentMissingAtMostAboutASecondAndRecordingGoesOn() throws Exception {
        Path rec = tmp.resolve("rec");
        try (Live live = new Live(tmp)) {
            live.awaitPicture();
            live.capture.record(new RecordSettings(rec, Duration.ofMinutes(10), Duration.ZERO, 0, 0));
            Recorder recorder = recorderOf(live);
            Await.until("a segment", Duration.ofSeconds(30), () -> recorder.currentWriter() != null);
            Mp4Writer w = recorder.currentWriter();
            Await.until("4.5 s of frames written", Duration.ofSeconds(60), () -> w.writtenUnits() >= 135);
            Live.run("kill", "-9", Long.toString(w.pid()));
            long written = w.writtenUnits(); // the pipe is dead: nothing more is written
            w.done().join();
            List<Catalog.Entry> done = new Catalog(rec).list();
            assertEquals(1, done.size(), "the killed segment got its name: " + done);
            Live.Probe p = Live.ffprobe(done.get(0).path());
            assertTrue(p.frames() > 0 && p.firstFrameKey(), p.toString());
            long missing = written - p.frames();
            assertTrue(missing >= 0 && missing <= Live.FPS * 1.25, "frames written " + written + ", playable " + p.frames());
            // the next keyframe starts a new segment with a new child, and the status tells what happened
            Await.until("a new segment", Duration.ofSeconds(30), () -> recorder.currentWriter() != null
                    && recorder.currentWriter() != w && recorder.currentWriter().writtenUnits() > 0);
            Recorder.Status s = recorder.status();
            assertEquals(Recorder.State.RECORDING, s.state());
            assertTrue(s.segmentsStarted() >= 2, "segments started: " + s.segmentsStarted());
            assertTrue(s.lastError().contains("signal 9"), s.lastError());
            assertFalse(done.get(0).name().equals(s.segment()));
        }
        assertTrue(new Catalog(rec).list().size() >= 2, "the second segment was finished when recording ended");
    }

    @Test
    void aStreamThatStopsGetsItsSegmentFinishedAndANewStreamStartsANewOne() throws Exception {
        Path rec = tmp.resolve("rec");
        try (Live live = new Live(tmp)) {
            live.awaitPicture();
            live.capture.record(new RecordSettings(rec, Duration.ofMinutes(10), Duration.ZERO, 0, 0));
            Recorder recorder = recorderOf(live);
            Await.until("two seconds recorded", Duration.ofSeconds(30),
                    () -> recorder.currentWriter() != null && recorder.currentWriter().writtenUnits() >= 2 * Live.FPS);
            live.stopSender();
            Await.until("the segment finished", Duration.ofSeconds(30), () -> {
                try {
                    return new Catalog(rec).list().size() == 1;
                } catch (java.io.IOException e) {
                    throw new IllegalStateException(e);
                }
            });
            Recorder.Status waiting = recorder.status();
            assertEquals(Recorder.State.WAITING, waiting.state());
            assertTrue(waiting.message().contains("sends nothing"), waiting.message());
            live.startSender(); // a new child: another SSRC, timestamps from anew
            Await.until("a new segment", Duration.ofSeconds(30), () -> recorder.status().segmentsStarted() == 2
                    && recorder.currentWriter() != null && recorder.currentWriter().writtenUnits() >= Live.FPS);
            live.capture.record(null);
        }
        List<Catalog.Entry> both = new Catalog(rec).list();
        assertEquals(2, both.size());
        for (Catalog.Entry e : both) {
            Live.Probe p = Live.ffprobe(e.path());
            assertTrue(p.firstFrameKey() && p.frames() >= Live.FPS, p.toString());
            assertEquals(p.duration() * Live.FPS, p.frames(), 1.5, "no pause inside a segment: " + p);
        }
    }

    /** The recorder in force, through the capture's own lock as the tap's thread sees it. */
    static Recorder recorderOf(Live live) throws Exception {
        var f = StreamCapture.class.getDeclaredField("recorder");
        f.setAccessible(true);
        synchronized (live.capture) {
            return (Recorder) f.get(live.capture);
        }
    }

    @Test
    void namesAreUtcStartTimesAndNothingElse() {
        Instant t = Instant.parse("2026-11-26T15:04:05.123Z");
        assertEquals("20261126T150405.123Z.mp4", MediaName.of(t));
        assertEquals(t, MediaName.parse("20261126T150405.123Z.mp4").orElseThrow());
        for (String bad : List.of("", "x.mp4", "../20261126T150405.123Z.mp4", "/etc/passwd", "20261126T150405.123Z.mp4/..",
                "20261126T150405.123Z.mp4.part", "20261326T150405.123Z.mp4", "20261126T150405.123Z.MP4",
                "..%2F20261126T150405.123Z.mp4", "20261126T150405.123Z.mp4\u0000", " 20261126T150405.123Z.mp4",
                "20261126T150405Z.mp4", "sub/20261126T150405.123Z.mp4", "20261126T150405.123Z.mp4\\..\\x"))
            assertFalse(MediaName.valid(bad), bad);
        assertFalse(Files.exists(Path.of("20261126T150405.123Z.mp4")));
    }
}
