package stream.viewer;

import java.net.URI;
import java.util.List;
import java.util.function.Consumer;
import stream.viewer.internal.webrtc.WhepCommand;

/**
 * Watching a stream over WebRTC instead of receiving pushed UDP: webrtcbin pulls it from the
 * server's WHEP endpoint (an SDP offer POSTed there, the answer in the reply, DELETE at the end),
 * so the server needs not know this machine's address and the video crosses NATs the way a
 * browser's does. Needs GStreamer's webrtcbin ({@code gstreamer1.0-plugins-bad} with
 * {@code gstreamer1.0-nice}); UPnP stays off on its ICE agent.
 *
 * @since 0.1
 */
public final class WhepViewer {
    private WhepViewer() {}

    /**
     * Watches until the frames are decoded, the timeout passes, or the process is stopped.
     * @param url the stream's WHEP endpoint, for example {@code http://host:8590/whep}
     * @param options the sink, frame limit and timeout (port, bind address, multicast group and
     *     snapshot are for UDP and do not apply)
     * @param iceAddresses the only local addresses to offer ICE candidates on; empty: every address
     * @param summary gets the closing line when it went well
     * @param progress gets what happens on the way, a line each
     * @param problem gets what went wrong, a line
     * @return 0 ok, 1 failed (refused, no frames in time), 3 environment (no display, server
     *     unreachable, no ICE candidate)
     * @throws IllegalArgumentException when the URL is no http(s) URL
     * @throws InterruptedException when interrupted
     */
    public static int watch(URI url, ViewerOptions options, List<String> iceAddresses, Consumer<String> summary, Consumer<String> progress,
            Consumer<String> problem) throws InterruptedException {
        URI checked = checkUrl(url.toString());
        double timeout = options.timeout() == null ? 0 : options.timeout().toMillis() / 1000.0;
        return WhepCommand.watch(new WhepCommand.Settings(checked, options.sink(), options.frames(), timeout, iceAddresses),
                summary, progress, problem);
    }

    /**
     * @param url the text given as a WHEP endpoint
     * @return it as a URL
     * @throws IllegalArgumentException naming what is wrong: not a URL, not http(s), no host
     */
    public static URI checkUrl(String url) {
        return WhepCommand.url(url);
    }
}
