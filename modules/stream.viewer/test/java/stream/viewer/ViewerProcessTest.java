package stream.viewer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import stream.testkit.Await;
import stream.testkit.Ports;

/** stream-viewer as a real process (java -m stream.viewer), the way people and scripts run it. */
class ViewerProcessTest {
    private final List<Process> processes = new CopyOnWriteArrayList<>();
    private final List<AutoCloseable> cleanup = new CopyOnWriteArrayList<>();
    @TempDir
    Path logs;

    @AfterEach
    void killEverything() throws Exception {
        for (var c : cleanup.reversed()) {
            c.close();
        }
        for (var p : processes) {
            p.descendants().forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly();
            p.waitFor(10, TimeUnit.SECONDS);
        }
    }

    /**
     * A started process; stdout and stderr go to files (reading pipes from another thread races with the
     * JDK closing them when the process exits).
     */
    record Run(Process process, Path outFile, Path errFile) {
        List<String> out() {
            return lines(outFile);
        }

        List<String> err() {
            return lines(errFile);
        }

        boolean errSaid(String part) {
            return err().stream().anyMatch(l -> l.contains(part));
        }

        private static List<String> lines(Path file) {
            try {
                return Files.readAllLines(file, StandardCharsets.UTF_8);
            } catch (IOException e) {
                return List.of("(cannot read " + file + ": " + e + ")");
            }
        }
    }

    private Run viewer(Map<String, String> env, boolean removeDisplay, String... args) throws IOException {
        var command = new ArrayList<>(List.of(System.getProperty("java.home") + "/bin/java",
                "--enable-native-access=com.sun.jna", "-p", System.getProperty("jdk.module.path"),
                "-m", "stream.viewer/stream.viewer.internal.Main"));
        command.addAll(List.of(args));
        Path out = Files.createTempFile(logs, "out", ".txt");
        Path err = Files.createTempFile(logs, "err", ".txt");
        var pb = new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile());
        if (removeDisplay) {
            pb.environment().remove("DISPLAY");
            pb.environment().remove("WAYLAND_DISPLAY");
        }
        pb.environment().putAll(env);
        Process p = pb.start();
        processes.add(p);
        return new Run(p, out, err);
    }

    private static int exit(Run run) throws InterruptedException {
        assertTrue(run.process().waitFor(90, TimeUnit.SECONDS), "the viewer did not exit; stderr: " + run.err());
        return run.process().exitValue();
    }

    private static boolean said(Run run, String part) {
        return run.errSaid(part) || run.out().stream().anyMatch(l -> l.contains(part));
    }

    /** Two viewers on one port: the second is refused, naming the port, with exit 3; they never share it. */
    @Test
    void aSecondViewerOnTheSamePortIsRefused() throws Exception {
        int port = Ports.freeUdp();
        var first = viewer(Map.of(), true, "--port", String.valueOf(port), "--sink=none", "--frames", "1", "--timeout", "60");
        Await.until(() -> "the first viewer waits on udp/" + port + "; stderr: " + first.err(), Duration.ofSeconds(60),
                () -> said(first, "waiting for the stream on udp/" + port));
        var second = viewer(Map.of(), true, "--port", String.valueOf(port), "--sink=none", "--frames", "1", "--timeout", "20");
        assertEquals(3, exit(second), "a port in use is an environment problem; stderr: " + second.err());
        assertTrue(said(second, "UDP port " + port + " is in use by another program (another viewer?)"), "stderr: " + second.err());
        assertTrue(first.process().isAlive(), "the first viewer goes on");
    }

    /**
     * A second program sending RTP to the viewer's port: the viewer names it (its address and port)
     * and drops its packets, and the stream it was showing goes on decoding.
     */
    @Test
    @SuppressWarnings("try") // the senders run for the length of their blocks
    void aSecondSenderIsNamedAndItsPacketsDropped() throws Exception {
        int port = Ports.freeUdp();
        int otherFrom = Ports.freeUdp();
        try (Sender stream = Sender.start(port)) {
            var run = viewer(Map.of(), true, "--port", String.valueOf(port), "--sink=none", "--frames", "150", "--timeout", "90");
            Await.until(() -> "the viewer's first frame; stderr: " + run.err(), Duration.ofSeconds(60), () -> said(run, "first frame"));
            try (Sender other = Sender.from(otherFrom, port)) {
                Await.until(() -> "the viewer names the second sender 127.0.0.1:" + otherFrom + "; stderr: " + run.err(), Duration.ofSeconds(30),
                        () -> said(run, "another sender on udp/" + port + ": 127.0.0.1:" + otherFrom));
            }
            assertEquals(0, exit(run), "the stream's frames went on; stderr: " + run.err());
        }
    }

    /** The scripting mode: --sink none --frames N exits 0 and prints what it saw; the snapshot is a real PNG. */
    @Test
    void framesModeExitsZeroWithSummary(@TempDir Path dir) throws Exception {
        int port = Ports.freeUdp();
        Path png = dir.resolve("shot.png");
        var run = viewer(Map.of(), true, "--port", String.valueOf(port), "--sink=none", "--frames", "20",
                "--timeout", "90", "--snapshot", png.toString());
        Await.until("waiting message", Duration.ofSeconds(60), () -> run.errSaid("waiting for the stream on udp/" + port));
        cleanup.add(Sender.start(port));
        assertEquals(0, exit(run), "stderr: " + run.err());
        assertTrue(run.out().stream().anyMatch(l -> l.matches(
                "stream-viewer: \\d+ frames decoded, [0-9.]+ fps mean, first frame after [0-9.]+ s, 320x240")),
                "stdout: " + run.out());
        ViewerTest.assertPngOfTheBall(png, 320, 240);
    }

    /**
     * A stream with sound: the viewer decodes its Opus from port + 2 and says so; with --mute it does not listen;
     * with the sound's port held by another program the picture plays alone and the viewer names the port.
     */
    @Test
    void theStreamsSoundIsDecodedUnlessMuted() throws Exception {
        int port = Ports.freeUdpQuad();
        cleanup.add(Sender.withAudio(port));
        var run = viewer(Map.of(), true, "--port", String.valueOf(port), "--sink", "none", "--frames", "30", "--timeout", "60");
        assertEquals(0, exit(run), "stderr: " + run.err());
        assertTrue(run.errSaid("sound: decoding the stream's Opus"), "stderr: " + run.err());
        var muted = viewer(Map.of(), true, "--port", String.valueOf(port), "--sink", "none", "--frames", "30", "--timeout", "60",
                "--mute");
        assertEquals(0, exit(muted), "stderr: " + muted.err());
        assertTrue(muted.errSaid("first frame"), "stderr: " + muted.err());
        assertTrue(muted.errSaid("sound: off (--mute)"), "says it is muted: " + muted.err());
        assertTrue(!muted.errSaid("sound: decoding"), "muted: " + muted.err());
        assertTrue(!run.errSaid("sound: off"), "not muted: " + run.err());
        try (var held = new java.net.DatagramSocket(port + 2)) { // another program on the sound's port
            assertTrue(held.isBound());
            var alone = viewer(Map.of(), true, "--port", String.valueOf(port), "--sink", "none", "--frames", "30", "--timeout", "60");
            assertEquals(0, exit(alone), "stderr: " + alone.err());
            assertTrue(alone.errSaid("sound: off: UDP port " + (port + 2) + " (the sound's Opus RTP) is in use by another program"),
                    "names the port: " + alone.err());
            assertTrue(!alone.errSaid("sound: decoding"), "no sound: " + alone.err());
        }
    }

    /** --timeout without the frames: exit 1, and it says nothing arrived and where it listened. */
    @Test
    void timeoutWithoutStreamExitsOne() throws Exception {
        int port = Ports.freeUdp();
        var run = viewer(Map.of(), true, "--port", String.valueOf(port), "--sink", "none", "--frames", "5",
                "--timeout", "1.5");
        assertEquals(1, exit(run), "stderr: " + run.err());
        assertTrue(run.errSaid("no frame arrived on udp/" + port), "stderr: " + run.err());
        assertTrue(run.errSaid("no frames decoded"), "stderr: " + run.err());
    }

    /** No display and the default sink: exit 3 with the way out, never autovideosink's segfault (139). */
    @Test
    void noDisplayExitsThreeWithHint() throws Exception {
        var run = viewer(Map.of(), true, "--port", String.valueOf(Ports.freeUdp()));
        assertEquals(3, exit(run), "stderr: " + run.err());
        assertTrue(run.errSaid("no display"), "stderr: " + run.err());
        assertTrue(run.errSaid("--sink none"), "stderr: " + run.err());
        assertTrue(run.errSaid("--snapshot"), "stderr: " + run.err());
        assertFalse(run.errSaid("Exception"), "stderr: " + run.err());
    }

    /** DISPLAY names an X server that does not exist: the same clear exit 3. */
    @Test
    void deadDisplayExitsThree() throws Exception {
        int n = 900 + (int) (ProcessHandle.current().pid() % 90);
        while (Files.exists(Path.of("/tmp/.X11-unix/X" + n))) {
            n++;
        }
        var run = viewer(Map.of("DISPLAY", ":" + n), true, "--port", String.valueOf(Ports.freeUdp()));
        assertEquals(3, exit(run), "stderr: " + run.err());
        assertTrue(run.errSaid("DISPLAY=:" + n), "stderr: " + run.err());
    }

    /** Unknown option and bad value: exit 2, one line naming it, then where the options are (not the whole usage). */
    @Test
    void usageErrors() throws Exception {
        var unknown = viewer(Map.of(), true, "--colour", "red");
        assertEquals(2, exit(unknown));
        assertEquals("stream-viewer: unknown option --colour", unknown.err().get(0));
        assertEquals(List.of("stream-viewer: unknown option --colour", "Run 'stream-viewer --help' for the options."), unknown.err());
        var whep = viewer(Map.of(), true, "--whep", "ftp://x");
        assertEquals(2, exit(whep));
        assertEquals(2, whep.err().size(), whep.err().toString());
        assertEquals("Run 'stream-viewer --help' for the options.", whep.err().get(1));
        var bad = viewer(Map.of(), true, "--port", "70000");
        assertEquals(2, exit(bad));
        assertTrue(bad.err().get(0).contains("--port") && bad.err().get(0).contains("70000"), bad.err().toString());
        var unicast = viewer(Map.of(), true, "--multicast=10.1.2.3");
        assertEquals(2, exit(unicast));
        assertTrue(unicast.err().get(0).contains("not a multicast address"), unicast.err().toString());
        var help = viewer(Map.of(), true, "--help");
        assertEquals(0, exit(help));
        assertTrue(help.out().stream().anyMatch(l -> l.contains("Exit codes")), help.out().toString());
    }

    /**
     * The real window: Xvfb, autovideosink, the ball visible in a screenshot of the X screen taken by ffmpeg,
     * then SIGTERM (what Ctrl+C does too) ends it with exit 0 and the summary.
     */
    @Test
    void realWindowUnderXvfbShowsTheBall() throws Exception {
        var xvfb = startXvfb();
        int port = Ports.freeUdp();
        var run = viewer(Map.of("DISPLAY", xvfb), true, "--port", String.valueOf(port));
        Await.until("waiting message", Duration.ofSeconds(60), () -> run.errSaid("waiting for the stream"));
        cleanup.add(Sender.start(port));
        Await.until("first frame", Duration.ofSeconds(60), () -> run.errSaid("first frame after"));
        // The screen is black (-br) apart from the video window: bright pixels can only be the ball.
        int[] bright = {0};
        // a grab runs ffmpeg: every 500 ms is enough
        Await.until("300 bright pixels (the ball) on the X screen; stderr: " + run.err(), Duration.ofSeconds(60), Duration.ofMillis(500),
                () -> (bright[0] = brightPixels(grab(xvfb))) >= 300);
        assertTrue(bright[0] >= 300, "no ball on the X screen (bright pixels: " + bright[0] + "); stderr: " + run.err());
        assertTrue(run.process().isAlive());
        run.process().destroy(); // SIGTERM
        assertEquals(0, exit(run), "stderr: " + run.err());
        assertTrue(run.out().stream().anyMatch(l -> l.matches(
                "stream-viewer: stopped; \\d+ frames decoded, [0-9.]+ fps mean, first frame after [0-9.]+ s, 320x240")),
                "stdout: " + run.out() + " stderr: " + run.err());
    }

    /**
     * Closing the real window (the WM_DELETE_WINDOW message a window manager sends for the close button)
     * ends the viewer cleanly: exit 0, "window closed" and the summary.
     */
    @Test
    void closingTheWindowEndsCleanly() throws Exception {
        var xvfb = startXvfb();
        int port = Ports.freeUdp();
        var run = viewer(Map.of("DISPLAY", xvfb), true, "--port", String.valueOf(port));
        cleanup.add(Sender.start(port));
        Await.until(() -> "first frame; the viewer said: " + run.err() + " " + run.out(), Duration.ofSeconds(60), () -> run.errSaid("first frame after"));
        long window = viewerWindow(xvfb);
        X11Close.close(xvfb, window);
        assertEquals(0, exit(run), "stderr: " + run.err());
        assertTrue(run.out().stream().anyMatch(l -> l.matches(
                "stream-viewer: window closed; \\d+ frames? decoded, [0-9.]+ fps mean, first frame after [0-9.]+ s, 320x240")),
                "stdout: " + run.out() + " stderr: " + run.err());
    }

    /**
     * The id of the viewer's top-level window, found with xwininfo (x11-utils). ximagesink names it
     * after the program (stream-viewer); glimagesink, which autovideosink picks under Xvfb, calls it
     * "OpenGL renderer". The sink maps its window only after the first frame passed the probe that
     * reports it: look again until it is there.
     */
    private static long viewerWindow(String display) throws Exception {
        var name = java.util.regex.Pattern.compile("(?m)^\\s*(0x[0-9a-f]+) \"(stream-viewer|OpenGL renderer)\"");
        return Await.value("the viewer's window on " + display + " (xwininfo lists it)", Duration.ofSeconds(30), Duration.ofMillis(100), () -> {
            Process p;
            try {
                p = new ProcessBuilder("xwininfo", "-display", display, "-root", "-children")
                        .redirectError(ProcessBuilder.Redirect.DISCARD).start();
            } catch (IOException e) {
                throw new AssertionError("xwininfo is needed to find the window: apt-get install x11-utils", e);
            }
            String listing = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            p.waitFor(30, TimeUnit.SECONDS);
            var m = name.matcher(listing);
            return m.find() ? Long.decode(m.group(1)) : null;
        });
    }

    /** Starts Xvfb on a display number it picks itself; fails (never skips) when Xvfb is missing. */
    private String startXvfb() throws Exception {
        Process x;
        try {
            x = new ProcessBuilder("Xvfb", "-displayfd", "1", "-screen", "0", "640x480x24", "-br", "-nolisten", "tcp")
                    .redirectError(ProcessBuilder.Redirect.DISCARD).start();
        } catch (IOException e) {
            throw new AssertionError("Xvfb is needed for the window test: install it (apt-get install xvfb)", e);
        }
        processes.add(x);
        var r = new BufferedReader(new InputStreamReader(x.getInputStream(), StandardCharsets.US_ASCII));
        String number = r.readLine();
        assertTrue(number != null && number.matches("\\d+"), "Xvfb did not say its display number: " + number);
        return ":" + number;
    }

    private static byte[] grab(String display) throws Exception {
        var p = new ProcessBuilder("ffmpeg", "-loglevel", "error", "-f", "x11grab", "-video_size", "640x480",
                "-i", display, "-frames:v", "1", "-f", "rawvideo", "-pix_fmt", "gray", "-")
                .redirectError(ProcessBuilder.Redirect.DISCARD).start();
        try {
            byte[] gray = p.getInputStream().readAllBytes();
            assertTrue(p.waitFor(30, TimeUnit.SECONDS), "ffmpeg x11grab hangs");
            return gray;
        } finally {
            p.destroyForcibly();
        }
    }

    private static int brightPixels(byte[] gray) {
        int n = 0;
        for (byte b : gray) {
            if ((b & 0xff) > 200) {
                n++;
            }
        }
        return n;
    }
}
