package stream.server.internal.record;

import java.util.List;
import java.util.Set;
import stream.server.internal.feature.Feature;
import stream.server.internal.feature.FeatureRoute;
import stream.server.internal.feature.StreamView;

/**
 * Recording, clips with pre-roll, and snapshots of every stream ({@link StreamRecording}), from
 * the stream's RTP copy, following its {@code record*} settings. Routes below /streams/NAME:
 * {@code snapshot.jpg}, {@code recordings} and {@code clips}.
 */
public final class RecordingFeature implements Feature<StreamRecording> {
    private final MediaLimits limits = new MediaLimits(); // one for all streams
    @Override
    public String name() {
        return "recording";
    }

    @Override
    public StreamRecording attach(StreamView stream) {
        return StreamRecording.open(stream.name(), stream.gstLaunch(), stream.mediaDir(), stream.rtp(), stream.audioRtp(), limits);
    }

    @Override
    public List<FeatureRoute<StreamRecording>> routes() {
        FeatureRoute.Handler<StreamRecording> answer = (ex, recording, rest) -> recording.answer(ex, rest);
        Set<String> read = Set.of("GET", "HEAD");
        return List.of(
                new FeatureRoute<>("snapshot.jpg", read, Set.of(),
                        "GET  /streams/NAME/snapshot.jpg   a JPEG of the running stream's next keyframe", false, answer),
                new FeatureRoute<>("recordings", read, Set.of("DELETE"),
                        "GET  /streams/NAME/recordings     the recorded MP4 segments (GET|DELETE /recordings/FILE)", false, answer),
                new FeatureRoute<>("clips", read, Set.of("POST", "DELETE"),
                        "POST /streams/NAME/clips          a clip with the seconds before it {\"before\":10,\"after\":5}"
                                + " (GET /clips lists them; GET|DELETE /clips/FILE)", false, answer));
    }
}
