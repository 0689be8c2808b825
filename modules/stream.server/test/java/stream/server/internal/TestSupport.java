package stream.server.internal;

import static org.junit.jupiter.api.Assertions.fail;

import com.eclipsesource.json.Json;
import com.eclipsesource.json.JsonObject;
import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import stream.server.ServerConfig;

/** Real HTTP over a raw socket, free ports, child-process counting and spawning. */
final class TestSupport {
    private TestSupport() {}

    record Response(int code, Map<String, String> headers, String body) {
        JsonObject json() {
            return Json.parse(body).asObject();
        }

        String header(String name) {
            return headers.get(name.toLowerCase(Locale.ROOT));
        }
    }

    static Response request(int port, String method, String path, String body) throws IOException {
        return request(InetAddress.getLoopbackAddress(), port, method, path, Map.of(), body == null ? null : body.getBytes(StandardCharsets.UTF_8));
    }

    /** Sends one HTTP/1.1 request (Connection: close) and reads the whole answer. */
    static Response request(InetAddress host, int port, String method, String path, Map<String, String> headers, byte[] body)
            throws IOException {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(host, port), 10_000);
            s.setSoTimeout(60_000);
            StringBuilder head = new StringBuilder(method + " " + path + " HTTP/1.1\r\nHost: test\r\nConnection: close\r\n");
            headers.forEach((k, v) -> head.append(k).append(": ").append(v).append("\r\n"));
            if (body != null && !headers.containsKey("Content-Length") && !headers.containsKey("Transfer-Encoding"))
                head.append("Content-Length: ").append(body.length).append("\r\n");
            head.append("\r\n");
            OutputStream out = s.getOutputStream();
            out.write(head.toString().getBytes(StandardCharsets.ISO_8859_1));
            if (body != null) {
                try {
                    out.write(body);
                } catch (IOException e) {
                    // the server may answer (413) and close before reading everything
                }
            }
            out.flush();
            byte[] all = readAll(s.getInputStream());
            String text = new String(all, StandardCharsets.UTF_8);
            int end = text.indexOf("\r\n\r\n");
            if (end < 0) throw new IOException("no HTTP header in answer: " + text);
            String[] lines = text.substring(0, end).split("\r\n");
            int code = Integer.parseInt(lines[0].split(" ")[1]);
            Map<String, String> h = new LinkedHashMap<>();
            for (int i = 1; i < lines.length; i++) {
                int c = lines[i].indexOf(':');
                h.put(lines[i].substring(0, c).trim().toLowerCase(Locale.ROOT), lines[i].substring(c + 1).trim());
            }
            return new Response(code, h, text.substring(end + 4));
        }
    }

    private static byte[] readAll(InputStream in) throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        byte[] buf = new byte[8192];
        try {
            int n;
            while ((n = in.read(buf)) > 0) b.write(buf, 0, n);
        } catch (java.net.SocketException e) {
            if (b.size() == 0) throw e; // reset after a full answer is fine
        }
        return b.toByteArray();
    }

    static JsonObject post(int port, String action) throws IOException {
        return request(port, "POST", "/control", "{\"action\":\"" + action + "\"}").json();
    }

    static JsonObject status(int port) throws IOException {
        return request(port, "GET", "/control", null).json();
    }

    /**
     * The server the in-process tests start: loopback only, any free HTTP port, the test pattern
     * at 320x240 and 15 fps (cheap on a shared 2-core machine), RTP to 127.0.0.1:udpPort.
     */
    static ServerConfig smallTestServer(Path stateDir, int udpPort) {
        return ServerConfig.defaults().withBind("127.0.0.1").withPort(0).withSource("test")
                .withDestination("127.0.0.1:" + udpPort).withStateDir(stateDir).withSize(320, 240, 15);
    }

    static int freeUdpPort() throws IOException {
        try (DatagramSocket s = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    static int freeTcpPort() throws IOException {
        try (var s = new java.net.ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    static boolean isGst(ProcessHandle h) {
        return h.info().command().map(c -> c.endsWith("gst-launch-1.0")).orElse(false);
    }

    /** The gst-launch-1.0 processes below a process (children and their children). */
    static List<ProcessHandle> gstBelow(ProcessHandle root) {
        return root.descendants().filter(ProcessHandle::isAlive).filter(TestSupport::isGst).toList();
    }

    static void waitUntil(String what, Duration max, BooleanSupplier condition) {
        long deadline = System.nanoTime() + max.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) fail("timed out after " + max.toSeconds() + " s waiting for: " + what);
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                fail("interrupted");
            }
        }
    }

    /** Kills a process and everything below it. */
    static void killTree(ProcessHandle h) {
        if (h == null) return;
        h.descendants().forEach(ProcessHandle::destroyForcibly);
        h.destroyForcibly();
        h.onExit().completeOnTimeout(null, 10, TimeUnit.SECONDS).join();
    }

    /** A stream-server started as a real process; stdout/stderr are collected. */
    static final class ServerProcess implements AutoCloseable {
        final Process process;
        final LinkedBlockingQueue<String> stdout = new LinkedBlockingQueue<>();
        final List<String> stderr = java.util.Collections.synchronizedList(new ArrayList<>());
        final Thread outThread;
        final Thread errThread;

        ServerProcess(List<String> args, Map<String, String> env) throws IOException {
            this(List.of(), args, env);
        }

        /** @param prefix a command that execs the server's java in place (e.g. setsid), or empty */
        ServerProcess(List<String> prefix, List<String> args, Map<String, String> env) throws IOException {
            this(prefix, List.of("-Xmx64m"), args, env);
        }

        /** @param jvm JVM options besides the serial collector and C1, e.g. the launcher's -Xmx */
        ServerProcess(List<String> prefix, List<String> jvm, List<String> args, Map<String, String> env) throws IOException {
            List<String> cmd = new ArrayList<>(prefix);
            cmd.addAll(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1"));
            cmd.addAll(jvm);
            cmd.addAll(List.of("-p", System.getProperty("jdk.module.path"), "-m", "stream.server/stream.server.internal.Main"));
            cmd.addAll(args);
            ProcessBuilder pb = new ProcessBuilder(cmd);
            pb.environment().keySet().removeIf(k -> k.startsWith("STREAM_"));
            pb.environment().putAll(env);
            process = pb.start();
            outThread = pump(process.getInputStream(), stdout::add);
            errThread = pump(process.getErrorStream(), stderr::add);
        }

        private static Thread pump(InputStream in, java.util.function.Consumer<String> sink) {
            return Thread.ofPlatform().daemon().start(() -> {
                try (BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
                    String line;
                    while ((line = r.readLine()) != null) sink.accept(line);
                } catch (IOException e) {
                    // process gone
                }
            });
        }

        /** Waits for the "listening on" line and returns the port. */
        int awaitPort() throws InterruptedException {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (System.nanoTime() < deadline) {
                String line = stdout.poll(200, TimeUnit.MILLISECONDS);
                if (line != null && line.startsWith("stream-server listening on ")) {
                    String url = line.substring(line.lastIndexOf(':') + 1);
                    return Integer.parseInt(url.substring(0, url.indexOf('/')));
                }
                if (line == null && !process.isAlive()) break;
            }
            fail("server did not start; stderr: " + String.join("\n", stderr));
            return -1;
        }

        int awaitExit() throws InterruptedException {
            if (!process.waitFor(60, TimeUnit.SECONDS)) fail("server process did not exit");
            outThread.join(5000);
            errThread.join(5000);
            return process.exitValue();
        }

        String stderrText() {
            synchronized (stderr) {
                return String.join("\n", stderr);
            }
        }

        @Override
        public void close() {
            killTree(process.toHandle());
        }
    }
}
