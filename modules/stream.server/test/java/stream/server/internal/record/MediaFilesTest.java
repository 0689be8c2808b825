package stream.server.internal.record;

import stream.server.internal.http.server.JdkExchange;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.eclipsesource.json.JsonObject;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Listing, Range downloads and deletion over real HTTP, and every path-like name refused. */
class MediaFilesTest {
    @TempDir
    Path tmp;
    private HttpServer server;
    private Path dir, mp4;
    private String name;
    private byte[] bytes;

    @BeforeEach
    void serve() throws Exception {
        dir = Files.createDirectory(tmp.resolve("clips"));
        name = MediaName.of(Instant.parse("2026-11-26T15:04:05.123Z"));
        mp4 = dir.resolve(name);
        // a real 2 s H.264 MP4
        Live.run("gst-launch-1.0", "-q", "videotestsrc", "num-buffers=60", "pattern=ball", "!",
                "video/x-raw,format=I420,width=160,height=120,framerate=30/1", "!", "x264enc", "key-int-max=30", "!",
                "h264parse", "!", "mp4mux", "!", "filesink", "location=" + mp4);
        bytes = Files.readAllBytes(mp4);
        Files.writeString(tmp.resolve("secret.txt"), "not to be served");
        Catalog catalog = new Catalog(dir);
        server = Http.server();
        server.createContext("/streams/cam/clips", ex -> {
            try (ex) {
                String raw = ex.getRequestURI().getRawPath().substring("/streams/cam/clips".length());
                MediaFiles.answer(new JdkExchange(ex), catalog, "clips", raw);
            }
        });
        server.start();
    }

    @AfterEach
    void stop() {
        server.stop(0);
    }

    private Http.Answer request(String method, String path, String... headers) throws IOException {
        return Http.request(server.getAddress().getPort(), method, path, null, headers);
    }

    @Test
    void listsNameStartDurationAndSize() throws Exception {
        Files.write(dir.resolve(MediaName.of(Instant.now()) + MediaName.PARTIAL), new byte[10]); // being written: not listed
        Http.Answer a = request("GET", "/streams/cam/clips");
        assertEquals(200, a.code());
        var list = a.json().get("clips").asArray();
        assertEquals(1, list.size(), a.json().toString());
        JsonObject e = list.get(0).asObject();
        assertEquals(name, e.getString("name", ""));
        assertEquals("2026-11-26T15:04:05.123Z", e.getString("start", ""));
        assertEquals(2.0, e.getDouble("duration", 0), 0.001);
        assertEquals(bytes.length, e.getLong("size", 0));
    }

    @Test
    void rangeRequestsAnswer206WithTheRightBytesAnd416OutsideTheFile() throws Exception {
        Http.Answer whole = request("GET", "/streams/cam/clips/" + name);
        assertEquals(200, whole.code());
        assertEquals("video/mp4", whole.header("Content-Type"));
        assertEquals("bytes", whole.header("Accept-Ranges"));
        assertArrayEquals(bytes, whole.body());

        Http.Answer mid = request("GET", "/streams/cam/clips/" + name, "Range: bytes=100-1099");
        assertEquals(206, mid.code());
        assertEquals("bytes 100-1099/" + bytes.length, mid.header("Content-Range"));
        assertArrayEquals(Arrays.copyOfRange(bytes, 100, 1100), mid.body());

        Http.Answer open = request("GET", "/streams/cam/clips/" + name, "Range: bytes=" + (bytes.length - 10) + "-");
        assertEquals(206, open.code());
        assertArrayEquals(Arrays.copyOfRange(bytes, bytes.length - 10, bytes.length), open.body());

        Http.Answer suffix = request("GET", "/streams/cam/clips/" + name, "Range: bytes=-500");
        assertEquals(206, suffix.code());
        assertEquals("bytes " + (bytes.length - 500) + "-" + (bytes.length - 1) + "/" + bytes.length, suffix.header("Content-Range"));
        assertArrayEquals(Arrays.copyOfRange(bytes, bytes.length - 500, bytes.length), suffix.body());

        Http.Answer past = request("GET", "/streams/cam/clips/" + name, "Range: bytes=" + bytes.length + "-");
        assertEquals(416, past.code());
        assertEquals("bytes */" + bytes.length, past.header("Content-Range"));

        Http.Answer head = request("HEAD", "/streams/cam/clips/" + name, "Range: bytes=0-9");
        assertEquals(206, head.code());
        assertEquals("10", head.header("Content-Length"));
        assertEquals(0, head.body().length);
    }

    @Test
    void rangeHeaderGrammar() {
        assertEquals(new RangeResponse(200, 0, 999, 1000), RangeResponse.of(null, 1000));
        assertEquals(new RangeResponse(206, 0, 0, 1000), RangeResponse.of("bytes=0-0", 1000));
        assertEquals(new RangeResponse(206, 990, 999, 1000), RangeResponse.of("bytes=990-5000", 1000));
        assertEquals(new RangeResponse(206, 0, 999, 1000), RangeResponse.of("bytes=-5000", 1000));
        assertEquals(416, RangeResponse.of("bytes=1000-1001", 1000).status());
        assertEquals(416, RangeResponse.of("bytes=-0", 1000).status());
        for (String ignored : List.of("items=0-1", "bytes=5-1", "bytes=a-b", "bytes=0-1,5-6", "bytes=99999999999999999999-"))
            assertEquals(200, RangeResponse.of(ignored, 1000).status(), ignored);
    }

    @Test
    void everyPathLikeNameIsRefusedAndNothingOutsideTheDirectoryIsServed() throws Exception {
        Files.createSymbolicLink(dir.resolve(MediaName.of(Instant.EPOCH)), tmp.resolve("secret.txt"));
        for (String bad : List.of("../secret.txt", "..%2Fsecret.txt", "%2E%2E%2Fsecret.txt", "..%5Csecret.txt",
                name + "/../../secret.txt", "./" + name, name + "%00", "%2Fetc%2Fpasswd", "/etc/passwd",
                name + MediaName.PARTIAL, name.toUpperCase(Locale.ROOT), "x", ".", "..")) {
            Http.Answer a = request("GET", "/streams/cam/clips/" + bad);
            assertEquals(400, a.code(), bad);
            assertTrue(a.json().getString("error", "").startsWith("not a file name of these clips"), bad);
            assertFalse(new String(a.body(), StandardCharsets.UTF_8).contains("not to be served"));
            assertEquals(400, request("DELETE", "/streams/cam/clips/" + bad).code(), bad);
        }
        // a valid name that is a link to elsewhere is not a file of the collection
        assertEquals(404, request("GET", "/streams/cam/clips/" + MediaName.of(Instant.EPOCH)).code());
        assertEquals(404, request("GET", "/streams/cam/clips/" + MediaName.of(Instant.EPOCH.plusMillis(1))).code());
        assertTrue(Files.exists(tmp.resolve("secret.txt")));
    }

    @Test
    void deleteRemovesAListedFileAndOtherMethodsAreRefused() throws Exception {
        Http.Answer put = request("PUT", "/streams/cam/clips/" + name);
        assertEquals(405, put.code());
        assertEquals("GET, HEAD, DELETE", put.header("Allow"));
        assertEquals(405, request("POST", "/streams/cam/clips").code());
        Http.Answer del = request("DELETE", "/streams/cam/clips/" + name);
        assertEquals(200, del.code());
        assertEquals(name, del.json().getString("deleted", ""));
        assertFalse(Files.exists(mp4));
        assertEquals(404, request("DELETE", "/streams/cam/clips/" + name).code());
        assertEquals(0, request("GET", "/streams/cam/clips").json().get("clips").asArray().size());
    }
}
