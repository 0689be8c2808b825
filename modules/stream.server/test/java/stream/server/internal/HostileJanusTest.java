package stream.server.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.eclipsesource.json.JsonArray;
import com.eclipsesource.json.JsonObject;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import stream.testkit.Await;

/**
 * Issue 25 item 2, a hostile "Janus" against a real server process with a small heap: a peer that
 * announces {@code Content-Length: 2000000000} and keeps sending, one that sends an endless chunked
 * body, and one that drips a byte now and then. Before, the first made GET /control answer 500 and
 * the server die out of heap. Now every answer read from a peer is bounded in size and time: each
 * connection is cut after a bounded number of bytes, the peer is reported in its own entry of the
 * stream's "janus" status with a sentence (no Java exception name), and the server, its API and
 * the stream go on.
 *
 * <p>Everything here is on 127.0.0.1: the peer is a socket of the test's own, the server's RTP for
 * "Janus" goes to loopback; nothing reaches a real interface.
 */
class HostileJanusTest {
    @TempDir
    Path dir;
    TestSupport.ServerProcess server;
    HostilePeer peer;

    @AfterEach
    void cleanUp() throws IOException {
        if (server != null) server.close();
        if (peer != null) peer.close();
    }

    /** A tiny HTTP server that answers every request as its path's first segment says, counting what it sent. */
    static final class HostilePeer implements AutoCloseable {
        final ServerSocket socket;
        final Map<String, AtomicInteger> connections = new ConcurrentHashMap<>();
        final Map<String, AtomicInteger> cut = new ConcurrentHashMap<>(); // connections the server closed while we sent
        final Map<String, AtomicLong> mostBytes = new ConcurrentHashMap<>(); // the most sent on one connection
        final List<Socket> open = Collections.synchronizedList(new ArrayList<>());
        final Thread acceptor;

        HostilePeer() throws IOException {
            socket = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
            acceptor = Thread.ofPlatform().daemon().name("hostile-peer").start(this::accept);
        }

        int port() {
            return socket.getLocalPort();
        }

        private void accept() {
            while (!socket.isClosed()) {
                try {
                    Socket s = socket.accept();
                    open.add(s);
                    Thread.ofVirtual().start(() -> serve(s));
                } catch (IOException e) {
                    return; // closed
                }
            }
        }

        private void serve(Socket s) {
            String mode = "?";
            long sent = 0;
            try (s) {
                InputStream in = s.getInputStream();
                StringBuilder line = new StringBuilder();
                for (int c; (c = in.read()) >= 0 && c != '\n'; ) line.append((char) c);
                String[] words = line.toString().split(" ");
                mode = words.length > 1 && words[1].startsWith("/") ? words[1].substring(1).split("/")[0] : "?";
                connections.computeIfAbsent(mode, m -> new AtomicInteger()).incrementAndGet();
                // the request's headers and body are not read: the answer starts at once
                OutputStream out = s.getOutputStream();
                byte[] block = new byte[64 * 1024];
                java.util.Arrays.fill(block, (byte) ' ');
                switch (mode) {
                    case "flood" -> {
                        out.write("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 2000000000\r\n\r\n{\"janus\":\""
                                .getBytes(StandardCharsets.ISO_8859_1));
                        while (true) {
                            out.write(block);
                            sent += block.length;
                            note(mode, sent);
                        }
                    }
                    case "chunked" -> {
                        out.write("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n"
                                .getBytes(StandardCharsets.ISO_8859_1));
                        byte[] size = (Integer.toHexString(block.length) + "\r\n").getBytes(StandardCharsets.ISO_8859_1);
                        while (true) {
                            out.write(size);
                            out.write(block);
                            out.write("\r\n".getBytes(StandardCharsets.ISO_8859_1));
                            sent += block.length;
                            note(mode, sent);
                        }
                    }
                    case "drip" -> {
                        out.write("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{"
                                .getBytes(StandardCharsets.ISO_8859_1));
                        while (true) { // the hostile behaviour itself: a byte every 200 ms, never the whole answer
                            Thread.sleep(200);
                            out.write(' ');
                            out.flush();
                            note(mode, ++sent);
                        }
                    }
                    default -> out.write("HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
                }
            } catch (IOException e) {
                cut.computeIfAbsent(mode, m -> new AtomicInteger()).incrementAndGet(); // the server closed the connection
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } finally {
                open.remove(s);
            }
        }

        private void note(String mode, long sent) {
            mostBytes.computeIfAbsent(mode, m -> new AtomicLong()).accumulateAndGet(sent, Math::max);
        }

        int count(Map<String, AtomicInteger> m, String mode) {
            AtomicInteger n = m.get(mode);
            return n == null ? 0 : n.get();
        }

        @Override
        public void close() throws IOException {
            socket.close();
            synchronized (open) {
                for (Socket s : open) s.close();
            }
        }
    }

    @Test
    void aHostileJanusIsReportedInItsOwnStatusAndCostsNothingElse() throws Exception {
        peer = new HostilePeer();
        List<String> args = List.of("--port", "0", "--bind", "127.0.0.1", "--source", "test", "--width", "320", "--height", "240",
                "--framerate", "15", "--dest", "127.0.0.1:" + TestSupport.freeUdpPort(), "--state-dir", dir.toString(), "--rtsp-port", "0");
        server = new TestSupport.ServerProcess(List.of(), List.of("-Xmx64m"), args, Map.of());
        int port = server.awaitPort();
        String base = "http://127.0.0.1:" + peer.port();
        List<String> modes = List.of("flood", "chunked", "drip");
        JsonArray janus = new JsonArray();
        for (String m : modes) janus.add(new JsonObject().add("url", base + "/" + m + "/janus"));
        String definition = new JsonObject().add("source", "test").add("width", 320).add("height", 240).add("framerate", 15)
                .add("destinations", new JsonArray().add("127.0.0.1:" + TestSupport.freeUdpPort())).add("janus", janus).toString();
        TestSupport.Response put = TestSupport.request(port, "PUT", "/streams/cam", definition);
        assertEquals(201, put.code(), put.body());
        TestSupport.Response start = TestSupport.request(port, "POST", "/streams/cam/control", "{\"action\":\"start\"}");
        assertEquals(200, start.code(), start.body());

        // Each peer is tried again and again (backoff), each time a bounded exchange; meanwhile the API answers at once.
        Await.until("three connections from the server to each hostile peer, and each flood cut by the server", Duration.ofSeconds(60), () -> {
            assertAnswersPromptly(port);
            return modes.stream().allMatch(m -> peer.count(peer.connections, m) >= 3)
                    && peer.count(peer.cut, "flood") >= 2 && peer.count(peer.cut, "chunked") >= 2;
        });
        assertTrue(server.process.isAlive(), "the server is alive; stderr: " + server.kit.stderrText());
        // Cut after a bounded amount: the 256 KiB limit plus what the sockets' buffers hold on loopback.
        for (String m : List.of("flood", "chunked")) {
            long most = peer.mostBytes.get(m).get();
            assertTrue(most < 32L << 20, m + ": the server read " + most + " bytes on one connection");
        }

        // A request given up is closed, not left open: at most the one in progress per peer remains.
        Await.until(() -> "at most one open connection per peer: " + peer.open.size(), Duration.ofSeconds(30),
                () -> peer.count(peer.cut, "drip") >= 2 && peer.open.size() <= modes.size());
        JsonObject status = TestSupport.request(port, "GET", "/streams/cam/control", null).json();
        assertEquals("running", status.getString("status", ""), status.toString());
        JsonArray entries = status.get("janus").asArray();
        assertEquals(3, entries.size(), entries.toString());
        for (int i = 0; i < modes.size(); i++) {
            JsonObject e = entries.get(i).asObject();
            String error = e.get("lastError") == null || e.get("lastError").isNull() ? "" : e.getString("lastError", "");
            assertFalse(e.getBoolean("up", true), e.toString());
            assertFalse(error.isEmpty(), modes.get(i) + ": no lastError: " + e);
            assertFalse(error.matches("(?s).*(Exception|Error\\b|java\\.|heap space).*"), modes.get(i) + ": a Java name: " + error);
            assertTrue(error.contains(base), modes.get(i) + ": the sentence names the peer: " + error);
        }
        String flood = entries.get(0).asObject().getString("lastError", "");
        assertTrue(flood.contains("larger than 256 KiB"), flood);
        assertTrue(entries.get(1).asObject().getString("lastError", "").contains("larger than 256 KiB"), entries.get(1).toString());
        assertTrue(entries.get(2).asObject().getString("lastError", "").contains("did not answer within"), entries.get(2).toString());
        // the main stream and the list are untouched
        assertEquals(200, TestSupport.request(port, "GET", "/control", null).code());
        assertTrue(server.process.isAlive(), "the server is alive; stderr: " + server.kit.stderrText());
        assertFalse(server.kit.stderrText().contains("OutOfMemoryError"), server.kit.stderrText());
    }

    /** GET /control and the stream's status answer within a few seconds (a hung request fails the test). */
    private static void assertAnswersPromptly(int port) {
        for (String path : List.of("/control", "/streams/cam/control", "/streams")) {
            try (Socket s = new Socket(InetAddress.getLoopbackAddress(), port)) {
                s.setSoTimeout(5000);
                s.getOutputStream().write(("GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n")
                        .getBytes(StandardCharsets.ISO_8859_1));
                String head = new String(s.getInputStream().readNBytes(12), StandardCharsets.ISO_8859_1);
                assertTrue(head.startsWith("HTTP/1.1 200"), path + ": " + head);
            } catch (IOException e) {
                throw new AssertionError("GET " + path + " did not answer: " + e.getMessage(), e);
            }
        }
    }

}
