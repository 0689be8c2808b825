package stream.server.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.eclipsesource.json.Json;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;
import stream.server.internal.settings.StreamSettings;
import stream.server.internal.sources.Source;
import stream.server.internal.supervisor.StreamPlan;

/**
 * The child's RTCP receive path for keyframe requests: with a keyframe port, the video passes an
 * rtpsession (without sound) or rtpbin's session 0 (with sound) that reads RTCP on that loopback
 * port; without one, and for an IP camera (passed through, no encoder), the command is unchanged.
 */
class KeyframePlanTest {
    private static final String GST = "/usr/bin/gst-launch-1.0";
    private static final Source TEST = new Source(Source.Kind.TEST, null, "t");
    private static final StreamSettings D = StreamSettings.defaults().with("destinations", "10.0.0.2:6000");
    private static final List<String> RTCP_IN = List.of("udpsrc", "name=keyframes", "address=127.0.0.1", "port=41000",
            "caps=application/x-rtcp", "!");

    @Test
    void withoutSoundAnRtpSessionBetweenPayloaderAndTeeReadsTheRtcp() {
        List<String> cmd = new StreamPlan(D, TEST).command(GST, 40000, 0, 0, 41000);
        int pay = cmd.indexOf("rtph264pay");
        assertEquals(List.of("rs.send_rtp_sink", "rtpsession", "name=rs", "rs.send_rtp_src", "!", "tee", "name=t"),
                cmd.subList(pay + 4, pay + 11), cmd.toString());
        assertTrue(Collections.indexOfSubList(cmd, append(RTCP_IN, "rs.recv_rtcp_sink")) > 0, cmd.toString());
        // Without a port: the pipeline it always was.
        assertEquals(new StreamPlan(D, TEST).command(GST, 40000, 0, 0), new StreamPlan(D, TEST).command(GST, 40000, 0, 0, 0));
        assertTrue(!String.join(" ", new StreamPlan(D, TEST).command(GST, 40000, 0, 0, 0)).contains("rtpsession"));
    }

    @Test
    void withSoundRtpbinsVideoSessionReadsIt() {
        StreamSettings s = D.with("audio", "test");
        List<String> cmd = new StreamPlan(s, TEST).command(GST, 40000, 40100, 0, 41000);
        assertTrue(Collections.indexOfSubList(cmd, append(RTCP_IN, "rb.recv_rtcp_sink_0")) > 0, cmd.toString());
        List<String> without = new StreamPlan(s, TEST).command(GST, 40000, 40100, 0, 0);
        assertEquals(without, cmd.subList(0, without.size()), "the keyframe path only adds to the pipeline");
    }

    /** With a send port, every destination's video sink binds it (viewers ask the port after it); the server's tap does not. */
    @Test
    void theVideoLeavesEveryDestinationFromTheSendPortAndTheTapFromAnyPort() {
        StreamSettings two = D.with("destinations", "10.0.0.2:6000,10.0.0.3:6000");
        for (StreamSettings s : List.of(two, two.with("audio", "test"))) {
            List<String> cmd = new StreamPlan(s, TEST).command(GST, 40000, 40100, 0, 41000, 42000);
            assertEquals(2, Collections.frequency(cmd, "bind-port=42000"), cmd.toString());
            int out = cmd.indexOf("name=out"), out1 = cmd.indexOf("name=out1"), tap = cmd.indexOf("name=out2");
            assertTrue(cmd.subList(out, out1).contains("bind-port=42000") && cmd.subList(out1, tap).contains("bind-port=42000"), cmd.toString());
            assertTrue(cmd.get(tap + 1).equals("host=127.0.0.1") && cmd.get(tap + 2).equals("port=40000"), cmd.toString());
            List<String> without = new StreamPlan(s, TEST).command(GST, 40000, 40100, 0, 41000);
            List<String> less = new java.util.ArrayList<>(cmd);
            less.removeIf("bind-port=42000"::equals);
            assertEquals(without, less, "the send port only adds the two bind-ports");
        }
    }

    @Test
    void anIpCameraIsPassedThroughAndTakesNone() {
        StreamSettings camera = D.withJson(Json.parse("{\"source\":\"rtsp://cam.local:8554/live\"}").asObject());
        StreamPlan plan = StreamPlan.of(camera);
        assertTrue(plan.source().camera());
        assertEquals(plan.command(GST, 40000, 0, 0, 0), plan.command(GST, 40000, 0, 0, 41000));
        assertTrue(!String.join(" ", plan.command(GST, 40000, 0, 0, 41000)).contains("41000"));
        assertEquals(plan.command(GST, 40000, 0, 0, 0), plan.command(GST, 40000, 0, 0, 41000, 42000));
    }

    private static List<String> append(List<String> list, String last) {
        var all = new java.util.ArrayList<>(list);
        all.add(last);
        return all;
    }
}
