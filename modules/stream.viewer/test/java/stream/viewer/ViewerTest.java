package stream.viewer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.DataInputStream;
import java.io.ByteArrayInputStream;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.zip.Inflater;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import stream.testkit.Await;
import stream.testkit.Ports;

/** The viewer in this process, through its API, against a real gst-launch-1.0 sender on loopback. */
class ViewerTest {
    private final List<AutoCloseable> cleanup = new CopyOnWriteArrayList<>();
    private final List<String> progress = new CopyOnWriteArrayList<>();

    @AfterEach
    void cleanUp() throws Exception {
        for (var c : cleanup.reversed()) {
            c.close();
        }
    }

    private Viewer startViewer(ViewerOptions options) throws ViewerException {
        var viewer = Viewer.start(options, progress::add);
        cleanup.add(viewer);
        return viewer;
    }

    private Sender startSender(int port) throws Exception {
        var sender = Sender.start(port);
        cleanup.add(sender);
        return sender;
    }

    private boolean said(String prefix) {
        return progress.stream().anyMatch(l -> l.startsWith(prefix));
    }

    /** Started before the sender, it waits, then decodes N frames at the sender's size and writes a real PNG. */
    @Test
    void waitsForTheStreamThenDecodesFramesAndWritesSnapshot(@TempDir Path dir) throws Exception {
        int port = Ports.freeUdp();
        Path png = dir.resolve("frame.png");
        var viewer = startViewer(ViewerOptions.defaults().withPort(port).withSink("none").withFrames(30)
                .withTimeout(Duration.ofSeconds(60)).withSnapshot(png));
        assertEquals("waiting for the stream on udp/" + port, progress.get(0));
        // This sleep is what is tested, not a synchronization: for 1 s with no sender, nothing is decoded.
        Thread.sleep(1000);
        assertEquals(0, viewer.frames());
        startSender(port);
        ViewerReport report = viewer.awaitEnd();
        assertEquals(ViewerReport.Ending.FRAMES_REACHED, report.ending(), report.message());
        assertTrue(report.frames() >= 30, report.summary());
        assertEquals(320, report.width());
        assertEquals(240, report.height());
        assertNotNull(report.timeToFirstFrame());
        assertTrue(report.meanFps() > 0, report.summary());
        assertTrue(report.summary().matches("\\d+ frames decoded, [0-9.]+ fps mean, first frame after [0-9.]+ s, 320x240"),
                report.summary());
        assertTrue(said("first frame after "), progress.toString());
        assertTrue(progress.stream().anyMatch(l -> l.matches("first frame after [0-9.]+ s: 320x240")), progress.toString());
        assertPngOfTheBall(png, 320, 240);
    }

    /** PNG signature, IHDR 320x240 RGB, CRCs right, and pixels that are not all one colour. */
    static void assertPngOfTheBall(Path png, int width, int height) throws Exception {
        byte[] bytes = Files.readAllBytes(png);
        var in = new DataInputStream(new ByteArrayInputStream(bytes));
        byte[] sig = in.readNBytes(8);
        assertTrue(java.util.Arrays.equals(sig, new byte[] {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'}),
                "PNG signature");
        var idat = new java.io.ByteArrayOutputStream();
        int w = 0;
        int h = 0;
        while (true) {
            int length = in.readInt();
            byte[] type = in.readNBytes(4);
            byte[] data = in.readNBytes(length);
            int crc = in.readInt();
            var c = new java.util.zip.CRC32();
            c.update(type);
            c.update(data);
            assertEquals((int) c.getValue(), crc, "CRC of " + new String(type));
            String t = new String(type, java.nio.charset.StandardCharsets.US_ASCII);
            if (t.equals("IHDR")) {
                var ih = new DataInputStream(new ByteArrayInputStream(data));
                w = ih.readInt();
                h = ih.readInt();
                assertEquals(8, ih.read(), "bit depth");
                assertEquals(2, ih.read(), "colour type RGB");
            } else if (t.equals("IDAT")) {
                idat.write(data);
            } else if (t.equals("IEND")) {
                break;
            }
        }
        assertEquals(width, w);
        assertEquals(height, h);
        var inflater = new Inflater();
        inflater.setInput(idat.toByteArray());
        byte[] raw = new byte[(w * 3 + 1) * h];
        int n = inflater.inflate(raw);
        inflater.end();
        assertEquals(raw.length, n, "image data size");
        // pattern=ball: a white ball on black. Count bright and dark pixels: both must be there.
        int bright = 0;
        int dark = 0;
        for (int y = 0; y < h; y++) {
            assertEquals(0, raw[y * (w * 3 + 1)], "filter type of row " + y);
            for (int x = 0; x < w; x++) {
                int g = raw[y * (w * 3 + 1) + 1 + x * 3 + 1] & 0xff;
                if (g > 200) {
                    bright++;
                } else if (g < 50) {
                    dark++;
                }
            }
        }
        assertTrue(bright > 200 && dark > w * h / 2, "a ball on black expected: bright=" + bright + " dark=" + dark);
    }

    /** The stream stops (sender killed) and a new sender starts: the same viewer says so and decodes again. */
    @Test
    void sameViewerShowsTheStreamAgainAfterAStop() throws Exception {
        int port = Ports.freeUdp();
        var viewer = startViewer(ViewerOptions.defaults().withPort(port).withSink("none"));
        var first = startSender(port);
        Await.until("frames from the first sender", Duration.ofSeconds(60), () -> viewer.frames() >= 20);
        first.close();
        Await.until("the stall message", Duration.ofSeconds(30), () -> said("no data for 2 s"));
        long before = viewer.frames();
        assertTrue(progress.stream().anyMatch(l -> l.equals("no data for 2 s: the stream stopped? still waiting on udp/" + port)),
                progress.toString());
        startSender(port); // a new process: new SSRC, sequence numbers and timestamps
        Await.until("stream back", Duration.ofSeconds(60), () -> said("stream back"));
        Await.until("frames from the second sender", Duration.ofSeconds(60), () -> viewer.frames() >= before + 30);
        viewer.close();
        viewer.close(); // idempotent
        ViewerReport report = viewer.awaitEnd();
        assertEquals(ViewerReport.Ending.CLOSED, report.ending());
        assertEquals(320, report.width());
        assertTrue(report.frames() >= before + 30, report.summary());
    }

    /** No stream at all: the timeout ends it with no frames and says where it waited. */
    @Test
    void timeoutWithoutStream() throws Exception {
        int port = Ports.freeUdp();
        var viewer = startViewer(ViewerOptions.defaults().withPort(port).withSink("none").withFrames(5)
                .withTimeout(Duration.ofMillis(1500)));
        ViewerReport report = viewer.awaitEnd();
        assertEquals(ViewerReport.Ending.TIMEOUT, report.ending());
        assertEquals(0, report.frames());
        assertNull(report.timeToFirstFrame());
        assertTrue(report.message().contains("udp/" + port), report.message());
        assertEquals("no frames decoded", report.summary());
    }

    /** Several viewers one after the other in one process (the client's menu option 3, twice): Gst.init once. */
    @Test
    void startsAgainInTheSameProcess() throws Exception {
        for (int i = 0; i < 3; i++) {
            var viewer = startViewer(ViewerOptions.defaults().withPort(Ports.freeUdp()).withSink("none"));
            viewer.close();
            assertEquals(ViewerReport.Ending.CLOSED, viewer.awaitEnd().ending());
        }
    }

    /** Issue 5: two viewers join one multicast group on one port and both decode the one stream. */
    @Test
    void twoViewersOnOneMulticastGroup() throws Exception {
        int port = Ports.freeUdp();
        String group = "239.255." + (ProcessHandle.current().pid() % 200) + "." + (1 + port % 200);
        var options = ViewerOptions.defaults().withPort(port).withMulticastGroup(group).withSink("none")
                .withFrames(20).withTimeout(Duration.ofSeconds(60));
        var a = startViewer(options);
        var b = startViewer(options);
        startSender(group, port);
        for (var v : List.of(a, b)) {
            ViewerReport report = v.awaitEnd();
            assertEquals(ViewerReport.Ending.FRAMES_REACHED, report.ending(), report.message());
            assertEquals(320, report.width());
        }
        assertTrue(progress.contains("waiting for the stream on udp/" + port + " (multicast " + group + ")"),
                progress.toString());
    }

    /** --bind: listening on loopback only still receives the stream sent to 127.0.0.1. */
    @Test
    void bindAddress() throws Exception {
        int port = Ports.freeUdp();
        var viewer = startViewer(ViewerOptions.defaults().withPort(port).withBindAddress("127.0.0.1").withSink("none")
                .withFrames(10).withTimeout(Duration.ofSeconds(60)));
        startSender(port);
        assertEquals(ViewerReport.Ending.FRAMES_REACHED, viewer.awaitEnd().ending());
    }

    private Sender startSender(String host, int port) throws Exception {
        var sender = Sender.start(host, port);
        cleanup.add(sender);
        return sender;
    }

    /** A port held by another program gives PORT_IN_USE with a message naming the port. */
    @Test
    void portInUse() throws Exception {
        try (var holder = new DatagramSocket(new InetSocketAddress(0))) {
            int port = holder.getLocalPort();
            var e = assertThrows(ViewerException.class,
                    () -> startViewer(ViewerOptions.defaults().withPort(port).withSink("none")));
            assertEquals(ViewerException.Kind.PORT_IN_USE, e.kind());
            assertTrue(e.getMessage().contains(String.valueOf(port)), e.getMessage());
        }
    }

    /** A sink name that is no GStreamer element: GSTREAMER_MISSING naming it. */
    @Test
    void unknownSink() {
        var e = assertThrows(ViewerException.class, () -> startViewer(ViewerOptions.defaults()
                .withPort(1).withSink("nosuchsink")));
        assertEquals(ViewerException.Kind.GSTREAMER_MISSING, e.kind());
        assertTrue(e.getMessage().contains("nosuchsink"), e.getMessage());
    }
}
