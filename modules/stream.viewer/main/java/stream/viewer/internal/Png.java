package stream.viewer.internal;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.zip.CRC32;
import java.util.zip.Deflater;
import java.util.zip.DeflaterOutputStream;

/** Writes 8-bit RGB images as PNG with java.base alone (no java.desktop, no ImageIO). */
public final class Png {
    private static final byte[] SIGNATURE = {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};

    private Png() {}

    /**
     * Writes the image, atomically: a reader never sees half a file.
     * @param file the PNG file
     * @param width pixels per row
     * @param height rows
     * @param rgb width*height*3 bytes, rows top to bottom, no padding
     * @throws IOException when the file cannot be written
     */
    public static void write(Path file, int width, int height, byte[] rgb) throws IOException {
        if (width <= 0 || height <= 0 || rgb.length != width * height * 3) {
            throw new IllegalArgumentException("bad image " + width + "x" + height + " with " + rgb.length + " bytes");
        }
        var out = new ByteArrayOutputStream(rgb.length / 4);
        out.write(SIGNATURE);
        var ihdr = new ByteArrayOutputStream(13);
        writeInt(ihdr, width);
        writeInt(ihdr, height);
        ihdr.write(8);  // bit depth
        ihdr.write(2);  // colour type: truecolour RGB
        ihdr.write(0);  // compression: deflate
        ihdr.write(0);  // filter method 0
        ihdr.write(0);  // no interlace
        chunk(out, "IHDR", ihdr.toByteArray());
        var idat = new ByteArrayOutputStream(rgb.length / 4);
        var deflater = new Deflater(Deflater.BEST_SPEED);
        try (var z = new DeflaterOutputStream(idat, deflater)) {
            int row = width * 3;
            for (int y = 0; y < height; y++) {
                z.write(0); // filter type None
                z.write(rgb, y * row, row);
            }
        } finally {
            deflater.end();
        }
        chunk(out, "IDAT", idat.toByteArray());
        chunk(out, "IEND", new byte[0]);
        Path absolute = file.toAbsolutePath();
        Path tmp = absolute.resolveSibling(absolute.getFileName() + ".part");
        Files.write(tmp, out.toByteArray());
        Files.move(tmp, absolute, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    private static void chunk(OutputStream out, String type, byte[] data) throws IOException {
        byte[] typeBytes = type.getBytes(StandardCharsets.US_ASCII);
        writeInt(out, data.length);
        out.write(typeBytes);
        out.write(data);
        var crc = new CRC32();
        crc.update(typeBytes);
        crc.update(data);
        writeInt(out, (int) crc.getValue());
    }

    private static void writeInt(OutputStream out, int v) throws IOException {
        out.write(v >>> 24);
        out.write(v >>> 16);
        out.write(v >>> 8);
        out.write(v);
    }
}
