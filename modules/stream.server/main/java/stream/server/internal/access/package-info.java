/**
 * Who may watch and who may act: credentials with roles and per-stream limits, sessions, the
 * failure throttle, the audit trail, TLS from PEM files with reload on SIGHUP. Self-contained
 * (the JDK and minimal-json only). Wired in by stream.server.StreamServer (start, reload on
 * SIGHUP, RTSP's credentials from {@link stream.server.internal.access.Users#secrets}), the HTTP
 * edge's AccessControl filter and HttpEndpoint (HTTPS), and Main ({@code --tls-cert},
 * {@code --tls-key}, {@code --make-cert}); the note below is how.
 *
 * <h2>The pieces</h2>
 * <ul>
 * <li>{@link stream.server.internal.access.Rights#needed(String, String)}: (method, raw path) to
 * a {@link stream.server.internal.access.Need} (a {@link stream.server.internal.access.Right} and
 * the stream it applies to, or none); {@link stream.server.internal.access.Role} holds the one
 * table of which role has which right.
 * <li>{@link stream.server.internal.access.Users}: {@code users.json} in the state directory;
 * create (token shown once), list, delete (revokes at once), authenticate; tokens stored as
 * PBKDF2WithHmacSHA256, successful checks remembered in memory.
 * <li>{@link stream.server.internal.access.Sessions}: the dashboard's cookie.
 * <li>{@link stream.server.internal.access.FailureThrottle}: delays per address.
 * <li>{@link stream.server.internal.access.Audit}: {@code audit.log}, JSON lines.
 * <li>{@link stream.server.internal.access.Gate}: all of the above as one decision per request.
 * <li>{@link stream.server.internal.access.Tls}, {@link stream.server.internal.access.ReloadableTls},
 * {@link stream.server.internal.access.SelfSigned}, {@link stream.server.internal.access.Reload}.
 * </ul>
 *
 * <h2>Integration note: how the HTTP edge calls them</h2>
 *
 * <p><b>At start</b> (after the state directory is checked):
 * <pre>{@code
 * Users users = Users.load(stateDir.path(), config.token());          // FileException -> exit 3, message as is
 * boolean tls = config.tlsCert() != null;
 * Sessions sessions = Sessions.create(users, Duration.ofHours(12), tls); // registers itself for deletes
 * Audit audit = Audit.in(stateDir.path());
 * Gate gate = new Gate(users, sessions, new FailureThrottle(), audit);
 * HttpServer http;
 * if (tls) {
 *     ReloadableTls certs = ReloadableTls.load(certPem, keyPem);        // Tls.Problem -> exit 3, getMessage() names the file
 *     HttpsServer https = HttpsServer.create(address, backlog);
 *     https.setHttpsConfigurator(certs.configurator());                 // once: reloads reach it through the key manager
 *     Reload.onHangup(() -> {
 *         try { LOG.log(INFO, "TLS certificate reloaded: " + certs.reload().describe()); }
 *         catch (Tls.Problem e) { LOG.log(WARNING, e.getMessage() + "; the certificate in use stays"); }
 *     });
 *     http = https;
 * }
 * }</pre>
 * Access control is on when {@code users.any()} (a {@code --token} or a credential in the file);
 * with neither, the server stays as open as today and the filter below only passes requests on.
 * {@code Reload.onHangup} should be installed even without TLS (a no-op reload), so that SIGHUP
 * no longer ends the server with 129; it throws IllegalStateException under {@code -Xrs}: log it.
 *
 * <p><b>Per request</b>, a {@code Filter} on every context, after RequestGuard (which still
 * answers CORS preflights, oversized requests and cross-site state changes first, and whose own
 * token check it replaces):
 * <pre>{@code
 * Gate.Decision d = gate.check(new Gate.Request(
 *         ex.getRequestMethod(), ex.getRequestURI().getRawPath(),
 *         ex.getRequestHeaders().getFirst("Authorization"),
 *         ex.getRequestHeaders().getOrDefault("Cookie", List.of()),
 *         ex.getRemoteAddress().getAddress(),
 *         Set.of("cors", "same-origin").contains(ex.getRequestHeaders().getFirst("Sec-Fetch-Mode"))));
 * if (!d.delay().isZero()) Thread.sleep(d.delay());   // the handler threads are virtual: a wait costs no platform thread
 * switch (d) {
 *     case Gate.Refuse r -> { r.headers().forEach(ex.getResponseHeaders()::set);
 *                             answer JSON {"error": r.message(), "hint": r.hint()} with r.status() (ApiError) }
 *     case Gate.Pass p -> { p.principal().ifPresent(who -> ex.setAttribute("principal", who)); chain.doFilter(ex); }
 * }
 * }</pre>
 * If the server's executor is not one of virtual threads, schedule the answer after the delay
 * instead of sleeping, or an attacker's failures hold platform threads.
 * Then, in the resources:
 * <ul>
 * <li><b>POST /control and /streams/NAME/control</b>: after reading the body,
 * {@code gate.checkControlBody(principal, name, from, body.names())}: a 403 with its message
 * when present (a start with settings other than {@code record} needs the admin role).
 * <li><b>GET /streams</b> lists only the streams {@code principal.sees(name)}.
 * <li><b>/users</b> (the gate has already required an admin for all streams): GET answers
 * {@code users.listJson()}; POST {@code users.create(body)} answers 201 with
 * {@code created.toJson()} ({@code {"name", "role", "streams"?, "token"}}: the only time the token
 * is shown); IllegalArgumentException is a 400, IllegalStateException a 409, IOException a 507/500
 * with its message; DELETE /users/NAME {@code users.delete(name)}: 204, 404 when false, 400 for
 * "token".
 * <li><b>/session</b> (needs no right): POST {@code {"name", "token"}} calls
 * {@code gate.signIn(name, token, from)}, waits its {@code delay()}, then answers 204 with
 * {@code Set-Cookie: started.setCookie()} and {@code {"name", "role", "streams"}} or 401 (no
 * WWW-Authenticate: the page asks itself); DELETE reads {@code sessions.idIn(cookies)}, calls
 * {@code sessions.end(id)} and answers 204 with {@code Set-Cookie: sessions.clearCookie()}.
 * GET may answer who is signed in ({@code gate.check} of a GET /control gives the principal).
 * <li><b>The audit trail</b>: the gate records failures and refusals itself. For every state
 * change that passed (any method but GET/HEAD/OPTIONS), the filter records the outcome after
 * {@code chain.doFilter}: {@code audit.record(Audit.Event.now(principal, from, method + " " +
 * path, need.stream(), String.valueOf(ex.getResponseCode())))}; the /users resource records
 * "create user NAME (role)" and "delete user NAME". Never the body or a header.
 * <li><b>RTSP</b> (not HTTP): its server asks {@code users.authenticate(name, password)} for the
 * RTSP Basic credentials and {@code principal.may(Rights.forRtsp(stream))}, throttled the same way.
 * <li><b>The dashboard</b>: SameSite=Strict cookies are not sent on cross-site requests, and
 * RequestGuard still refuses cross-site state changes, so the cookie adds no CSRF exposure; the
 * page signs in with POST /session and drops the token from memory.
 * </ul>
 *
 * <p><b>A first try on a LAN</b>: {@code SelfSigned.write(stateDir.resolve("tls"), List.of(hostname,
 * lanAddress, "localhost"), Duration.ofDays(365))} then serve those files (e.g. a
 * {@code --tls-self-signed} flag that does both when the files are missing).
 */
package stream.server.internal.access;
