package stream.server.internal.metrics;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import java.util.regex.Pattern;

/**
 * Writes metrics in the Prometheus text exposition format 0.0.4: for each family one
 * {@code # HELP} and one {@code # TYPE} line, then its samples, each family's samples together.
 * Counters are named with {@code _total}. Build one per scrape: {@code new Metrics().gauge(...)
 * .counter(...).text()}.
 */
public final class Metrics {
    /** The Content-Type of {@link #text()}. */
    public static final String CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

    private static final Pattern NAME = Pattern.compile("[a-zA-Z_:][a-zA-Z0-9_:]*");
    private static final Pattern LABEL = Pattern.compile("[a-zA-Z_][a-zA-Z0-9_]*");

    private record Sample(Map<String, String> labels, double value) {}

    private record Family(String name, String type, String help, List<Sample> samples) {}

    private final Map<String, Family> families = new LinkedHashMap<>();

    /** An empty set of metrics. */
    public Metrics() {}

    /**
     * Adds a gauge sample.
     * @param name the metric name
     * @param help one line of help
     * @param value the value
     * @return this
     */
    public Metrics gauge(String name, String help, double value) {
        return add(name, "gauge", help, Map.of(), value);
    }

    /**
     * Adds a gauge sample with labels.
     * @param name the metric name
     * @param help one line of help
     * @param labels label names and values
     * @param value the value
     * @return this
     */
    public Metrics gauge(String name, String help, Map<String, String> labels, double value) {
        return add(name, "gauge", help, labels, value);
    }

    /**
     * Adds a counter sample; the name must end in {@code _total}.
     * @param name the metric name
     * @param help one line of help
     * @param value the value (never negative)
     * @return this
     */
    public Metrics counter(String name, String help, double value) {
        return counter(name, help, Map.of(), value);
    }

    /**
     * Adds a counter sample with labels; the name must end in {@code _total}.
     * @param name the metric name
     * @param help one line of help
     * @param labels label names and values
     * @param value the value (never negative)
     * @return this
     */
    public Metrics counter(String name, String help, Map<String, String> labels, double value) {
        if (!name.endsWith("_total")) throw new IllegalArgumentException("counter name must end in _total: " + name);
        if (value < 0) throw new IllegalArgumentException("counter " + name + " is negative: " + value);
        return add(name, "counter", help, labels, value);
    }

    private Metrics add(String name, String type, String help, Map<String, String> labels, double value) {
        if (!NAME.matcher(name).matches()) throw new IllegalArgumentException("bad metric name: " + name);
        for (String l : labels.keySet())
            if (!LABEL.matcher(l).matches() || l.startsWith("__")) throw new IllegalArgumentException("bad label name: " + l);
        Family f = families.computeIfAbsent(name, n -> new Family(n, type, Objects.requireNonNull(help), new ArrayList<>()));
        if (!f.type.equals(type)) throw new IllegalArgumentException(name + " is a " + f.type + ", not a " + type);
        f.samples.add(new Sample(new TreeMap<>(labels), value));
        return this;
    }

    /** @return the exposition text, ending with a newline */
    public String text() {
        StringBuilder b = new StringBuilder();
        for (Family f : families.values()) {
            b.append("# HELP ").append(f.name).append(' ').append(escapeHelp(f.help)).append('\n');
            b.append("# TYPE ").append(f.name).append(' ').append(f.type).append('\n');
            for (Sample s : f.samples) {
                b.append(f.name);
                if (!s.labels.isEmpty()) {
                    b.append('{');
                    boolean first = true;
                    for (var e : s.labels.entrySet()) {
                        if (!first) b.append(',');
                        first = false;
                        b.append(e.getKey()).append("=\"").append(escapeLabel(e.getValue())).append('"');
                    }
                    b.append('}');
                }
                b.append(' ').append(number(s.value)).append('\n');
            }
        }
        return b.toString();
    }

    public static String number(double v) {
        if (Double.isNaN(v)) return "NaN";
        if (Double.isInfinite(v)) return v > 0 ? "+Inf" : "-Inf";
        if (v == Math.rint(v) && Math.abs(v) < 1e15) return Long.toString((long) v);
        return Double.toString(v);
    }

    private static String escapeHelp(String s) {
        return s.replace("\\", "\\\\").replace("\n", "\\n");
    }

    private static String escapeLabel(String s) {
        return s.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n");
    }

    /** Counts HTTP responses by status code; thread-safe. */
    public static final class RequestCounter {
        private final ConcurrentHashMap<Integer, LongAdder> byCode = new ConcurrentHashMap<>();

        /** An empty counter. */
        public RequestCounter() {}

        /** @param code the status code of a response sent */
        public void count(int code) {
            byCode.computeIfAbsent(code, c -> new LongAdder()).increment();
        }

        /** @return the counts so far, by code, in code order */
        public Map<Integer, Long> snapshot() {
            Map<Integer, Long> m = new TreeMap<>();
            byCode.forEach((k, v) -> m.put(k, v.sum()));
            return m;
        }

        /**
         * Adds {@code <name>{code="..."}} samples to the metrics.
         * @param m the metrics
         * @param name the counter name, e.g. stream_http_requests_total
         * @return the metrics
         */
        public Metrics addTo(Metrics m, String name) {
            String help = "HTTP requests answered, by status code.";
            Map<Integer, Long> snap = snapshot();
            if (snap.isEmpty()) snap = Map.of(200, 0L);
            snap.forEach((code, n) -> m.counter(name, help, Map.of("code", Integer.toString(code)), n));
            return m;
        }
    }
}
