package stream.server.internal.stream;

import stream.server.internal.settings.StreamName;
import stream.server.internal.feature.Feature;
import stream.server.internal.feature.Features;
import stream.server.internal.feature.StreamEvent;
import stream.server.internal.feature.StreamFeature;
import stream.server.internal.feature.StreamView;
import stream.server.internal.metrics.Metrics;
import stream.server.internal.rtp.RtpTap;
import stream.server.internal.rtp.SdpWriter;
import stream.server.internal.settings.StreamSettings;
import stream.server.internal.state.PidFile;
import stream.server.internal.supervisor.Exit;
import stream.server.internal.supervisor.Supervisor;
import com.eclipsesource.json.Json;
import com.eclipsesource.json.JsonObject;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * One named stream: its own supervisor (child, restart policy, stall watch), RTP tap (statistics,
 * SDP parameter sets), pid file and the parts its {@link Feature}s attached to it. What happens to
 * it (a child starts or ends, the settings change) is published to those parts as
 * {@link StreamEvent}s, in order, on the stream's own event thread; its deletion closes them. A
 * crash of one stream's child touches no other stream.
 */
public final class Stream implements AutoCloseable, StreamView {
    private static final System.Logger LOG = System.getLogger("stream.server");
    /** How long a settings change waits for the features to follow it (a recording finishes its segment). */
    private static final Duration FOLLOW_WAIT = Duration.ofSeconds(30);

    private final String name;
    private final String gstLaunch;
    private final Path mediaDir;
    private final Supervisor supervisor;
    private final RtpTap tap;
    private final RtpTap audioTap;
    private final EventQueue events;
    private volatile Map<Feature<?>, StreamFeature> parts = Map.of();
    private volatile StreamDefinition definition;

    private Stream(String name, String gstLaunch, Path mediaDir, Supervisor supervisor, RtpTap tap, RtpTap audioTap,
                   StreamDefinition definition) {
        this.name = name;
        this.gstLaunch = gstLaunch;
        this.mediaDir = mediaDir;
        this.supervisor = supervisor;
        this.tap = tap;
        this.audioTap = audioTap;
        this.definition = definition;
        this.events = new EventQueue(name);
    }

    /**
     * Checks the name, opens the stream's tap, makes its supervisor (no child yet) and attaches
     * the features.
     * @param name the name
     * @param gstLaunch the gst-launch-1.0 path
     * @param definition what it is
     * @param pidFile its pid file
     * @param mediaDir its own folder for recordings and clips
     * @param features the server's features
     * @return the stream
     * @throws IOException when no loopback UDP port can be bound for the tap
     * @throws IllegalArgumentException for a name that breaks the grammar (nothing is bound then)
     */
    static Stream open(String name, String gstLaunch, StreamDefinition definition, PidFile pidFile, Path mediaDir,
                       Features features) throws IOException {
        StreamName.check(name); // before anything is bound
        RtpTap tap, audioTap;
        try {
            tap = RtpTap.open();
        } catch (IOException e) {
            throw new IOException("cannot bind a loopback UDP port for the statistics of stream '" + name + "': " + e.getMessage(), e);
        }
        try {
            audioTap = RtpTap.open();
        } catch (IOException e) {
            tap.close();
            throw new IOException("cannot bind a loopback UDP port for the audio of stream '" + name + "': " + e.getMessage(), e);
        }
        Supervisor supervisor = new Supervisor(name, gstLaunch, definition.plan(), pidFile, tap);
        supervisor.audioTap(audioTap);
        Stream s = new Stream(name, gstLaunch, mediaDir, supervisor, tap, audioTap, definition);
        supervisor.events(s.new ChildEvents());
        supervisor.startWatchdog();
        s.parts = features.attach(s);
        s.settingsChanged();
        return s;
    }

    /** The supervisor's news, turned into events (called under its lock: only enqueues). */
    private final class ChildEvents implements Supervisor.Events {
        @Override
        public void childStarted(Instant at, long pid, StreamSettings settings) {
            events.publish(new StreamEvent.ChildStarted(at, pid, settings, tap), parts);
        }

        @Override
        public void childEnded(Exit exit) {
            events.publish(new StreamEvent.ChildEnded(exit, exit.requested()), parts);
        }
    }

    @Override
    public String name() {
        return name;
    }

    /** @return its supervisor */
    public Supervisor supervisor() {
        return supervisor;
    }

    @Override
    public Supervisor.State state() {
        return supervisor.state();
    }

    @Override
    public StreamSettings settings() {
        return supervisor.plan().settings();
    }

    @Override
    public Optional<SdpWriter.H264Params> h264Params() {
        return supervisor.h264Params();
    }

    @Override
    public Instant childStartedAt() {
        return supervisor.childStartedAt();
    }

    @Override
    public RtpTap rtp() {
        return tap;
    }

    @Override
    public RtpTap audioRtp() {
        return audioTap;
    }

    @Override
    public int keyframePort() {
        return supervisor.keyframePort();
    }

    @Override
    public Path mediaDir() {
        return mediaDir;
    }

    @Override
    public String gstLaunch() {
        return gstLaunch;
    }

    /**
     * @param feature a feature of the server
     * @return this stream's part of it, when it attached
     */
    public StreamFeature part(Feature<?> feature) {
        return parts.get(feature);
    }

    /**
     * Tells the features the settings in force now (after a start, a stop or a redefinition) and
     * waits, bounded, until they follow them (a recording that ends has finished its segment).
     */
    public void settingsChanged() {
        CompletableFuture<Void> done = events.publish(new StreamEvent.SettingsChanged(supervisor.plan().settings(), definition.fields()), parts);
        try {
            done.get(FOLLOW_WAIT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException | TimeoutException e) {
            LOG.log(Level.WARNING, "stream {0}: the features did not follow the new settings within {1} s", name, FOLLOW_WAIT.toSeconds());
        }
    }

    /** @return the definition in force */
    StreamDefinition definition() {
        return definition;
    }

    /** @return whether it starts with the server */
    public boolean autostart() {
        return definition.autostart();
    }

    /**
     * Takes a new definition unless its child runs with other settings.
     * @param d the definition
     * @return false when refused (the child runs with other settings)
     */
    boolean redefine(StreamDefinition d) {
        if (!supervisor.redefine(d.plan())) return false;
        definition = new StreamDefinition(supervisor.defaults(), d.autostart(), d.fields());
        settingsChanged();
        return true;
    }

    /** @return the status of GET /control: the supervisor's, then each feature's members */
    public JsonObject status() {
        JsonObject o = supervisor.status();
        StreamSettings running = supervisor.plan().settings();
        if (running.hasAudio()) { // only with sound: a stream without keeps its status as it was
            JsonObject audio = Json.object().add("source", running.get(StreamSettings.AUDIO));
            if (supervisor.childStartedAt() != null) audio.add("rtp", audioTap.snapshot().toJson());
            JsonObject microphone = supervisor.microphoneStatus();
            if (microphone != null) audio.add("microphone", microphone);
            String lost = supervisor.microphoneProblem();
            if (lost != null) audio.add("problem", lost);
            o.add("audio", audio);
        }
        for (StreamFeature p : parts.values()) {
            try {
                p.addStatus(o);
            } catch (RuntimeException e) {
                LOG.log(Level.WARNING, "stream {0}: a feature's status failed: {1}", name, e.toString());
            }
        }
        return o;
    }

    /** @param m the scrape being made: each feature's series of this stream */
    void addMetrics(Metrics m) {
        for (StreamFeature p : parts.values()) p.addMetrics(m);
    }

    /** @return GET /streams/{name}: the status of GET /control with "name" first and "autostart" last */
    public JsonObject entry() {
        JsonObject o = Json.object().add("name", name);
        JsonObject status = status();
        for (String field : status.names()) o.add(field, status.get(field));
        return o.add(StreamDefinition.AUTOSTART, autostart());
    }

    /** Marks it as going: from now on no start succeeds and a child that ends was stopped. */
    void beginClose() {
        supervisor.beginClose();
    }

    /** Ends the child (bounded), lets the features hear it, closes them (their files finished, their mounts gone), then the tap. */
    @Override
    public void close() {
        try {
            supervisor.close();
        } finally {
            try {
                events.drain(FOLLOW_WAIT);
            } finally {
                for (StreamFeature p : parts.values()) {
                    try {
                        p.close();
                    } catch (RuntimeException e) {
                        LOG.log(Level.WARNING, "stream {0}: closing a feature: {1}", name, e.toString());
                    }
                }
                events.close();
                tap.close();
                audioTap.close();
            }
        }
    }
}
