package stream.server.internal;

import com.eclipsesource.json.Json;
import com.eclipsesource.json.JsonObject;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.function.BooleanSupplier;
import stream.server.ServerConfig;
import stream.testkit.Await;
import stream.testkit.Ports;
import stream.testkit.Processes;

/**
 * Real HTTP over a raw socket and child-process counting; free ports, waiting and server processes
 * are the test kit's ({@code stream.testkit}), kept here under their old names as delegates.
 */
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
            // The server answers only names it is known by (DNS rebinding): its address is one; a test may send another.
            String literal = host.getHostAddress();
            String hostHeader = (literal.contains(":") ? "[" + literal.replaceAll("%.*", "") + "]" : literal) + ":" + port;
            StringBuilder head = new StringBuilder(method + " " + path + " HTTP/1.1\r\n");
            if (!headers.containsKey("Host")) head.append("Host: ").append(hostHeader).append("\r\n");
            head.append("Connection: close\r\n");
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

    /** @see Ports#freeUdp() */
    static int freeUdpPort() throws IOException {
        return Ports.freeUdp();
    }

    /** @see Ports#freeTcp() */
    static int freeTcpPort() throws IOException {
        return Ports.freeTcp();
    }

    static boolean isGst(ProcessHandle h) {
        return h.info().command().map(c -> c.endsWith("gst-launch-1.0")).orElse(false);
    }

    /** The gst-launch-1.0 processes below a process (children and their children). */
    static List<ProcessHandle> gstBelow(ProcessHandle root) {
        return root.descendants().filter(ProcessHandle::isAlive).filter(TestSupport::isGst).toList();
    }

    /** @see Await#until */
    static void waitUntil(String what, Duration max, BooleanSupplier condition) {
        Await.until(what, max, condition::getAsBoolean);
    }

    /** Kills a process and everything below it. @see Processes#killTree(ProcessHandle) */
    static void killTree(ProcessHandle h) {
        Processes.killTree(h);
    }

    /**
     * A stream-server started as a real process from the test module path; stdout/stderr are
     * collected. The kit's {@link stream.testkit.ServerProcess} under the names tests use.
     */
    static final class ServerProcess implements AutoCloseable {
        final stream.testkit.ServerProcess kit;
        final Process process;
        /** stdout lines not yet taken by {@link #awaitPort()} */
        final LinkedBlockingQueue<String> stdout;
        final List<String> stderr;

        ServerProcess(List<String> args, Map<String, String> env) throws IOException {
            this(List.of(), args, env);
        }

        /** @param prefix a command that execs the server's java in place (e.g. setsid), or empty */
        ServerProcess(List<String> prefix, List<String> args, Map<String, String> env) throws IOException {
            this(prefix, List.of("-Xmx64m"), args, env);
        }

        /** @param jvm JVM options besides the serial collector and C1, e.g. the launcher's -Xmx */
        ServerProcess(List<String> prefix, List<String> jvm, List<String> args, Map<String, String> env) throws IOException {
            kit = stream.testkit.ServerProcess.builder().prefix(prefix).jvm(jvm).args(args).env(env).start();
            process = kit.process();
            stdout = kit.stdout();
            stderr = kit.stderr();
        }

        /** Waits for the "listening on" line and returns the port. */
        int awaitPort() throws InterruptedException {
            return kit.awaitPort();
        }

        int awaitExit() throws InterruptedException {
            return kit.awaitExit();
        }

        String stderrText() {
            return kit.stderrText();
        }

        @Override
        public void close() {
            kit.close();
        }
    }
}
