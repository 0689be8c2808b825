package stream.server.internal.feature;

import stream.server.internal.rtp.RtpTap;
import stream.server.internal.settings.StreamSettings;
import stream.server.internal.supervisor.Exit;
import com.eclipsesource.json.JsonValue;
import java.time.Instant;
import java.util.Map;
import java.util.Objects;

/**
 * What happens to a stream, as its {@link StreamFeature}s hear it, in the order it happened, on
 * the stream's own event thread (never under the supervisor's lock). A stream's deletion is not an
 * event: it closes the feature ({@link StreamFeature#close()}).
 */
public sealed interface StreamEvent {
    /**
     * A child was spawned: its RTP copy arrives at {@code rtp} from now on (the same tap for
     * every child of the stream, reset for this one).
     * @param at when it was spawned
     * @param pid its process id
     * @param settings the settings it runs with
     * @param rtp where its RTP copy can be read
     */
    record ChildStarted(Instant at, long pid, StreamSettings settings, RtpTap rtp) implements StreamEvent {
        /** Checks the parts. */
        public ChildStarted {
            Objects.requireNonNull(at, "at");
            Objects.requireNonNull(settings, "settings");
            Objects.requireNonNull(rtp, "rtp");
        }
    }

    /**
     * The child ended.
     * @param exit how (code or signal, stderr tail)
     * @param requested whether someone asked for it (stop, delete, server shutdown), else a failure
     */
    record ChildEnded(Exit exit, boolean requested) implements StreamEvent {
        /** Checks the parts. */
        public ChildEnded {
            Objects.requireNonNull(exit, "exit");
        }
    }

    /**
     * The settings or definition fields in force changed (a start with settings, a stop, a PUT).
     * @param settings the settings now in force
     * @param fields the definition fields the features own ({@link DefinitionField}), by name, as checked
     */
    record SettingsChanged(StreamSettings settings, Map<String, JsonValue> fields) implements StreamEvent {
        /** Checks the parts; the fields are copied. */
        public SettingsChanged {
            Objects.requireNonNull(settings, "settings");
            fields = Map.copyOf(fields);
        }

        /** @param name a field's name @return its value, or null when the definition has none */
        public JsonValue field(String name) {
            return fields.get(name);
        }
    }
}
