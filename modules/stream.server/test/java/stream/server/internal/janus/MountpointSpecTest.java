package stream.server.internal.janus;

import stream.server.internal.rtp.SdpWriter.H264Params;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.eclipsesource.json.Json;
import com.eclipsesource.json.JsonObject;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The mountpoint a stream asks Janus for: stable id, fmtp from the stream's SPS/PPS, a secret of its own. */
class MountpointSpecTest {
    private static JanusEndpoint endpoint(String json) {
        return JanusEndpoint.fromJson(Json.parse(json), "janus[0]");
    }

    @Test
    void theIdIsStablePerStreamAndFitsAJsonNumber() {
        long id = MountpointSpec.idFor("cam");
        assertEquals(id, MountpointSpec.idFor("cam"));
        assertNotEquals(id, MountpointSpec.idFor("cam2"));
        assertTrue(id >= 1 && id <= JanusEndpoint.MAX_ID, Long.toString(id));
        assertEquals(7, MountpointSpec.of("cam", endpoint("{\"url\":\"http://h/janus\",\"mountpoint\":7}"), Optional.empty()).id());
    }

    @Test
    void theCreateRequestCarriesTheStreamsParameters() {
        H264Params p = new H264Params("Z0LAFdoFB+wFqDAwNSgAAAMACAAAAwD0eLF1,aM48gA==", "42c015");
        MountpointSpec s = MountpointSpec.of("cam", endpoint("{\"url\":\"http://h/janus\"}"), Optional.of(p));
        JsonObject r = s.createRequest();
        assertEquals("create", r.getString("request", ""));
        assertEquals("rtp", r.getString("type", ""));
        assertEquals(false, r.getBoolean("permanent", true));
        JsonObject video = r.get("media").asArray().get(0).asObject();
        assertEquals(96, video.getInt("pt", 0));
        assertEquals("h264", video.getString("codec", ""));
        assertEquals(0, video.getInt("port", -1));
        assertEquals("profile-level-id=42c015;packetization-mode=1;sprop-parameter-sets=Z0LAFdoFB+wFqDAwNSgAAAMACAAAAwD0eLF1,aM48gA==",
                video.getString("fmtp", ""));
        assertEquals("profile-level-id=42e01f;packetization-mode=1", MountpointSpec.fmtp(Optional.empty()));
    }

    @Test
    void theMountpointSecretIsDerivedWhenTheInstanceHasSecretsAndNeverIsOneOfThem() {
        JanusEndpoint e = endpoint("{\"url\":\"http://h/janus\",\"adminKey\":\"adm\"}");
        Secret s = MountpointSpec.secretFor(e, 5);
        assertEquals(s, MountpointSpec.secretFor(endpoint("{\"url\":\"http://g/janus\",\"adminKey\":\"adm\"}"), 5));
        assertNotEquals(s, MountpointSpec.secretFor(e, 6));
        assertFalse(s.reveal().contains("adm"));
        // without any secret of the instance, the key is this process's own: still stable within it
        JanusEndpoint open = endpoint("{\"url\":\"http://h/janus\"}");
        assertEquals(MountpointSpec.secretFor(open, 5), MountpointSpec.secretFor(open, 5));
    }

    @Test
    void badNamesAreRefused() {
        assertThrows(IllegalArgumentException.class,
                () -> MountpointSpec.of("a b", endpoint("{\"url\":\"http://h/janus\"}"), Optional.empty()));
    }
}
