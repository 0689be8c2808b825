package stream.server.internal.stream;

import stream.server.internal.http.ApiError;
import stream.server.internal.settings.SettingsGrammar;
import stream.server.internal.settings.StreamSettings;
import stream.server.internal.sources.Source;
import stream.server.internal.supervisor.StreamPlan;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import stream.server.internal.settings.SettingsGrammar.Endpoint;

/**
 * What two streams may not share: a destination port on overlapping hosts (the same host, both
 * loopback, or either the any-address, which reaches this machine), the statistics port of another
 * stream's tap, a capture device, or a recording directory. Host names are compared as written (no DNS lookups), except
 * "localhost", which is loopback.
 */
final class StreamConflicts {
    private StreamConflicts() {}

    /** @return the field a taken destination concerns: multicast for a group, else destinations */
    private static String targetField(StreamPlan plan) {
        return plan.settings().get(StreamSettings.MULTICAST) != null ? StreamSettings.MULTICAST.name() : StreamSettings.DESTINATIONS.name();
    }

    /**
     * @param name the stream being defined or started
     * @param plan its settings
     * @param others every stream (the one named is skipped)
     * @return a 409 naming the stream that already has a destination port or the device, if any, with the field it concerns
     */
    static Optional<ApiError> find(String name, StreamPlan plan, Collection<Stream> others) {
        for (Stream other : others) {
            if (other.name().equals(name)) continue;
            List<StreamPlan> theirs = List.of(other.supervisor().defaults(), other.supervisor().plan());
            for (Endpoint mine : plan.settings().targets()) {
                for (StreamPlan p : theirs)
                    for (Endpoint e : p.settings().targets())
                        if (overlap(mine, e))
                            return Optional.of(ApiError.conflict("Destination " + mine + " is taken: stream '" + other.name()
                                    + "' sends to " + e, "Choose another port, or change or delete stream '" + other.name() + "' first.",
                                    targetField(plan)));
                if (mine.port() == other.rtp().port() && (isLoopback(mine.host()) || isAny(mine.host())))
                    return Optional.of(ApiError.conflict("Destination " + mine + " is the statistics port of stream '"
                            + other.name() + "'", "Choose another port.", targetField(plan)));
            }
            Path recordDir = plan.settings().get(StreamSettings.RECORD_DIR);
            for (StreamPlan p : theirs)
                if (recordDir != null && recordDir.equals(p.settings().get(StreamSettings.RECORD_DIR)))
                    return Optional.of(ApiError.conflict("Recording directory " + recordDir + " is taken: stream '" + other.name()
                            + "' records there", "Each stream records into a directory of its own (retention would delete the"
                            + " other's segments); choose another record-dir.", StreamSettings.RECORD_DIR.name()));
            String device = device(plan.source());
            if (device == null) continue;
            for (StreamPlan p : theirs)
                if (device.equals(device(p.source())))
                    return Optional.of(ApiError.conflict("Capture device " + plan.source().describe() + " is taken: stream '"
                            + other.name() + "' opens it", "A camera can be opened by one stream; use another device or source test, "
                            + "or change or delete stream '" + other.name() + "' first.", StreamSettings.SOURCE.name()));
        }
        return Optional.empty();
    }

    /** @return a key that is equal for the same capture device, or null for a source that opens none */
    private static String device(Source s) {
        return switch (s.kind()) {
            case TEST -> null;
            case V4L2 -> {
                try {
                    yield Path.of(s.device()).toRealPath().toString(); // /dev/v4l/by-id/... links to /dev/videoN
                } catch (java.io.IOException | RuntimeException e) {
                    yield s.device();
                }
            }
            case RTSP -> null; // a camera on the network serves any number of clients
            default -> s.kind().name(); // the platform's default camera
        };
    }

    static boolean overlap(Endpoint a, Endpoint b) {
        if (a.port() != b.port()) return false;
        String x = canonical(a.host()), y = canonical(b.host());
        return x.equals(y) || isAny(x) || isAny(y) || (isLoopback(x) && isLoopback(y));
    }

    /** Literals in one spelling (::0001 and ::1 are one address); names lower-cased. */
    private static String canonical(String host) {
        String h = host.toLowerCase(Locale.ROOT);
        if (h.equals("localhost")) return "127.0.0.1";
        if (SettingsGrammar.isIpv4(h) || SettingsGrammar.isIpv6(h)) {
            try {
                return InetAddress.getByName(h).getHostAddress(); // a literal: parsed, never looked up
            } catch (UnknownHostException e) {
                return h;
            }
        }
        return h;
    }

    private static boolean isLoopback(String host) {
        String h = canonical(host);
        return h.startsWith("127.") || h.equals("0:0:0:0:0:0:0:1");
    }

    private static boolean isAny(String host) {
        String h = canonical(host);
        return h.equals("0.0.0.0") || h.equals("0:0:0:0:0:0:0:0");
    }

    /** @return every pair of streams in conflict, for checking a whole file at start */
    static List<String> among(Collection<Stream> streams) {
        List<String> found = new ArrayList<>();
        for (Stream s : streams)
            find(s.name(), s.supervisor().defaults(), streams).ifPresent(e -> found.add("stream '" + s.name() + "': " + e.getMessage()));
        return found;
    }
}
