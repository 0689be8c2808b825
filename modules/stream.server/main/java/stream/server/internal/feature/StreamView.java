package stream.server.internal.feature;

import stream.server.internal.rtp.RtpTap;
import stream.server.internal.rtp.SdpWriter;
import stream.server.internal.settings.StreamSettings;
import stream.server.internal.supervisor.Supervisor;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Optional;

/** What a {@link StreamFeature} may read of its stream, from any thread, without waiting. */
public interface StreamView {
    /** @return the stream's name */
    String name();

    /** @return the state of its child */
    Supervisor.State state();

    /** @return the settings in force (those of the running child, else of the next start) */
    StreamSettings settings();

    /** @return the H.264 parameter sets of the running child, when seen */
    Optional<SdpWriter.H264Params> h264Params();

    /** @return when the running child started, or null with none */
    Instant childStartedAt();

    /** @return the loopback copy of the stream's RTP output */
    RtpTap rtp();

    /**
     * @return the loopback copy of the stream's audio RTP (Opus, payload type 97): packets arrive
     *         only while a child with sound ({@link StreamSettings#hasAudio()}) runs
     */
    RtpTap audioRtp();

    /**
     * @return the loopback UDP port on which the stream's current child takes RTCP feedback (PLI, FIR) for its
     *         video and answers with a keyframe at once; 0 for none (an IP camera, no child yet). It changes with
     *         every start of the child ({@link StreamEvent.ChildStarted}).
     */
    default int keyframePort() {
        return 0;
    }

    /** @return the stream's own folder (recordings, clips), in the state directory */
    Path mediaDir();

    /** @return the gst-launch-1.0 executable the server uses */
    String gstLaunch();
}
