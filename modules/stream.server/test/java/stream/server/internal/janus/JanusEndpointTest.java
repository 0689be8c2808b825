package stream.server.internal.janus;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.eclipsesource.json.Json;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** A stream's "janus" settings: what is accepted, what is refused and how, and that secrets never show. */
class JanusEndpointTest {
    private static final String SECRET = "top-s3cret-value";

    @Test
    void aFullEntryIsReadAndShownWithoutItsSecrets() {
        JanusEndpoint e = JanusEndpoint.fromJson(Json.parse("""
                {"url": "http://janus1.example:8088/janus", "apiSecret": "%s", "token": "%s-t", "adminKey": "%s-a",
                 "rtpHost": "10.0.0.5", "mountpoint": 42}""".formatted(SECRET, SECRET, SECRET)), "janus[0]");
        assertEquals("http://janus1.example:8088/janus", e.label());
        assertEquals("10.0.0.5", e.mediaHost());
        assertEquals(42, e.mountpointId());
        assertEquals(SECRET, e.apiSecret().reveal());
        for (String shown : List.of(e.toString(), e.toJson().toString(), e.apiSecret().toString(), String.valueOf(e.token())))
            assertFalse(shown.contains(SECRET), shown);
        assertEquals("""
                {"url":"http://janus1.example:8088/janus","secrets":["apiSecret","token","adminKey"],"rtpHost":"10.0.0.5","mountpoint":42}""",
                e.toJson().toString());
    }

    @Test
    void onlyTheUrlIsRequiredAndTheMediaGoesToItsHost() {
        JanusEndpoint e = JanusEndpoint.fromJson(Json.parse("{\"url\": \"http://[fd00::7]:8088/janus\"}"), "janus[0]");
        assertNull(e.apiSecret());
        assertEquals(0, e.mountpointId());
        assertEquals("fd00::7", e.mediaHost());
        assertEquals("{\"url\":\"http://[fd00::7]:8088/janus\",\"secrets\":[]}", e.toJson().toString());
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "{}",
        "{\"url\": 5}",
        "{\"url\": \"ftp://h/janus\"}",
        "{\"url\": \"http:///janus\"}",
        "{\"url\": \"http://user:pw@h:8088/janus\"}",
        "{\"url\": \"http://h:8088/janus?apisecret=x\"}",
        "{\"url\": \"http://h:8088/janus\", \"mountpoint\": 0}",
        "{\"url\": \"http://h:8088/janus\", \"mountpoint\": 1.5}",
        "{\"url\": \"http://h:8088/janus\", \"mountpoint\": 9007199254740993}",
        "{\"url\": \"http://h:8088/janus\", \"rtpHost\": \"a b\"}",
        "{\"url\": \"http://h:8088/janus\", \"apiSecret\": \"\"}",
        "{\"url\": \"http://h:8088/janus\", \"apisecret\": \"x\"}",
        "[]"
    })
    void badEntriesAreRefusedNamingTheField(String json) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> JanusEndpoint.fromJson(Json.parse(json), "janus[3]"));
        assertTrue(e.getMessage().startsWith("janus[3]"), e.getMessage());
    }

    @Test
    void aMistypedSecretIsNotEchoed() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> JanusEndpoint.fromJson(
                Json.parse("{\"url\": \"http://h:8088/janus\", \"token\": [\"" + SECRET + "\"]}"), "janus[0]"));
        assertFalse(e.getMessage().contains(SECRET), e.getMessage());
        assertEquals("janus[0].token: must be a non-empty string", e.getMessage());
    }

    @Test
    void theListRefusesTheSameJanusTwice() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> JanusEndpoint.listFromJson(Json.parse(
                "[{\"url\": \"http://h:8088/janus\"}, {\"url\": \"http://h:8088/janus\"}]")));
        assertTrue(e.getMessage().startsWith("janus[1].url: listed twice"), e.getMessage());
        assertEquals(2, JanusEndpoint.listFromJson(Json.parse(
                "[{\"url\": \"http://h:8088/janus\"}, {\"url\": \"http://g:8088/janus\"}]")).size());
        assertThrows(IllegalArgumentException.class, () -> JanusEndpoint.listFromJson(Json.parse("{}")));
    }

    @Test
    void secretsCompareByValueAndNeverPrint() {
        assertEquals(new Secret("a"), new Secret("a"));
        assertFalse(new Secret("a").equals(new Secret("b")));
        assertEquals("(secret)", new Secret(SECRET).toString());
        assertThrows(IllegalArgumentException.class, () -> new Secret(""));
    }
}
