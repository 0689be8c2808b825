package stream.server.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.eclipsesource.json.JsonArray;
import com.eclipsesource.json.JsonObject;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import stream.server.internal.record.MediaLimits;
import stream.testkit.Await;

/**
 * Issue 25 items 4 and 5 against a real server process and its real children: clip writers and
 * snapshot decoders are bounded. Clips: {@link MediaLimits#CLIPS_PER_STREAM} per stream and
 * {@link MediaLimits#CLIPS_IN_ALL} in all, 429 with Retry-After and a hint past them, a request that
 * a clip being written covers shares it, and a flood of {@code {"before":30,"after":600}} starts no
 * child. Snapshots: concurrent requests all get an answer (a JPEG or 503 JSON), never more than
 * {@link MediaLimits#SNAPSHOTS_IN_ALL} decoder processes at once (counted in /proc), and a decoder
 * that hangs (SIGSTOP) ends in a 503 JSON answer instead of none.
 */
class MediaLimitsTest {
    @TempDir
    Path dir;
    TestSupport.ServerProcess server;
    int port;

    @AfterEach
    void cleanUp() {
        if (server != null) server.close();
    }

    /** A server with main and, when asked, more streams, all running the 320x240 test pattern with 1 s keyframes. */
    private void start(String... more) throws Exception {
        List<String> args = List.of("--port", "0", "--bind", "127.0.0.1", "--source", "test", "--width", "320", "--height", "240",
                "--framerate", "15", "--dest", "127.0.0.1:" + TestSupport.freeUdpPort(), "--state-dir", dir.toString(), "--rtsp-port", "0");
        server = new TestSupport.ServerProcess(List.of(), List.of("-Xmx160m"), args, Map.of());
        port = server.awaitPort();
        assertEquals(200, TestSupport.request(port, "POST", "/control", "{\"action\":\"start\"}").code());
        for (String name : more) {
            String def = new JsonObject().add("source", "test").add("width", 320).add("height", 240).add("framerate", 15)
                    .add("destinations", new JsonArray().add("127.0.0.1:" + TestSupport.freeUdpPort())).toString();
            TestSupport.Response put = TestSupport.request(port, "PUT", "/streams/" + name, def);
            assertEquals(201, put.code(), put.body());
            assertEquals(200, TestSupport.request(port, "POST", "/streams/" + name + "/control", "{\"action\":\"start\"}").code());
        }
    }

    /** Waits until every stream has run long enough for its pre-roll to reach {@code seconds} back. */
    private void awaitPreRoll(double seconds, String... streams) {
        for (String s : streams)
            Await.until("stream " + s + " running for " + seconds + " s", Duration.ofSeconds(60), () -> {
                JsonObject st = TestSupport.request(port, "GET", "/streams/" + s + "/control", null).json();
                return st.getString("status", "").equals("running") && st.getDouble("uptimeSeconds", 0) >= seconds;
            });
    }

    private TestSupport.Response clip(String stream, double before, double after) throws IOException {
        return TestSupport.request(port, "POST", "/streams/" + stream + "/clips",
                new JsonObject().add("before", before).add("after", after).toString());
    }

    /** The server's children whose command line contains a word ("mp4mux": clip writers here; "jpegenc": snapshot decoders). */
    private List<Long> children(String word) {
        List<Long> pids = new ArrayList<>();
        server.process.toHandle().descendants().forEach(h -> {
            try {
                String cmd = new String(Files.readAllBytes(Path.of("/proc/" + h.pid() + "/cmdline")), StandardCharsets.UTF_8);
                if (cmd.contains(word)) pids.add(h.pid());
            } catch (IOException e) {
                // ended meanwhile
            }
        });
        return pids;
    }

    private static void assertRefusal(TestSupport.Response r, int code, String what) {
        assertEquals(code, r.code(), what + ": " + r.body());
        String retry = r.header("Retry-After");
        assertTrue(retry != null && retry.matches("[1-9][0-9]*"), what + ": Retry-After " + retry);
        JsonObject body = r.json();
        assertFalse(body.getString("error", "").isEmpty(), what + ": " + r.body());
        assertFalse(body.getString("hint", "").isEmpty(), what + ": " + r.body());
    }

    @Test
    void clipWritersAreBoundedPerStreamAndInAllAndAFloodStartsNone() throws Exception {
        start("s2", "s3");
        awaitPreRoll(9, "main", "s2", "s3");
        // Each later request starts earlier than every clip being written, so none is covered: a writer each.
        Set<String> names = new HashSet<>();
        for (String stream : List.of("main", "s2")) {
            for (double before : new double[] {0, 3, 6}) {
                TestSupport.Response r = clip(stream, before, 600);
                assertEquals(202, r.code(), stream + " before " + before + ": " + r.body());
                assertFalse(r.json().getBoolean("shared", false), r.body());
                assertTrue(names.add(stream + "/" + r.json().getString("name", "")), r.body());
            }
            assertRefusal(clip(stream, 9, 600), 429, stream + ": a fourth clip");
            assertTrue(clip(stream, 9, 600).json().getString("error", "").contains("of this stream"), "per stream");
        }
        TestSupport.Response first = clip("s3", 0, 600);
        assertEquals(202, first.code(), first.body());
        assertEquals(202, clip("s3", 3, 600).code());
        TestSupport.Response full = clip("s3", 6, 600);
        assertRefusal(full, 429, "the ninth clip of the server");
        assertTrue(full.json().getString("error", "").contains("all streams together"), full.body());
        assertEquals(MediaLimits.CLIPS_IN_ALL, children("mp4mux").size(), "clip writers");

        // A request that a clip being written covers shares it: same file, no child.
        TestSupport.Response shared = clip("s3", 0, 600);
        assertEquals(202, shared.code(), shared.body());
        assertTrue(shared.json().getBoolean("shared", false), shared.body());
        assertEquals(first.json().getString("name", "?"), shared.json().getString("name", ""), shared.body());

        // The flood of the report: 40 at once, each asking 30 s before and 600 s after; every one answered, no child more.
        AtomicBoolean stop = new AtomicBoolean();
        AtomicInteger most = new AtomicInteger();
        Thread counter = Thread.ofPlatform().start(() -> {
            while (!stop.get()) {
                most.accumulateAndGet(children("mp4mux").size(), Math::max);
                java.util.concurrent.locks.LockSupport.parkNanos(5_000_000); // the sampling interval, leaving the CPU to the server
            }
        });
        List<TestSupport.Response> answers = new ArrayList<>();
        try (ExecutorService pool = Executors.newFixedThreadPool(40)) {
            List<Future<TestSupport.Response>> fs = new ArrayList<>();
            for (int i = 0; i < 40; i++) {
                String stream = i % 2 == 0 ? "main" : "s3";
                fs.add(pool.submit(() -> clip(stream, 30, 600)));
            }
            for (Future<TestSupport.Response> f : fs) answers.add(f.get(60, TimeUnit.SECONDS));
        } finally {
            stop.set(true);
            counter.join();
        }
        for (TestSupport.Response r : answers) {
            if (r.code() == 202) assertTrue(r.json().getBoolean("shared", false), "a flooding request only shares: " + r.body());
            else assertRefusal(r, 429, "a flooding request");
        }
        assertTrue(most.get() <= MediaLimits.CLIPS_IN_ALL, "clip writers at once during the flood: " + most.get());
        assertEquals(MediaLimits.CLIPS_IN_ALL, children("mp4mux").size(), "clip writers after the flood");
        JsonObject pending = TestSupport.request(port, "GET", "/streams/s3/clips", null).json();
        assertEquals(2, pending.get("pending").asArray().size(), pending.toString());
    }

    @Test
    void snapshotsAreBoundedSharedAndAlwaysAnswered() throws Exception {
        start("s2");
        awaitPreRoll(2, "main", "s2");
        AtomicBoolean stop = new AtomicBoolean();
        AtomicInteger most = new AtomicInteger();
        Set<Long> seen = java.util.concurrent.ConcurrentHashMap.newKeySet();
        Thread counter = Thread.ofPlatform().start(() -> {
            while (!stop.get()) {
                List<Long> now = children("jpegenc");
                seen.addAll(now);
                most.accumulateAndGet(now.size(), Math::max);
                java.util.concurrent.locks.LockSupport.parkNanos(2_000_000); // the sampling interval
            }
        });
        List<TestSupport.Response> answers = new ArrayList<>();
        int requests = 24;
        try (ExecutorService pool = Executors.newFixedThreadPool(requests)) {
            List<Future<TestSupport.Response>> fs = new ArrayList<>();
            for (int i = 0; i < requests; i++) {
                String stream = i % 2 == 0 ? "main" : "s2";
                int width = 640 + 160 * (i % 6); // six widths, a few requests each: some share, some need decoders of their own
                fs.add(pool.submit(() -> TestSupport.request(port, "GET", "/streams/" + stream + "/snapshot.jpg?width=" + width, null)));
            }
            for (Future<TestSupport.Response> f : fs) answers.add(f.get(60, TimeUnit.SECONDS));
        } finally {
            stop.set(true);
            counter.join();
        }
        int jpegs = 0;
        for (TestSupport.Response r : answers) {
            if (r.code() == 200) {
                assertEquals("image/jpeg", r.header("Content-Type"));
                jpegs++;
            } else {
                assertRefusal(r, 503, "a snapshot past the bound");
            }
        }
        assertTrue(jpegs > 0, "some snapshots were made");
        assertFalse(seen.isEmpty(), "decoder processes were seen (the count below is not vacuous)");
        assertTrue(most.get() <= MediaLimits.SNAPSHOTS_IN_ALL, "decoders at once: " + most.get());
    }

    @Test
    void aHungDecoderEndsInA503Answer() throws Exception {
        start();
        awaitPreRoll(2, "main");
        // Stop the decoder while it works (a large width makes it work a little longer); retried until one is caught.
        long[] stopped = {0};
        TestSupport.Response[] answer = {null};
        Await.until("a snapshot decoder caught running and stopped with SIGSTOP", Duration.ofSeconds(60), () -> {
            try (ExecutorService one = Executors.newSingleThreadExecutor()) {
                Future<TestSupport.Response> f = one.submit(() -> TestSupport.request(port, "GET", "/streams/main/snapshot.jpg?width=3840", null));
                while (!f.isDone()) {
                    List<Long> d = children("jpegenc");
                    if (!d.isEmpty() && Runtime.getRuntime().exec(new String[] {"kill", "-STOP", Long.toString(d.get(0))}).waitFor() == 0) {
                        stopped[0] = d.get(0);
                        break;
                    }
                }
                answer[0] = f.get(60, TimeUnit.SECONDS);
            }
            return stopped[0] != 0;
        });
        assertRefusal(answer[0], 503, "the snapshot whose decoder hung");
        assertTrue(answer[0].json().getString("error", "").contains("took longer"), answer[0].body());
        assertFalse(ProcessHandle.of(stopped[0]).map(ProcessHandle::isAlive).orElse(false), "the hung decoder was killed");
        TestSupport.Response next = TestSupport.request(port, "GET", "/streams/main/snapshot.jpg", null);
        assertEquals(200, next.code(), next.body());
        assertNotEquals(0, next.body().length());
    }
}
