package stream.server.internal.http.server;

import com.eclipsesource.json.Json;
import com.eclipsesource.json.JsonArray;
import com.eclipsesource.json.JsonObject;
import com.eclipsesource.json.JsonValue;
import com.eclipsesource.json.ParseException;
import com.sun.net.httpserver.Filter;
import com.sun.net.httpserver.HttpExchange;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.net.InetAddress;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import stream.server.internal.access.Audit;
import stream.server.internal.access.Gate;
import stream.server.internal.access.Need;
import stream.server.internal.access.Principal;
import stream.server.internal.access.Rights;
import stream.server.internal.access.Users;
import stream.server.internal.http.Answers;
import stream.server.internal.http.ApiError;
import stream.server.internal.http.Exchange;

/**
 * Who may watch and who may act, at the HTTP edge: a {@link Filter} on every context, after
 * {@link RequestGuard} (which still answers preflights, oversized and cross-site requests first),
 * asks the {@link Gate} about each request once any credential exists ({@code --token} or a
 * credential in the users file); without one the server stays open, as it always was. It also
 * answers {@code /users} (admin only: the gate requires it) and {@code /session} (the dashboard's
 * sign-in), and appends every state change that passed to the {@link Audit} trail with its
 * outcome. The principal of a request is an attribute of its exchange ({@link #principal}).
 *
 * <p>{@code --trust-loopback} (with --token) keeps its meaning: a request from loopback is the
 * {@code token} credential, an admin, without presenting it.
 */
final class AccessControl extends Filter {
    private static final System.Logger LOG = System.getLogger("stream.server");
    private static final String PRINCIPAL = "stream.server.principal";
    private static final Set<String> READS = Set.of("GET", "HEAD", "OPTIONS");

    private final Users users;
    private final Gate gate;
    private final Audit audit;
    private final boolean trustLoopback;

    /**
     * @param users the credentials
     * @param gate the decision per request
     * @param audit the trail of state changes
     * @param trustLoopback whether loopback is the token's admin without presenting it (needs --token)
     */
    AccessControl(Users users, Gate gate, Audit audit, boolean trustLoopback) {
        this.users = users;
        this.gate = gate;
        this.audit = audit;
        this.trustLoopback = trustLoopback && users.find(Users.TOKEN_USER).isPresent();
    }

    @Override
    public String description() {
        return "asks for a credential (Bearer, Basic or the dashboard's session) once any exists; audits state changes";
    }

    /** @return whether requests need a credential now (any credential exists) */
    boolean on() {
        return users.any();
    }

    /** @param ex an exchange that passed the filter @return who sent it; empty when access is open or the request needed none */
    static Optional<Principal> principal(Exchange ex) {
        return ex instanceof JdkExchange j && j.ex().getAttribute(PRINCIPAL) instanceof Principal p ? Optional.of(p) : Optional.empty();
    }

    @Override
    public void doFilter(HttpExchange ex, Chain chain) throws IOException {
        String method = ex.getRequestMethod();
        String path = ex.getRequestURI().getRawPath();
        InetAddress from = ex.getRemoteAddress().getAddress();
        Principal who = null;
        if (users.any()) {
            if (trustLoopback && from.isLoopbackAddress()) {
                who = users.find(Users.TOKEN_USER).orElse(null);
            } else {
                Gate.Decision d = gate.check(new Gate.Request(method, path, ex.getRequestHeaders().getFirst("Authorization"),
                        ex.getRequestHeaders().getOrDefault("Cookie", List.of()), from,
                        Set.of("cors", "same-origin").contains(String.valueOf(ex.getRequestHeaders().getFirst("Sec-Fetch-Mode")))));
                wait(d.delay());
                switch (d) {
                    case Gate.Refuse r -> {
                        try (ex) {
                            Answers.error(new JdkExchange(ex), ApiError.withHeaders(r.status(), r.message(), r.hint(), r.headers()));
                        }
                        return;
                    }
                    case Gate.Pass p -> who = p.principal().orElse(null);
                }
            }
        }
        if (who != null) ex.setAttribute(PRINCIPAL, who);
        if (READS.contains(method) || path.equals(Rights.SESSION_PATH) || path.startsWith(Rights.USERS_PATH)) {
            chain.doFilter(ex); // reads are not audited; /session and /users audit themselves
            return;
        }
        try {
            chain.doFilter(ex);
        } finally {
            Need need = Rights.needed(method, path);
            int code = ex.getResponseCode();
            audit.record(Audit.Event.now(who, from.getHostAddress(), method + " " + Answers.clip(path), need.stream(),
                    code < 0 ? "no answer (client gone)" : String.valueOf(code)));
        }
    }

    private static void wait(Duration delay) {
        if (delay.isZero()) return;
        try {
            Thread.sleep(delay); // the handler threads are virtual: a wait costs no platform thread
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * What a POST to a stream's control needs beyond start/stop: a start with settings. Nothing
     * when access is open.
     * @throws ApiError 403 naming the missing right
     */
    void checkControlBody(Exchange ex, String stream, JsonObject body) throws ApiError {
        Optional<Principal> who = principal(ex);
        if (who.isEmpty()) return;
        Optional<String> refusal = gate.checkControlBody(who.get(), stream, ex.remoteAddress().getAddress(), body.names());
        if (refusal.isPresent()) throw new ApiError(403, refusal.get(), "Ask an admin for a credential that allows it; an operator may start with \"record\" only.");
    }

    /** @return whether the request's principal (if access is on) may see the stream in lists */
    static boolean sees(Exchange ex, String stream) {
        return principal(ex).map(p -> p.sees(stream)).orElse(true);
    }

    /** GET /users, POST /users, DELETE /users/NAME. The gate has required an admin for all streams. */
    void users(Exchange ex) throws IOException, ApiError {
        String path = ex.rawPath();
        String method = ex.method();
        Principal who = principal(ex).orElse(null);
        String from = ex.remoteAddress().getAddress().getHostAddress();
        if (path.equals(Rights.USERS_PATH)) {
            switch (method) {
                case "GET", "HEAD" -> Answers.json(ex, 200, users.listJson());
                case "POST" -> {
                    JsonObject body = jsonBody(ex);
                    Users.Created created;
                    String name = body.get("name") != null && body.get("name").isString() ? body.getString("name", "") : "?";
                    try {
                        created = users.create(body);
                    } catch (IllegalArgumentException e) {
                        audit.record(Audit.Event.now(who, from, "create user " + Answers.clip(name), null, "400 " + e.getMessage()));
                        throw new ApiError(400, "Invalid credential: " + e.getMessage(),
                                "POST /users {\"name\": \"garden\", \"role\": \"viewer|operator|admin\", \"streams\": [\"cam-a\"]} (streams optional: all).");
                    } catch (IllegalStateException e) {
                        audit.record(Audit.Event.now(who, from, "create user " + Answers.clip(name), null, "409 " + e.getMessage()));
                        throw new ApiError(409, e.getMessage(), "DELETE /users/NAME first, or choose another name.");
                    } catch (IOException e) {
                        LOG.log(Level.ERROR, "the users file could not be written: " + e.getMessage());
                        audit.record(Audit.Event.now(who, from, "create user " + Answers.clip(name), null, "500 users file not written"));
                        throw new ApiError(500, "The users file could not be written: " + e.getMessage(), "Nothing was changed; see the server log.");
                    }
                    audit.record(Audit.Event.now(who, from, "create user " + created.principal().name() + " (" + created.principal().role().label() + ")",
                            null, "201"));
                    LOG.log(Level.INFO, "credential ''{0}'' created ({1}){2}", created.principal().name(), created.principal().role().label(),
                            who == null ? " by an anonymous client: access is on from now on" : " by '" + who.name() + "'");
                    Answers.json(ex, 201, created.toJson());
                }
                default -> throw ApiError.notAllowed(method, path, "GET, HEAD, POST");
            }
            return;
        }
        if (!path.startsWith(Rights.USERS_PATH + "/"))
            throw new ApiError(404, "No such path: " + Answers.clip(path), "GET|POST /users; DELETE /users/NAME.");
        String name = path.substring(Rights.USERS_PATH.length() + 1);
        if (!method.equals("DELETE")) throw ApiError.notAllowed(method, path, "DELETE");
        boolean existed;
        try {
            existed = users.delete(name);
        } catch (IllegalArgumentException e) {
            audit.record(Audit.Event.now(who, from, "delete user " + Answers.clip(name), null, "400 " + e.getMessage()));
            throw new ApiError(400, e.getMessage(), "Restart the server without --token to revoke it.");
        } catch (IOException e) {
            LOG.log(Level.ERROR, "the users file could not be written: " + e.getMessage());
            throw new ApiError(500, "The users file could not be written: " + e.getMessage(), "Nothing was changed; see the server log.");
        }
        audit.record(Audit.Event.now(who, from, "delete user " + Answers.clip(name), null, existed ? "200" : "404"));
        if (!existed) throw new ApiError(404, "No credential named '" + Answers.clip(name) + "'", "GET /users lists them.");
        LOG.log(Level.INFO, "credential ''{0}'' deleted: its token and sessions are refused from now on", name);
        Answers.json(ex, 200, Json.object().add("message", "Credential deleted").add("name", name));
    }

    /**
     * The dashboard's sign-in: POST {"name", "token"} starts a session (an HttpOnly, SameSite=Strict
     * cookie), DELETE ends it, GET says whether access is on and who is signed in.
     */
    void session(Exchange ex) throws IOException, ApiError {
        String method = ex.method();
        InetAddress from = ex.remoteAddress().getAddress();
        switch (method) {
            case "GET", "HEAD" -> {
                JsonObject body = Json.object().add("access", users.any() ? "on" : "open");
                if (users.any()) {
                    Optional<Principal> who = Optional.empty();
                    if (!(trustLoopback && from.isLoopbackAddress())) {
                        // The gate's answer to a status read tells who this is (a cookie, Bearer or Basic).
                        if (gate.check(new Gate.Request("GET", "/streams", ex.requestHeader("Authorization"), cookies(ex), from, true))
                                instanceof Gate.Pass p) who = p.principal();
                    } else {
                        who = users.find(Users.TOKEN_USER);
                    }
                    body.add("signedIn", who.isPresent());
                    who.ifPresent(p -> body.add("user", withRights(p)));
                }
                Answers.json(ex, 200, body);
            }
            case "POST" -> {
                JsonObject body = jsonBody(ex);
                JsonValue n = body.get("name"), t = body.get("token");
                if (n == null || !n.isString() || t == null || !t.isString() || t.asString().isEmpty())
                    throw new ApiError(400, "Sign-in needs {\"name\": NAME, \"token\": TOKEN}", "The name of --token's credential is \"token\".");
                Gate.SignIn s = gate.signIn(n.asString(), t.asString(), from);
                wait(s.delay());
                if (s.session().isEmpty()) throw new ApiError(401, "Unauthorized: the name and token were not accepted", "Check both and try again.");
                ex.setHeader("Set-Cookie", s.session().get().setCookie());
                Answers.json(ex, 200, Json.object().add("user", withRights(s.session().get().principal())));
            }
            case "DELETE" -> {
                gate.sessions().idIn(cookies(ex)).ifPresent(id -> gate.sessions().end(id));
                ex.setHeader("Set-Cookie", gate.sessions().clearCookie());
                Answers.json(ex, 200, Json.object().add("message", "Signed out"));
            }
            default -> throw ApiError.notAllowed(method, ex.rawPath(), "GET, HEAD, POST, DELETE");
        }
    }

    /**
     * The principal as {@link Principal#toJson()} with "rights": the role's rights, e.g. "watch",
     * "start_stop", "define", so that the dashboard offers only the buttons that would be allowed.
     */
    private static JsonObject withRights(Principal p) {
        JsonArray rights = new JsonArray();
        for (var r : p.role().rights()) rights.add(r.name().toLowerCase(Locale.ROOT));
        return p.toJson().add("rights", rights);
    }

    private static List<String> cookies(Exchange ex) {
        return ex instanceof JdkExchange j ? j.ex().getRequestHeaders().getOrDefault("Cookie", List.of()) : List.of();
    }

    private static JsonObject jsonBody(Exchange ex) throws IOException, ApiError {
        String text = new String(Answers.readBody(ex), java.nio.charset.StandardCharsets.UTF_8);
        try {
            JsonValue v = Json.parse(text);
            if (v.isObject()) return v.asObject();
        } catch (ParseException e) {
            // answered below
        }
        throw new ApiError(400, "The body must be a JSON object", "Send Content-Type: application/json with an object.");
    }
}
