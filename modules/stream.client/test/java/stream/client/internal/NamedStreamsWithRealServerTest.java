package stream.client.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static stream.client.internal.ClientWithoutServerTest.assertInOrder;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import stream.client.ControlClient;
import stream.testkit.Ports;
import stream.testkit.Await;

/**
 * stream-client's --stream, list and menu against the real stream-server with two streams: main
 * (320x240, from the server's flags) and cam2 (480x270, defined with PUT /streams/cam2), each a real
 * gst-launch-1.0 (videotestsrc, x264enc) to its own free UDP port on loopback; view decodes with
 * the real viewer. Streams that would send anywhere but loopback are defined and never started.
 */
class NamedStreamsWithRealServerTest {
    @TempDir
    Path dir;

    private RealServer server;
    private int mainPort;
    private int cam2Port;

    @BeforeEach
    void twoStreams() throws IOException {
        mainPort = Ports.freeUdp();
        cam2Port = Ports.freeUdp();
        server = RealServer.start(dir, "--source", "test", "--dest", "127.0.0.1:" + mainPort, "--width", "320", "--height", "240");
        var put = server.http("PUT", "/streams/cam2", "{\"source\":\"test\",\"destinations\":[\"127.0.0.1:" + cam2Port
                + "\"],\"width\":480,\"height\":270}");
        assertEquals(201, put.statusCode(), put.body());
    }

    @AfterEach
    void stopServer() {
        if (server != null) {
            server.close();
        }
    }

    @Test
    void listShowsEveryStreamAndItsJsonIsTheServersBody() {
        var list = client("list");
        assertEquals(0, list.exit(), list.both());
        assertEquals("", list.err(), list.both());
        assertEquals(List.of(
                "NAME  STATUS   FPS  AUTOSTART  DESTINATION",
                "cam2  stopped  -    no         udp://127.0.0.1:" + cam2Port,
                "main  stopped  -    no         udp://127.0.0.1:" + mainPort), list.out().lines().toList(), list.both());

        var json = client("list", "--json");
        assertEquals(0, json.exit(), json.both());
        assertEquals(server.http("GET", "/streams", null).body(), json.out(), "the server's body byte for byte (both stopped)");

        var one = client("list", "--stream", "cam2");
        assertEquals(0, one.exit(), one.both());
        assertEquals(2, one.out().lines().count(), one.both());
        assertTrue(one.out().lines().toList().get(1).startsWith("cam2  stopped"), one.both());
    }

    @Test
    void aNamedStreamStartsRunsIsViewedOnItsOwnPortFoundByTheClientAndStops() {
        var start = client("start", "--stream", "cam2");
        assertEquals(0, start.exit(), start.both());
        assertEquals("cam2: Stream started " + Answers.ARROW + " udp://127.0.0.1:" + cam2Port + "\n", start.out(), start.both());

        var mainStatus = client("status");
        assertEquals("Stream stopped\n", mainStatus.out(), "without --stream: the default stream, untouched: " + mainStatus.both());

        var status = client("status", "--stream", "cam2");
        assertEquals(0, status.exit(), status.both());
        assertTrue(Pattern.compile("cam2: Stream (running|starting) \\(pid \\d+[^)]*\\) " + Answers.ARROW
                + " udp://127\\.0\\.0\\.1:" + cam2Port + "\n").matcher(status.out()).matches(), status.both());

        var view = client("view", "--stream", "cam2", "--sink", "none", "--frames", "30", "--timeout", "60s");
        assertEquals(0, view.exit(), "no --port: the client found cam2's: " + view.both());
        assertInOrder(view.out(), "Stream cam2 goes to udp://127.0.0.1:" + cam2Port + ": receiving on UDP port " + cam2Port + ".",
                "Viewer done: 30 frames decoded");
        assertTrue(view.out().contains("480x270"), "cam2's size, not main's: " + view.both());

        Await.until("the list to show cam2's frame rate", Duration.ofSeconds(30), () ->
                Pattern.compile("(?m)^cam2  running  \\d+\\.\\d ").matcher(client("list").out()).find());

        var stop = client("stop", "--stream", "cam2");
        assertEquals(0, stop.exit(), stop.both());
        assertEquals("cam2: Stream stopped\n", stop.out(), stop.both());
    }

    @Test
    void unknownNamesAndStreamsSentElsewhereAreExplained() throws Exception {
        for (String command : List.of("start", "stop", "status", "view", "list")) {
            var r = client(command, "--stream", "nope");
            assertEquals(1, r.exit(), r.both());
            assertEquals("stream-client: the server at " + server.url() + " has no stream named 'nope'; its streams: cam2, main"
                    + " (stream-client list shows them)\n", r.err(), r.both());
            r.assertNoStackTrace();
        }
        var json = client("start", "--stream", "nope", "--json");
        assertEquals(1, json.exit(), json.both());
        String refused = server.http("POST", "/streams/nope/control", "{\"action\":\"start\"}").body();
        assertEquals(refused.endsWith("\n") ? refused : refused + "\n", json.out(),
                "--json prints the server's 404 body untouched");

        // TEST-NET-1: defined, never started, so nothing is sent there.
        int farPort = Ports.freeUdp();
        var far = server.http("PUT", "/streams/far", "{\"source\":\"test\",\"destinations\":[\"192.0.2.10:" + farPort + "\"]}");
        assertEquals(201, far.statusCode(), far.body());
        var view = client("view", "--stream", "far", "--sink", "none", "--timeout", "5s");
        assertEquals(1, view.exit(), view.both());
        assertEquals("stream-client: stream far sends to udp://192.0.2.10:" + farPort + ", none of them this machine; add a"
                + " destination on this machine to the stream's settings (stop it, then PUT /streams/far with \"destinations\""
                + " that include this machine's address and a free UDP port), or give --port or --multicast yourself\n",
                view.err(), view.both());

        // main, through /control, also carries its settings: view --stream main finds its port.
        var main = client("view", "--stream", "main", "--sink", "none", "--timeout", "1s");
        assertEquals(1, main.exit(), "main is stopped: nothing arrives: " + main.both());
        assertInOrder(main.out(), "Stream main goes to udp://127.0.0.1:" + mainPort + ": receiving on UDP port " + mainPort + ".");
        assertTrue(main.err().contains("no video arrived on UDP port " + mainPort + " within 1 s"), main.both());

        // A multicast stream (defined, never started): its group and port, as the real server writes them.
        int mcPort = Ports.freeUdp();
        var mc = server.http("PUT", "/streams/mc", "{\"source\":\"test\",\"multicast\":\"239.255.77.1:" + mcPort + "\"}");
        assertEquals(201, mc.statusCode(), mc.body());
        try (var client = new ControlClient(URI.create(server.url()), null, ControlClient.DEFAULT_CONNECT_TIMEOUT,
                ControlClient.DEFAULT_REQUEST_TIMEOUT)) {
            var target = ViewTarget.of("mc", client.status("mc"), client.server());
            assertEquals("239.255.77.1", target.group(), target.message());
            assertEquals(mcPort, target.port(), target.message());
            assertEquals("mc", client.stream("mc").text("name").orElse(null));
        }
    }

    @Test
    void theMenuListsTheStreamsAndActsOnTheOneChosen() {
        var r = ClientProcess.run(List.of("--server", server.url(), "--sink", "none", "--frames", "30", "--timeout", "60"),
                Map.of(), "x\n1\n1\n4\n3\n2\n5\n\n4\n5\nmain\n4\n7\nq\n", dir);
        assertEquals(0, r.exit(), r.both());
        assertEquals("", r.err(), r.both());
        String cam2 = "udp://127.0.0.1:" + cam2Port;
        assertInOrder(r.out(), "stream-client, server " + server.url() + "\nStreams on the server:\n",
                "  1  cam2  stopped  " + Answers.ARROW + " " + cam2 + "\n",
                "  2  main  stopped  " + Answers.ARROW + " udp://127.0.0.1:" + mainPort + "\n",
                "Stream (number or name; Enter: main): Unknown stream 'x': type a number from 1 to 2, a name, or Enter.\n",
                "Stream (number or name; Enter: main): \n  Stream cam2\n  1  Start stream",
                "4  Status\n  5  Another stream\n  q  Quit\n",
                "Choice: cam2: Stream started " + Answers.ARROW + " " + cam2 + "\n",
                "Choice: cam2: Stream ",
                "Choice: Receiving the stream without a window (--sink none).\n",
                "Stream cam2 goes to " + cam2 + ": receiving on UDP port " + cam2Port + ".",
                "Viewer done: 30 frames decoded",
                "Choice: cam2: Stream stopped\n",
                "Choice: Streams on the server:", "Stream (number or name; Enter: cam2): \n  Stream cam2\n",
                "Choice: cam2: Stream stopped\n",
                "Choice: Streams on the server:", "Stream (number or name; Enter: cam2): \n  Stream main\n",
                "Choice: main: Stream stopped\n",
                "Choice: Unknown choice '7': type 1, 2, 3, 4, 5 or q.",
                "Choice: Bye.\n");
        assertTrue(r.out().contains("480x270"), "cam2 was viewed: " + r.out());
    }

    private ClientProcess.Result client(String... args) {
        var all = new ArrayList<>(List.of(args));
        all.addAll(List.of("--server", server.url()));
        return ClientProcess.run(all, Map.of(), "", dir);
    }
}
