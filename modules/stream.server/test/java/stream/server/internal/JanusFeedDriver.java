package stream.server.internal;

import stream.server.internal.metrics.Metrics;
import stream.server.internal.rtp.RtpTap;
import com.eclipsesource.json.Json;
import com.eclipsesource.json.JsonObject;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.charset.StandardCharsets;
import stream.server.internal.janus.JanusEndpoint;
import stream.server.internal.janus.JanusFeed;
import stream.server.internal.janus.KeeperTiming;

/**
 * The server's side of the Janus tests, run as a separate JVM inside the test's server
 * namespace (a JVM cannot move its own sockets into a namespace): an {@link RtpTap} for the
 * SPS/PPS, a loopback UDP port whose packets go to {@link JanusFeed#accept} as the tap's packet
 * listener will, and the feed. Its settings come on the first line of stdin (so secrets stay off
 * the command line); then it answers "status" and "stop" with one line each.
 */
public final class JanusFeedDriver {
    private JanusFeedDriver() {}

    public static void main(String[] args) throws Exception {
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        JsonObject settings = Json.parse(in.readLine()).asObject();
        try (RtpTap tap = RtpTap.open(); DatagramChannel packets = DatagramChannel.open()) {
            packets.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            JanusFeed feed = JanusFeed.start(settings.getString("stream", "cam"),
                    JanusEndpoint.listFromJson(settings.get("janus")), tap::h264Params, KeeperTiming.DEFAULT);
            Thread.ofPlatform().daemon().start(() -> {
                ByteBuffer b = ByteBuffer.allocate(65536);
                try {
                    while (true) {
                        b.clear();
                        packets.receive(b);
                        feed.accept(b.array(), 0, b.position());
                    }
                } catch (java.io.IOException e) {
                    // closed at exit
                }
            });
            System.out.println("PORTS " + tap.port() + " " + ((InetSocketAddress) packets.getLocalAddress()).getPort());
            for (String line; (line = in.readLine()) != null; ) {
                switch (line) {
                    case "status" -> System.out.println("STATUS " + new JsonObject().add("janus", feed.toJson())
                            .add("metrics", feed.addTo(new Metrics()).text()));
                    case "stop" -> {
                        feed.close();
                        System.out.println("STOPPED " + new JsonObject().add("janus", feed.toJson()));
                    }
                    default -> System.out.println("ERROR unknown command " + line);
                }
            }
        }
    }
}
