package stream.server.internal;

import stream.server.internal.settings.StreamSettings;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import stream.server.ServerConfig;

/** The server's WebRTC options: --webrtc-addresses, --stun-server and the max-viewers setting. */
class WebRtcOptionsTest {
    private static ServerConfig config(Map<String, String> env, String... args) throws Main.UsageException {
        return Main.toConfig(Main.parse(args, env));
    }

    @Test
    void addressesAreIpLiteralsOrAll() throws Exception {
        assertNull(config(Map.of()).webrtcAddresses(), "default: derived from --bind when the server starts");
        assertEquals(List.of("10.0.0.1", "0:0:0:0:0:0:0:1"), config(Map.of(), "--webrtc-addresses", "10.0.0.1, ::1").webrtcAddresses());
        assertEquals(List.of(), config(Map.of(), "--webrtc-addresses", "all").webrtcAddresses());
        assertEquals(List.of("192.168.1.5"), config(Map.of("STREAM_WEBRTC_ADDRESSES", "192.168.1.5")).webrtcAddresses());
        var e = assertThrows(Main.UsageException.class, () -> config(Map.of(), "--webrtc-addresses", "example.com"));
        assertTrue(e.getMessage().contains("--webrtc-addresses") && e.getMessage().contains("example.com"), e.getMessage());
    }

    @Test
    void noStunServerUnlessOneIsGiven() throws Exception {
        assertNull(config(Map.of()).stunServer());
        assertEquals("stun://stun.example.net:3478", config(Map.of(), "--stun-server", "stun://stun.example.net:3478").stunServer());
        var e = assertThrows(Main.UsageException.class, () -> config(Map.of(), "--stun-server", "http://x:1"));
        assertTrue(e.getMessage().contains("--stun-server") && e.getMessage().contains("stun://HOST:PORT"), e.getMessage());
    }

    @Test
    void maxViewersIsAStreamSettingWithItsRange() throws Exception {
        assertEquals(16, StreamSettings.defaults().get(StreamSettings.MAX_VIEWERS));
        assertTrue(config(Map.of(), "--max-viewers", "3").settingsJson().contains("\"max-viewers\":3"));
        var e = assertThrows(IllegalArgumentException.class, () -> config(Map.of(), "--max-viewers", "0"));
        assertTrue(e.getMessage().contains("--max-viewers") && e.getMessage().contains("1 to 100"), e.getMessage());
    }
}
