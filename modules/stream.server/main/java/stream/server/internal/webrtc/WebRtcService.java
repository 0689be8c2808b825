package stream.server.internal.webrtc;

import com.eclipsesource.json.Json;
import com.eclipsesource.json.JsonObject;
import java.util.ArrayList;
import java.util.List;

/**
 * The server's WebRTC: one gateway process shared by every stream, made on the first WHEP offer
 * (a server nobody watches in a browser never starts it), ended with the server, and ended
 * {@link #IDLE_SECONDS} after its last viewer left.
 */
public final class WebRtcService implements AutoCloseable {
    /** Seconds a gateway without viewers keeps running before it ends. */
    public static final int IDLE_SECONDS = 60;
    /** The gateway's own limit, over all streams; each stream's max-viewers is checked by the server. */
    private static final int GATEWAY_MAX_VIEWERS = 1000;

    private final List<String> iceAddresses;
    private final String stunServer;
    private WebRtcGateway gateway; // guarded by this; made on the first offer
    private boolean closed;

    /**
     * @param iceAddresses the only addresses ICE may offer; empty for every address of the host
     * @param stunServer stun://host:port, or null for none
     */
    public WebRtcService(List<String> iceAddresses, String stunServer) {
        this.iceAddresses = List.copyOf(iceAddresses);
        this.stunServer = stunServer;
    }

    /**
     * @return the gateway, made now when there is none (its process starts with the first offer)
     * @throws WhepException 503 when the server is closing or the gateway cannot be found
     */
    public synchronized WebRtcGateway gateway() throws WhepException {
        if (closed) throw new WhepException(503, "the server is shutting down", null);
        if (gateway == null) {
            var options = new ArrayList<String>();
            for (String a : iceAddresses) options.addAll(List.of("--ice-address", a));
            options.addAll(List.of("--max-viewers", String.valueOf(GATEWAY_MAX_VIEWERS)));
            if (stunServer != null) options.addAll(List.of("--stun-server", stunServer));
            GatewayCommand command;
            try {
                command = GatewayCommand.ofRuntime(System.getProperty(GatewayCommand.MODULE_PATH_PROPERTY), options);
            } catch (IllegalStateException e) {
                throw new WhepException(503, "WebRTC is not available: " + e.getMessage(), null);
            }
            gateway = new WebRtcGateway(command);
            gateway.endWhenIdle(IDLE_SECONDS);
        }
        return gateway;
    }

    /** @return the gateway when one was made, else null */
    public synchronized WebRtcGateway existing() {
        return gateway;
    }

    /**
     * @return the gateway as a stream's status shows it: {@code status} (idle, running, exited),
     *     {@code pid}, {@code starts}, {@code lastExit} (how a gateway that died ended) and its last stderr lines
     */
    public JsonObject status() {
        WebRtcGateway g = existing();
        if (g == null) {
            return new JsonObject().add("status", "idle").add("pid", Json.NULL).add("starts", 0)
                    .add("lastExit", Json.NULL).add("lastStderr", Json.array());
        }
        JsonObject all = g.status();
        JsonObject out = new JsonObject();
        for (String name : List.of("status", "pid", "starts", "lastExit")) out.add(name, all.get(name));
        // The stderr tail tells why a gateway died; while one runs it is only its log.
        out.add("lastStderr", "exited".equals(all.getString("status", "")) ? all.get("lastStderr") : Json.array());
        return out;
    }

    /** @return whether a gateway process runs now */
    public boolean up() {
        WebRtcGateway g = existing();
        return g != null && g.isRunning();
    }

    /** Ends the gateway process, if one runs; no new one starts after this. */
    @Override
    public void close() {
        WebRtcGateway g;
        synchronized (this) {
            closed = true;
            g = gateway;
        }
        if (g != null) g.close();
    }
}
