package stream.server.internal.webrtc;

import com.eclipsesource.json.JsonObject;
import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Predicate;

/**
 * The glass-to-glass latency each browser viewer of one stream reports it has (the dashboard's
 * latency.js measures it from the gateway's RTCP sender reports and Chromium's statistics, and
 * posts it every few seconds), and their spread for the stream's status. A report older than
 * {@link #FRESH_NANOS} no longer counts: its viewer stopped reporting or left.
 */
final class ViewerLatency {
    /** Latencies above this are refused as nonsense (a minute). */
    static final double MAX_MS = 60_000;
    private static final long FRESH_NANOS = 10_000_000_000L;

    private record Report(double ms, long atNanos) {}

    private final Map<String, Report> reports = new ConcurrentHashMap<>();

    /**
     * @param viewer the viewer's id
     * @param ms its latency now, 0..{@link #MAX_MS}
     */
    void report(String viewer, double ms) {
        reports.put(viewer, new Report(ms, System.nanoTime()));
    }

    /**
     * The spread over the viewers that reported lately and still watch.
     * @param watching whether a viewer id still watches
     * @return {viewers, minMs, medianMs, maxMs}; {viewers: 0} when none reported
     */
    JsonObject spread(Predicate<String> watching) {
        long now = System.nanoTime();
        reports.entrySet().removeIf(e -> now - e.getValue().atNanos() > FRESH_NANOS || !watching.test(e.getKey()));
        double[] ms = reports.values().stream().mapToDouble(Report::ms).sorted().toArray();
        JsonObject out = new JsonObject().add("viewers", ms.length);
        if (ms.length == 0) return out;
        double median = ms.length % 2 == 1 ? ms[ms.length / 2] : (ms[ms.length / 2 - 1] + ms[ms.length / 2]) / 2;
        return out.add("minMs", round(ms[0])).add("medianMs", round(median)).add("maxMs", round(ms[ms.length - 1]));
    }

    private static double round(double ms) {
        return Math.round(ms * 10) / 10.0;
    }

    @Override
    public String toString() {
        return Arrays.toString(reports.values().toArray());
    }
}
