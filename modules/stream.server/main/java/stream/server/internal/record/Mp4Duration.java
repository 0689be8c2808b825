package stream.server.internal.record;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.OptionalDouble;

/**
 * The duration of an MP4 we wrote, read from its boxes (ISO/IEC 14496-12), without a player:
 * the sum of the sample durations of every movie fragment ({@code moof/traf/trun}, with the
 * {@code tfhd} default) in the track's {@code mdhd} timescale, which also holds for a file cut
 * short by a kill; for an unfragmented file, {@code mvhd}'s duration.
 */
public final class Mp4Duration {
    private Mp4Duration() {}

    /**
     * @param file the MP4
     * @return seconds, or empty when the file has no readable timing (e.g. cut before its first fragment)
     * @throws IOException when it cannot be read
     */
    public static OptionalDouble of(Path file) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            long size = ch.size(), pos = 0, mdhdScale = 0, mvhdScale = 0, mvhdDuration = 0, fragTicks = 0, trackId = 0;
            boolean fragments = false;
            while (pos + 8 <= size) {
                ByteBuffer h = read(ch, pos, 16);
                long boxSize = h.getInt(0) & 0xFFFFFFFFL;
                String type = type(h, 4);
                int header = 8;
                if (boxSize == 1 && h.limit() >= 16) {
                    boxSize = h.getLong(8);
                    header = 16;
                } else if (boxSize == 0) {
                    boxSize = size - pos;
                }
                if (boxSize < header || pos + boxSize > size) break; // cut short: count what is whole
                if (type.equals("moov") || type.equals("moof")) {
                    if (boxSize > (64 << 20)) break;
                    ByteBuffer b = read(ch, pos + header, (int) (boxSize - header));
                    if (type.equals("moov")) {
                        long[] t = moov(b);
                        mvhdScale = t[0];
                        mvhdDuration = t[1];
                        mdhdScale = t[2];
                        trackId = t[3];
                    } else {
                        fragments = true;
                        fragTicks += moof(b, trackId);
                    }
                }
                pos += boxSize;
            }
            if (fragments && mdhdScale > 0) return OptionalDouble.of((double) fragTicks / mdhdScale);
            if (mvhdScale > 0 && mvhdDuration > 0) return OptionalDouble.of((double) mvhdDuration / mvhdScale);
            return OptionalDouble.empty();
        }
    }

    private static ByteBuffer read(FileChannel ch, long pos, int len) throws IOException {
        ByteBuffer b = ByteBuffer.allocate(len);
        while (b.hasRemaining() && ch.read(b, pos + b.position()) > 0) {
            // keep reading
        }
        return b.flip();
    }

    private static String type(ByteBuffer b, int at) {
        char[] c = new char[4];
        for (int i = 0; i < 4; i++) c[i] = (char) (b.get(at + i) & 0xFF);
        return new String(c);
    }

    /** @return {mvhd timescale, mvhd duration, first mdhd timescale, first tkhd track id} */
    private static long[] moov(ByteBuffer b) {
        long[] out = new long[4];
        walk(b, 0, b.limit(), (type, off, len) -> {
            int v = b.get(off) & 0xFF;
            if (type.equals("mvhd")) {
                out[0] = b.getInt(off + (v == 1 ? 20 : 12)) & 0xFFFFFFFFL;
                out[1] = v == 1 ? b.getLong(off + 24) : b.getInt(off + 16) & 0xFFFFFFFFL;
            } else if (type.equals("tkhd") && out[3] == 0) {
                out[3] = b.getInt(off + (v == 1 ? 20 : 12)) & 0xFFFFFFFFL;
            } else if (type.equals("mdhd") && out[2] == 0) {
                out[2] = b.getInt(off + (v == 1 ? 20 : 12)) & 0xFFFFFFFFL;
            }
        });
        return out;
    }

    /** @return the ticks of the fragment's runs of track {@code trackId} (of every track when 0: one track, an audio track's too otherwise) */
    private static long moof(ByteBuffer b, long trackId) {
        long[] ticks = {0};
        long[] defaultDuration = {0};
        boolean[] counted = {true};
        walk(b, 0, b.limit(), (type, off, len) -> {
            int flags = b.getInt(off) & 0xFFFFFF;
            if (type.equals("tfhd")) {
                counted[0] = trackId == 0 || (b.getInt(off + 4) & 0xFFFFFFFFL) == trackId;
                int p = off + 8; // version/flags, track id
                if ((flags & 0x01) != 0) p += 8; // base data offset
                if ((flags & 0x02) != 0) p += 4; // sample description index
                defaultDuration[0] = (flags & 0x08) != 0 ? b.getInt(p) & 0xFFFFFFFFL : 0;
            } else if (type.equals("trun") && counted[0]) {
                int count = b.getInt(off + 4);
                int p = off + 8;
                if ((flags & 0x01) != 0) p += 4; // data offset
                if ((flags & 0x04) != 0) p += 4; // first sample flags
                int per = Integer.bitCount(flags & 0xF00) * 4;
                for (int i = 0; i < count; i++) {
                    ticks[0] += (flags & 0x100) != 0 ? b.getInt(p) & 0xFFFFFFFFL : defaultDuration[0];
                    p += per;
                }
            }
        });
        return ticks[0];
    }

    private interface Visitor {
        void box(String type, int payloadOffset, int payloadLength);
    }

    /** Visits leaf boxes, descending into the containers we need. */
    private static void walk(ByteBuffer b, int from, int to, Visitor v) {
        int pos = from;
        while (pos + 8 <= to) {
            int size = b.getInt(pos);
            String type = type(b, pos + 4);
            if (size < 8 || pos + size > to) return;
            switch (type) {
                case "trak", "mdia", "traf", "mvex" -> walk(b, pos + 8, pos + size, v);
                default -> v.box(type, pos + 8, size - 8);
            }
            pos += size;
        }
    }
}
