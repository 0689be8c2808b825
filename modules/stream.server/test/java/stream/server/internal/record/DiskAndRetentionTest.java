package stream.server.internal.record;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import stream.testkit.Await;

/** A disk that fills up (a real tmpfs) and retention by size and age, on segments recorded from a real stream. */
class DiskAndRetentionTest {
    @TempDir
    Path tmp;

    @Test
    void aFullDiskStopsRecordingWithAClearStatusTheStreamGoesOnAndRecordingResumesWhenSpaceIsFreed() throws Exception {
        Path mount = Files.createDirectory(tmp.resolve("small-disk"));
        Live.run("mount", "-t", "tmpfs", "-o", "size=8m", "tmpfs", mount.toString()); // CI runs as root
        try (Live live = new Live(tmp)) {
            live.awaitPicture();
            Path rec = mount.resolve("rec");
            live.capture.record(new RecordSettings(rec, Duration.ofSeconds(2), Duration.ZERO, 0, 1 << 20));
            Await.until("recording", Duration.ofSeconds(30),
                    () -> live.capture.recordStatus().orElseThrow().state() == Recorder.State.RECORDING);
            Path filler = mount.resolve("filler");
            fill(filler);
            Await.until("disk-full", Duration.ofSeconds(30),
                    () -> live.capture.recordStatus().orElseThrow().state() == Recorder.State.DISK_FULL);
            Recorder.Status full = live.capture.recordStatus().orElseThrow();
            assertTrue(full.message().startsWith("disk full") && full.message().contains("resumes when space is freed"), full.toString());
            assertEquals("disk-full", full.toJson().getString("state", ""));
            // the stream goes on, and no segment starts while the disk is full
            long packets = live.tap.snapshot().packets(), started = full.segmentsStarted();
            Thread.sleep(2500); // the sleep is the test: 2.5 s of stream go by with the disk full
            assertTrue(live.tap.snapshot().packets() > packets + 30, "the stream went on");
            assertTrue(live.capture.receiving());
            assertEquals(Recorder.State.DISK_FULL, live.capture.recordStatus().orElseThrow().state());
            assertEquals(started, live.capture.recordStatus().orElseThrow().segmentsStarted());
            // space returns: recording resumes at a keyframe with a new segment
            Files.delete(filler);
            Await.until("recording again", Duration.ofSeconds(30), () -> {
                Recorder.Status s = live.capture.recordStatus().orElseThrow();
                return s.state() == Recorder.State.RECORDING && s.segmentsStarted() > started;
            });
            Mp4Writer w = RecorderTest.recorderOf(live).currentWriter();
            Await.until("a second written", Duration.ofSeconds(30), () -> w.writtenUnits() >= Live.FPS);
            live.capture.record(null);
            List<Catalog.Entry> segments = new Catalog(rec).list();
            Catalog.Entry last = segments.get(segments.size() - 1);
            Live.Probe p = Live.ffprobe(last.path());
            assertTrue(p.frames() == w.writtenUnits() && p.firstFrameKey(),
                    "the segment after the disk-full plays: " + w.writtenUnits() + " written, " + p);
            for (Catalog.Entry e : segments) assertTrue(Live.ffprobe(e.path()).frames() > 0, e.name());
        } finally {
            Live.run("umount", mount.toString());
        }
    }

    /** Writes until the file system says it is full. */
    private static void fill(Path filler) throws IOException {
        byte[] chunk = new byte[64 << 10];
        try (OutputStream out = Files.newOutputStream(filler)) {
            while (true) out.write(chunk);
        } catch (IOException e) {
            assertTrue(String.valueOf(e.getMessage()).contains("No space left"), e.toString());
        }
    }

    @Test
    void retentionDeletesTheOldestBySizeAndByAgeExactlyAsFarAsNeededAndNeverThePartialFile() throws Exception {
        Path rec = tmp.resolve("rec");
        try (Live live = new Live(tmp)) {
            live.awaitPicture();
            live.capture.record(new RecordSettings(rec, Duration.ofSeconds(1), Duration.ZERO, 0, 0));
            Await.until("six segments done", Duration.ofSeconds(60), () -> {
                try {
                    return new Catalog(rec).list().size() >= 6;
                } catch (IOException e) {
                    throw new IllegalStateException(e);
                }
            });
            live.capture.record(null);
        }
        Catalog catalog = new Catalog(rec);
        List<Catalog.Entry> all = catalog.list();
        assertTrue(all.size() >= 6, all.toString());
        // a file being written (as the recorder leaves it) counts toward the size and is never deleted
        Path partial = rec.resolve(MediaName.of(Instant.now()) + MediaName.PARTIAL);
        Files.write(partial, new byte[1000]);
        long total = 1000;
        for (Catalog.Entry e : all) total += e.size();

        // size: the bound is met by deleting exactly the two oldest
        long bound = total - all.get(0).size() - all.get(1).size();
        assertEquals(List.of(all.get(0).name(), all.get(1).name()), Retention.apply(catalog, Duration.ZERO, bound, Instant.now()));
        assertEquals(List.of(), Retention.apply(catalog, Duration.ZERO, bound, Instant.now()), "already within the bound");

        // age: by when each segment ended; give them ends a minute apart to make the cut exact
        List<Catalog.Entry> left = catalog.list();
        Instant base = Instant.parse("2026-01-01T00:00:00Z");
        for (int i = 0; i < left.size(); i++)
            Files.setLastModifiedTime(left.get(i).path(), FileTime.from(base.plus(Duration.ofMinutes(i))));
        Files.setLastModifiedTime(partial, FileTime.from(base)); // older than all: still not deleted
        // an hour's age at base + 1 h 1 min 30 s: segments that ended before 0:01:30 go (the first two of those left)
        Instant now = base.plus(Duration.ofHours(1)).plus(Duration.ofSeconds(90));
        assertEquals(List.of(left.get(0).name(), left.get(1).name()), Retention.apply(catalog, Duration.ofHours(1), 0, now));
        assertEquals(left.size() - 2, catalog.list().size());
        assertTrue(Files.exists(partial));
        for (Catalog.Entry e : catalog.list()) assertTrue(Live.ffprobe(e.path()).frames() > 0, e.name());
    }

    @Test
    void aLiveRecorderKeepsItsSegmentsWithinTheSizeBound() throws Exception {
        Path rec = tmp.resolve("rec");
        long bound = 100_000; // about three one-second segments of this stream
        try (Live live = new Live(tmp)) {
            live.awaitPicture();
            live.capture.record(new RecordSettings(rec, Duration.ofSeconds(1), Duration.ZERO, bound, 0));
            // every segment name seen on disk, so the ones deleted can be told apart from the ones kept
            var seen = new java.util.TreeMap<String, Catalog.Entry>();
            Await.until("eight segments started", Duration.ofSeconds(60), () -> {
                for (Catalog.Entry e : new Catalog(rec).list()) seen.put(e.name(), e);
                return live.capture.recordStatus().orElseThrow().segmentsStarted() >= 8;
            });
            // The recorder's maintenance runs once a second: wait (with a deadline) for a round that has
            // deleted the oldest, then check what that round left.
            long[] totalSeen = {-1};
            int[] startedSeen = {-1};
            var keptSeen = new java.util.concurrent.atomic.AtomicReference<List<Catalog.Entry>>(List.of());
            Await.until(() -> "a maintenance round keeping the segments within the bound: " + totalSeen[0] + " bytes, bound " + bound
                    + ", " + startedSeen[0] + " started, kept " + keptSeen.get(), Duration.ofSeconds(15), () -> {
                        long sum = 0;
                        for (Path p : Live.files(rec, "*")) sum += Files.size(p);
                        totalSeen[0] = sum;
                        keptSeen.set(new Catalog(rec).list());
                        for (Catalog.Entry e : keptSeen.get()) seen.put(e.name(), e);
                        startedSeen[0] = (int) live.capture.recordStatus().orElseThrow().segmentsStarted();
                        return sum <= bound + 60_000 && keptSeen.get().size() <= startedSeen[0] - 3;
                    });
            long total = totalSeen[0];
            List<Catalog.Entry> kept = keptSeen.get();
            // within the bound, but for what was written since the last round (a second of stream)
            assertTrue(total <= bound + 60_000, "segments take " + total + " bytes, bound " + bound + ": " + kept);
            int started = startedSeen[0];
            assertTrue(kept.size() <= started - 3, "the oldest were deleted: " + started + " started, kept " + kept);
            // what is kept is the newest: every segment seen and since deleted started before every one kept
            var keptNames = kept.stream().map(Catalog.Entry::name).toList();
            var deleted = seen.values().stream().filter(e -> !keptNames.contains(e.name())).toList();
            assertTrue(!deleted.isEmpty(), "no segment seen was deleted: seen " + seen.keySet() + ", kept " + keptNames);
            Instant newestDeleted = deleted.stream().map(Catalog.Entry::start).max(Instant::compareTo).orElseThrow();
            assertTrue(newestDeleted.isBefore(kept.get(0).start()),
                    "deleted " + deleted.stream().map(Catalog.Entry::name).toList() + " but kept older ones: " + keptNames);
            live.capture.record(null); // no more rounds: what is left stays for ffprobe
            int probed = 0;
            for (Catalog.Entry e : kept) {
                if (!Files.exists(e.path())) continue; // a later round deleted it, as it should
                assertTrue(Live.ffprobe(e.path()).frames() > 0, e.name());
                probed++;
            }
            assertTrue(probed >= 1, "no kept segment left to play: " + kept);
        }
    }
}
