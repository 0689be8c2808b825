package stream.server.internal.record;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import stream.server.internal.rtp.VideoCodec;

/**
 * A snapshot of an H.265 stream whose newest GOP starts with a keyframe but not with its
 * parameter sets (as rtph265pay sends it when it repeats them by the clock, or never): real x265
 * output, really decoded.
 */
class ParameterSetsTest {
    @TempDir
    Path dir;

    @Test
    void aGopWithoutItsParameterSetsDecodesWithTheOnesSentBefore() throws Exception {
        // 40 frames at 15/s, a keyframe (an IDR, then CRA pictures) every 15; x265 writes VPS/SPS/PPS once,
        // at the start, and the payloader repeats none of them
        Process p = new ProcessBuilder(Live.GST, "-q", "videotestsrc", "pattern=ball", "num-buffers=40", "!",
                "video/x-raw,format=I420,width=320,height=240,framerate=15/1", "!",
                "x265enc", "tune=zerolatency", "speed-preset=ultrafast", "key-int-max=15", "!",
                "rtph265pay", "config-interval=0", "pt=" + VideoCodec.H265_PAYLOAD_TYPE, "!", "rtpstreampay", "!", "fdsink", "fd=1")
                .redirectError(ProcessBuilder.Redirect.DISCARD).start();
        byte[] stream = p.getInputStream().readAllBytes();
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "the x265 sender did not end within 60 s");
        assertEquals(0, p.exitValue(), "the x265 sender failed");

        PreRoll preRoll = new PreRoll(60_000_000_000L, 64L << 20);
        ParameterSets sets = new ParameterSets();
        AccessUnitAssembler assembler = new AccessUnitAssembler(u -> {
            preRoll.add(u);
            sets.accept(u);
        });
        long nanos = 0;
        for (int i = 0; i + 2 <= stream.length; ) {
            int n = ((stream[i] & 0xFF) << 8) | (stream[i + 1] & 0xFF);
            assembler.accept(ByteBuffer.wrap(stream, i + 2, n), nanos += 1_000_000);
            i += 2 + n;
        }
        List<AccessUnit> gop = preRoll.latestGop();
        assertEquals(10, gop.size(), "the last GOP: frames 30 to 39");
        assertTrue(gop.get(0).keyframe());
        assertFalse(hasParameterSet(gop), "the GOP carries no VPS/SPS/PPS of its own");

        IOException without = assertThrows(IOException.class,
                () -> Snapshots.jpeg(Live.GST, gop, VideoCodec.H265_PAYLOAD_TYPE, 0, dir));
        assertTrue(without.getMessage().contains("no picture"), without.getMessage());

        List<AccessUnit> completed = sets.completing(gop);
        assertEquals(gop.size(), completed.size());
        assertEquals(gop.get(0).packets().size() + 3, completed.get(0).packets().size(), "VPS, SPS and PPS in front of the keyframe");
        assertTrue(completed.get(0).keyframe());
        byte[] jpeg = Snapshots.jpeg(Live.GST, completed, VideoCodec.H265_PAYLOAD_TYPE, 0, dir);
        byte[] gray = gray(jpeg);
        assertEquals(320 * 240, gray.length, "a 320x240 picture");
        // the ball pattern: a black picture with a white ball, not the grey of differences decoded without their keyframe
        long dark = 0;
        for (byte b : gray) if ((b & 0xFF) < 60) dark++;
        assertTrue(dark > 0.7 * gray.length, "mostly black like the ball pattern: " + dark + " dark pixels of " + gray.length);
        try (var left = Files.list(dir)) {
            assertEquals(List.of(), left.toList(), "the decoder's folder is removed");
        }

        // a GOP that has its own is left as it is
        assertTrue(sets.completing(completed) == completed);
    }

    /** The picture of a JPEG as 8-bit grey, decoded by GStreamer. */
    private byte[] gray(byte[] jpeg) throws Exception {
        Path f = Files.write(dir.resolve("snapshot.jpg"), jpeg);
        Process p = new ProcessBuilder(Live.GST, "-q", "filesrc", "location=" + f, "!", "jpegdec", "!", "videoconvert", "!",
                "video/x-raw,format=GRAY8", "!", "fdsink", "fd=1").redirectError(ProcessBuilder.Redirect.DISCARD).start();
        byte[] out = p.getInputStream().readAllBytes();
        assertTrue(p.waitFor(30, TimeUnit.SECONDS), "the JPEG decoder did not end within 30 s");
        assertEquals(0, p.exitValue(), "the JPEG decoder failed");
        Files.delete(f);
        return out;
    }

    private static boolean hasParameterSet(List<AccessUnit> gop) {
        for (AccessUnit u : gop) for (byte[] p : u.packets()) {
            int t = (p[12] >> 1) & 0x3F;
            if (t >= 32 && t <= 34) return true;
        }
        return false;
    }
}
