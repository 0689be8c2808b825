package stream.server.internal.supervisor;

import stream.server.internal.rtp.SdpWriter;
import stream.server.internal.settings.StreamSettings;
import stream.server.internal.sources.AudioSource;
import stream.server.internal.sources.Encoders;
import stream.server.internal.sources.RtspCamera;
import stream.server.internal.sources.Source;
import stream.server.internal.sources.Sources;
import static stream.server.internal.settings.StreamSettings.BITRATE;
import static stream.server.internal.settings.StreamSettings.DESTINATIONS;
import static stream.server.internal.settings.StreamSettings.HEIGHT;
import static stream.server.internal.settings.StreamSettings.MULTICAST;
import static stream.server.internal.settings.StreamSettings.PRESET;
import static stream.server.internal.settings.StreamSettings.SOURCE;
import static stream.server.internal.settings.StreamSettings.WIDTH;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.stream.Collectors;
import stream.server.internal.settings.SettingsGrammar.Endpoint;

/**
 * One start of the stream: the checked settings and the resolved source, turned into the
 * gst-launch-1.0 argument list. One element or property per argument; every value passed
 * {@link SettingsGrammar}, so none can add pipeline syntax. The values are read typed, as parsed
 * once by {@link StreamSettings}; none goes through text on its way here.
 *
 * <p>An IP camera ({@code rtsp://}) is no gst-launch-1.0 pipeline: its child is the camera relay
 * ({@link RtspCamera}), which passes the camera's H.264 through to the same targets and reads the
 * credentials from {@link #stdin()}; the encoder of a local camera is {@link #encoder()}.
 *
 * <p>The payloader feeds a {@code tee} with one {@code udpsink} per destination (or the multicast
 * group) and one more to the server's own RTP tap on 127.0.0.1, which is how the server sees
 * what actually leaves.
 *
 * <p>Keyframes on request: with a keyframe port (the supervisor picks a free loopback port per start)
 * the child reads RTCP there for its video ({@code udpsrc ! rtpsession.recv_rtcp_sink}, with sound
 * rtpbin's session 0). GStreamer's rtpsession turns a PLI or FIR about its sender's SSRC into an
 * upstream force-key-unit event, which x264enc and the hardware encoders honour with an IDR at the
 * next frame: a new WebRTC viewer, whose gateway sends the PLI, need not wait for the periodic one.
 * With a send port, the video leaves every destination's udpsink from that one port: a viewer on
 * the network sends its keyframe requests to the port after it (RTP's RTCP-on-the-next-port
 * convention), where the server's {@link ViewerFeedback} passes them on to the keyframe port.
 *
 * <p>Why each part is there: {@code video/x-raw,format=I420} before the encoder,
 * else x264enc negotiates 10-bit 4:4:4 that most players cannot decode; the profile caps after
 * it pin constrained-baseline (8-bit 4:2:0, plays everywhere); tune=zerolatency and
 * speed-preset=ultrafast take the encode delay from ~1.6 s to ~10 ms; key-int-max bounds how
 * long a late viewer waits for a picture; config-interval=1 repeats SPS/PPS with every IDR;
 * videorate lowers a camera's rate to the one asked for, and only drops: a videorate that may
 * also duplicate holds every frame until the next one arrives, one whole frame period of delay
 * (33 ms at 30 fps, measured glass to glass by bench/); the udpsinks send each packet as soon as it
 * is made ({@code sync=false}): a synchronising sink holds every buffer until its timestamp plus
 * the latency the live source declares (one frame period), which was most of the glass-to-glass
 * time (p50 55 ms with it, 6-8 ms without, 720p30; 39 ms and 5-8 ms at 60 fps; bench/sender-g2g.sh).
 * Every source here is live and paces the stream itself, so nothing needs the sink's clock. The
 * queues stay: without them the sinks would have to be async=false (the first to preroll blocks
 * the tee's only thread), and leaving them out measured no faster.
 *
 * @param settings the settings in force
 * @param source the source they resolve to
 */
public record StreamPlan(StreamSettings settings, Source source) {
    /** The name given to the first network sink; the supervisor watches its caps to know the stream runs. */
    public static final String SINK_NAME = "out";

    /** Checks that both are there. */
    public StreamPlan {
        Objects.requireNonNull(settings, "settings");
        Objects.requireNonNull(source, "source");
    }

    /**
     * Resolves the source of the settings (auto picks a camera or the test pattern).
     * @param settings the settings
     * @return the plan
     */
    public static StreamPlan of(StreamSettings settings) {
        return new StreamPlan(settings, Sources.choose(settings.get(SOURCE)));
    }

    /**
     * @param gstLaunch the gst-launch-1.0 executable
     * @param tapPort the loopback port of the RTP tap, or 0 for none
     * @return the full command line, program first
     */
    public List<String> command(String gstLaunch, int tapPort) {
        return command(gstLaunch, tapPort, 0);
    }

    /**
     * @param gstLaunch the gst-launch-1.0 executable
     * @param tapPort the loopback port of the RTP tap, or 0 for none
     * @param audioTapPort the loopback port of the audio RTP tap, or 0 for none (used only with audio)
     * @return the full command line, program first; with audio none exactly that of {@link #command(String, int)}
     */
    public List<String> command(String gstLaunch, int tapPort, int audioTapPort) {
        return command(gstLaunch, tapPort, audioTapPort, 0);
    }

    /**
     * @param gstLaunch the gst-launch-1.0 executable
     * @param tapPort the loopback port of the RTP tap, or 0 for none
     * @param audioTapPort the loopback port of the audio RTP tap, or 0 for none (used only with audio)
     * @param microphonePort the loopback port on which a microphone's capture child ({@link #microphone}) sends its sound
     *        (0 shows the command of a child not started: its port is chosen at each start)
     * @return the full command line, program first
     */
    public List<String> command(String gstLaunch, int tapPort, int audioTapPort, int microphonePort) {
        return command(gstLaunch, tapPort, audioTapPort, microphonePort, 0);
    }

    /**
     * @param gstLaunch the gst-launch-1.0 executable
     * @param tapPort the loopback port of the RTP tap, or 0 for none
     * @param audioTapPort the loopback port of the audio RTP tap, or 0 for none (used only with audio)
     * @param microphonePort the loopback port of a microphone's capture child, or 0 (see {@link #command(String, int, int, int)})
     * @param keyframePort the loopback UDP port on which the child takes RTCP for its video, or 0 for none: a PLI or
     *        FIR that arrives there makes the encoder send a keyframe at once (GStreamer's rtpsession turns it into
     *        a force-key-unit event upstream); not used for an IP camera, whose picture is not encoded here
     * @return the full command line, program first
     */
    public List<String> command(String gstLaunch, int tapPort, int audioTapPort, int microphonePort, int keyframePort) {
        return command(gstLaunch, tapPort, audioTapPort, microphonePort, keyframePort, 0);
    }

    /**
     * @param gstLaunch the gst-launch-1.0 executable
     * @param tapPort the loopback port of the RTP tap, or 0 for none
     * @param audioTapPort the loopback port of the audio RTP tap, or 0 for none (used only with audio)
     * @param microphonePort the loopback port of a microphone's capture child, or 0 (see {@link #command(String, int, int, int)})
     * @param keyframePort the loopback port of the child's RTCP feedback, or 0 (see {@link #command(String, int, int, int, int)})
     * @param sendPort the UDP port the video leaves from ({@code bind-port} of each destination's udpsink), or 0 for any:
     *        viewers send their keyframe requests to the port after it ({@link ViewerFeedback})
     * @return the full command line, program first
     */
    public List<String> command(String gstLaunch, int tapPort, int audioTapPort, int microphonePort, int keyframePort, int sendPort) {
        if (source.camera()) return RtspCamera.command(settings, tapPort, audioTapPort); // passed through; its sound with audio camera
        StreamSettings s = settings;
        if (s.hasAudio()) return withAudio(gstLaunch, tapPort, audioTapPort, microphonePort, keyframePort, sendPort);
        List<String> a = new ArrayList<>();
        a.add(gstLaunch);
        a.add("-e"); // SIGINT becomes EOS: a clean end
        a.add("-v"); // prints caps as negotiated: when the chain reaches the sink, and the SPS/PPS for the SDP
        a.addAll(source.arguments());
        Encoders.Choice encoder = encoder();
        a.addAll(List.of("!", "videoconvert", "!", "videoscale", "!", "videorate", "drop-only=true", "!",
                "video/x-raw,format=" + encoder.rawFormat() + ",width=" + s.get(WIDTH) + ",height=" + s.get(HEIGHT)
                        + ",framerate=" + s.framerate() + "/1", "!"));
        a.addAll(encoder.arguments(s.get(BITRATE), s.keyintFrames(), s.get(PRESET)));
        a.addAll(List.of("!", "rtph264pay", "config-interval=1", "pt=" + SdpWriter.PAYLOAD_TYPE, "!"));
        if (keyframePort > 0) {
            // An RTP session between payloader and tee only to read the RTCP feedback of its video (it sends none).
            a.addAll(List.of("rs.send_rtp_sink", "rtpsession", "name=rs", "rs.send_rtp_src", "!"));
        }
        // One udpsink per target after a tee: multiudpsink's clients list cannot carry IPv6 addresses (GStreamer 1.22
        // parses HOST:PORT at the first ':' and drops them silently). The first sink is named "out": its caps tell
        // the supervisor that the chain reached the network.
        a.addAll(List.of("tee", "name=t"));
        List<Endpoint> targets = new ArrayList<>(s.targets());
        if (tapPort > 0) targets.add(new Endpoint("127.0.0.1", tapPort));
        for (int i = 0; i < targets.size(); i++) {
            Endpoint e = targets.get(i);
            a.addAll(List.of("t.", "!", "queue", "!", "udpsink", "name=" + (i == 0 ? SINK_NAME : "out" + i),
                    "host=" + e.host(), "port=" + Integer.toString(e.port()), "sync=false"));
            if (sendPort > 0 && i < s.targets().size()) a.add("bind-port=" + sendPort); // the tap's copy needs none
            // The sender need not join its own group; loop stays on so viewers on this host receive it.
            if (e.multicast()) a.addAll(List.of("ttl-mc=" + s.ttl(), "auto-multicast=false"));
        }
        if (keyframePort > 0) a.addAll(keyframeRequests(keyframePort, "rs.recv_rtcp_sink"));
        return List.copyOf(a);
    }

    // Where the child takes the RTCP feedback (PLI, FIR) of its video, on loopback only.
    private static List<String> keyframeRequests(int port, String pad) {
        return List.of("udpsrc", "name=keyframes", "address=127.0.0.1", "port=" + port, "caps=application/x-rtcp", "!", pad);
    }

    /** @return the encoder of a local camera's child and why (probed once per JVM), or null for an IP camera, which is not encoded */
    public Encoders.Choice encoder() {
        return source.camera() ? null : Encoders.choose(settings.get(StreamSettings.ENCODER));
    }

    /**
     * What the child reads on its stdin: the camera's credentials for the camera relay, which must
     * not be on its command line; nothing for gst-launch-1.0.
     * @return the text, or null for none (stdin from /dev/null)
     */
    public String stdin() {
        return source.camera() ? RtspCamera.stdin(settings) : null;
    }

    /** The port offset of the audio RTP from the video RTP (RTCP on the odd port after each). */
    public static final int AUDIO_PORT_OFFSET = 2;
    /** The RTP payload type of the Opus audio. */
    public static final int AUDIO_PAYLOAD_TYPE = SdpWriter.AUDIO_PAYLOAD_TYPE;

    /*
     * With sound: one pipeline, one clock. The video chain as without sound (a white square flashing
     * each second over it with the test tone) and the audio chain (source, Opus 48 kHz stereo,
     * rtpopuspay) both go through one rtpbin, which sends RTCP sender reports: each maps its
     * stream's RTP timestamps to the same NTP wall clock, which is how receivers line the two up.
     * Audio RTP goes to each destination's port + 2, RTCP to the port after each RTP port; the
     * server's copies go to its two loopback taps (RTP only).
     */
    private List<String> withAudio(String gstLaunch, int tapPort, int audioTapPort, int microphonePort, int keyframePort, int sendPort) {
        StreamSettings s = settings;
        AudioSource audio = AudioSource.resolve(s.get(StreamSettings.AUDIO));
        List<String> a = new ArrayList<>();
        a.add(gstLaunch);
        a.add("-e");
        a.add("-v");
        // Sender reports map RTP time to the capture time (the buffers' running time), not to the send time: the
        // picture leaves later after its capture than the sound (encoding), and lining up send times would
        // carry that difference to every receiver.
        a.addAll(List.of("rtpbin", "name=rb", "rtcp-sync-send-time=false"));
        a.addAll(source.arguments());
        if (audio.kind() == AudioSource.Kind.TEST) {
            // The flash: videotestsrc pattern=blink at 2 fps alternates its two colours frame by frame, the
            // background first: with white as the background its white frames cover [n, n + 0.5 s) of running
            // time, when the tone beeps (measured in a recorded segment: flash and beep start together).
            // Not live: a live 2 fps source tells the compositor it is 500 ms late, and the compositor then gives
            // out its frames in bursts every half second (each first frame ~500 ms after its time); receivers that
            // time frames by arrival (the WebRTC gateway) then show the picture that much behind the sound.
            // Not live, it runs ahead of the compositor, which takes each frame when its time comes.
            int side = Math.max(16, (s.get(HEIGHT) / 6) & ~1);
            a.addAll(List.of("!", "videoconvert", "!", "videoscale", "!", "videorate", "drop-only=true", "!",
                    "video/x-raw,format=I420,width=" + s.get(WIDTH) + ",height=" + s.get(HEIGHT) + ",framerate=" + s.framerate() + "/1",
                    "!", "compositor", "name=flash", "sink_1::xpos=0", "sink_1::ypos=0",
                    "videotestsrc", "is-live=false", "pattern=blink", "foreground-color=0xff000000", "background-color=0xffffffff", "!",
                    "video/x-raw,format=I420,width=" + side + ",height=" + side + ",framerate=2/1", "!", "flash.", "flash."));
        }
        Encoders.Choice encoder = encoder();
        a.addAll(List.of("!", "videoconvert", "!", "videoscale", "!", "videorate", "drop-only=true", "!",
                "video/x-raw,format=" + encoder.rawFormat() + ",width=" + s.get(WIDTH) + ",height=" + s.get(HEIGHT)
                        + ",framerate=" + s.framerate() + "/1", "!"));
        a.addAll(encoder.arguments(s.get(BITRATE), s.keyintFrames(), s.get(PRESET)));
        a.addAll(List.of("!", "rtph264pay", "config-interval=1", "pt=" + SdpWriter.PAYLOAD_TYPE, "!", "rb.send_rtp_sink_0"));
        if (audio.capturedApart()) {
            a.addAll(AudioSource.receiveArguments(microphonePort));
        } else {
            a.addAll(audio.arguments());
        }
        a.addAll(List.of("!", "audioconvert", "!", "audioresample", "!", "audio/x-raw,rate=48000,channels=2", "!",
                "opusenc", "bitrate=64000", "!", "rtpopuspay", "pt=" + AUDIO_PAYLOAD_TYPE, "!", "rb.send_rtp_sink_1"));
        List<Endpoint> targets = new ArrayList<>(s.targets());
        sinks(a, "rb.send_rtp_src_0", "t", targets, tapPort, 0, true, sendPort);
        sinks(a, "rb.send_rtp_src_1", "ta", targets, audioTapPort, AUDIO_PORT_OFFSET, false, 0);
        sinks(a, "rb.send_rtcp_src_0", "tc", targets, 0, 1, false, 0);
        sinks(a, "rb.send_rtcp_src_1", "tac", targets, 0, AUDIO_PORT_OFFSET + 1, false, 0);
        if (keyframePort > 0) a.addAll(keyframeRequests(keyframePort, "rb.recv_rtcp_sink_0"));
        return List.copyOf(a);
    }

    // One queue and udpsink per target (its port + offset) and one to the tap after a tee; the first
    // video sink is named "out", as without sound.
    private void sinks(List<String> a, String pad, String tee, List<Endpoint> targets, int tapPort, int offset, boolean video,
            int sendPort) {
        a.addAll(List.of(pad, "!", "tee", "name=" + tee));
        List<Endpoint> all = new ArrayList<>();
        for (Endpoint e : targets) all.add(new Endpoint(e.host(), e.port() + offset));
        if (tapPort > 0) all.add(new Endpoint("127.0.0.1", tapPort));
        for (int i = 0; i < all.size(); i++) {
            Endpoint e = all.get(i);
            String name = video ? (i == 0 ? SINK_NAME : "out" + i) : tee + i;
            a.addAll(List.of(tee + ".", "!", "queue", "!", "udpsink", "name=" + name,
                    "host=" + e.host(), "port=" + Integer.toString(e.port()), "sync=false"));
            if (!video) a.add("async=false"); // RTCP comes only every few seconds: no sink waits on it
            if (sendPort > 0 && i < targets.size()) a.add("bind-port=" + sendPort);
            if (e.multicast()) a.addAll(List.of("ttl-mc=" + settings.ttl(), "auto-multicast=false"));
        }
    }

    /**
     * A microphone runs in a child of its own, so that a device that disappears ends only that child
     * and the video goes on (see {@link AudioSource#capturedApart()}).
     * @return the microphone of this plan, or null when there is none to capture apart (no sound, the test tone, a camera)
     */
    public AudioSource microphone() {
        if (source.camera() || !settings.hasAudio()) return null;
        AudioSource audio = AudioSource.resolve(settings.get(StreamSettings.AUDIO));
        return audio.capturedApart() ? audio : null;
    }

    /** @return where the stream goes, e.g. "127.0.0.1:5000" or "239.255.0.1:5004 (multicast, ttl 1)" */
    public String destinations() {
        if (settings.get(MULTICAST) != null) return settings.get(MULTICAST) + " (multicast, ttl " + settings.ttl() + ")";
        return settings.get(DESTINATIONS).stream().map(Endpoint::toString).collect(Collectors.joining(","));
    }
}
