package stream.server.internal.record;

import com.eclipsesource.json.JsonObject;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Clips with pre-roll: one MP4 from the keyframe at or before {@code before} seconds ago (taken
 * from the {@link PreRoll}) to {@code after} seconds after the request, each written by an
 * {@link Mp4Writer} child of its own. The name, the UTC time of the clip's first frame, is known
 * at once; the file appears under it once complete. A clip also ends when the stream stops
 * sending (its end passes with no packet), with what it got.
 */
public final class Clips implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger("stream.server");
    /** Longest {@code after}, seconds. */
    public static final double MAX_AFTER = 600;

    /**
     * A clip asked for.
     * @param name the file name it will have
     * @param start when its first frame arrived (UTC)
     * @param beforeSeconds how far before the request it starts (at least the asked {@code before}
     *     when the pre-roll reaches that far, by up to one keyframe interval)
     * @param afterSeconds how long after the request it goes on
     * @param readyAt when it will be complete, about
     */
    public record Ticket(String name, Instant start, double beforeSeconds, double afterSeconds, Instant readyAt) {
        /** @return the ticket as JSON */
        public JsonObject toJson() {
            return new JsonObject().add("name", name).add("start", start.toString())
                    .add("before", Math.round(beforeSeconds * 1000) / 1000.0).add("after", afterSeconds)
                    .add("readyAt", readyAt.toString());
        }
    }

    private record Active(Ticket ticket, Mp4Writer writer, long endNanos) {}

    private final String gstLaunch;
    private final Path dir;
    private final double maxBefore;
    private final Catalog catalog;
    private final List<Active> active = new ArrayList<>(); // guarded by this
    private final ScheduledExecutorService timer;

    /**
     * @param gstLaunch the gst-launch-1.0 executable
     * @param dir where clips go (created when missing)
     * @param maxBefore the longest {@code before}, seconds: what the pre-roll keeps
     * @throws IOException when the directory cannot be created
     */
    public Clips(String gstLaunch, Path dir, double maxBefore) throws IOException {
        this.gstLaunch = Objects.requireNonNull(gstLaunch, "gstLaunch");
        this.dir = Objects.requireNonNull(dir, "dir");
        this.maxBefore = maxBefore;
        Files.createDirectories(dir);
        Partials.recover(dir);
        this.catalog = new Catalog(dir);
        this.timer = Executors.newSingleThreadScheduledExecutor(
                r -> Thread.ofPlatform().daemon().name("clips-" + dir.getFileName()).unstarted(r));
        timer.scheduleWithFixedDelay(this::endQuiet, 500, 500, TimeUnit.MILLISECONDS);
    }

    /** @return the finished clips */
    public Catalog catalog() {
        return catalog;
    }

    /**
     * Starts a clip. Call with the pre-roll taken under the same lock that feeds {@link #accept},
     * so no unit is missed or written twice between the two.
     * @param preRoll the units from the keyframe at or before the request minus {@code before}
     * @param nowNanos the request time, on the tap's clock
     * @param before seconds before the request, 0 to {@code maxBefore}
     * @param after seconds after the request, more than 0 to {@link #MAX_AFTER}
     * @param payloadType the stream's RTP payload type
     * @return the ticket
     * @throws IllegalArgumentException when before or after is out of range
     * @throws IllegalStateException when the stream has no picture to start from
     * @throws IOException when the child cannot be started
     */
    public synchronized Ticket start(List<AccessUnit> preRoll, long nowNanos, double before, double after, int payloadType)
            throws IOException {
        return start(preRoll, List.of(), nowNanos, before, after, payloadType);
    }

    /**
     * Starts a clip with sound when {@code audioPreRoll} is not null: see {@link #start(List, long, double, double, int)}.
     * @param preRoll the video units
     * @param audioPreRoll the Opus RTP packets kept, oldest first, each {arrival nanos, packet}; null for no sound
     * @param nowNanos the request time
     * @param before seconds before
     * @param after seconds after
     * @param payloadType the video's payload type
     * @return the ticket
     * @throws IOException when the child cannot be started
     */
    public synchronized Ticket start(List<AccessUnit> preRoll, List<AudioPacket> audioPreRoll, long nowNanos, double before,
                                     double after, int payloadType) throws IOException {
        check(before, after, maxBefore);
        if (preRoll.isEmpty()) throw new IllegalStateException("the stream is not running: no keyframe received yet");
        long firstNanos = preRoll.get(0).receivedNanos();
        long wallOffset = System.nanoTime();
        Instant now = Instant.now();
        Instant start = now.minusNanos(wallOffset - firstNanos);
        String name = MediaName.of(start);
        while (taken(name)) name = MediaName.of(start = start.plusMillis(1));
        long endNanos = nowNanos + (long) (after * 1e9);
        Ticket t = new Ticket(name, start, (nowNanos - firstNanos) / 1e9, after,
                now.plusNanos(endNanos - wallOffset).plusSeconds(1));
        String finalName = name;
        Mp4Writer w = Mp4Writer.start(gstLaunch, dir.resolve(name + MediaName.PARTIAL), payloadType, audioPreRoll != null, x -> {
            try {
                Partials.publish(x.file());
            } catch (IOException e) {
                LOG.log(Level.WARNING, "clip {0}: {1}", finalName, e.getMessage());
            }
        });
        for (AccessUnit u : preRoll) w.write(u);
        if (audioPreRoll != null) for (AudioPacket p : audioPreRoll) w.writeAudio(p.packet(), p.receivedNanos());
        active.add(new Active(t, w, endNanos));
        return t;
    }

    /**
     * @param before seconds before the request
     * @param after seconds after it
     * @param maxBefore the pre-roll kept
     * @throws IllegalArgumentException naming the bad value
     */
    static void check(double before, double after, double maxBefore) {
        if (!(before >= 0 && before <= maxBefore))
            throw new IllegalArgumentException("before must be 0 to " + maxBefore + " seconds: " + before);
        if (!(after > 0 && after <= MAX_AFTER))
            throw new IllegalArgumentException("after must be more than 0 and at most " + MAX_AFTER + " seconds: " + after);
    }

    private boolean taken(String name) {
        if (Files.exists(dir.resolve(name)) || Files.exists(dir.resolve(name + MediaName.PARTIAL))) return true;
        for (Active a : active) if (a.ticket().name().equals(name)) return true;
        return false;
    }

    /**
     * One Opus RTP packet as it arrived.
     * @param packet the packet
     * @param receivedNanos when
     */
    public record AudioPacket(byte[] packet, long receivedNanos) {}

    /**
     * Hands one Opus RTP packet to every clip being written with sound.
     * @param p the packet
     */
    public synchronized void acceptAudio(AudioPacket p) {
        for (Active a : active) a.writer().writeAudio(p.packet(), p.receivedNanos());
    }

    /**
     * Gives the stream's next unit to every clip still running; ends those it reaches the end of.
     * @param u the unit
     */
    public synchronized void accept(AccessUnit u) {
        if (active.isEmpty()) return;
        for (var it = active.iterator(); it.hasNext(); ) {
            Active a = it.next();
            if (u.receivedNanos() >= a.endNanos()) {
                a.writer().finish();
                it.remove();
            } else {
                a.writer().write(u);
            }
        }
    }

    /** Ends clips whose end has passed with no packet: the stream stopped. */
    private synchronized void endQuiet() {
        long now = System.nanoTime();
        for (var it = active.iterator(); it.hasNext(); ) {
            Active a = it.next();
            if (now - a.endNanos() > 1_000_000_000L) {
                a.writer().finish();
                it.remove();
            }
        }
    }

    /** @return the clips being written */
    public synchronized List<Ticket> pending() {
        return active.stream().map(Active::ticket).toList();
    }

    /** Ends every running clip with what it has and waits for their children (up to 10 s each). */
    @Override
    public void close() {
        List<Active> all;
        synchronized (this) {
            all = new ArrayList<>(active);
            active.clear();
        }
        timer.shutdownNow();
        for (Active a : all) {
            a.writer().finishAndWait(10);
            a.writer().done().join();
        }
    }
}
