package stream.server.internal.access;

import com.eclipsesource.json.JsonArray;
import com.eclipsesource.json.JsonObject;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * Who a request comes from, once authenticated: a credential's name, role and the streams it is
 * limited to. Holds no secret, so it may be logged, listed and kept in a session.
 *
 * @param name the credential's name
 * @param role its role
 * @param streams the streams it is limited to, or empty for all streams
 */
public record Principal(String name, Role role, Optional<Set<String>> streams) {
    public Principal {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(role, "role");
        streams = Objects.requireNonNull(streams, "streams").map(s -> Set.copyOf(new TreeSet<>(s)));
        streams.ifPresent(s -> {
            if (s.isEmpty()) throw new IllegalArgumentException("a credential limited to streams needs at least one");
        });
    }

    /** @return a principal for all streams */
    public static Principal of(String name, Role role) {
        return new Principal(name, role, Optional.empty());
    }

    /** @return whether the credential is for every stream */
    public boolean allStreams() {
        return streams.isEmpty();
    }

    /** @param stream a stream's name @return whether this principal may see it at all (in lists, for example) */
    public boolean sees(String stream) {
        return streams.map(s -> s.contains(stream)).orElse(true);
    }

    /**
     * @param right a right
     * @param stream the stream it is wanted for, or null for all streams at once
     * @return whether the role holds the right and the credential covers the stream
     */
    public boolean may(Right right, String stream) {
        return refusal(stream == null ? Need.server(right) : Need.stream(right, stream)).isEmpty();
    }

    /** @param need what a request needs @return whether this principal may make it */
    public boolean may(Need need) {
        return refusal(need).isEmpty();
    }

    /**
     * Why this principal may not make a request, as the 403's message:
     * "viewer 'garden' may not start or stop stream 'cam-a': that needs the operator role",
     * "viewer 'garden' may not watch stream 'cam-b': its credential is for cam-a only".
     * @param need what the request needs
     * @return the message, or empty when the principal may
     */
    public Optional<String> refusal(Need need) {
        if (need.open()) return Optional.empty();
        String head = role.label() + " '" + name + "' may not " + need.right().verb() + need.object();
        if (!role.holds(need.right())) return Optional.of(head + ": that needs the " + Role.leastFor(need.right()).label() + " role");
        return switch (need.scope()) {
            case STREAM -> sees(need.stream()) ? Optional.empty() : Optional.of(head + ": " + limits());
            case SERVER -> allStreams() ? Optional.empty() : Optional.of(head + ": that needs a credential for all streams, and " + limits());
            case LISTED, NONE -> Optional.empty();
        };
    }

    private String limits() {
        return "its credential is for " + String.join(", ", new TreeSet<>(streams.orElseThrow())) + " only";
    }

    /** @return {"name", "role", "streams": [...] or absent for all} */
    public JsonObject toJson() {
        JsonObject o = new JsonObject().add("name", name).add("role", role.label());
        streams.ifPresent(s -> {
            JsonArray a = new JsonArray();
            new TreeSet<>(s).forEach(a::add);
            o.add("streams", a);
        });
        return o;
    }
}
