package stream.server.internal;

import com.eclipsesource.json.Json;
import com.eclipsesource.json.JsonObject;
import java.io.IOException;

/**
 * One named stream: its own supervisor (child, restart policy, stall watch), RTP tap (statistics,
 * SDP parameter sets) and pid file, so a crash of one stream's child touches no other stream.
 * Its definition is the supervisor's defaults plus the autostart flag and the Janus instances it
 * feeds while its child runs ({@link StreamJanus}).
 */
public final class Stream implements AutoCloseable {
    private final String name;
    private final Supervisor supervisor;
    private final RtpTap tap;
    private final StreamWebRtc webrtc;
    private final StreamRecording recording;
    private final StreamJanus janus;
    private volatile boolean autostart;

    private Stream(String name, Supervisor supervisor, RtpTap tap, boolean autostart, StreamJanus janus, StreamRecording recording,
                   StreamWebRtc webrtc) {
        this.name = name;
        this.supervisor = supervisor;
        this.tap = tap;
        this.recording = recording;
        this.autostart = autostart;
        this.webrtc = webrtc;
        supervisor.addStatusMembers(webrtc::status);
        this.janus = janus;
    }

    /**
     * Opens the stream's tap and makes its supervisor (no child yet).
     * @param name the name (passed {@link StreamName})
     * @param gstLaunch the gst-launch-1.0 path
     * @param definition what it is
     * @param pidFile its pid file
     * @param mediaDir its own folder for recordings and clips
     * @param webrtc the server's WebRTC gateway (WHEP viewers)
     * @return the stream
     * @throws IOException when no loopback UDP port can be bound for the tap
     */
    static Stream open(String name, String gstLaunch, StreamDefinition definition, PidFile pidFile, java.nio.file.Path mediaDir,
                       stream.server.internal.webrtc.WebRtcService webrtc) throws IOException {
        RtpTap tap;
        try {
            tap = RtpTap.open();
        } catch (IOException e) {
            throw new IOException("cannot bind a loopback UDP port for the statistics of stream '" + name + "': " + e.getMessage(), e);
        }
        Supervisor supervisor = new Supervisor(name, gstLaunch, definition.plan(), pidFile, tap);
        supervisor.startWatchdog();
        StreamName.check(name);
        StreamRecording recording = StreamRecording.open(name, gstLaunch, mediaDir, tap);
        recording.follow(supervisor.plan().settings());
        return new Stream(name, supervisor, tap, definition.autostart(), StreamJanus.start(name, supervisor, tap, definition.janus()),
                recording, new StreamWebRtc(name, tap, webrtc));
    }

    /** @return the name */
    public String name() {
        return name;
    }

    /** @return its supervisor */
    public Supervisor supervisor() {
        return supervisor;
    }

    /** @return the RTP tap */
    RtpTap tap() {
        return tap;
    }

    /** @return its WebRTC viewers */
    StreamWebRtc webrtc() {
        return webrtc;
    }

    /** @return its recording, clips and snapshots */
    StreamRecording recording() {
        return recording;
    }

    /** Makes the recording follow the settings in force; call after a start, stop or redefinition. */
    void settingsChanged() {
        recording.follow(supervisor.plan().settings());
    }

    /** @return the definition in force */
    StreamDefinition definition() {
        return new StreamDefinition(supervisor.defaults(), autostart, janus.endpoints());
    }

    /** @return whether it starts with the server */
    public boolean autostart() {
        return autostart;
    }

    /**
     * Takes a new definition unless its child runs with other settings.
     * @param d the definition
     * @return false when refused (the child runs with other settings)
     */
    boolean redefine(StreamDefinition d) {
        if (!supervisor.redefine(d.plan())) return false;
        autostart = d.autostart();
        janus.redefine(d.janus());
        settingsChanged();
        return true;
    }

    /** @return its Janus fan-out */
    StreamJanus janus() {
        return janus;
    }

    /** @return the status of GET /control: the supervisor's, the Janus instances and the recording */
    JsonObject status() {
        return supervisor.status().add(StreamJanus.FIELD, janus.toJson()).add("recording", recording.status());
    }

    /** @return GET /streams/{name}: the status of GET /control with "name" first and "autostart" last */
    JsonObject entry() {
        JsonObject o = Json.object().add("name", name);
        JsonObject status = status();
        for (String field : status.names()) o.add(field, status.get(field));
        return o.add(StreamDefinition.AUTOSTART, autostart);
    }

    /** Marks it as going: from now on no start succeeds and a child that ends was stopped. */
    void beginClose() {
        supervisor.beginClose();
    }

    /** Ends the child (bounded), the Janus feed (its mountpoints destroyed), the recording (its files finished) and the tap. */
    @Override
    public void close() {
        try {
            webrtc.close();
            supervisor.close();
        } finally {
            try {
                janus.close();
            } finally {
                try {
                    recording.close();
                } finally {
                    tap.close();
                }
            }
        }
    }
}
