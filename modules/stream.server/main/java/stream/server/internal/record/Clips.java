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
 *
 * <p>Bounded ({@link MediaLimits}): a request that a clip being written covers (it starts early
 * enough and ends at most {@link MediaLimits#CLIP_SHARE_SLACK} earlier) shares it, the clip's end
 * moved; past {@link MediaLimits#CLIPS_PER_STREAM} writers of this stream or
 * {@link MediaLimits#CLIPS_IN_ALL} of all streams a request is refused with {@link Busy} (429).
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
    public record Ticket(String name, Instant start, double beforeSeconds, double afterSeconds, Instant readyAt, boolean shared) {
        /** @return the ticket as JSON; {@code "shared": true} when another request's clip is extended for it */
        public JsonObject toJson() {
            JsonObject o = new JsonObject().add("name", name).add("start", start.toString())
                    .add("before", Math.round(beforeSeconds * 1000) / 1000.0).add("after", afterSeconds)
                    .add("readyAt", readyAt.toString());
            return shared ? o.add("shared", true) : o;
        }
    }

    /** A clip being written. */
    private static final class Active {
        final Mp4Writer writer;
        final long firstNanos; // its first unit's arrival
        final long wallOffset; // nanoTime at the request, with...
        final Instant wallAt; // ...the wall clock then
        final boolean audio;
        final Object slot;
        Ticket ticket;
        long endNanos;

        Active(Ticket ticket, Mp4Writer writer, long firstNanos, long endNanos, long wallOffset, Instant wallAt, boolean audio, Object slot) {
            this.ticket = ticket;
            this.writer = writer;
            this.firstNanos = firstNanos;
            this.endNanos = endNanos;
            this.wallOffset = wallOffset;
            this.wallAt = wallAt;
            this.audio = audio;
            this.slot = slot;
        }

        Ticket ticket() {
            return ticket;
        }

        Mp4Writer writer() {
            return writer;
        }

        long endNanos() {
            return endNanos;
        }
    }

    private final String gstLaunch;
    private final Path dir;
    private final double maxBefore;
    private final Catalog catalog;
    private final List<Active> active = new ArrayList<>(); // guarded by this
    private final ScheduledExecutorService timer;
    private final MediaLimits limits;
    private int children; // guarded by this: writers started whose child has not ended

    /**
     * @param gstLaunch the gst-launch-1.0 executable
     * @param dir where clips go (created when missing)
     * @param maxBefore the longest {@code before}, seconds: what the pre-roll keeps
     * @throws IOException when the directory cannot be created
     */
    public Clips(String gstLaunch, Path dir, double maxBefore) throws IOException {
        this(gstLaunch, dir, maxBefore, new MediaLimits());
    }

    /**
     * @param gstLaunch the gst-launch-1.0 executable
     * @param dir where clips go (created when missing)
     * @param maxBefore the longest {@code before}, seconds: what the pre-roll keeps
     * @param limits the bounds shared with the other streams
     * @throws IOException when the directory cannot be created
     */
    public Clips(String gstLaunch, Path dir, double maxBefore, MediaLimits limits) throws IOException {
        this.limits = Objects.requireNonNull(limits, "limits");
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
        long endNanos = nowNanos + (long) (after * 1e9);
        Ticket shared = share(firstNanos, endNanos, nowNanos, after, audioPreRoll != null);
        if (shared != null) return shared;
        if (children >= MediaLimits.CLIPS_PER_STREAM)
            throw new Busy(429, MediaLimits.CLIPS_PER_STREAM + " clips of this stream are being written already, the most at once",
                    MediaLimits.retryAfter(active.stream().mapToLong(Active::endNanos).min().orElse(nowNanos)),
                    "Try again after Retry-After seconds, or ask for a clip that one being written covers"
                            + " (GET clips lists them under \"pending\"): it then shares that one.");
        Object slot = limits.takeClip(endNanos);
        Instant start = now.minusNanos(wallOffset - firstNanos);
        String name = MediaName.of(start);
        while (taken(name)) name = MediaName.of(start = start.plusMillis(1));
        Ticket t = new Ticket(name, start, (nowNanos - firstNanos) / 1e9, after,
                now.plusNanos(endNanos - wallOffset).plusSeconds(1), false);
        String finalName = name;
        Mp4Writer w;
        try {
            w = Mp4Writer.start(gstLaunch, dir.resolve(name + MediaName.PARTIAL), payloadType, audioPreRoll != null, x -> {
                try {
                    Partials.publish(x.file());
                } catch (IOException e) {
                    LOG.log(Level.WARNING, "clip {0}: {1}", finalName, e.getMessage());
                } finally {
                    ended(slot);
                }
            });
        } catch (IOException | RuntimeException e) {
            limits.releaseClip(slot);
            throw e;
        }
        children++;
        for (AccessUnit u : preRoll) w.write(u);
        if (audioPreRoll != null) for (AudioPacket p : audioPreRoll) w.writeAudio(p.packet(), p.receivedNanos());
        active.add(new Active(t, w, firstNanos, endNanos, wallOffset, now, audioPreRoll != null, slot));
        return t;
    }

    /** A clip being written that covers the request, its end moved to the request's: its ticket for the request, or null. */
    private Ticket share(long firstNanos, long endNanos, long nowNanos, double after, boolean audio) {
        long slack = MediaLimits.CLIP_SHARE_SLACK.toNanos();
        long longest = (long) ((maxBefore + MAX_AFTER) * 1e9) + slack;
        for (Active a : active) {
            if (a.firstNanos > firstNanos || endNanos > a.endNanos + slack || a.audio != audio) continue;
            long end = Math.max(a.endNanos, endNanos);
            if (end - a.firstNanos > longest) continue;
            Instant readyAt = a.wallAt.plusNanos(end - a.wallOffset).plusSeconds(1);
            Ticket mine = a.ticket;
            // the first request's clip now goes on longer: its ticket (in GET clips, "pending") says so
            a.ticket = new Ticket(mine.name(), mine.start(), mine.beforeSeconds(), mine.afterSeconds() + (end - a.endNanos) / 1e9,
                    readyAt, mine.shared());
            a.endNanos = end;
            limits.extendClip(a.slot, end);
            return new Ticket(mine.name(), mine.start(), (nowNanos - a.firstNanos) / 1e9, after, readyAt, true);
        }
        return null;
    }

    private synchronized void ended(Object slot) {
        children--;
        limits.releaseClip(slot);
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
