package stream.server.internal.janus;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.eclipsesource.json.Json;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The player's files are in the module, and its policy lets it reach exactly the configured Janus instances. */
class JanusPlayerPageTest {
    @Test
    void filesArePackagedAndThePageLoadsItsScriptFromItself() {
        String html = new String(JanusPlayerPage.read("janus-player.html"), StandardCharsets.UTF_8);
        assertTrue(html.contains("<script src=\"janus-player.js\" defer></script>"), html);
        assertTrue(new String(JanusPlayerPage.read("janus-player.js"), StandardCharsets.UTF_8).contains("janus.plugin.streaming"));
        assertThrows(IllegalArgumentException.class, () -> JanusPlayerPage.read("../Secret.class"));
    }

    @Test
    void thePolicyNamesTheJanusOriginsOnly() {
        List<JanusEndpoint> janus = JanusEndpoint.listFromJson(Json.parse(
                "[{\"url\":\"http://10.0.0.2:8088/janus\",\"apiSecret\":\"s\"},{\"url\":\"https://janus.example/janus\"}]"));
        assertEquals("default-src 'none'; script-src 'self'; media-src 'self' blob:; "
                + "connect-src 'self' http://10.0.0.2:8088 https://janus.example; frame-ancestors 'self'; base-uri 'none'; form-action 'none'",
                JanusPlayerPage.csp(janus));
    }
}
