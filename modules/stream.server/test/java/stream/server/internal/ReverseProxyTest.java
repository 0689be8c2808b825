package stream.server.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.eclipsesource.json.Json;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import stream.testkit.NetNs;
import java.time.Duration;
import stream.testkit.Await;

/**
 * Issue 14, "the token is bypassed by the set-up the README recommends": Debian's nginx proxies to
 * the server on the same host, so every request reaches the server from 127.0.0.1. A client on
 * another "machine" (a second network namespace, joined by a veth pair with test addresses
 * 10.77.x only) is refused without the token and served with it; pages of the proxy's own origin
 * pass the cross-site check (nginx passes the Host), pages of other origins do not.
 */
class ReverseProxyTest {
    static final String TOKEN = "proxy-t0ken";
    static final String PROXY = "10.77.0.2";
    static final String CLIENT = "10.77.0.1";
    @TempDir
    Path dir;

    @Test
    void throughNginxAPostWithoutTheTokenIsRefusedAndWithItWorks() throws Exception {
        String suffix = Long.toString(ProcessHandle.current().pid() % 100000);
        try (NetNs host = NetNs.create("proxy"); NetNs remote = NetNs.create("client")) {
            // The veth ends are made inside the namespaces: nothing appears on the machine's own network.
            run("ip", "link", "add", "pxa" + suffix, "netns", remote.name(), "type", "veth", "peer", "name", "pxb" + suffix,
                    "netns", host.name());
            remote.exec("ip", "addr", "add", CLIENT + "/30", "dev", "pxa" + suffix);
            remote.exec("ip", "link", "set", "pxa" + suffix, "up");
            host.exec("ip", "addr", "add", PROXY + "/30", "dev", "pxb" + suffix);
            host.exec("ip", "link", "set", "pxb" + suffix, "up");

            Files.createDirectories(dir.resolve("state"), java.nio.file.attribute.PosixFilePermissions.asFileAttribute(
                    java.nio.file.attribute.PosixFilePermissions.fromString("rwx------")));
            List<String> args = List.of("--port", "0", "--bind", "127.0.0.1", "--source", "test", "--width", "320", "--height",
                    "240", "--framerate", "15", "--dest", "127.0.0.1:5004", "--state-dir", dir.resolve("state").toString());
            try (TestSupport.ServerProcess server = new TestSupport.ServerProcess(host.prefix(), args, Map.of("STREAM_TOKEN", TOKEN))) {
                int port = server.awaitPort();
                Process nginx = startNginx(host, port);
                try {
                    String url = "http://" + PROXY + ":8080/control";
                    waitForProxy(remote, "http://" + PROXY + ":8080/health"); // /control asks for the token now
                    String[] noToken = curl(remote, "-X", "POST", "-d", "{\"action\":\"start\"}", url);
                    assertEquals("401", noToken[0], noToken[1]);
                    assertTrue(noToken[1].contains("Unauthorized"), noToken[1]);
                    assertEquals("401", curl(remote, url)[0], "reads through the proxy need the token too");
                    assertEquals("stopped", Json.parse(curl(remote, "-H", "Authorization: Bearer " + TOKEN, url)[1]).asObject().getString("status", null));

                    String[] withToken = curl(remote, "-X", "POST", "-H", "Authorization: Bearer " + TOKEN, "-d", "{\"action\":\"start\"}", url);
                    assertEquals("200", withToken[0], withToken[1]);
                    assertEquals("running", Json.parse(withToken[1]).asObject().getString("status", null));

                    // A page of the proxy's own origin (the dashboard behind the proxy) passes; another site's does not.
                    String[] other = curl(remote, "-X", "POST", "-H", "Authorization: Bearer " + TOKEN, "-H", "Origin: http://evil.example",
                            "-d", "{\"action\":\"stop\"}", url);
                    assertEquals("403", other[0], other[1]);
                    String[] own = curl(remote, "-X", "POST", "-H", "Authorization: Bearer " + TOKEN, "-H", "Origin: http://" + PROXY + ":8080",
                            "-d", "{\"action\":\"stop\"}", url);
                    assertEquals("200", own[0], own[1]);
                    assertEquals("stopped", Json.parse(own[1]).asObject().getString("status", null));
                    String log = Files.readString(dir.resolve("nginx/access.log"));
                    assertTrue(log.contains(CLIENT), "the requests went through nginx: " + log);
                } finally {
                    nginx.destroy();
                    if (!nginx.waitFor(10, TimeUnit.SECONDS)) nginx.destroyForcibly();
                }
            }
        }
    }

    private Process startNginx(NetNs ns, int upstream) throws IOException {
        Path prefix = Files.createDirectories(dir.resolve("nginx"));
        Files.createDirectories(prefix.resolve("tmp"));
        String t = prefix.resolve("tmp").toString();
        String conf = """
                master_process off;
                daemon off;
                user root root;
                pid %1$s/nginx.pid;
                error_log %1$s/error.log info;
                events { worker_connections 64; }
                http {
                    access_log %1$s/access.log;
                    client_body_temp_path %2$s/body; proxy_temp_path %2$s/proxy; fastcgi_temp_path %2$s/fastcgi;
                    uwsgi_temp_path %2$s/uwsgi; scgi_temp_path %2$s/scgi;
                    server {
                        listen %3$s:8080;
                        location / {
                            proxy_pass http://127.0.0.1:%4$d;
                            proxy_set_header Host $http_host;
                        }
                    }
                }
                """.formatted(prefix, t, PROXY, upstream);
        Path file = prefix.resolve("nginx.conf");
        Files.writeString(file, conf);
        List<String> cmd = new ArrayList<>(ns.prefix());
        cmd.addAll(List.of("nginx", "-p", prefix.toString(), "-c", file.toString()));
        return new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(prefix.resolve("stdout.log").toFile()).start();
    }

    private static void waitForProxy(NetNs remote, String url) throws Exception {
        Await.until("nginx to answer 200 on " + url, Duration.ofSeconds(30), () -> curl(remote, url)[0].equals("200"));
    }

    /** @return the status code and the body */
    static String[] curl(NetNs ns, String... args) throws Exception {
        List<String> cmd = new ArrayList<>(ns.prefix());
        cmd.addAll(List.of("curl", "-sS", "--max-time", "20", "-w", "\n%{http_code}"));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        p.waitFor(30, TimeUnit.SECONDS);
        int nl = out.lastIndexOf('\n');
        return new String[] {out.substring(nl + 1).strip(), out.substring(0, Math.max(0, nl))};
    }

    private static void run(String... command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(30, TimeUnit.SECONDS) || p.exitValue() != 0)
            throw new IOException(String.join(" ", command) + " failed: " + out + " (needs root and iproute2, as in CI)");
    }
}
