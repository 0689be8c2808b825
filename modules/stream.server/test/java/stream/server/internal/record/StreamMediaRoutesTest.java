package stream.server.internal.record;

import stream.server.internal.http.server.JdkExchange;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.eclipsesource.json.JsonObject;
import com.sun.net.httpserver.HttpServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import stream.testkit.Await;

/** The routes below /streams/{name} over real HTTP, on a real stream. */
class StreamMediaRoutesTest {
    @TempDir
    Path tmp;

    private int port;

    private Http.Answer get(String path, String... headers) throws Exception {
        return Http.request(port, "GET", "/streams/cam" + path, null, headers);
    }

    private Http.Answer post(String path, String body) throws Exception {
        return Http.request(port, "POST", "/streams/cam" + path, body);
    }

    private static JsonObject json(Http.Answer r) {
        assertTrue(r.header("Content-Type").startsWith("application/json"), r.toString());
        return r.json();
    }

    @Test
    void snapshotClipsAndRecordingsOverHttp() throws Exception {
        HttpServer server = Http.server();
        try (Live live = new Live(tmp)) {
            server.createContext("/streams/cam", ex -> {
                try (ex) {
                    String rest = ex.getRequestURI().getRawPath().substring("/streams/cam".length());
                    if (StreamMediaRoutes.handles(rest)) StreamMediaRoutes.answer(new JdkExchange(ex), live.capture, rest);
                    else ex.sendResponseHeaders(404, -1);
                }
            });
            server.start();
            port = server.getAddress().getPort();
            live.awaitPicture();
            Thread.sleep(2500); // media to serve: 2.5 s of stream in the capture's pre-roll

            Http.Answer snap = get("/snapshot.jpg?width=160");
            assertEquals(200, snap.code());
            assertEquals("image/jpeg", snap.header("Content-Type"));
            Path jpg = tmp.resolve("s.jpg");
            Files.write(jpg, snap.body());
            Live.Probe p = Live.ffprobe(jpg);
            assertEquals(160, p.width());
            assertEquals(120, p.height());
            assertEquals(400, get("/snapshot.jpg?width=../x").code());
            assertEquals(400, get("/snapshot.jpg?width=5").code());

            for (String bad : new String[] {"{", "[]", "{\"before\":1}", "{\"before\":\"1\",\"after\":1}",
                    "{\"before\":1,\"after\":1,\"x\":1}", "{\"before\":99,\"after\":1}"}) {
                Http.Answer r = post("/clips", bad);
                assertEquals(400, r.code(), bad);
                assertTrue(json(r).getString("error", "").length() > 5, bad);
            }
            Http.Answer big = post("/clips", " ".repeat(70_000));
            assertEquals(413, big.code());
            Http.Answer made = post("/clips", "{\"before\":1,\"after\":1}");
            assertEquals(202, made.code());
            String name = json(made).getString("name", "");
            assertEquals("clips/" + name, made.header("Location"));
            JsonObject list = json(get("/clips"));
            assertEquals(name, list.get("pending").asArray().get(0).asObject().getString("name", ""));
            Await.until("the clip listed", Duration.ofSeconds(30), () -> {
                try {
                    var l = json(get("/clips")).get("clips").asArray();
                    return l.size() == 1 && l.get(0).asObject().getString("name", "").equals(name);
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
            Http.Answer range = get("/clips/" + name, "Range: bytes=0-99");
            assertEquals(206, range.code());
            assertEquals(100, range.body().length);
            assertEquals(0, json(get("/recordings")).get("recordings").asArray().size());
            assertEquals(405, Http.request(port, "DELETE", "/streams/cam/snapshot.jpg", null).code());

            live.stopSender();
            Await.until("stopped", Duration.ofSeconds(10), () -> !live.capture.receiving());
            Http.Answer off = get("/snapshot.jpg");
            assertEquals(409, off.code());
            assertTrue(json(off).getString("error", "").startsWith("the stream is not running"));
        } finally {
            server.stop(0);
        }
    }
}
