package stream.server.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static stream.server.internal.TestSupport.request;

import com.eclipsesource.json.Json;
import com.eclipsesource.json.JsonObject;
import com.eclipsesource.json.JsonValue;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import stream.server.StreamServer;

/**
 * 50 PUT, DELETE and start requests at once on a few names leave the definitions, the children and
 * the status consistent: no stream with two children, no child without a definition, the file
 * equal to the registry.
 */
class StreamsConcurrencyTest {
    @TempDir
    Path dir;

    /**
     * Two streams started at once with one destination: the conflict check and the start run under
     * one lock, so one wins and the other gets 409, every time (before, both could pass the check).
     */
    @Test
    void twoConcurrentStartsForOneDestinationOneWinsOneGets409() throws Exception {
        try (StreamServer server = StreamServer.start(TestSupport.smallTestServer(dir, TestSupport.freeUdpPort()))) {
            int port = server.port();
            for (String n : List.of("a", "b"))
                assertEquals(201, request(port, "PUT", "/streams/" + n, "{\"source\":\"test\",\"width\":160,\"height\":120,"
                        + "\"framerate\":10,\"destinations\":[\"127.0.0.1:" + TestSupport.freeUdpPort() + "\"]}").code());
            for (int round = 0; round < 5; round++) {
                String both = "{\"action\":\"start\",\"destinations\":[\"127.0.0.1:" + TestSupport.freeUdpPort() + "\"]}";
                CountDownLatch go = new CountDownLatch(1);
                List<Integer> codes = new ArrayList<>();
                try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
                    List<Future<Integer>> answers = new ArrayList<>();
                    for (String n : List.of("a", "b"))
                        answers.add(pool.submit(() -> {
                            go.await();
                            return request(port, "POST", "/streams/" + n + "/control", both).code();
                        }));
                    go.countDown();
                    for (Future<Integer> f : answers) codes.add(f.get());
                }
                codes.sort(null);
                assertEquals(List.of(200, 409), codes, "round " + round + ": one start wins, the other is refused");
                for (String n : List.of("a", "b")) request(port, "POST", "/streams/" + n + "/control", "{\"action\":\"stop\"}");
            }
        }
    }

    @Test
    void fiftyConcurrentChangesLeaveEverythingConsistent() throws Exception {
        try (StreamServer server = StreamServer.start(TestSupport.smallTestServer(dir, TestSupport.freeUdpPort()))) {
            int port = server.port();
            List<String> names = List.of("s0", "s1", "s2", "s3");
            Map<String, Integer> udp = new HashMap<>();
            for (String n : names) udp.put(n, TestSupport.freeUdpPort());
            Random random = new Random(9);
            List<String[]> requests = new ArrayList<>();
            for (int i = 0; i < 50; i++) {
                String n = names.get(random.nextInt(names.size()));
                switch (i % 3) {
                    case 0 -> requests.add(new String[] {"PUT", "/streams/" + n, "{\"source\":\"test\",\"width\":" + (random.nextBoolean() ? 160 : 192)
                            + ",\"height\":120,\"framerate\":10,\"destinations\":[\"127.0.0.1:" + udp.get(n) + "\"]}"});
                    case 1 -> requests.add(new String[] {"POST", "/streams/" + n + "/control", "{\"action\":\"start\"}"});
                    default -> requests.add(new String[] {"DELETE", "/streams/" + n, null});
                }
            }
            Map<Integer, Integer> codes = new ConcurrentHashMap<>();
            CountDownLatch go = new CountDownLatch(1);
            try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
                List<Future<?>> done = new ArrayList<>();
                for (String[] r : requests)
                    done.add(pool.submit(() -> {
                        go.await();
                        TestSupport.Response a = request(port, r[0], r[1], r[2]);
                        Json.parse(a.body()).asObject(); // every answer is JSON
                        codes.merge(a.code(), 1, Integer::sum);
                        return null;
                    }));
                go.countDown();
                for (Future<?> f : done) f.get();
            }
            assertTrue(Set.of(200, 201, 404, 409).containsAll(codes.keySet()), "answers: " + codes);
            assertTrue(codes.getOrDefault(200, 0) + codes.getOrDefault(201, 0) > 0, "answers: " + codes);

            TestSupport.waitUntil("no stream starting or stopping", Duration.ofSeconds(60), () -> {
                try {
                    for (JsonValue v : streams(port)) {
                        String s = v.asObject().getString("status", "");
                        if (s.equals("starting") || s.equals("stopping")) return false;
                    }
                    return true;
                } catch (Exception e) {
                    return false;
                }
            });
            // Every child belongs to a defined stream, and no stream has two.
            Map<Long, String> pidOf = new HashMap<>();
            for (JsonValue v : streams(port)) {
                JsonObject e = v.asObject();
                if (e.get("pid").isNumber()) assertEquals(null, pidOf.put(e.getLong("pid", -1), e.getString("name", "")));
            }
            List<ProcessHandle> children = TestSupport.gstBelow(ProcessHandle.current());
            Set<Long> childPids = new HashSet<>();
            for (ProcessHandle c : children) childPids.add(c.pid());
            assertEquals(pidOf.keySet(), childPids, "children " + childPids + " vs streams " + pidOf);
            Set<String> ports = new HashSet<>();
            for (ProcessHandle c : children) {
                String args = String.join(" ", c.info().arguments().orElse(new String[0]));
                for (var e : udp.entrySet())
                    if (args.contains("port=" + e.getValue() + " ")) assertTrue(ports.add(e.getKey()), "two children of " + e.getKey());
            }
            // The file equals the registry.
            JsonObject saved = Json.parse(Files.readString(server.streamsFile())).asObject();
            List<String> listed = new ArrayList<>();
            for (JsonValue v : streams(port)) {
                JsonObject e = v.asObject();
                String name = e.getString("name", "");
                if (name.equals("main")) continue;
                listed.add(name);
                assertEquals(e.get("settings").asObject().get("width"), saved.get(name).asObject().get("width"), name);
            }
            assertEquals(listed, saved.names());
        }
        assertTrue(TestSupport.gstBelow(ProcessHandle.current()).isEmpty(), "no child outlives the server");
    }

    private static List<JsonValue> streams(int port) throws java.io.IOException {
        return request(port, "GET", "/streams", null).json().get("streams").asArray().values();
    }
}
