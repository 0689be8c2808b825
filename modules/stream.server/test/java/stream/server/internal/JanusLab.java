package stream.server.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.eclipsesource.json.Json;
import com.eclipsesource.json.JsonObject;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import stream.testkit.Janus;
import stream.testkit.NetNs;
import java.time.Duration;
import stream.testkit.Await;

/**
 * Real Janus instances (Debian's {@code janus}) for tests, each in a network namespace of its
 * own, joined by a veth pair to one "server" namespace where the stream side runs. The test
 * addresses (10.77.N.1 on the server side, 10.77.N.2 on Janus N's) exist only inside these
 * namespaces, and Janus's ICE is limited to its veth: nothing reaches the machine's real
 * interfaces. Each Janus has the kit's minimal configuration ({@link Janus}) with an api_secret
 * and the streaming plugin's admin_key.
 */
final class JanusLab implements AutoCloseable {
    /** One Janus instance: its namespace, address, configuration folder and (while running) process. */
    final class Instance {
        final int n;
        final String ns;
        final String address;
        final Path dir;
        Gst process;
        /** The token clients present, when this Janus uses signed tokens instead of the API secret. */
        String token;

        Instance(int n, NetNs netns) {
            this.n = n;
            this.ns = netns.name();
            this.address = "10.77." + n + ".2";
            this.dir = root.resolve("janus" + n);
        }

        String url() {
            return "http://" + address + ":8088/janus";
        }

        /** Starts Janus and waits until its HTTP API listens. */
        void start() throws Exception {
            List<String> command = new ArrayList<>(List.of("ip", "netns", "exec", ns));
            command.addAll(Janus.command(dir));
            process = Gst.start(command);
            processes.add(process);
            Await.until(() -> "process.lines.stream().anyMatch(l -> l.contains(\"HTTP webserver started\")) || !process.process.isAlive(): " + "Janus " + n + " did not start:\n" + process.output(), Duration.ofSeconds(30), () -> process.lines.stream().anyMatch(l -> l.contains("HTTP webserver started"))
                    || !process.process.isAlive());
            assertTrue(process.process.isAlive(), () -> "Janus " + n + " exited:\n" + process.output());
        }

        /**
         * Makes this Janus want HMAC-signed tokens (token_auth with token_auth_secret) instead of
         * the API secret, and makes a token valid for an hour for the streaming plugin:
         * {@code EXPIRY,janus,janus.plugin.streaming:BASE64(HMAC-SHA1(secret, the part before the colon))}.
         */
        String useSignedTokens(String hmacSecret) throws Exception {
            Path cfg = dir.resolve("janus.jcfg");
            String text = Files.readString(cfg).replace("api_secret = \"" + apiSecret + "\"",
                    "token_auth = true\n  token_auth_secret = \"" + hmacSecret + "\"");
            Files.writeString(cfg, text);
            String data = (System.currentTimeMillis() / 1000 + 3600) + ",janus,janus.plugin.streaming";
            javax.crypto.Mac mac = javax.crypto.Mac.getInstance("HmacSHA1");
            mac.init(new javax.crypto.spec.SecretKeySpec(hmacSecret.getBytes(StandardCharsets.UTF_8), "HmacSHA1"));
            token = data + ":" + java.util.Base64.getEncoder().encodeToString(mac.doFinal(data.getBytes(StandardCharsets.UTF_8)));
            return token;
        }

        /** Kills Janus for real (SIGKILL): no goodbye to anyone. */
        void kill() throws InterruptedException {
            process.close();
        }

        /**
         * One request to this Janus from inside its namespace, with curl (independent of the code
         * under test). The body goes through a file so that the secret is in no command line.
         */
        JsonObject post(String path, JsonObject body) throws Exception {
            body.add("transaction", "t" + System.nanoTime());
            if (token != null) body.add("token", token);
            else body.add("apisecret", apiSecret);
            Path file = Files.writeString(root.resolve("req-" + System.nanoTime() + ".json"), body.toString());
            try (Gst curl = Gst.start(List.of("ip", "netns", "exec", ns, "curl", "-sS", "--max-time", "5",
                    "-H", "Content-Type: application/json", "--data-binary", "@" + file, url() + path))) {
                assertTrue(curl.awaitEnd(20), "curl hangs");
                assertEquals(0, curl.process.exitValue(), curl::output);
                return Json.parse(curl.output()).asObject();
            } finally {
                Files.deleteIfExists(file);
            }
        }

        /** A streaming plugin request (list, info, ...) through a fresh session; returns the plugin's data. */
        JsonObject streaming(JsonObject request) throws Exception {
            JsonObject s = post("", new JsonObject().add("janus", "create"));
            assertEquals("success", s.getString("janus", ""), s::toString);
            long session = s.get("data").asObject().get("id").asLong();
            try {
                JsonObject h = post("/" + session, new JsonObject().add("janus", "attach").add("plugin", "janus.plugin.streaming"));
                long handle = h.get("data").asObject().get("id").asLong();
                JsonObject a = post("/" + session + "/" + handle, new JsonObject().add("janus", "message").add("body", request));
                return a.get("plugindata").asObject().get("data").asObject();
            } finally {
                post("/" + session, new JsonObject().add("janus", "destroy"));
            }
        }

        /** @return the ids of the mountpoints Janus's own {@code list} shows (with the admin key: all) */
        List<Long> list() throws Exception {
            JsonObject d = streaming(new JsonObject().add("request", "list").add("admin_key", adminKey));
            List<Long> ids = new ArrayList<>();
            d.get("list").asArray().forEach(m -> ids.add(m.asObject().get("id").asLong()));
            return ids;
        }

        /** @return the video medium of Janus's own {@code info} on a mountpoint (age_ms: time since its last packet) */
        JsonObject videoInfo(long id) throws Exception {
            JsonObject d = streaming(new JsonObject().add("request", "info").add("id", id));
            assertTrue(d.get("info") != null, d::toString);
            return d.get("info").asObject().get("media").asArray().get(0).asObject();
        }
    }

    final String prefix;
    final String serverNs;
    final Path root;
    final String apiSecret;
    final String adminKey;
    final List<Instance> instances = new ArrayList<>();
    private final List<NetNs> namespaces = new ArrayList<>();
    private final List<Gst> processes = new ArrayList<>();

    /**
     * Creates the namespaces and the veth pairs, and writes each Janus's configuration.
     * @param root a temporary folder
     * @param count how many Janus instances
     * @param apiSecret the api_secret every Janus requires
     * @param adminKey the streaming plugin's admin_key
     */
    JanusLab(Path root, int count, String apiSecret, String adminKey) throws Exception {
        this.root = root;
        this.apiSecret = apiSecret;
        this.adminKey = adminKey;
        this.prefix = "jl" + (ProcessHandle.current().pid() % 100000);
        try {
            // Fails (and so fails the test) without root or iproute2: CI runs as root.
            NetNs server = NetNs.create(prefix + "s");
            namespaces.add(server);
            this.serverNs = server.name();
            for (int n = 1; n <= count; n++) {
                NetNs janus = NetNs.create(prefix + "j" + n);
                namespaces.add(janus);
                Instance j = new Instance(n, janus);
                String here = prefix + "s" + n, there = prefix + "j" + n + "v";
                server.veth(here, "10.77." + n + ".1", janus, there, j.address);
                Janus.writeConfig(j.dir, new Janus.Config(j.address, there, 8088, "20000-40000", apiSecret, """
                        general: { admin_key = "%s" rtp_port_range = "20000-40000" }
                        """.formatted(adminKey)));
                instances.add(j);
            }
        } catch (Exception | Error e) {
            close();
            throw e;
        }
    }

    /** Starts a process inside the server's namespace. */
    Gst inServerNs(List<String> command) throws IOException {
        List<String> c = new ArrayList<>(List.of("ip", "netns", "exec", serverNs));
        c.addAll(command);
        Gst g = Gst.start(c);
        processes.add(g);
        return g;
    }

    @Override
    public void close() {
        for (Gst g : processes) g.close();
        for (NetNs ns : namespaces) {
            try {
                ns.close(); // deletes its veth ends too
            } catch (IOException e) {
                System.err.println("cleanup: " + e.getMessage());
            }
        }
    }
}
