package stream.server.internal.access;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The map from (method, path) to the right needed, route by route, method by method. */
class RightsTest {
    /** Columns: method, raw path, right ("-" for none), scope, stream ("-" for none). */
    @ParameterizedTest(name = "{0} {1} -> {2} {3} {4}")
    @CsvSource(delimiter = '|', textBlock = """
            GET    | /                                         | -            | NONE   | -
            HEAD   | /                                         | -            | NONE   | -
            POST   | /                                         | -            | NONE   | -
            GET    | /index.html                               | -            | NONE   | -
            GET    | /ui/app.js                                | -            | NONE   | -
            GET    | /ui/api.js                                | -            | NONE   | -
            GET    | /ui/style.css                             | -            | NONE   | -
            GET    | /ui/preview.js                            | -            | NONE   | -
            GET    | /ui/latency.js                            | -            | NONE   | -
            GET    | /ui/settings.js                           | -            | NONE   | -
            GET    | /ui/streams-form.js                       | -            | NONE   | -
            GET    | /ui/recordings.js                         | -            | NONE   | -
            GET    | /ui/ui.js                                 | -            | NONE   | -
            GET    | /ui/nothing.js                            | READ_STATUS  | LISTED | -
            GET    | /ui/../users                              | READ_STATUS  | LISTED | -
            GET    | /health                                   | -            | NONE   | -
            POST   | /health                                   | -            | NONE   | -
            POST   | /session                                  | -            | NONE   | -
            DELETE | /session                                  | -            | NONE   | -
            OPTIONS| /streams/cam-a/control                    | -            | NONE   | -
            OPTIONS| /users                                    | -            | NONE   | -
            GET    | /metrics                                  | READ_STATUS  | SERVER | -
            POST   | /metrics                                  | READ_STATUS  | SERVER | -
            GET    | /users                                    | MANAGE_USERS | SERVER | -
            POST   | /users                                    | MANAGE_USERS | SERVER | -
            DELETE | /users/garden                             | MANAGE_USERS | SERVER | -
            GET    | /users/garden                             | MANAGE_USERS | SERVER | -
            GET    | /control                                  | READ_STATUS  | STREAM | main
            HEAD   | /control                                  | READ_STATUS  | STREAM | main
            POST   | /control                                  | START_STOP   | STREAM | main
            PUT    | /control                                  | READ_STATUS  | STREAM | main
            DELETE | /control                                  | READ_STATUS  | STREAM | main
            GET    | /stream.sdp                               | WATCH        | STREAM | main
            HEAD   | /stream.sdp                               | WATCH        | STREAM | main
            POST   | /stream.sdp                               | WATCH        | STREAM | main
            POST   | /whep                                     | WATCH        | STREAM | main
            DELETE | /whep/3f2c01                              | WATCH        | STREAM | main
            PATCH  | /whep/3f2c01                              | WATCH        | STREAM | main
            GET    | /streams                                  | READ_STATUS  | LISTED | -
            GET    | /streams/                                 | READ_STATUS  | LISTED | -
            POST   | /streams                                  | READ_STATUS  | LISTED | -
            GET    | /streamsx                                 | READ_STATUS  | LISTED | -
            GET    | /nothing                                  | READ_STATUS  | LISTED | -
            GET    | /streams/cam-a                            | READ_STATUS  | STREAM | cam-a
            HEAD   | /streams/cam-a                            | READ_STATUS  | STREAM | cam-a
            PUT    | /streams/cam-a                            | DEFINE       | STREAM | cam-a
            DELETE | /streams/cam-a                            | DELETE       | STREAM | cam-a
            POST   | /streams/cam-a                            | READ_STATUS  | STREAM | cam-a
            PUT    | /streams/main                             | DEFINE       | STREAM | main
            GET    | /streams/cam-a/                           | READ_STATUS  | STREAM | cam-a
            GET    | /streams/cam-a/control                    | READ_STATUS  | STREAM | cam-a
            POST   | /streams/cam-a/control                    | START_STOP   | STREAM | cam-a
            PUT    | /streams/cam-a/control                    | READ_STATUS  | STREAM | cam-a
            POST   | /streams/cam-a/control/x                  | READ_STATUS  | STREAM | cam-a
            GET    | /streams/cam-a/stream.sdp                 | WATCH        | STREAM | cam-a
            POST   | /streams/cam-a/whep                       | WATCH        | STREAM | cam-a
            DELETE | /streams/cam-a/whep/3f2c01                | WATCH        | STREAM | cam-a
            POST   | /streams/cam-a/whep/3f2c01/latency        | WATCH        | STREAM | cam-a
            GET    | /streams/cam-a/snapshot.jpg               | WATCH        | STREAM | cam-a
            HEAD   | /streams/cam-a/snapshot.jpg               | WATCH        | STREAM | cam-a
            GET    | /streams/cam-a/janus/0                    | WATCH        | STREAM | cam-a
            GET    | /streams/cam-a/recordings                 | WATCH        | STREAM | cam-a
            GET    | /streams/cam-a/recordings/20261126T150405.123Z.mp4 | WATCH | STREAM | cam-a
            DELETE | /streams/cam-a/recordings/20261126T150405.123Z.mp4 | RECORD | STREAM | cam-a
            POST   | /streams/cam-a/recordings                 | WATCH        | STREAM | cam-a
            GET    | /streams/cam-a/clips                      | WATCH        | STREAM | cam-a
            POST   | /streams/cam-a/clips                      | CLIP         | STREAM | cam-a
            GET    | /streams/cam-a/clips/20261126T150355.100Z.mp4 | WATCH     | STREAM | cam-a
            DELETE | /streams/cam-a/clips/20261126T150355.100Z.mp4 | CLIP      | STREAM | cam-a
            GET    | /streams/cam-a/nothing                    | READ_STATUS  | STREAM | cam-a
            POST   | /streams/cam-a/nothing                    | READ_STATUS  | STREAM | cam-a
            GET    | /streams/CAM%2Fb/control                  | READ_STATUS  | STREAM | CAM%2Fb
            """)
    void needed(String method, String path, String right, Need.Scope scope, String stream) {
        Need n = Rights.needed(method, path);
        assertEquals(right.equals("-") ? null : Right.valueOf(right), n.right(), "right");
        assertEquals(scope, n.scope(), "scope");
        assertEquals(stream.equals("-") ? null : stream, n.stream(), "stream");
    }

    @Test
    void startWithSettingsNeedsMore() {
        assertEquals(List.of(Need.stream(Right.START_STOP, "cam-a")), Rights.forControlBody("cam-a", Set.of("action")));
        assertEquals(List.of(Need.stream(Right.START_STOP, "cam-a"), Need.stream(Right.RECORD, "cam-a")),
                Rights.forControlBody("cam-a", List.of("action", "record")));
        assertEquals(List.of(Need.stream(Right.START_STOP, "cam-a"), Need.stream(Right.RECORD, "cam-a"), Need.stream(Right.DEFINE, "cam-a")),
                Rights.forControlBody("cam-a", List.of("action", "record", "record-dir")));
        assertEquals(List.of(Need.stream(Right.START_STOP, "cam-a"), Need.stream(Right.DEFINE, "cam-a")),
                Rights.forControlBody("cam-a", List.of("action", "bitrate")));
    }

    @Test
    void rolesAndTheirMessages() {
        Principal garden = new Principal("garden", Role.VIEWER, java.util.Optional.of(Set.of("cam-a")));
        assertTrue(garden.may(Right.WATCH, "cam-a"));
        assertFalse(garden.may(Right.WATCH, "cam-b"));
        assertFalse(garden.may(Right.START_STOP, "cam-a"));
        assertFalse(garden.may(Right.READ_STATUS, null), "a credential limited to streams may not read them all at once");
        assertEquals("viewer 'garden' may not start or stop stream 'cam-a': that needs the operator role",
                garden.refusal(Rights.needed("POST", "/streams/cam-a/control")).orElseThrow());
        assertEquals("viewer 'garden' may not watch stream 'cam-b': its credential is for cam-a only",
                garden.refusal(Rights.needed("GET", "/streams/cam-b/snapshot.jpg")).orElseThrow());
        assertEquals("viewer 'garden' may not see all streams at once: that needs a credential for all streams, and its credential is for cam-a only",
                garden.refusal(Rights.needed("GET", "/metrics")).orElseThrow());
        assertTrue(garden.may(Rights.needed("GET", "/streams")), "the list is filtered, not refused");
        assertTrue(garden.sees("cam-a"));
        assertFalse(garden.sees("cam-b"));

        Principal ops = Principal.of("ops", Role.OPERATOR);
        for (String p : List.of("/control", "/streams/x/control")) assertTrue(ops.may(Rights.needed("POST", p)));
        assertTrue(ops.may(Rights.needed("POST", "/streams/x/clips")));
        assertTrue(ops.may(Rights.needed("DELETE", "/streams/x/recordings/a.mp4")));
        assertEquals("operator 'ops' may not define or change stream 'x': that needs the admin role", ops.refusal(Rights.needed("PUT", "/streams/x")).orElseThrow());
        assertEquals("operator 'ops' may not manage users: that needs the admin role", ops.refusal(Rights.needed("POST", "/users")).orElseThrow());

        Principal camAdmin = new Principal("cam-admin", Role.ADMIN, java.util.Optional.of(Set.of("cam-a", "cam-c")));
        assertTrue(camAdmin.may(Rights.needed("DELETE", "/streams/cam-c")));
        assertEquals("admin 'cam-admin' may not manage users: that needs a credential for all streams, and its credential is for cam-a, cam-c only",
                camAdmin.refusal(Rights.needed("GET", "/users")).orElseThrow(), "else it could make itself an admin of everything");
        assertTrue(Principal.of("root", Role.ADMIN).may(Rights.needed("GET", "/users")));
        for (Right r : Right.values()) assertTrue(Role.ADMIN.holds(r));
        assertEquals(Role.VIEWER, Role.leastFor(Right.WATCH));
        assertEquals(Role.OPERATOR, Role.leastFor(Right.CLIP));
        assertEquals(Role.ADMIN, Role.leastFor(Right.DELETE));
    }
}
