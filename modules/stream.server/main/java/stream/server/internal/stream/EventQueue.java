package stream.server.internal.stream;

import stream.server.internal.feature.Feature;
import stream.server.internal.feature.StreamEvent;
import stream.server.internal.feature.StreamFeature;
import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * One stream's events, delivered to its features in the order published, one at a time, on a
 * thread of the stream's own: the supervisor publishes under its lock and never waits for a
 * feature, and a slow feature delays only its own stream's later events.
 */
final class EventQueue implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger("stream.server");

    private final String stream;
    private final ExecutorService thread;

    EventQueue(String stream) {
        this.stream = stream;
        this.thread = Executors.newSingleThreadExecutor(Thread.ofVirtual().name("events-" + stream).factory());
    }

    /**
     * Queues an event for every part.
     * @param event the event
     * @param parts the stream's parts of the features, as they are now
     * @return completes once every part has heard it
     */
    CompletableFuture<Void> publish(StreamEvent event, Map<Feature<?>, StreamFeature> parts) {
        try {
            return CompletableFuture.runAsync(() -> deliver(event, parts), thread);
        } catch (java.util.concurrent.RejectedExecutionException e) {
            return CompletableFuture.completedFuture(null); // closed: the stream is gone
        }
    }

    private void deliver(StreamEvent event, Map<Feature<?>, StreamFeature> parts) {
        for (var e : parts.entrySet()) {
            try {
                e.getValue().on(event);
            } catch (RuntimeException ex) { // one feature's bug must not keep the others from hearing it
                LOG.log(Level.WARNING, "stream {0}: feature {1} failed on {2}: {3}", stream, e.getKey().name(),
                        event.getClass().getSimpleName(), ex.toString());
            }
        }
    }

    /** Waits, bounded, until what was published so far is delivered. @param max the bound */
    void drain(Duration max) {
        try {
            CompletableFuture.runAsync(() -> { }, thread).get(max.toMillis(), TimeUnit.MILLISECONDS);
        } catch (java.util.concurrent.RejectedExecutionException | ExecutionException | TimeoutException e) {
            LOG.log(Level.WARNING, "stream {0}: events not delivered within {1} s", stream, max.toSeconds());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        thread.shutdown();
    }
}
