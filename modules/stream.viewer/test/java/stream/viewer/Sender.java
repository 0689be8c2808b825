package stream.viewer;

import java.io.IOException;
import java.util.List;

/** A real H.264/RTP sender: gst-launch-1.0 with videotestsrc pattern=ball at 320x240, 30 fps, a keyframe a second. */
final class Sender implements AutoCloseable {
    private final Process process;

    private Sender(Process process) {
        this.process = process;
    }

    static Sender start(int port) throws IOException {
        return start("127.0.0.1", port);
    }

    /** Sends to host, which may be a multicast group (then looped back to this machine, TTL 0). */
    static Sender start(String host, int port) throws IOException {
        var command = List.of("gst-launch-1.0", "-q", "-e", "videotestsrc", "is-live=true", "pattern=ball",
                "!", "video/x-raw,width=320,height=240,framerate=30/1", "!", "videoconvert",
                "!", "video/x-raw,format=I420", "!", "x264enc", "tune=zerolatency", "speed-preset=ultrafast",
                "key-int-max=30", "!", "rtph264pay", "config-interval=1", "pt=96",
                "!", "udpsink", "host=" + host, "port=" + port,
                "auto-multicast=true", "ttl-mc=0", "loop=true");
        var pb = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD);
        return new Sender(pb.start());
    }

    /** Sends to 127.0.0.1:port from 127.0.0.1:from (udpsink bind-port), so a receiver can tell who sent it. */
    static Sender from(int from, int port) throws IOException {
        var command = List.of("gst-launch-1.0", "-q", "-e", "videotestsrc", "is-live=true", "pattern=snow",
                "!", "video/x-raw,width=320,height=240,framerate=15/1", "!", "videoconvert",
                "!", "video/x-raw,format=I420", "!", "x264enc", "tune=zerolatency", "speed-preset=ultrafast",
                "key-int-max=15", "!", "rtph264pay", "config-interval=1", "pt=96",
                "!", "udpsink", "host=127.0.0.1", "port=" + port, "bind-address=127.0.0.1", "bind-port=" + from);
        var pb = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD);
        return new Sender(pb.start());
    }

    /** H.264 on port and a 1 kHz Opus tone on port + 2, as a stream with audio=test sends them. */
    static Sender withAudio(int port) throws IOException {
        var command = List.of("gst-launch-1.0", "-q", "-e", "videotestsrc", "is-live=true", "pattern=ball",
                "!", "video/x-raw,width=320,height=240,framerate=30/1", "!", "videoconvert",
                "!", "video/x-raw,format=I420", "!", "x264enc", "tune=zerolatency", "speed-preset=ultrafast",
                "key-int-max=30", "!", "rtph264pay", "config-interval=1", "pt=96",
                "!", "udpsink", "host=127.0.0.1", "port=" + port,
                "audiotestsrc", "is-live=true", "freq=1000", "!", "audioconvert", "!", "audioresample",
                "!", "audio/x-raw,rate=48000,channels=2", "!", "opusenc", "!", "rtpopuspay", "pt=97",
                "!", "udpsink", "host=127.0.0.1", "port=" + (port + 2));
        var pb = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD);
        return new Sender(pb.start());
    }

    /** Kills the sender at once (SIGTERM: gst-launch dies without EOS), the way a crashed or stopped server looks. */
    @Override
    public void close() {
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly();
        try {
            process.waitFor();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

}
