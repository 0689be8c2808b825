package stream.server.internal.access;

import java.lang.System.Logger.Level;
import java.net.InetAddress;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The whole access decision for one request: which right it needs ({@link Rights}), who sent it
 * ({@link Credentials} checked by {@link Users} or {@link Sessions}), how long its address must
 * wait ({@link FailureThrottle}), and the answer when it may not: a 401 with
 * {@code WWW-Authenticate} or a 403 naming the missing right. Failures and refusals go to the
 * {@link Audit} trail and the log, without the secret.
 */
public final class Gate {
    private static final System.Logger LOG = System.getLogger("stream.server");
    /** The realm of the challenges. */
    public static final String REALM = "stream-server";

    /**
     * A request as the gate needs it.
     * @param method the method
     * @param rawPath the raw path, without the query
     * @param authorization the Authorization header, or null
     * @param cookies the Cookie headers
     * @param from the client's address
     * @param browserScript whether a page's script sent it ({@code Sec-Fetch-Mode} cors or same-origin): a
     *        401 then offers no Basic, which would open the browser's own sign-in dialog over the dashboard
     */
    public record Request(String method, String rawPath, String authorization, List<String> cookies, InetAddress from, boolean browserScript) {
        public Request {
            Objects.requireNonNull(method, "method");
            Objects.requireNonNull(rawPath, "rawPath");
            cookies = List.copyOf(cookies);
            Objects.requireNonNull(from, "from");
        }

        @Override
        public String toString() {
            return method + " " + Text.clip(rawPath) + " from " + from.getHostAddress(); // never the headers
        }
    }

    /** What to do with a request. Either way, wait {@link #delay} before going on. */
    public sealed interface Decision {
        /** @return how long to wait before the request goes on or is answered */
        Duration delay();
    }

    /**
     * The request may go on.
     * @param principal who sent it, or empty when it needs no credential and presented none
     * @param need what it needs (for a POST to a control, check {@link Rights#forControlBody} too)
     * @param delay the wait
     */
    public record Pass(Optional<Principal> principal, Need need, Duration delay) implements Decision {}

    /**
     * The request is refused: answer status with the JSON error {@code {"error": message, "hint": hint}}.
     * @param status 401 or 403
     * @param message what is wrong
     * @param hint what to do
     * @param headers headers to send: WWW-Authenticate with a 401
     * @param delay the wait
     */
    public record Refuse(int status, String message, String hint, Map<String, String> headers, Duration delay) implements Decision {}

    private final Users users;
    private final Sessions sessions;
    private final FailureThrottle throttle;
    private final Audit audit;

    /**
     * @param users the credentials
     * @param sessions the dashboard's sign-ins
     * @param throttle the failure counts
     * @param audit where failures and refusals are recorded
     */
    public Gate(Users users, Sessions sessions, FailureThrottle throttle, Audit audit) {
        this.users = Objects.requireNonNull(users, "users");
        this.sessions = Objects.requireNonNull(sessions, "sessions");
        this.throttle = Objects.requireNonNull(throttle, "throttle");
        this.audit = Objects.requireNonNull(audit, "audit");
    }

    /** @return the sessions this gate reads cookies for */
    public Sessions sessions() {
        return sessions;
    }

    /**
     * Decides one request. A request that needs nothing passes at once and its credentials are
     * not looked at (a stale cookie must not keep the sign-in page away; sign-in itself is
     * {@link #signIn}); one that presents a credential waits as the throttle says, succeed or fail.
     * @param r the request
     * @return pass or refuse
     */
    public Decision check(Request r) {
        Need need = Rights.needed(r.method(), r.rawPath());
        Credentials presented = Credentials.parse(r.authorization(), r.cookies(), sessions.cookieName());
        if (need.open()) return new Pass(Optional.empty(), need, Duration.ZERO);
        Duration delay = presented instanceof Credentials.None ? Duration.ZERO : throttle.delay(r.from());
        Optional<Principal> who = switch (presented) {
            case Credentials.None n -> Optional.empty();
            case Credentials.Malformed m -> Optional.empty();
            case Credentials.Bearer b -> users.authenticate(null, b.token());
            case Credentials.Basic b -> users.authenticate(b.name(), b.token());
            case Credentials.Session s -> sessions.resolve(s.id());
        };
        if (who.isEmpty() && !(presented instanceof Credentials.None)) {
            int failures = throttle.failed(r.from());
            String problem = presented instanceof Credentials.Malformed m ? m.problem()
                    : presented instanceof Credentials.Session ? "the session has ended (signed out, expired, or its credential was deleted)"
                    : "the credential was not accepted";
            LOG.log(Level.WARNING, "authentication failed: " + r + " (" + presented.getClass().getSimpleName() + detail(presented) + "), "
                    + failures + " in a row from this address; its next requests wait " + FailureThrottle.delayAfter(failures).toMillis() + " ms");
            audit.record(Audit.Event.now(null, r.from().getHostAddress(), action(r), need.stream(), "401 " + problem));
            return unauthorized(r, problem, delay, presented instanceof Credentials.Session);
        }
        if (who.isPresent()) throttle.succeeded(r.from());
        if (who.isEmpty()) return unauthorized(r, "this needs a credential", delay, false);
        Optional<String> refusal = who.get().refusal(need);
        if (refusal.isPresent()) {
            audit.record(Audit.Event.now(who.get(), r.from().getHostAddress(), action(r), need.stream(), "403 " + refusal.get()));
            return new Refuse(403, refusal.get(), "Ask an admin for a credential that allows it.", Map.of(), delay);
        }
        return new Pass(who, need, delay);
    }

    /**
     * The need of a POST to a stream's control with its body's members, for a principal that
     * passed the gate with {@link Right#START_STOP}: a start with settings needs more.
     * @param principal who sent it
     * @param stream the stream
     * @param from the client's address, for the audit trail
     * @param members the members of the JSON body
     * @return the 403 message, or empty when the principal may
     */
    public Optional<String> checkControlBody(Principal principal, String stream, InetAddress from, java.util.Collection<String> members) {
        for (Need n : Rights.forControlBody(stream, members)) {
            Optional<String> refusal = principal.refusal(n);
            if (refusal.isPresent()) {
                audit.record(Audit.Event.now(principal, from.getHostAddress(), "POST control with " + String.join(", ", members), stream, "403 " + refusal.get()));
                return refusal;
            }
        }
        return Optional.empty();
    }

    /**
     * Signs in to the dashboard (POST {@value Rights#SESSION_PATH} with {@code {"name", "token"}}),
     * throttled and audited like any credential.
     * @param name the name typed
     * @param token the token typed
     * @param from the client's address
     * @return the session (its {@link Sessions.Started#setCookie} to send with 204), or the 401 to answer;
     *         either way wait {@code delay} first
     */
    public SignIn signIn(String name, String token, InetAddress from) {
        Duration delay = throttle.delay(from);
        Optional<Principal> who = users.authenticate(Objects.requireNonNull(name, "name"), Objects.requireNonNull(token, "token"));
        if (who.isEmpty()) {
            int failures = throttle.failed(from);
            LOG.log(Level.WARNING, "sign-in failed for name '" + Text.clip(name) + "' from " + from.getHostAddress() + ", " + failures
                    + " in a row from this address; its next requests wait " + FailureThrottle.delayAfter(failures).toMillis() + " ms");
            audit.record(Audit.Event.now(null, from.getHostAddress(), "sign in as " + Text.clip(name), null, "401 the credential was not accepted"));
            return new SignIn(Optional.empty(), delay);
        }
        throttle.succeeded(from);
        audit.record(Audit.Event.now(who.get(), from.getHostAddress(), "sign in", null, "signed in"));
        return new SignIn(Optional.of(sessions.start(who.get())), delay);
    }

    /**
     * The outcome of a sign-in.
     * @param session the new session, or empty when the name and token were not accepted (answer 401, no challenge)
     * @param delay how long to wait before answering
     */
    public record SignIn(Optional<Sessions.Started> session, Duration delay) {}

    private static String detail(Credentials c) {
        return c instanceof Credentials.Basic b ? ", name '" + Text.clip(b.name()) + "'" : "";
    }

    private static String action(Request r) {
        return r.method() + " " + Text.clip(r.rawPath());
    }

    private Refuse unauthorized(Request r, String problem, Duration delay, boolean session) {
        String challenge = "Bearer realm=\"" + REALM + "\"" + (r.browserScript() ? "" : ", Basic realm=\"" + REALM + "\", charset=\"UTF-8\"");
        String hint = session ? "Sign in again."
                : "Send Authorization: Bearer TOKEN (or Basic with NAME:TOKEN, curl -u NAME:TOKEN), or sign in on the dashboard.";
        return new Refuse(401, "Unauthorized: " + problem, hint, Map.of("WWW-Authenticate", challenge), delay);
    }
}
