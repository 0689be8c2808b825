package stream.server.internal.access;

import java.util.Arrays;
import java.util.Collections;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The three roles, each holding the rights of the one before it and more. The table
 * {@link #rights()} is the only place that says which role may do what.
 */
public enum Role {
    /** Watches and reads: status, WHEP, RTSP, SDP, snapshots, recordings and clips. */
    VIEWER,
    /** Also starts and stops streams, makes and deletes clips, turns recording on and off. */
    OPERATOR,
    /** Also defines, changes and deletes streams, and manages users. */
    ADMIN;

    private static final Map<Role, Set<Right>> RIGHTS = new EnumMap<>(Map.of(
            VIEWER, EnumSet.of(Right.READ_STATUS, Right.WATCH),
            OPERATOR, EnumSet.of(Right.READ_STATUS, Right.WATCH, Right.START_STOP, Right.CLIP, Right.RECORD),
            ADMIN, EnumSet.allOf(Right.class)));

    /** @return the rights of this role */
    public Set<Right> rights() {
        return Collections.unmodifiableSet(RIGHTS.get(this));
    }

    /** @param right a right @return whether this role holds it */
    public boolean holds(Right right) {
        return RIGHTS.get(this).contains(right);
    }

    /** @param right a right @return the least role that holds it */
    public static Role leastFor(Right right) {
        for (Role r : values()) if (r.holds(right)) return r;
        throw new IllegalStateException("no role holds " + right);
    }

    /** @return the role's name as the API and the users file spell it: "viewer", "operator", "admin" */
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }

    /**
     * @param label "viewer", "operator" or "admin"
     * @return the role
     * @throws IllegalArgumentException naming the value and the roles there are
     */
    public static Role parse(String label) {
        for (Role r : values()) if (r.label().equals(label)) return r;
        throw new IllegalArgumentException("role " + (label == null ? "missing" : "'" + Text.clip(label) + "'") + ": use one of "
                + Arrays.stream(values()).map(Role::label).collect(Collectors.joining(", ")));
    }
}
