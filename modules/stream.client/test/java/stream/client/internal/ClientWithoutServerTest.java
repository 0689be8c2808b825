package stream.client.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import stream.testkit.Ports;

/**
 * stream-client as a real process against everything but a healthy stream-server: nobody listening,
 * peers that answer HTML, raw garbage, JSON of the wrong shape, nothing at all, or ask for a token;
 * wrong command lines; no display. Each gets one clear line and the documented exit code.
 */
class ClientWithoutServerTest {
    @TempDir
    Path dir;

    private final List<AutoCloseable> peers = new ArrayList<>();

    @AfterEach
    void stopPeers() throws Exception {
        for (AutoCloseable peer : peers) {
            peer.close();
        }
    }

    // ------------------------------------------------------------------ server problems

    @Test
    void unreachableServerGivesTheHelpfulLineAndExit3() {
        int port = Ports.freeTcp();
        for (String command : List.of("start", "stop", "status")) {
            var r = ClientProcess.run(List.of(command, "--server", "http://127.0.0.1:" + port), dir);
            assertEquals(3, r.exit(), r.both());
            assertEquals("stream-client: cannot reach the server at http://127.0.0.1:" + port
                    + ": connection refused; is stream-server running?\n", r.err(), r.both());
            assertEquals("", r.out(), r.both());
        }
    }

    @Test
    void serverAddressComesFromStreamServerWhenNoOptionGivesIt() {
        int port = Ports.freeTcp();
        var r = ClientProcess.run(List.of("status"), Map.of("STREAM_SERVER", "http://127.0.0.1:" + port), "", dir);
        assertEquals(3, r.exit(), r.both());
        assertTrue(r.err().contains("cannot reach the server at http://127.0.0.1:" + port + ":"), r.both());
    }

    @Test
    void htmlAnswerIsNamedAsNotStreamServer() {
        String url = httpPeer(exchange -> reply(exchange, 200, "text/html",
                "<!DOCTYPE html>\n<html><body><h1>It works!</h1></body></html>"));
        for (String command : List.of("status", "start")) {
            var r = ClientProcess.run(List.of(command, "--server", url), dir);
            assertEquals(3, r.exit(), r.both());
            assertOneLine(r);
            assertTrue(r.err().startsWith("stream-client: the server at " + url + " answered HTTP 200 with something"
                    + " that is not stream-server JSON (text/html: \"<!DOCTYPE html> <html><body><h1>It works!"), r.both());
            assertTrue(r.err().contains("is this the address of stream-server?"), r.both());
        }
    }

    @Test
    void jsonWithoutTheExpectedMembersIsABadAnswer() {
        String url = httpPeer(exchange -> reply(exchange, 200, "application/json", "{\"hello\":\"world\"}"));
        var r = ClientProcess.run(List.of("status", "--server", url), dir);
        assertEquals(3, r.exit(), r.both());
        assertOneLine(r);
        assertTrue(r.err().contains("answered JSON without a \"status\" text ("), r.both());
    }

    @Test
    void rawGarbageInsteadOfHttpIsABadAnswer() throws IOException {
        var socket = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        peers.add(socket);
        Thread.ofVirtual().start(() -> {
            while (!socket.isClosed()) {
                try (Socket s = socket.accept()) {
                    s.getOutputStream().write("SSH-2.0-OpenSSH_9.2p1\r\n".getBytes(StandardCharsets.US_ASCII));
                } catch (IOException closed) {
                    return;
                }
            }
        });
        String url = "http://127.0.0.1:" + socket.getLocalPort();
        var r = ClientProcess.run(List.of("status", "--server", url), dir);
        assertEquals(3, r.exit(), r.both());
        assertOneLine(r);
        assertTrue(r.err().startsWith("stream-client: no valid HTTP answer from the server at " + url + " ("), r.both());
    }

    @Test
    void aServerThatNeverAnswersTimesOut() {
        var never = new CountDownLatch(1);
        peers.add(never::countDown);
        String url = httpPeer(exchange -> {
            try {
                never.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        var r = ClientProcess.run(List.of("stop", "--server", url, "--http-timeout", "1s"), dir);
        assertEquals(3, r.exit(), r.both());
        assertOneLine(r);
        assertEquals("stream-client: the server at " + url + " did not answer within 1 s; it may be overloaded"
                + " or stuck: check its log, then try again\n", r.err(), r.both());
    }

    @Test
    void tokenIsSentAsBearerAndItsAbsenceIsExplained() {
        var seen = new CopyOnWriteArrayList<String>();
        String url = httpPeer(exchange -> {
            String auth = exchange.getRequestHeaders().getFirst("Authorization");
            seen.add(String.valueOf(auth));
            if ("Bearer s3cret".equals(auth)) {
                reply(exchange, 200, "application/json", "{\"status\":\"stopped\",\"pid\":null}");
            } else {
                reply(exchange, 401, "application/json",
                        "{\"error\":\"missing or wrong token\",\"hint\":\"send Authorization: Bearer <token>\"}");
            }
        });
        var without = ClientProcess.run(List.of("status", "--server", url), dir);
        assertEquals(1, without.exit(), without.both());
        assertOneLine(without);
        assertTrue(without.err().contains("(HTTP 401): missing or wrong token; send Authorization: Bearer <token>;"
                + " give the token with --token or STREAM_TOKEN"), without.both());

        var withOption = ClientProcess.run(List.of("status", "--server", url, "--token", "s3cret"), dir);
        assertEquals(0, withOption.exit(), withOption.both());
        assertEquals("Stream stopped\n", withOption.out(), withOption.both());

        var fromEnv = ClientProcess.run(List.of("status", "--server", url), Map.of("STREAM_TOKEN", "s3cret"), "", dir);
        assertEquals(0, fromEnv.exit(), fromEnv.both());
        assertEquals(List.of("null", "Bearer s3cret", "Bearer s3cret"), seen);
    }

    @Test
    void refusalIsExit1WithTheServersReasonAndJsonStaysUntouched() {
        String body = "{ \"error\" : \"unknown action 'start'\",\n  \"hint\": \"use start or stop\" }";
        String url = httpPeer(exchange -> reply(exchange, 400, "application/json", body));
        var r = ClientProcess.run(List.of("start", "--server", url), dir);
        assertEquals(1, r.exit(), r.both());
        assertEquals("stream-client: the server refused start (HTTP 400): unknown action 'start'; use start or stop\n",
                r.err(), r.both());
        var json = ClientProcess.run(List.of("start", "--server", url, "--json"), dir);
        assertEquals(1, json.exit(), json.both());
        assertEquals(body + "\n", json.out(), "--json prints the body byte for byte");
    }

    @Test
    void failedStreamShowsLastExitAndStderrTailAndExits1() {
        // The shape of stream-server's GET /control for a stream that failed (see its Supervisor.status()).
        String body = "{\"status\":\"failed\",\"pid\":null,\"startedAt\":null,\"uptimeSeconds\":null,"
                + "\"command\":[\"gst-launch-1.0\",\"-e\"],\"source\":\"--source /dev/video0\","
                + "\"destination\":\"udp://127.0.0.1:5000\",\"starts\":4,\"restarts\":3,\"lastExit\":{\"code\":1,"
                + "\"signal\":null,\"description\":\"exit code 1\",\"at\":\"2026-11-24T16:30:00Z\",\"requested\":false,"
                + "\"stderr\":[\"x\"]},\"lastStderr\":[\"ERROR: from element /GstPipeline:pipeline0/GstV4l2Src:v4l2src0:"
                + " Cannot identify device '/dev/video0'.\"]}";
        String url = httpPeer(exchange -> reply(exchange, 200, "application/json", body));
        var r = ClientProcess.run(List.of("status", "--server", url), dir);
        assertEquals(1, r.exit(), r.both());
        List<String> lines = r.out().lines().toList();
        assertTrue(lines.get(0).startsWith("Stream failed (restarts 3, ended with exit code 1) "), r.both());
        assertTrue(lines.get(0).endsWith(" udp://127.0.0.1:5000"), r.both());
        assertTrue(r.out().contains("Cannot identify device '/dev/video0'."), r.both());
        assertTrue(r.out().contains("start the stream again"), r.both());
    }

    // ------------------------------------------------------------------ a server without named streams

    /**
     * A stream-server from before named streams (this project's server up to issue 9) answers /control
     * and a JSON 404 on every other path, /streams included: list shows its one stream as main,
     * --stream main goes to /control, any other name is explained.
     */
    @Test
    void aServerWithoutNamedStreamsListsItsOneStreamAsMain() {
        String status = "{\"status\":\"stopped\",\"pid\":null,\"destination\":\"127.0.0.1:5000\",\"restarts\":0,"
                + "\"settings\":{\"width\":1280,\"destinations\":[\"127.0.0.1:5000\"]},\"stats\":null}";
        var paths = new CopyOnWriteArrayList<String>();
        String url = httpPeer(exchange -> {
            String path = exchange.getRequestURI().getRawPath();
            paths.add(exchange.getRequestMethod() + " " + path);
            if (path.equals("/control")) {
                reply(exchange, 200, "application/json", status);
            } else {
                reply(exchange, 404, "application/json", "{\"error\":\"No such path: " + path + "\",\"hint\":\"The API has"
                        + " GET/POST /control, GET /stream.sdp, GET /metrics and GET /health.\"}");
            }
        }, "/");
        var list = ClientProcess.run(List.of("list", "--server", url), dir);
        assertEquals(0, list.exit(), list.both());
        assertEquals("The server has only the default stream, main (it has no named streams):\n"
                + "NAME  STATUS   FPS  AUTOSTART  DESTINATION\n"
                + "main  stopped  -    -          udp://127.0.0.1:5000\n", list.out(), list.both());
        assertEquals("", list.err(), list.both());

        var json = ClientProcess.run(List.of("list", "--json", "--server", url), dir);
        assertEquals(0, json.exit(), json.both());
        var entries = com.eclipsesource.json.Json.parse(json.out()).asObject().get("streams").asArray();
        assertEquals(1, entries.size(), json.out());
        var main = entries.get(0).asObject();
        assertEquals("main", main.getString("name", null));
        var direct = com.eclipsesource.json.Json.parse(status).asObject();
        direct.names().forEach(n -> assertEquals(direct.get(n), main.get(n), "member " + n + " as GET /control sent it"));

        var listMain = ClientProcess.run(List.of("list", "--stream", "main", "--server", url), dir);
        assertEquals(0, listMain.exit(), listMain.both());
        assertTrue(listMain.out().contains("main  stopped"), listMain.both());

        var statusMain = ClientProcess.run(List.of("status", "--stream", "main", "--server", url), dir);
        assertEquals(0, statusMain.exit(), statusMain.both());
        assertEquals("main: Stream stopped\n", statusMain.out(), statusMain.both());

        paths.clear();
        for (String command : List.of("start", "stop", "status", "view", "list")) {
            var other = ClientProcess.run(List.of(command, "--stream", "cam2", "--server", url), dir);
            assertEquals(1, other.exit(), other.both());
            assertEquals("stream-client: the server at " + url + " has only the default stream (it has no named streams);"
                    + " leave out --stream, or give --stream main\n", other.err(), other.both());
        }
        assertEquals(List.of("POST /streams/cam2/control", "GET /streams", "POST /streams/cam2/control", "GET /streams",
                "GET /streams/cam2/control", "GET /streams", "GET /streams/cam2/control", "GET /streams",
                "GET /streams/cam2", "GET /streams"), paths, "--stream NAME uses the named-streams API");
    }

    @Test
    void theMenuOfAServerWithoutNamedStreamsIsTheMenuOfOneStream() {
        String url = httpPeer(exchange -> {
            if (exchange.getRequestURI().getRawPath().equals("/control")) {
                reply(exchange, 200, "application/json", "{\"status\":\"stopped\",\"pid\":null}");
            } else {
                reply(exchange, 404, "application/json", "{\"error\":\"No such path\"}");
            }
        }, "/");
        var r = ClientProcess.run(List.of("--server", url), Map.of(), "4\n5\nq\n", dir);
        assertEquals(0, r.exit(), r.both());
        assertEquals("", r.err(), r.both());
        assertInOrder(r.out(), "stream-client, server " + url + "\n\n  1  Start stream", "4  Status\n  q  Quit\nChoice: Stream stopped",
                "Choice: Unknown choice '5': type 1, 2, 3, 4 or q.", "Choice: Bye.");
        assertFalse(r.out().contains("Streams on the server") || r.out().contains("5  Another stream")
                || r.out().contains("  Stream "), r.both());
    }

    // ------------------------------------------------------------------ command line problems

    @Test
    void unknownOptionIsNamedThenTheHintOnStderrExit2() {
        var r = ClientProcess.run(List.of("status", "--verbose"), dir);
        assertEquals(2, r.exit(), r.both());
        assertEquals("", r.out());
        assertEquals(List.of("stream-client: unknown option '--verbose'", "Run 'stream-client --help' for the options."),
                r.err().lines().toList(), "the one problem, not the whole usage: " + r.both());
    }

    @Test
    void badServerUrlAndBadValuesAreExit2() {
        for (var args : List.of(List.of("status", "--server", "localhost:8590"), List.of("status", "--server=ftp://x"),
                List.of("view", "--frames", "many"), List.of("reboot"))) {
            var r = ClientProcess.run(args, dir);
            assertEquals(2, r.exit(), r.both());
            String first = r.err().lines().findFirst().orElse("");
            assertTrue(first.startsWith("stream-client: ") && first.contains("'"), "names the bad value: " + r.both());
            r.assertNoStackTrace();
        }
    }

    @Test
    void helpDocumentsCommandsExitCodesAndEnvironment() {
        var r = ClientProcess.run(List.of("--help"), dir);
        assertEquals(0, r.exit(), r.both());
        for (CommandLine.Option o : CommandLine.OPTIONS) {
            assertTrue(r.out().contains(" " + o.flag() + " "), "help lists " + o.flag());
            if (o.env() != null) assertTrue(r.out().contains("[" + o.env() + "]"), "help names " + o.env());
        }
        for (String s : List.of("start", "stop", "status", "view", "list", "--stream NAME", "--server", "--token", "--json", "STREAM_SERVER",
                "STREAM_TOKEN", "STREAM_VIEW_PORT", "http://localhost:8590", "Exit codes:", "0  ok", "2  usage error",
                "3  environment problem")) {
            assertTrue(r.out().contains(s), "help mentions " + s);
        }
        assertFalse(r.out().matches("(?s).*(?<![0-9.])(10\\.[0-9]+|192\\.168)\\.[0-9]+\\.[0-9]+.*"),
                "examples use loopback or placeholders such as SERVER-HOST, not an address on someone's LAN: " + r.out());
        var v = ClientProcess.run(List.of("--version"), dir);
        assertEquals(0, v.exit());
        assertTrue(v.out().matches("stream-client \\S+\\n"), v.out());
    }

    // ------------------------------------------------------------------ the menu without a server

    @Test
    void menuShowsProblemsAndUnknownChoicesThenComesBackAndQuits() {
        int port = Ports.freeTcp();
        var r = ClientProcess.run(List.of("--server", "http://127.0.0.1:" + port), Map.of(), "4\n7\nq\n", dir);
        assertEquals(0, r.exit(), r.both());
        assertEquals("", r.err(), r.both());
        assertInOrder(r.out(), "1  Start stream", "2  Stop stream", "3  View stream", "4  Status", "q  Quit",
                "cannot reach the server at http://127.0.0.1:" + port + ": connection refused; is stream-server running?",
                "1  Start stream", "Unknown choice '7': type 1, 2, 3, 4 or q.", "1  Start stream", "Bye.");
        assertEquals(3, count(r.out(), "Choice: "), "the menu came back after each answer:\n" + r.out());
        r.assertNoStackTrace();
    }

    @Test
    void endOfInputEndsTheMenuCleanly() {
        int port = Ports.freeTcp();
        var r = ClientProcess.run(List.of("--server", "http://127.0.0.1:" + port), Map.of(), "", dir);
        assertEquals(0, r.exit(), r.both());
        assertTrue(r.out().endsWith("Choice: \nBye.\n"), r.both());
        var partial = ClientProcess.run(List.of("--server", "http://127.0.0.1:" + port), Map.of(), "4", dir);
        assertEquals(0, partial.exit(), partial.both());
        assertTrue(partial.out().contains("cannot reach the server"), "a last line without newline still counts");
    }

    // ------------------------------------------------------------------ view without a display

    @Test
    void viewWithoutDisplayExplainsAndExits3AndTheMenuComesBack() {
        Map<String, String> noDisplay = new HashMap<>();
        noDisplay.put("DISPLAY", null);
        noDisplay.put("WAYLAND_DISPLAY", null);
        String port = Integer.toString(Ports.freeUdp());
        var r = ClientProcess.run(List.of("view", "--port", port), noDisplay, "", dir);
        assertEquals(3, r.exit(), r.both());
        assertOneLine(r);
        assertTrue(r.err().startsWith("stream-client: no display"), r.both());
        assertTrue(r.err().contains("--sink none"), "says what to do instead: " + r.both());

        var menu = ClientProcess.run(List.of("--port", port), noDisplay, "3\nq\n", dir);
        assertEquals(0, menu.exit(), menu.both());
        assertInOrder(menu.out(), "3  View stream", "Viewing the stream; close the window to come back to this menu.",
                "no display", "1  Start stream", "Bye.");
        menu.assertNoStackTrace();
    }

    // ------------------------------------------------------------------ helpers

    private static void assertOneLine(ClientProcess.Result r) {
        assertEquals(1, r.err().lines().count(), "exactly one line on stderr:\n" + r.both());
        r.assertNoStackTrace();
    }

    static void assertInOrder(String text, String... parts) {
        int from = 0;
        for (String part : parts) {
            int at = text.indexOf(part, from);
            assertTrue(at >= 0, "expected '" + part + "' after position " + from + " in:\n" + text);
            from = at + part.length();
        }
    }

    private static int count(String text, String part) {
        return (int) Pattern.compile(Pattern.quote(part)).matcher(text).results().count();
    }

    private String httpPeer(HttpHandler handler) {
        return httpPeer(handler, "/control");
    }

    private String httpPeer(HttpHandler handler, String context) {
        try {
            var server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
            server.createContext(context, handler);
            server.setExecutor(java.util.concurrent.Executors.newCachedThreadPool());
            server.start();
            peers.add(0, () -> server.stop(0));
            return "http://127.0.0.1:" + server.getAddress().getPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void reply(HttpExchange exchange, int code, String type, String body) throws IOException {
        try (exchange; InputStream in = exchange.getRequestBody()) {
            in.readAllBytes();
            byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", type);
            exchange.sendResponseHeaders(code, bytes.length);
            exchange.getResponseBody().write(bytes);
        }
    }
}
