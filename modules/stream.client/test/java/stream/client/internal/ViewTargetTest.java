package stream.client.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import stream.client.ControlResponse;
import stream.viewer.ViewerOptions;

/**
 * Where view --stream receives a stream, from the settings in the stream's status (the shape of
 * stream-server's GET /control: "settings" with "destinations" or "multicast"; an older server's
 * "destination" text when there are no settings).
 */
class ViewTargetTest {
    private static final URI HERE = URI.create("http://127.0.0.1:8590");
    private static final URI ELSEWHERE = URI.create("http://192.0.2.1:8590"); // TEST-NET-1: never this machine

    @Test
    void aLoopbackDestinationOfAServerHereGivesItsPort() {
        var t = ViewTarget.of("cam2", unicast("192.0.2.7:5000", "127.0.0.1:5002"), HERE);
        assertTrue(t.found());
        assertEquals(5002, t.port());
        assertNull(t.group());
        assertEquals("Stream cam2 goes to udp://127.0.0.1:5002: receiving on UDP port 5002.", t.message());
        var options = t.applyTo(ViewerOptions.defaults().withSink("none").withFrames(7));
        assertEquals(5002, options.port());
        assertNull(options.multicastGroup());
        assertEquals(7, options.frames(), "the other options stay");

        assertEquals(5004, ViewTarget.of("v6", unicast("[::1]:5004"), URI.create("http://[::1]:8590")).port(), "IPv6 loopback");
        assertEquals(5006, ViewTarget.of("named", unicast("localhost:5006"), HERE).port(), "a host name that is this machine");
    }

    @Test
    void aMulticastStreamGivesGroupAndPort() {
        var settings = new HashMap<String, Object>(Map.of("destinations", List.of(), "multicast", "239.255.12.1:5008", "ttl", 1L));
        var t = ViewTarget.of("mc", status(settings, "239.255.12.1:5008 (multicast, ttl 1)"), ELSEWHERE);
        assertTrue(t.found(), "a group is received wherever the server is");
        assertEquals(5008, t.port());
        assertEquals("239.255.12.1", t.group());
        assertEquals("Stream mc goes to multicast group 239.255.12.1 port 5008: joining it.", t.message());
        assertEquals("239.255.12.1", t.applyTo(ViewerOptions.defaults()).multicastGroup());
    }

    @Test
    void noDestinationHereSaysWhereItGoesAndWhatToDo() {
        var t = ViewTarget.of("far", unicast("192.0.2.7:5000", "192.0.2.8:5002"), HERE);
        assertFalse(t.found());
        assertEquals("stream far sends to udp://192.0.2.7:5000, udp://192.0.2.8:5002, none of them this machine; add a"
                + " destination on this machine to the stream's settings (stop it, then PUT /streams/far with \"destinations\""
                + " that include this machine's address and a free UDP port), or give --port or --multicast yourself", t.message());
    }

    @Test
    void loopbackOfARemoteServerIsTheServersOwnMachine() {
        var t = ViewTarget.of("cam2", unicast("127.0.0.1:5002"), ELSEWHERE);
        assertFalse(t.found());
        assertTrue(t.message().startsWith("stream cam2 sends to udp://127.0.0.1:5002, none of them this machine"
                + " (a loopback address there is the server's own machine); add a destination"), t.message());
    }

    @Test
    void anOlderServersDestinationTextIsReadWhenThereAreNoSettings() {
        var unicast = ViewTarget.of("main", status(null, "192.0.2.7:5000,127.0.0.1:5010"), HERE);
        assertEquals(5010, unicast.port());
        var group = ViewTarget.of("main", status(null, "239.255.0.1:5004 (multicast, ttl 1)"), HERE);
        assertEquals("239.255.0.1", group.group());
        assertEquals(5004, group.port());
        var none = ViewTarget.of("main", status(null, null), HERE);
        assertFalse(none.found());
        assertTrue(none.message().startsWith("stream main has no destinations; add a destination on this machine"), none.message());
    }

    @Test
    void endpointsAreReadAsTheServerWritesThem() {
        assertEquals(new ViewTarget.Endpoint("10.0.0.2", 5000), ViewTarget.endpoint(" 10.0.0.2:5000 "));
        assertEquals(new ViewTarget.Endpoint("::1", 5000), ViewTarget.endpoint("[::1]:5000"));
        assertEquals(new ViewTarget.Endpoint("cam.example", 6000), ViewTarget.endpoint("udp://cam.example:6000"));
        assertEquals("udp://[::1]:5000", ViewTarget.endpoint("[::1]:5000").url());
        for (String bad : List.of("", "host", ":5000", "host:0", "host:70000", "host:port")) {
            assertNull(ViewTarget.endpoint(bad), bad);
        }
    }

    private static ControlResponse unicast(String... destinations) {
        var settings = new HashMap<String, Object>(Map.of("destinations", List.of(destinations), "ttl", 1L));
        return status(settings, String.join(",", destinations));
    }

    private static ControlResponse status(Map<String, Object> settings, String destination) {
        var json = new HashMap<String, Object>();
        json.put("status", "stopped");
        json.put("destination", destination);
        if (settings != null) {
            json.put("settings", settings);
        }
        return new ControlResponse(200, json, "{}");
    }
}
