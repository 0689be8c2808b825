package stream.server.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import stream.server.StreamServer;

/**
 * The API table (docs/api.md, which the README links), the route table (--help, 404 hints) and
 * the server agree: every route the table lists is in the route table, and a real server answers it with something other than
 * the "No such path" 404.
 */
class RouteTableTest {
    private static final Pattern ROUTE = Pattern.compile("`((?:[A-Z]+\\\\?\\|?)+) (/[^` ]*)");

    @TempDir
    Path dir;

    /** @return (methods, path) of every route in docs/api.md's table of requests */
    private static List<String[]> readmeRoutes() throws Exception {
        Path readme = Path.of(System.getProperty("stream.build.dir")).getParent().resolve("docs/api.md");
        List<String> lines = Files.readAllLines(readme);
        int start = lines.indexOf("| request | answer |");
        assertTrue(start > 0, "docs/api.md has the table of requests");
        List<String[]> routes = new ArrayList<>();
        for (int i = start + 2; i < lines.size() && lines.get(i).startsWith("|"); i++) {
            String request = lines.get(i).split(" \\| ")[0];
            Matcher m = ROUTE.matcher(request);
            while (m.find()) routes.add(new String[] {m.group(1).replace("\\", ""), m.group(2).replaceAll("\\[.*", "")});
        }
        assertTrue(routes.size() >= 15, "docs/api.md's table has its routes: " + routes.size());
        return routes;
    }

    /** "/streams/NAME/recordings/FILE" -> "/streams/NAME/recordings": the resource the route table names */
    private static String resource(String path) {
        String[] p = path.split("/");
        return p.length > 4 && p[1].equals("streams") ? String.join("/", List.of(p).subList(0, 4)) : path;
    }

    @Test
    void docsRoutesIsTheRouteTable() throws Exception {
        String page = Files.readString(Path.of(System.getProperty("stream.build.dir")).getParent().resolve("docs/routes.md"));
        String block = page.substring(page.indexOf("```\n") + 4, page.lastIndexOf("```"));
        assertEquals(String.join("\n", StreamServer.routeTable()) + "\n", block,
                "docs/routes.md lists exactly the route table (regenerate it from stream-server --help)");
    }

    @Test
    void everyRouteOfTheReadmeIsInTheRouteTableAndAnswered() throws Exception {
        List<String> table = StreamServer.routeTable();
        int udp = TestSupport.freeUdpPort();
        try (StreamServer server = StreamServer.start(TestSupport.smallTestServer(dir, udp).withRtspPort(0))) {
            int port = server.port();
            for (String[] r : readmeRoutes()) {
                String res = resource(r[1]);
                assertTrue(table.stream().anyMatch(line -> line.matches("^[A-Z|]+ +" + Pattern.quote(res) + "( .*|)$")),
                        () -> "docs/api.md route " + r[0] + " " + r[1] + " (" + res + ") is in the route table:\n" + String.join("\n", table));
                String path = r[1].replace("NAME", "main").replace("/ID", "/x").replace("FILE", "20261207T000000.000Z.mp4");
                for (String method : r[0].split("\\|")) {
                    if (method.equals("DELETE") && path.equals("/streams/main")) continue; // 409 for main; tried elsewhere
                    var answer = TestSupport.request(port, method, path, method.equals("POST") || method.equals("PUT") ? "{}" : null);
                    assertFalse(answer.code() == 404 && answer.body().contains("No such path"),
                            () -> method + " " + path + " is answered, not an unknown path: " + answer.code() + " " + answer.body());
                }
            }
        }
    }
}
