package bench;

import com.eclipsesource.json.Json;
import com.eclipsesource.json.JsonObject;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Pattern;

/**
 * The image's WebRTC gateway process (module stream.viewer), started as the server starts it and
 * driven over its JSON-lines protocol on stdin/stdout (see the package doc of
 * stream.viewer.internal.webrtc): the bench speaks for the server, which does not route WHEP yet.
 */
final class GatewayProc {
    static final String MAIN = "stream.viewer/stream.viewer.internal.webrtc.Gateway";

    final Proc proc;
    private final OutputStream stdin;
    private final AtomicLong ids = new AtomicLong();

    /** Starts the gateway from the image through prefix (ip netns exec NAME), ICE on loopback only. */
    GatewayProc(Config cfg, List<String> prefix) throws Exception {
        this(cfg, prefix, List.of());
    }

    /** The same with more of the gateway's options (--max-viewers N, --idle-timeout S). */
    GatewayProc(Config cfg, List<String> prefix, List<String> options) throws Exception {
        List<String> cmd = new ArrayList<>(prefix);
        // the flags GatewayCommand.ofRuntime gives the server's gateway
        cmd.addAll(List.of(cfg.bin("java"), "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-Xss512k", "-Xmx64m",
                "--enable-native-access=com.sun.jna", "-m", MAIN, "--ice-address", "127.0.0.1"));
        cmd.addAll(options);
        proc = Proc.start("webrtc-gateway", cmd, null, cfg.logs());
        stdin = proc.process.getOutputStream();
        if (proc.await(Pattern.compile("\"event\":\"ready\""), 30_000) == null) {
            proc.stop();
            throw new IOException("the WebRTC gateway did not get ready within 30 s: " + proc.tail(4));
        }
    }

    /** One request; its reply, or an IOException with the gateway's error. */
    JsonObject call(JsonObject request) throws IOException, InterruptedException {
        long id = ids.incrementAndGet();
        byte[] line = (request.add("id", id).toString() + "\n").getBytes(StandardCharsets.UTF_8);
        synchronized (stdin) {
            stdin.write(line);
            stdin.flush();
        }
        Proc.Line reply = proc.await(Pattern.compile("^\\{.*\"id\":" + id + "[,}]"), 25_000);
        if (reply == null) throw new IOException("the WebRTC gateway did not answer " + request + ": " + proc.tail(3));
        JsonObject o = Json.parse(reply.text()).asObject();
        if (o.get("error") != null) throw new IOException("WebRTC gateway: " + o.getString("error", "?") + " (" + o.getInt("status", 0) + ")");
        return o;
    }

    long pid() { return proc.pid(); }
}
