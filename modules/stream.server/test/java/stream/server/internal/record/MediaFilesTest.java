package stream.server.internal.record;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.eclipsesource.json.Json;
import com.eclipsesource.json.JsonObject;
import com.sun.net.httpserver.HttpServer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
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
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/streams/cam/clips", ex -> {
            try (ex) {
                String raw = ex.getRequestURI().getRawPath().substring("/streams/cam/clips".length());
                MediaFiles.answer(ex, catalog, "clips", raw);
            }
        });
        server.start();
    }

    @AfterEach
    void stop() {
        server.stop(0);
    }

    record Answer(int code, Map<String, String> headers, byte[] body) {
        String header(String n) {
            return headers.get(n.toLowerCase(Locale.ROOT));
        }

        JsonObject json() {
            return Json.parse(new String(body, StandardCharsets.UTF_8)).asObject();
        }
    }

    /** One request over a raw socket, so the path reaches the server exactly as written. */
    private Answer request(String method, String path, String... headers) throws IOException {
        try (Socket s = new Socket(InetAddress.getLoopbackAddress(), server.getAddress().getPort())) {
            s.setSoTimeout(30_000);
            StringBuilder h = new StringBuilder(method + " " + path + " HTTP/1.1\r\nHost: t\r\nConnection: close\r\n");
            for (String x : headers) h.append(x).append("\r\n");
            OutputStream out = s.getOutputStream();
            out.write(h.append("\r\n").toString().getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            byte[] all = readAll(s.getInputStream());
            int end = indexOf(all, "\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
            String[] lines = new String(all, 0, end, StandardCharsets.ISO_8859_1).split("\r\n");
            Map<String, String> hs = new LinkedHashMap<>();
            for (int i = 1; i < lines.length; i++) {
                int c = lines[i].indexOf(':');
                hs.put(lines[i].substring(0, c).trim().toLowerCase(Locale.ROOT), lines[i].substring(c + 1).trim());
            }
            return new Answer(Integer.parseInt(lines[0].split(" ")[1]), hs, Arrays.copyOfRange(all, end + 4, all.length));
        }
    }

    private static byte[] readAll(InputStream in) throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        in.transferTo(b);
        return b.toByteArray();
    }

    private static int indexOf(byte[] a, byte[] what) {
        outer:
        for (int i = 0; i + what.length <= a.length; i++) {
            for (int j = 0; j < what.length; j++) if (a[i + j] != what[j]) continue outer;
            return i;
        }
        throw new IllegalStateException("no header end");
    }

    @Test
    void listsNameStartDurationAndSize() throws Exception {
        Files.write(dir.resolve(MediaName.of(Instant.now()) + MediaName.PARTIAL), new byte[10]); // being written: not listed
        Answer a = request("GET", "/streams/cam/clips");
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
        Answer whole = request("GET", "/streams/cam/clips/" + name);
        assertEquals(200, whole.code());
        assertEquals("video/mp4", whole.header("Content-Type"));
        assertEquals("bytes", whole.header("Accept-Ranges"));
        assertArrayEquals(bytes, whole.body());

        Answer mid = request("GET", "/streams/cam/clips/" + name, "Range: bytes=100-1099");
        assertEquals(206, mid.code());
        assertEquals("bytes 100-1099/" + bytes.length, mid.header("Content-Range"));
        assertArrayEquals(Arrays.copyOfRange(bytes, 100, 1100), mid.body());

        Answer open = request("GET", "/streams/cam/clips/" + name, "Range: bytes=" + (bytes.length - 10) + "-");
        assertEquals(206, open.code());
        assertArrayEquals(Arrays.copyOfRange(bytes, bytes.length - 10, bytes.length), open.body());

        Answer suffix = request("GET", "/streams/cam/clips/" + name, "Range: bytes=-500");
        assertEquals(206, suffix.code());
        assertEquals("bytes " + (bytes.length - 500) + "-" + (bytes.length - 1) + "/" + bytes.length, suffix.header("Content-Range"));
        assertArrayEquals(Arrays.copyOfRange(bytes, bytes.length - 500, bytes.length), suffix.body());

        Answer past = request("GET", "/streams/cam/clips/" + name, "Range: bytes=" + bytes.length + "-");
        assertEquals(416, past.code());
        assertEquals("bytes */" + bytes.length, past.header("Content-Range"));

        Answer head = request("HEAD", "/streams/cam/clips/" + name, "Range: bytes=0-9");
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
            Answer a = request("GET", "/streams/cam/clips/" + bad);
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
        Answer put = request("PUT", "/streams/cam/clips/" + name);
        assertEquals(405, put.code());
        assertEquals("GET, HEAD, DELETE", put.header("Allow"));
        assertEquals(405, request("POST", "/streams/cam/clips").code());
        Answer del = request("DELETE", "/streams/cam/clips/" + name);
        assertEquals(200, del.code());
        assertEquals(name, del.json().getString("deleted", ""));
        assertFalse(Files.exists(mp4));
        assertEquals(404, request("DELETE", "/streams/cam/clips/" + name).code());
        assertEquals(0, request("GET", "/streams/cam/clips").json().get("clips").asArray().size());
    }
}
