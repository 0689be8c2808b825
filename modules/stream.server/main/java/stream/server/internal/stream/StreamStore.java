package stream.server.internal.stream;

import stream.server.internal.settings.StreamName;
import stream.server.internal.feature.DefinitionField;
import stream.server.internal.http.ApiError;
import stream.server.internal.settings.SettingsGrammar;
import stream.server.internal.state.StateDir;
import com.eclipsesource.json.Json;
import com.eclipsesource.json.JsonObject;
import com.eclipsesource.json.JsonValue;
import com.eclipsesource.json.ParseException;
import com.eclipsesource.json.WriterConfig;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/**
 * The stream definitions as a JSON file: {@code {"cam2": {"width": 640, ..., "autostart": true}, ...}}.
 * The same form is the state directory's {@code streams-PORT.json}, which the server rewrites
 * (atomically, through {@link StateDir}) after every change, and the file of {@code --streams}. Main is
 * never in it: the server's flags define main. A file that is not exactly this form is refused
 * whole, with every problem named: nothing in it is dropped silently.
 */
public final class StreamStore {
    private final Path file;
    private final StateDir dir; // null for a --streams file, which is only read
    private final Map<String, DefinitionField> fields;

    private StreamStore(Path file, StateDir dir, Map<String, DefinitionField> fields) {
        this.file = file;
        this.dir = dir;
        this.fields = Map.copyOf(fields);
    }

    /**
     * @param stateDir the state directory
     * @param port the configured HTTP port
     * @param fields the definition fields the features own
     * @return the store of that server
     */
    static StreamStore in(StateDir stateDir, int port, Map<String, DefinitionField> fields) {
        String name = "streams-" + port + ".json";
        return new StreamStore(stateDir.resolve(name), stateDir, fields);
    }

    /** @param file a --streams file @param fields the definition fields the features own @return a store that reads it */
    public static StreamStore file(Path file, Map<String, DefinitionField> fields) {
        return new StreamStore(file, null, fields);
    }

    /** @return the file */
    Path file() {
        return file;
    }

    /** A file that cannot be used; the message names the file and every problem. */
    static final class BadFile extends Exception {
        private static final long serialVersionUID = 1L;

        BadFile(String message) {
            super(message, null, false, false);
        }
    }

    /**
     * @return the definitions by name; empty when the file does not exist
     * @throws BadFile when it cannot be read or has any problem
     */
    Map<String, StreamDefinition> load() throws BadFile {
        String text;
        try {
            Optional<byte[]> bytes = dir != null ? dir.read(file.getFileName().toString()) : Optional.of(Files.readAllBytes(file));
            if (bytes.isEmpty()) return new TreeMap<>();
            text = StandardCharsets.UTF_8.newDecoder().decode(ByteBuffer.wrap(bytes.get())).toString();
        } catch (NoSuchFileException e) {
            return new TreeMap<>();
        } catch (CharacterCodingException e) {
            throw new BadFile("stream definitions file " + file + ": not UTF-8 text");
        } catch (IOException e) {
            throw new BadFile("stream definitions file " + file + ": cannot read it: " + e.getMessage());
        }
        return parse(text);
    }

    /**
     * @param text the file's content
     * @return the definitions by name
     * @throws BadFile naming the file and every problem
     */
    public Map<String, StreamDefinition> parse(String text) throws BadFile {
        JsonValue v;
        try {
            v = Json.parse(text);
        } catch (ParseException e) {
            throw bad(List.of("not valid JSON: " + e.getMessage()));
        } catch (StackOverflowError e) {
            throw bad(List.of("not valid JSON: nested too deeply"));
        }
        if (!v.isObject()) throw bad(List.of("expected an object of stream definitions by name, such as "
                + "{\"cam2\": {\"source\": \"test\", \"destinations\": [\"127.0.0.1:5002\"], \"autostart\": true}}"));
        Map<String, StreamDefinition> found = new TreeMap<>();
        List<String> problems = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        for (JsonObject.Member m : v.asObject()) {
            String name = m.getName();
            String where = "stream " + SettingsGrammar.show(name) + ": ";
            if (!seen.add(name)) problems.add(where + "defined more than once");
            else if (!StreamName.valid(name)) problems.add(where + "not a valid name; use " + StreamName.RULE);
            else if (name.equals(StreamName.MAIN)) problems.add(where + "main is defined by the server's flags and environment, not in a file");
            else if (!m.getValue().isObject()) problems.add(where + "expected an object of settings, not " + ControlRequest.kind(m.getValue()));
            else {
                try {
                    JsonObject o = m.getValue().asObject();
                    ControlRequest.parseDefinition(o.toString().getBytes(StandardCharsets.UTF_8), fields.keySet());
                    found.put(name, StreamDefinition.of(o, fields));
                } catch (ApiError e) {
                    // A bad setting's message names the value and what is allowed; the others' hints say more.
                    problems.add(where + e.getMessage() + (e.extra.get("field") != null ? "" : " (" + e.hint + ")"));
                }
            }
        }
        if (!problems.isEmpty()) throw bad(problems);
        return found;
    }

    private BadFile bad(List<String> problems) {
        return new BadFile("stream definitions file " + file + ": " + String.join("; ", problems)
                + "; fix or remove the file (nothing in it was used)");
    }

    /**
     * Replaces the file with these definitions.
     * @param definitions by name, main excluded
     * @throws IOException when it cannot be written
     */
    void save(Map<String, StreamDefinition> definitions) throws IOException {
        if (dir == null) throw new IllegalStateException("a --streams file is only read");
        if (definitions.isEmpty() && !Files.exists(file, java.nio.file.LinkOption.NOFOLLOW_LINKS)) return; // a one-stream server leaves no file
        JsonObject o = Json.object();
        for (var e : new TreeMap<>(definitions).entrySet()) o.add(e.getKey(), e.getValue().toJson());
        // StateDir writes atomically (temporary file, fsync, rename), never through a symlink.
        dir.write(file.getFileName().toString(), (o.toString(WriterConfig.PRETTY_PRINT) + "\n").getBytes(StandardCharsets.UTF_8));
    }
}
