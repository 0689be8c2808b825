package stream.server.internal.janus;

import com.eclipsesource.json.JsonArray;
import com.eclipsesource.json.JsonObject;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import stream.server.internal.rtp.SdpWriter;
import stream.server.internal.rtp.SdpWriter.H264Params;

/**
 * The streaming mountpoint a stream gets on a Janus instance: RTP, one video medium, H.264 with
 * payload type 96 and the stream's fmtp (RFC 6184: profile-level-id, packetization-mode=1 and,
 * when known, sprop-parameter-sets), a port Janus chooses, listable, not saved to Janus's
 * configuration (a restarted Janus forgets it and the keeper creates it again).
 *
 * @param id the mountpoint id
 * @param name its name in Janus (the stream's name)
 * @param secret the mountpoint's secret: needed to destroy it and to learn its port
 * @param fmtp the H.264 fmtp line's value
 */
public record MountpointSpec(long id, String name, Secret secret, String fmtp) {
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9._-]{1,64}");
    /** The profile our pipeline pins (constrained baseline) at level 3.1, when the SPS is not known yet. */
    static final String DEFAULT_PROFILE_LEVEL_ID = "42e01f";
    private static final byte[] PROCESS_KEY = randomKey();

    /** Checks the parts. */
    public MountpointSpec {
        if (id < 1 || id > JanusEndpoint.MAX_ID) throw new IllegalArgumentException("mountpoint id out of range: " + id);
        Objects.requireNonNull(name, "name");
        if (!NAME.matcher(name).matches()) throw new IllegalArgumentException("mountpoint name " + name + ": letters, digits, . _ - only");
        Objects.requireNonNull(secret, "secret");
        Objects.requireNonNull(fmtp, "fmtp");
    }

    /**
     * The mountpoint for a stream on one Janus instance.
     * @param stream the stream's name
     * @param endpoint the instance (its configured mountpoint id, and the secrets the mountpoint's own is derived from)
     * @param params the stream's H.264 parameters, when known
     * @return the spec
     */
    public static MountpointSpec of(String stream, JanusEndpoint endpoint, Optional<H264Params> params) {
        long id = endpoint.mountpointId() != 0 ? endpoint.mountpointId() : idFor(stream);
        return new MountpointSpec(id, stream, secretFor(endpoint, id), fmtp(params));
    }

    /**
     * A stable id for a stream's mountpoint, the same on every instance and after every restart,
     * so a viewer's page can keep its id: 1..2^48 from a hash of the name.
     * @param stream the stream's name
     * @return the id
     */
    public static long idFor(String stream) {
        byte[] h = sha256(("stream.server mountpoint " + stream).getBytes(StandardCharsets.UTF_8));
        return (ByteBuffer.wrap(h).getLong() >>> 16) + 1;
    }

    /**
     * The mountpoint's secret. Derived from the instance's own secrets when it has any, so that a
     * server restarted after a crash can still destroy the mountpoint its predecessor created;
     * otherwise random for this process.
     */
    static Secret secretFor(JanusEndpoint e, long id) {
        Secret base = e.adminKey() != null ? e.adminKey() : e.apiSecret() != null ? e.apiSecret() : e.token();
        byte[] key = base != null ? base.reveal().getBytes(StandardCharsets.UTF_8) : PROCESS_KEY;
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            byte[] out = mac.doFinal(("mountpoint " + id).getBytes(StandardCharsets.UTF_8));
            return new Secret(Base64.getUrlEncoder().withoutPadding().encodeToString(out));
        } catch (GeneralSecurityException ex) {
            throw new IllegalStateException("HmacSHA256 missing from the JDK", ex);
        }
    }

    /**
     * The fmtp value Janus puts in the SDP it offers to browsers.
     * @param params the stream's parameters, when known
     * @return e.g. {@code profile-level-id=42c01f;packetization-mode=1;sprop-parameter-sets=Z0LA...,aM4...}
     */
    public static String fmtp(Optional<H264Params> params) {
        String pli = params.map(H264Params::profileLevelId).orElse(DEFAULT_PROFILE_LEVEL_ID);
        StringBuilder b = new StringBuilder("profile-level-id=").append(pli).append(";packetization-mode=1");
        params.map(H264Params::spropParameterSets).ifPresent(s -> b.append(";sprop-parameter-sets=").append(s));
        return b.toString();
    }

    /** @return the body of the streaming plugin's {@code create} request (without the admin key) */
    JsonObject createRequest() {
        JsonObject video = new JsonObject().add("type", "video").add("mid", "v").add("label", "video")
                .add("port", 0) // Janus picks a free port from its rtp_port_range
                .add("pt", SdpWriter.PAYLOAD_TYPE).add("codec", "h264").add("fmtp", fmtp);
        return new JsonObject().add("request", "create").add("type", "rtp").add("id", id).add("name", name)
                .add("description", name).add("secret", secret.reveal()).add("is_private", false)
                .add("permanent", false).add("media", new JsonArray().add(video));
    }

    private static byte[] randomKey() {
        byte[] k = new byte[32];
        new SecureRandom().nextBytes(k);
        return k;
    }

    private static byte[] sha256(byte[] b) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(b);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("SHA-256 missing from the JDK", e);
        }
    }
}
