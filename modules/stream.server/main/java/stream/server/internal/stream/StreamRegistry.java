package stream.server.internal.stream;

import stream.server.internal.settings.StreamName;
import stream.server.internal.feature.Features;
import stream.server.internal.http.ApiError;
import stream.server.internal.state.PidFile;
import stream.server.internal.state.StateDir;
import stream.server.internal.supervisor.StreamPlan;
import stream.server.internal.supervisor.Supervisor;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The server's streams by name, main always among them. Definition changes (create, redefine,
 * delete) and the conflict check of a start with settings run one at a time under one lock, and
 * each change rewrites the definitions file before the lock is released, so the file always equals
 * the registry. Reads (status, list, metrics) take no lock.
 */
public final class StreamRegistry implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger("stream.server");

    private final ReentrantLock lock = new ReentrantLock(true);
    private final ConcurrentSkipListMap<String, Stream> streams = new ConcurrentSkipListMap<>();
    private final String gstLaunch;
    private final StateDir stateDir;
    private final int httpPort;
    private final StreamStore store;
    private final Features features;
    private final Path mediaRoot;
    private volatile int maxStreams = Integer.MAX_VALUE;

    /** What a PUT did. @param stream the stream @param created whether it is new */
    public record Put(Stream stream, boolean created) {}

    /**
     * @param gstLaunch the gst-launch-1.0 path
     * @param stateDir where pid files and the definitions file live
     * @param httpPort the bound HTTP port (pid files are keyed by it)
     * @param store the definitions file
     * @param main the definition of main
     * @throws IOException when main's tap cannot be opened
     */
    private StreamRegistry(String gstLaunch, StateDir stateDir, int httpPort, StreamStore store, StreamDefinition main,
                           Path mediaRoot, Features features) throws IOException {
        this.features = features;
        this.gstLaunch = gstLaunch;
        this.stateDir = stateDir;
        this.httpPort = httpPort;
        this.store = store;
        this.mediaRoot = mediaRoot;
        streams.put(StreamName.MAIN, Stream.open(StreamName.MAIN, gstLaunch, main, PidFile.of(stateDir, httpPort, StreamName.MAIN),
                mediaDir(StreamName.MAIN), features));
    }

    /**
     * Sets up the streams of a server: ends children a killed predecessor on this port left, makes
     * main, then the streams of the definitions file (and of {@code --streams}, which wins for a name
     * in both), and writes the file back.
     * @param gstLaunch the gst-launch-1.0 path
     * @param stateDir the state directory
     * @param boundPort the bound HTTP port (pid files)
     * @param configuredPort the HTTP port as configured, 0 included (the definitions file is keyed by it,
     *        so the same command line finds the same streams)
     * @param main main's plan, from the server's flags
     * @param mainAutostart whether main starts with the server (--start)
     * @param startupFile a --streams file, or null
     * @param features the server's features, attached to every stream
     * @return the registry
     * @throws IllegalArgumentException for a bad --streams file or definitions in conflict (a usage error)
     * @throws IOException for a damaged definitions file in the state directory, or no tap port
     */
    public static StreamRegistry open(String gstLaunch, StateDir stateDir, int boundPort, int configuredPort, StreamPlan main,
                                      boolean mainAutostart, Path startupFile,
                                      Features features) throws IOException {
        for (PidFile left : PidFile.left(stateDir, boundPort)) left.endStaleChild();
        StreamStore store = StreamStore.in(stateDir, configuredPort, features.fields());
        Map<String, StreamDefinition> definitions;
        try {
            definitions = store.load();
        } catch (StreamStore.BadFile e) {
            throw new IOException(e.getMessage(), e);
        }
        if (startupFile != null) {
            if (!java.nio.file.Files.isRegularFile(startupFile))
                throw new IllegalArgumentException("--streams " + startupFile + ": no such file");
            try {
                definitions.putAll(StreamStore.file(startupFile, features.fields()).load());
            } catch (StreamStore.BadFile e) {
                throw new IllegalArgumentException(e.getMessage(), e);
            }
        }
        // recordings and clips by the configured port, as the definitions: the same command line finds the same files
        StreamRegistry r = new StreamRegistry(gstLaunch, stateDir, boundPort, store, new StreamDefinition(main, mainAutostart),
                stateDir.path().resolve("media-" + configuredPort), features);
        try {
            r.load(definitions);
        } catch (IOException | RuntimeException e) {
            r.close();
            throw e;
        }
        return r;
    }

    /**
     * Adds the definitions found at start (the file, then --streams), checks them against each other
     * and writes the file.
     * @param definitions by name
     * @throws IOException when a tap cannot be opened or the file cannot be written
     * @throws IllegalArgumentException naming the streams in conflict
     */
    private void load(Map<String, StreamDefinition> definitions) throws IOException {
        lock.lock();
        try {
            for (var e : definitions.entrySet())
                streams.put(e.getKey(), Stream.open(e.getKey(), gstLaunch, e.getValue(), pidFile(e.getKey()), mediaDir(e.getKey()), features));
            List<String> conflicts = StreamConflicts.among(streams.values());
            if (!conflicts.isEmpty()) throw new IllegalArgumentException("stream definitions in conflict: " + String.join("; ", conflicts));
            save();
        } finally {
            lock.unlock();
        }
    }

    /** A stream's own folder for recordings and clips; kept when the stream is deleted (they are the user's). */
    private Path mediaDir(String name) {
        return mediaRoot.resolve(name);
    }

    private PidFile pidFile(String name) {
        return PidFile.of(stateDir, httpPort, name);
    }

    /** @return main */
    public Stream main() {
        return streams.get(StreamName.MAIN);
    }

    /** @param name a name @return the stream of that name */
    public Optional<Stream> get(String name) {
        return Optional.ofNullable(streams.get(name));
    }

    /** @return every stream, by name */
    public List<Stream> all() {
        return List.copyOf(streams.values());
    }

    /** @return the server's features */
    public Features features() {
        return features;
    }

    /**
     * Bounds the streams a PUT may create (each costs a tap, a definition and, running, a child):
     * streams already defined stay, however many.
     * @param max streams at most, main included
     */
    public void limitStreams(int max) {
        if (max < 1) throw new IllegalArgumentException("max-streams " + max + ": at least 1");
        maxStreams = max;
        if (streams.size() > max)
            LOG.log(Level.WARNING, "{0} streams are defined, more than --max-streams {1}: no new one can be defined until some are deleted",
                    streams.size(), max);
    }

    /** @return the definitions file */
    public Path file() {
        return store.file();
    }

    /**
     * Creates or redefines a stream.
     * @param name its name (checked)
     * @param d the definition
     * @return what happened
     * @throws ApiError 409 for a destination or device another stream has, or a child running with other settings
     */
    public Put put(String name, StreamDefinition d) throws ApiError, IOException {
        lock.lock();
        try {
            var conflict = StreamConflicts.find(name, d.plan(), streams.values());
            if (conflict.isPresent()) throw conflict.get();
            Stream old = streams.get(name);
            if (old != null) {
                StreamDefinition before = old.definition();
                if (!old.redefine(d))
                    throw new ApiError(409, "Stream '" + name + "' is running with other settings",
                            "Stop it first: POST /streams/" + name + "/control {\"action\":\"stop\"}, then PUT the new definition.");
                if (!saveOrUndo(() -> old.redefine(before))) throw notSaved();
                return new Put(old, false);
            }
            if (streams.size() >= maxStreams)
                throw new ApiError(409, "Too many streams: " + streams.size() + " are defined, the server's limit is " + maxStreams,
                        "DELETE /streams/NAME a stream no longer needed, or restart the server with a higher --max-streams.");
            Stream s = Stream.open(name, gstLaunch, d, pidFile(name), mediaDir(name), features);
            streams.put(name, s);
            if (!saveOrUndo(() -> {
                streams.remove(name);
                s.close();
            })) throw notSaved();
            return new Put(s, true);
        } finally {
            lock.unlock();
        }
    }

    private ApiError notSaved() {
        return new ApiError(500, "Could not write the stream definitions file " + store.file(),
                "Nothing was changed; the server log says why (is the state directory writable?).");
    }

    /** Writes the file; when that fails, undoes the change so the registry still equals the file. */
    private boolean saveOrUndo(Runnable undo) {
        try {
            save();
            return true;
        } catch (IOException e) {
            LOG.log(Level.ERROR, "could not write {0}: {1}", store.file(), e.getMessage());
            undo.run();
            return false;
        }
    }

    /**
     * Stops a stream's child and removes it.
     * @param name the name
     * @throws ApiError 404 for an unknown name, 409 for main
     */
    public void delete(String name) throws ApiError {
        lock.lock();
        try {
            if (name.equals(StreamName.MAIN))
                throw new ApiError(409, "Stream 'main' cannot be deleted",
                        "main is the server's default stream (/control); stop it with POST /streams/main/control {\"action\":\"stop\"}"
                                + " or redefine it with PUT /streams/main.");
            Stream s = streams.remove(name);
            if (s == null) throw notFound(name);
            s.beginClose(); // a start that comes now fails; one in progress ends before close stops it
            try {
                save();
            } catch (IOException e) {
                LOG.log(Level.ERROR, "could not write {0}: {1}; stream {2} is deleted until the server restarts",
                        store.file(), e.getMessage(), name);
            }
            s.close();
        } finally {
            lock.unlock();
        }
    }

    /**
     * Starts a stream: the check of its settings against the other streams and the start itself
     * (until its plan is in force and its child spawned) under the definitions lock, so of two
     * concurrent starts or PUTs that want one device or port, one wins and the other gets 409.
     * The wait for the child to run happens outside the lock.
     * @param stream the stream
     * @param plan the settings asked for, or null for its definition's
     * @return what the supervisor did
     * @throws ApiError 409 naming the stream that has a destination or the device
     */
    public Supervisor.Outcome start(Stream stream, StreamPlan plan) throws ApiError {
        lock.lock();
        boolean[] held = {true};
        Runnable release = () -> {
            if (held[0]) {
                held[0] = false;
                lock.unlock();
            }
        };
        try {
            StreamPlan wanted = plan != null ? plan : stream.supervisor().defaults();
            var conflict = StreamConflicts.find(stream.name(), wanted, streams.values());
            if (conflict.isPresent()) throw conflict.get();
            return stream.supervisor().start(plan, release);
        } finally {
            release.run();
        }
    }

    /** @param name a name @return the 404 of an unknown stream */
    public static ApiError notFound(String name) {
        return new ApiError(404, "no stream named '" + name + "'",
                "GET /streams lists the streams; PUT /streams/" + name + " creates one");
    }

    /** Caller holds the lock. */
    private void save() throws IOException {
        Map<String, StreamDefinition> defs = new TreeMap<>();
        for (Stream s : streams.values()) if (!s.name().equals(StreamName.MAIN)) defs.put(s.name(), s.definition());
        store.save(defs);
    }

    /** Marks every stream as closing, so children that end from now on were stopped, not failed. */
    public void beginClose() {
        streams.values().forEach(Stream::beginClose);
    }

    /** Ends every child at once (each bounded), then the taps. */
    @Override
    public void close() {
        beginClose();
        List<Thread> closing = new ArrayList<>();
        for (Stream s : streams.values()) closing.add(Thread.ofVirtual().name("close-" + s.name()).start(s::close));
        for (Thread t : closing) {
            try {
                t.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }
}
