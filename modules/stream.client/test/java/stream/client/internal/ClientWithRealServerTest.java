package stream.client.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static stream.client.internal.ClientWithoutServerTest.assertInOrder;

import com.eclipsesource.json.Json;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import stream.testkit.Await;
import stream.testkit.NetNs;
import stream.testkit.Ports;
import stream.testkit.Processes;
import stream.testkit.ServerProcess;

/**
 * stream-client as a real process against the real stream-server (a process on a free port) that
 * runs a real gst-launch-1.0 (videotestsrc, x264enc) to a free UDP port on loopback; the client's
 * view decodes that stream in-process with the real viewer (avdec_h264).
 */
class ClientWithRealServerTest {
    @TempDir
    Path dir;

    private ServerProcess server;
    private String url;
    private int udpPort;
    private final List<Process> others = new ArrayList<>();
    /** The network namespace this test made (deleted after it), or null. */
    private NetNs netns;
    /** The command prefix that runs the clients where the server is: in the namespace, or nothing. */
    private List<String> inNetns = List.of();
    private final List<Cleanup> cleanups = new ArrayList<>();

    /** Something to undo after a test, such as a device node made outside the test's folder. */
    private interface Cleanup {
        void run() throws IOException;
    }

    /** Starts stream-server with this source (test: the live test pattern) on a free port, streaming to a free UDP port. */
    private void startServer(String source) throws IOException {
        startServer(source, "127.0.0.1");
    }

    private void startServer(String source, String bind, String... more) throws IOException {
        startServer(List.of(), source, bind, more);
    }

    /** Starts stream-server behind a wrapper command (e.g. ip netns exec NAME; empty for none). */
    private void startServer(List<String> wrapper, String source, String bind, String... more) throws IOException {
        udpPort = Ports.freeUdp();
        Files.createDirectories(dir.resolve("state"));
        var args = new ArrayList<>(List.of("--port", "0", "--bind", bind, "--source", source, "--dest", "127.0.0.1:" + udpPort,
                "--width", "320", "--height", "240", "--state-dir", dir.resolve("state").toString()));
        args.addAll(List.of(more));
        server = ServerProcess.builder().prefix(wrapper).jvm(List.of()).args(args).start();
        url = server.awaitUrl();
    }

    @AfterEach
    void stopEverything() throws Exception {
        others.forEach(Processes::killTree);
        if (server != null) server.close();
        for (Cleanup c : cleanups) c.run();
        if (netns != null) netns.close();
    }

    @Test
    void startThenViewDecodes30FramesThenStopThenStatusSaysStopped() throws IOException {
        startServer("test");
        var before = client("status");
        assertEquals(0, before.exit(), before.both());
        assertEquals("Stream stopped\n", before.out(), before.both());

        var start = client("start");
        assertEquals(0, start.exit(), start.both());
        assertEquals("Stream started " + Answers.ARROW + " udp://127.0.0.1:" + udpPort + "\n", start.out(), start.both());

        var again = client("start");
        assertEquals(0, again.exit(), again.both());
        assertTrue(again.out().startsWith("Stream already running"), again.both());

        var view = client("view", "--sink", "none", "--frames", "30", "--timeout", "60s", "--port", Integer.toString(udpPort));
        assertEquals(0, view.exit(), "the viewer decoded the 30 frames asked for: " + view.both());
        assertTrue(view.out().contains("Viewer done: 30 frames decoded"), view.both());
        assertTrue(view.out().contains("320x240"), "the server's size arrived: " + view.both());

        var stop = client("stop");
        assertEquals(0, stop.exit(), stop.both());
        assertEquals("Stream stopped\n", stop.out(), stop.both());

        var after = client("status");
        assertEquals(0, after.exit(), after.both());
        assertEquals("Stream stopped\n", after.out(), after.both());

        var stopAgain = client("stop");
        assertEquals(0, stopAgain.exit(), stopAgain.both());
        assertEquals("Stream not running\n", stopAgain.out(), stopAgain.both());
    }

    /** Issue 5: a stream started at 640x360 and 15 fps reaches our viewer as exactly that. */
    @Test
    void settingsGivenWithStartAreWhatTheViewerDecodes() throws Exception {
        startServer("test");
        var http = java.net.http.HttpClient.newHttpClient();
        var post = java.net.http.HttpRequest.newBuilder(java.net.URI.create(url + "/control"))
                .POST(java.net.http.HttpRequest.BodyPublishers.ofString(
                        "{\"action\":\"start\",\"width\":640,\"height\":360,\"framerate\":15}"))
                .build();
        var answer = http.send(post, java.net.http.HttpResponse.BodyHandlers.ofString());
        assertEquals(200, answer.statusCode(), answer.body());
        assertTrue(answer.body().contains("Stream started"), answer.body());

        var options = stream.viewer.ViewerOptions.defaults().withPort(udpPort).withSink("none")
                .withFrames(45).withTimeout(Duration.ofSeconds(60));
        var progress = new java.util.concurrent.CopyOnWriteArrayList<String>();
        stream.viewer.ViewerReport report;
        try (var viewer = stream.viewer.Viewer.start(options, progress::add)) {
            report = viewer.awaitEnd();
        }
        assertEquals(stream.viewer.ViewerReport.Ending.FRAMES_REACHED, report.ending(), report.summary() + " " + progress);
        assertEquals(640, report.width(), report.summary());
        assertEquals(360, report.height(), report.summary());
        // The rate is the stream's, not our timing: 45 frames at 15 fps span 3 s; 20% allows a loaded machine.
        assertTrue(Math.abs(report.meanFps() - 15) <= 3, "about 15 fps: " + report.summary());
    }

    @Test
    void menuDrivenThroughStdinAnswersInOrderAndViewReturnsToTheMenu() throws IOException {
        startServer("test");
        var r = ClientProcess.run(List.of("--server", url, "--sink", "none", "--frames", "30", "--timeout", "60",
                "--port", Integer.toString(udpPort)), Map.of(), "4\n1\n4\n3\n2\n4\n7\nq\n", dir);
        assertEquals(0, r.exit(), r.both());
        assertEquals("", r.err(), r.both());
        assertInOrder(r.out(), "Choice: Stream stopped\n",
                "Choice: Stream started " + Answers.ARROW + " udp://127.0.0.1:" + udpPort + "\n",
                "Choice: Stream ",
                "Choice: Receiving the stream without a window (--sink none).", "Viewer done: 30 frames decoded",
                "1  Start stream",
                "Choice: Stream stopped\n", "Choice: Stream stopped\n",
                "Choice: Unknown choice '7': type 1, 2, 3, 4 or q.", "Choice: Bye.\n");
        assertTrue(Pattern.compile("Choice: Stream (running|starting) \\(pid \\d+[^)]*\\) " + Answers.ARROW
                + " udp://127\\.0\\.0\\.1:" + udpPort + "\n").matcher(r.out()).find(), "status while running:\n" + r.out());
        assertEquals(8, r.out().split("Choice: ", -1).length - 1, "the menu came back after every answer:\n" + r.out());
    }

    @Test
    void viewFromTheMenuSaysWhenTheStreamIsOffOrGoesToAnotherPort() throws IOException {
        startServer("test");
        int wrongPort = Ports.freeUdp();
        var r = ClientProcess.run(List.of("--server", url, "--sink", "none", "--timeout", "2",
                "--port", Integer.toString(wrongPort)), Map.of(), "3\n1\n3\n2\nq\n", dir);
        assertEquals(0, r.exit(), r.both());
        String portNote = "Note: the server sends the stream to UDP port " + udpPort + " of this machine, but the viewer"
                + " listens on port " + wrongPort + "; start stream-client with --port " + udpPort;
        assertInOrder(r.out(),
                "Note: the stream is stopped; choose 1 to start it", portNote,
                "no video arrived on UDP port " + wrongPort + " within 2 s", "1  Start stream",
                "Choice: Stream started", "Choice: Receiving the stream", portNote, "no video arrived", "Choice: Stream stopped",
                "Bye.");
        assertEquals(1, r.out().split("Note: the stream is", -1).length - 1, "no state note while it runs:\n" + r.out());
    }

    @Test
    void sigtermStopsAOneShotViewCleanlyWithItsSummaryAndExit0() throws Exception {
        startServer("test");
        assertEquals(0, client("start").exit());
        Path out = dir.resolve("view.out");
        var pb = new ProcessBuilder(ClientProcess.command("stream.client", true, List.of("view", "--sink", "none",
                "--port", Integer.toString(udpPort))));
        pb.environment().keySet().removeIf(k -> k.startsWith("STREAM_"));
        Process view = pb.redirectErrorStream(true).redirectOutput(out.toFile()).start();
        others.add(view);
        Await.until("the first decoded frame", Duration.ofSeconds(60), () -> read(out).contains("first frame"));
        view.destroy(); // SIGTERM, as Ctrl+C's SIGINT: the pipeline stops and the summary is printed
        assertTrue(view.waitFor(30, java.util.concurrent.TimeUnit.SECONDS), "view ended after SIGTERM:\n" + read(out));
        assertEquals(0, view.exitValue(), read(out));
        assertTrue(Pattern.compile("Viewer stopped: \\d+ frames? decoded").matcher(read(out)).find(), read(out));
        assertTrue(!read(out).contains("Exception"), read(out));
    }

    @Test
    void fromAnotherHostTheTokenIsNeededAndSentFromOptionOrEnvironment() throws Exception {
        // The server asks for the token only from non-loopback clients. A network namespace of the test's own
        // gives the server and the clients a non-loopback address (10.x, on the namespace's own loopback device) that
        // exists nowhere else, so the test runs the same on every machine and nothing reaches a real interface.
        String address = "10.213.77.1";
        netns = NetNs.create("client-token");
        netns.exec("ip", "addr", "add", address + "/32", "dev", "lo");
        inNetns = netns.prefix();
        startServer(inNetns, "test", address, "--token", "s3cret");

        var without = client("start");
        assertEquals(1, without.exit(), without.both());
        assertEquals("stream-client: the server at " + url + " refused start (HTTP 401): Unauthorized: this needs a credential;"
                + " Send Authorization: Bearer TOKEN (or Basic with NAME:TOKEN, curl -u NAME:TOKEN), or sign in on the dashboard;"
                + " give the token with --token or STREAM_TOKEN\n", without.err(), without.both());

        var wrong = client("start", "--token", "nope");
        assertEquals(1, wrong.exit(), wrong.both());
        assertTrue(wrong.err().endsWith("check the token given with --token or STREAM_TOKEN\n"), wrong.both());

        var withEnv = ClientProcess.run(inNetns, List.of("start", "--server", url), Map.of("STREAM_TOKEN", "s3cret"), "", dir);
        assertEquals(0, withEnv.exit(), withEnv.both());
        assertTrue(withEnv.out().startsWith("Stream started"), withEnv.both());

        var stop = client("stop", "--token", "s3cret");
        assertEquals(0, stop.exit(), stop.both());
        assertEquals("Stream stopped\n", stop.out(), stop.both());
    }

    @Test
    void jsonPrintsTheServersBodyUntouched() throws Exception {
        startServer("test");
        var start = client("start", "--json");
        assertEquals(0, start.exit(), start.both());
        var started = Json.parse(start.out()).asObject();
        assertEquals("Stream started", started.getString("message", null));
        assertEquals("running", started.getString("status", null));

        var stop = client("stop", "--json");
        assertEquals(0, stop.exit(), stop.both());
        assertEquals("Stream stopped", Json.parse(stop.out()).asObject().getString("message", null));

        // Stopped, the status body no longer changes: the client's output must equal the server's bytes.
        String direct;
        try (var http = HttpClient.newHttpClient()) {
            direct = http.send(HttpRequest.newBuilder(URI.create(url + "/control")).build(),
                    HttpResponse.BodyHandlers.ofString()).body();
        }
        var status = client("status", "--json");
        assertEquals(0, status.exit(), status.both());
        assertEquals(direct, status.out(), "--json output is the server's body byte for byte");
        assertEquals("stopped", Json.parse(status.out()).asObject().getString("status", null));
    }

    @Test
    void startThatFailsOnTheServerIsExit1WithTheStreamsOwnErrorOutput() throws IOException {
        // A V4L2 device node (major 81, so the server takes it as a camera) with no driver behind it:
        // the server's gst-launch-1.0 (v4l2src) fails at once. A source must be under /dev: the node
        // goes in a folder of its own in /dev/shm (a tmpfs), removed after. mknod needs root, as CI is.
        Path folder = Files.createTempDirectory(Path.of("/dev/shm"), "stream-client-test");
        Path camera = folder.resolve("video-nothing");
        cleanups.add(() -> {
            Files.deleteIfExists(camera);
            Files.deleteIfExists(folder);
        });
        Process mknod = new ProcessBuilder("mknod", camera.toString(), "c", "81", "250").redirectErrorStream(true).start();
        try {
            assertEquals(0, mknod.waitFor(), "mknod (root needed): " + new String(mknod.getInputStream().readAllBytes()));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
        startServer(camera.toString());
        var start = client("start");
        assertEquals(1, start.exit(), start.both());
        assertEquals("", start.out(), start.both());
        List<String> lines = start.err().lines().toList();
        assertTrue(lines.get(0).startsWith("stream-client: start failed on the server (HTTP 500): Stream failed to start"),
                start.both());
        assertEquals("  stderr of the stream's last run:", lines.get(1), start.both());
        assertTrue(start.err().contains(camera.toString()), "gst-launch-1.0's own words name the device: " + start.both());
        start.assertNoStackTrace();

        var status = client("status");
        assertEquals(1, status.exit(), "a failed stream is exit 1 for scripts: " + status.both());
        assertTrue(status.out().startsWith("Stream failed (ended with exit code "), status.both());
        assertTrue(status.out().contains("start the stream again"), status.both());
    }

    @Test
    void viewFromTheMenuOpensARealWindowUnderXvfbAndComesBack() throws Exception {
        startServer("test");
        Process xvfb = new ProcessBuilder("Xvfb", "-displayfd", "1", "-screen", "0", "640x480x24", "-nolisten", "tcp")
                .redirectError(ProcessBuilder.Redirect.DISCARD).start();
        others.add(xvfb);
        String display;
        try (var reader = new java.io.BufferedReader(new java.io.InputStreamReader(xvfb.getInputStream(),
                java.nio.charset.StandardCharsets.US_ASCII))) {
            display = reader.readLine(); // -displayfd writes the display number it chose, once it is ready
        }
        assertTrue(display != null && display.matches("\\d+"), "Xvfb gave a display number: " + display);
        var r = ClientProcess.run(List.of("--server", url, "--sink", "ximagesink", "--frames", "30", "--timeout", "60",
                "--port", Integer.toString(udpPort)), Map.of("DISPLAY", ":" + display), "1\n3\n2\nq\n", dir);
        assertEquals(0, r.exit(), r.both());
        assertInOrder(r.out(), "Stream started", "Viewing the stream; close the window to come back to this menu.",
                "Viewer done: 30 frames decoded", "1  Start stream", "Choice: Stream stopped", "Bye.");
        r.assertNoStackTrace();
    }

    private ClientProcess.Result client(String... args) {
        var all = new ArrayList<>(List.of(args));
        all.addAll(List.of("--server", url));
        return ClientProcess.run(inNetns, all, Map.of(), "", dir);
    }

    private static String read(Path p) {
        try {
            return Files.exists(p) ? Files.readString(p) : "";
        } catch (IOException e) {
            return "";
        }
    }
}
