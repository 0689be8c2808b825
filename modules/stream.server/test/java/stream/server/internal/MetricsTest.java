package stream.server.internal;

import stream.server.internal.metrics.Metrics;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import org.junit.jupiter.api.Test;

class MetricsTest {
    @Test
    void writesParsableExpositionWithHelpTypeAndLabels() {
        Metrics.RequestCounter http = new Metrics.RequestCounter();
        http.count(200);
        http.count(200);
        http.count(400);
        Metrics m = new Metrics()
                .gauge("stream_up", "1 when the stream is running.", 1)
                .gauge("stream_status", "Current status, one sample per status; 1 marks the one in force.",
                        Map.of("status", "running"), 1)
                .gauge("stream_status", "ignored", Map.of("status", "stalled"), 0)
                .counter("stream_packets_total", "RTP packets seen.", 12345)
                .gauge("stream_fps", "Frames per second \\ over the last seconds\nsecond line.", 14.97)
                .gauge("stream_odd", "Label escaping.", Map.of("v", "a\"b\\c\nd"), Double.NaN);
        http.addTo(m, "stream_http_requests_total");
        String text = m.text();
        PromText.Parsed p = PromText.parse(text);
        assertEquals("counter", p.types().get("stream_packets_total"));
        assertEquals("gauge", p.types().get("stream_fps"));
        assertEquals(12345, p.value("stream_packets_total", Map.of()));
        assertEquals(14.97, p.value("stream_fps", Map.of()));
        assertEquals("Frames per second \\ over the last seconds\nsecond line.", p.help().get("stream_fps"));
        assertEquals(2, p.value("stream_http_requests_total", Map.of("code", "200")));
        assertEquals(1, p.value("stream_http_requests_total", Map.of("code", "400")));
        assertEquals(0, p.value("stream_status", Map.of("status", "stalled")));
        assertTrue(Double.isNaN(p.value("stream_odd", Map.of("v", "a\"b\\c\nd"))));
        assertTrue(text.contains("stream_packets_total 12345\n"), text);
    }

    @Test
    void refusesWhatAScraperWouldReject() {
        assertThrows(IllegalArgumentException.class, () -> new Metrics().counter("stream_packets", "no _total", 1));
        assertThrows(IllegalArgumentException.class, () -> new Metrics().counter("x_total", "negative", -1));
        assertThrows(IllegalArgumentException.class, () -> new Metrics().gauge("bad-name", "dash", 1));
        assertThrows(IllegalArgumentException.class, () -> new Metrics().gauge("x", "label", Map.of("__x", "y"), 1));
        assertThrows(IllegalArgumentException.class, () -> new Metrics().gauge("x_total", "h", 1).counter("x_total", "h", 1));
    }

    @Test
    void theTestParserIsStrict() {
        // The parser must catch the mistakes a hand-written exposition makes, or the test above proves nothing.
        for (String bad : new String[] {
                "x 1",                                         // no final newline
                "x 1\n",                                       // no TYPE
                "# TYPE x gauge\nx  1\n",                      // two spaces
                "# TYPE x gauge\nx{a=\"b} 1\n",                // unterminated label (throws on index)
                "# TYPE x gauge\nx{a=b} 1\n",                  // unquoted label
                "# TYPE x gauge\nx 1,5\n",                     // bad number
                "# TYPE x gauge\n# TYPE y gauge\nx 1\ny 1\nx 2\n", // family split
                "# TYPE x_total counter\nx_total -1\n",        // negative counter
                "# TYPE x gauge\n\nx 1\n",                     // blank line
                "# TYPE x gauge\nx{a=\"\\t\"} 1\n",            // bad escape
                "# TYPE x flavour\nx 1\n",                     // unknown type
        }) {
            assertThrows(RuntimeException.class, () -> PromText.parse(bad), bad);
        }
    }

    @Test
    void numbersAreWrittenAsPrometheusReadsThem() {
        assertEquals("3", Metrics.number(3.0));
        assertEquals("0.5", Metrics.number(0.5));
        assertEquals("+Inf", Metrics.number(Double.POSITIVE_INFINITY));
        assertEquals("NaN", Metrics.number(Double.NaN));
    }
}
