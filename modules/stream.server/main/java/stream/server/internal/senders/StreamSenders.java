package stream.server.internal.senders;

import com.eclipsesource.json.Json;
import com.eclipsesource.json.JsonArray;
import com.eclipsesource.json.JsonObject;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import stream.server.internal.feature.StreamEvent;
import stream.server.internal.feature.StreamFeature;
import stream.server.internal.feature.StreamView;
import stream.server.internal.settings.SettingsGrammar.Endpoint;
import stream.server.internal.settings.StreamSettings;

/** One stream's watch for other senders to its destinations: every 2 s while its child runs. */
final class StreamSenders implements StreamFeature {
    private static final System.Logger LOG = System.getLogger("stream.server");
    private static final ScheduledExecutorService TIMER = Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().daemon().name("other-senders").factory());

    private final StreamView stream;
    private final Set<Long> told = java.util.concurrent.ConcurrentHashMap.newKeySet();
    private volatile List<OtherSenders.Sender> found = List.of();
    private ScheduledFuture<?> task;

    StreamSenders(StreamView stream) {
        this.stream = stream;
    }

    @Override
    public synchronized void on(StreamEvent event) {
        if (event instanceof StreamEvent.ChildStarted started) {
            stop();
            List<Endpoint> destinations = started.settings().get(StreamSettings.DESTINATIONS);
            if (destinations.isEmpty()) return; // multicast: many senders to a group are its purpose
            task = TIMER.scheduleWithFixedDelay(() -> check(destinations), 0, 2, TimeUnit.SECONDS);
        } else if (event instanceof StreamEvent.ChildEnded) {
            stop();
        }
    }

    private void check(List<Endpoint> destinations) {
        try {
            Set<Long> ours = new HashSet<>();
            ours.add(ProcessHandle.current().pid());
            ProcessHandle.current().descendants().forEach(h -> ours.add(h.pid()));
            List<OtherSenders.Sender> now = destinations.stream()
                    .flatMap(d -> OtherSenders.onThisMachine(d, ours).stream()).distinct().toList();
            found = now;
            for (OtherSenders.Sender s : now) {
                if (told.add(s.pid()))
                    LOG.log(System.Logger.Level.WARNING, "stream {0}: another program sends to its destination {1}: pid {2} ({3});"
                            + " a viewer there gets both streams'' packets and shows broken video: stop it, or give one of them another port",
                            stream.name(), s.destination(), Long.toString(s.pid()), s.command());
            }
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.DEBUG, "other senders: " + e);
        }
    }

    private void stop() {
        if (task != null) task.cancel(false);
        task = null;
        found = List.of();
        told.clear();
    }

    @Override
    public void addStatus(JsonObject status) {
        JsonArray list = new JsonArray();
        for (OtherSenders.Sender s : found)
            list.add(Json.object().add("pid", s.pid()).add("destination", s.destination()).add("command", s.command()));
        status.add("otherSenders", list);
    }

    @Override
    public synchronized void close() {
        stop();
    }
}
