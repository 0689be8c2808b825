package stream.server.internal.access;

import com.sun.net.httpserver.HttpsConfigurator;
import java.net.Socket;
import java.nio.file.Path;
import java.security.Principal;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.Collections;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLSession;
import javax.net.ssl.SSLSessionContext;
import javax.net.ssl.X509ExtendedKeyManager;

/**
 * A TLS context whose certificate and key can be replaced while the server runs (after certbot
 * renews them, on SIGHUP: {@link Reload#onHangup}).
 *
 * <p>jdk.httpserver's HttpsServer takes the SSLContext of its {@link HttpsConfigurator} once, when
 * it is set, and makes every connection's SSLEngine from it; swapping contexts would not reach it.
 * So the context stays the same and its key manager is the seam: it hands each new handshake the
 * key and chain current at that moment. A connection already open keeps the session it
 * negotiated; a new connection gets the new certificate. Each load is a generation with an alias
 * of its own ("g1", "g2", ...), and the key manager answers the chain and key for the alias the
 * handshake chose, so a reload in the middle of a handshake cannot mix an old chain with a new
 * key. Stored sessions are invalidated at a reload; a client resuming a TLS 1.3 session by its
 * ticket still continues that session (it authenticated the old certificate already) until the
 * session's lifetime ends.
 */
public final class ReloadableTls {
    private static final int KEEP_GENERATIONS = 4;

    private record Generation(String alias, Tls.Material material, X509ExtendedKeyManager keys) {}

    private final Path certPem;
    private final Path keyPem;
    private final AtomicLong counter = new AtomicLong();
    private final AtomicReference<Generation> current = new AtomicReference<>();
    private final Map<String, Generation> recent = new ConcurrentHashMap<>();
    private final SSLContext context;

    private ReloadableTls(Path certPem, Path keyPem, Tls.Material first) {
        this.certPem = certPem;
        this.keyPem = keyPem;
        install(first);
        this.context = Tls.context(swapping); // field initializers ran before this body: swapping is set
    }

    /**
     * Loads the files once; {@link #reload} reads them again.
     * @param certPem the certificate chain file
     * @param keyPem the private key file
     * @return the holder
     * @throws Tls.Problem naming the file and what is wrong with it
     */
    public static ReloadableTls load(Path certPem, Path keyPem) throws Tls.Problem {
        Objects.requireNonNull(certPem, "certPem");
        Objects.requireNonNull(keyPem, "keyPem");
        return new ReloadableTls(certPem, keyPem, Tls.material(certPem, keyPem));
    }

    /** @return the context every connection is made from: pass it to the HttpsServer, once */
    public SSLContext context() {
        return context;
    }

    /** @return a configurator over {@link #context()}: {@code httpsServer.setHttpsConfigurator(tls.configurator())} */
    public HttpsConfigurator configurator() {
        return new HttpsConfigurator(context);
    }

    /** @return the certificate and key new connections get now */
    public Tls.Material current() {
        return current.get().material();
    }

    /**
     * Reads the files again; new connections get their certificate from now on. When they cannot
     * serve, the certificate in use stays and the problem is thrown: log it and carry on.
     * @return what is served now
     * @throws Tls.Problem naming the file and what is wrong with it
     */
    public Tls.Material reload() throws Tls.Problem {
        Tls.Material m = Tls.material(certPem, keyPem);
        install(m);
        SSLSessionContext sessions = context.getServerSessionContext();
        for (byte[] id : Collections.list(sessions.getIds())) {
            SSLSession s = sessions.getSession(id);
            if (s != null) s.invalidate();
        }
        return m;
    }

    private void install(Tls.Material m) {
        String alias = "g" + counter.incrementAndGet();
        Generation g = new Generation(alias, m, Tls.keyManager(m, alias));
        recent.put(alias, g);
        current.set(g);
        recent.keySet().removeIf(a -> Long.parseLong(a.substring(1)) <= counter.get() - KEEP_GENERATIONS);
    }

    private final X509ExtendedKeyManager swapping = new X509ExtendedKeyManager() {
        @Override
        public String chooseEngineServerAlias(String keyType, Principal[] issuers, SSLEngine engine) {
            return current.get().keys().chooseEngineServerAlias(keyType, issuers, engine);
        }

        @Override
        public String chooseServerAlias(String keyType, Principal[] issuers, Socket socket) {
            return current.get().keys().chooseServerAlias(keyType, issuers, socket);
        }

        @Override
        public String[] getServerAliases(String keyType, Principal[] issuers) {
            return current.get().keys().getServerAliases(keyType, issuers);
        }

        @Override
        public X509Certificate[] getCertificateChain(String alias) {
            Generation g = alias == null ? null : recent.get(alias);
            return g == null ? null : g.keys().getCertificateChain(alias);
        }

        @Override
        public PrivateKey getPrivateKey(String alias) {
            Generation g = alias == null ? null : recent.get(alias);
            return g == null ? null : g.keys().getPrivateKey(alias);
        }

        @Override
        public String[] getClientAliases(String keyType, Principal[] issuers) {
            return null; // a server only
        }

        @Override
        public String chooseClientAlias(String[] keyType, Principal[] issuers, Socket socket) {
            return null;
        }

        @Override
        public String chooseEngineClientAlias(String[] keyType, Principal[] issuers, SSLEngine engine) {
            return null;
        }
    };
}
