package stream.server.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static stream.server.internal.TestSupport.gstBelow;
import static stream.server.internal.TestSupport.post;
import static stream.server.internal.TestSupport.status;
import static stream.server.internal.TestSupport.waitUntil;

import com.eclipsesource.json.JsonObject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import stream.server.StreamServer;

/** The supervisor against real children: crashes noticed, concurrency, no orphans. */
class SupervisionTest {
    @TempDir
    Path stateDir;
    StreamServer server;
    int port;

    @BeforeEach
    void startServer() throws IOException {
        server = StreamServer.start(TestSupport.smallTestServer(stateDir, TestSupport.freeUdpPort()));
        port = server.port();
    }

    @AfterEach
    void stopServer() {
        server.close();
        List<ProcessHandle> left = gstBelow(ProcessHandle.current());
        left.forEach(ProcessHandle::destroyForcibly);
        assertTrue(left.isEmpty(), "server close left children: " + left);
    }

    @Test
    void killMinus9OfTheChildIsFailedWithTheSignalAndStartWorksAgain() throws IOException {
        JsonObject started = post(port, "start");
        assertEquals("running", started.getString("status", null));
        long pid = started.getLong("pid", -1);
        ProcessHandle child = ProcessHandle.of(pid).orElseThrow();
        assertTrue(child.destroyForcibly(), "SIGKILL sent"); // kill -9
        waitUntil("status failed", Duration.ofSeconds(30), () -> statusOf().getString("status", "").equals("failed"));
        JsonObject s = status(port);
        assertTrue(s.get("pid").isNull(), s.toString());
        JsonObject exit = s.get("lastExit").asObject();
        assertEquals(9, exit.getInt("signal", -1), exit.toString());
        assertEquals("signal 9 (SIGKILL)", exit.getString("description", null));
        assertEquals(137, exit.getInt("code", -1));
        assertEquals(false, exit.getBoolean("requested", true));
        assertTrue(s.get("lastStderr").isArray());
        assertTrue(Files.notExists(server.pidFile()), "pid file removed when the child died");

        JsonObject again = post(port, "start");
        assertEquals("Stream started", again.getString("message", null));
        assertEquals("running", again.getString("status", null));
        assertNotEquals(pid, again.getLong("pid", -1));
        assertEquals(1, gstBelow(ProcessHandle.current()).size());
    }

    @Test
    void childThatEndsByItselfIsFailedWithExitCode() throws IOException {
        long pid = post(port, "start").getLong("pid", -1);
        // Someone else ends the child (SIGTERM): nobody asked the server, so that is a failure.
        ProcessHandle.of(pid).orElseThrow().destroy();
        waitUntil("status failed", Duration.ofSeconds(30), () -> statusOf().getString("status", "").equals("failed"));
        JsonObject exit = status(port).get("lastExit").asObject();
        assertEquals(15, exit.getInt("signal", -1), exit.toString());
        assertEquals("signal 15 (SIGTERM)", exit.getString("description", null));
    }

    @Test
    void stopOfAChildThatIgnoresSigintEndsItWithSigkillAfterTheGraceTime() throws Exception {
        long pid = post(port, "start").getLong("pid", -1);
        // A stopped (SIGSTOP) process cannot act on SIGINT: the bounded wait must end in SIGKILL.
        assertEquals(0, new ProcessBuilder("kill", "-STOP", Long.toString(pid)).start().waitFor());
        JsonObject r = post(port, "stop");
        assertEquals("Stream stopped", r.getString("message", null));
        assertEquals("stopped", r.getString("status", null));
        assertTrue(ProcessHandle.of(pid).map(h -> !h.isAlive()).orElse(true), "child gone when stop answers");
        JsonObject exit = r.get("lastExit").asObject();
        assertEquals(9, exit.getInt("signal", -1), exit.toString());
        assertTrue(exit.getBoolean("requested", false));
    }

    @Test
    void fiftyConcurrentStartAndStopLeaveAtMostOneChildAndATrueStatus() throws Exception {
        // The sampler counts every gst-launch-1.0 below this JVM: a child of an earlier test still
        // finishing (a recording writer, a server being closed) would be counted as ours.
        TestSupport.waitUntil("no gst-launch-1.0 left from earlier tests: " + gstBelow(ProcessHandle.current()).stream()
                .map(h -> h.pid() + " " + h.info().commandLine().orElse("?")).toList(), Duration.ofSeconds(20),
                () -> gstBelow(ProcessHandle.current()).isEmpty());
        int n = 50;
        ExecutorService pool = Executors.newFixedThreadPool(n);
        CountDownLatch go = new CountDownLatch(1);
        AtomicInteger maxChildren = new AtomicInteger();
        Set<String> messages = ConcurrentHashMap.newKeySet();
        List<Future<Integer>> results = new ArrayList<>();
        // Samples the children all through the storm, not only between requests.
        var sampling = new java.util.concurrent.atomic.AtomicBoolean(true);
        Thread sampler = Thread.ofPlatform().start(() -> {
            while (sampling.get()) {
                maxChildren.accumulateAndGet(gstBelow(ProcessHandle.current()).size(), Math::max);
                try {
                    Thread.sleep(5);
                } catch (InterruptedException e) {
                    return;
                }
            }
        });
        try {
            for (int i = 0; i < n; i++) {
                String action = i % 2 == 0 ? "start" : "stop";
                results.add(pool.submit(() -> {
                    go.await();
                    var r = TestSupport.request(port, "POST", "/control", "{\"action\":\"" + action + "\"}");
                    messages.add(r.json().getString("message", "?"));
                    maxChildren.accumulateAndGet(gstBelow(ProcessHandle.current()).size(), Math::max);
                    return r.code();
                }));
            }
            go.countDown();
            for (Future<Integer> f : results) assertEquals(200, f.get());
        } finally {
            pool.shutdownNow();
            sampling.set(false);
            sampler.join();
        }
        assertTrue(maxChildren.get() <= 1, "at most one child at any sample, saw " + maxChildren.get());
        assertTrue(messages.contains("Stream started") && messages.contains("Stream stopped"), messages.toString());
        assertTrue(Set.of("Stream started", "Stream already running", "Stream stopped", "Stream not running").containsAll(messages),
                messages.toString());
        JsonObject s = status(port);
        List<ProcessHandle> children = gstBelow(ProcessHandle.current());
        assertTrue(children.size() <= 1, children.toString());
        String st = s.getString("status", "");
        if (children.isEmpty()) {
            assertEquals("stopped", st, s.toString());
            assertTrue(s.get("pid").isNull());
        } else {
            assertEquals("running", st, s.toString());
            assertEquals(children.get(0).pid(), s.getLong("pid", -1));
        }
        // And it still works after the storm.
        post(port, "stop");
        assertTrue(gstBelow(ProcessHandle.current()).isEmpty());
        assertEquals("running", post(port, "start").getString("status", null));
    }

    private JsonObject statusOf() {
        try {
            return status(port);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
