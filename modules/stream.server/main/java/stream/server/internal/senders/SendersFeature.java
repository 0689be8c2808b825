package stream.server.internal.senders;

import stream.server.internal.feature.Feature;
import stream.server.internal.feature.StreamView;

/**
 * Watches, while a stream's child runs, for other programs of this machine that send to the
 * stream's destinations ({@link OtherSenders}): a viewer there would get both streams' packets and
 * show broken video. The stream's status says who ({@code otherSenders}) and the log says it once.
 */
public final class SendersFeature implements Feature<StreamSenders> {
    @Override
    public String name() {
        return "senders";
    }

    @Override
    public StreamSenders attach(StreamView stream) {
        return new StreamSenders(stream);
    }
}
