package stream.server.internal.record;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The only names a recording or clip file can have: its UTC start time in ISO 8601 basic form
 * with milliseconds, {@code 20261126T150405.123Z.mp4}. A request names a file only through this
 * grammar, so no path, dot-dot, separator, encoding trick or other file can be reached.
 */
public final class MediaName {
    private static final Pattern GRAMMAR = Pattern.compile("[0-9]{8}T[0-9]{6}\\.[0-9]{3}Z\\.mp4");
    private static final DateTimeFormatter FORMAT =
            DateTimeFormatter.ofPattern("uuuuMMdd'T'HHmmss.SSS'Z'").withZone(ZoneOffset.UTC);
    /** The suffix of a file still being written; such files are never listed or served. */
    public static final String PARTIAL = ".part";

    private MediaName() {}

    /**
     * @param start the start time
     * @return its file name
     */
    public static String of(Instant start) {
        return FORMAT.format(start) + ".mp4";
    }

    /**
     * @param name a name from a request
     * @return the start time, or empty when the name is not one this grammar makes
     */
    public static Optional<Instant> parse(String name) {
        if (name == null || !GRAMMAR.matcher(name).matches()) return Optional.empty();
        try {
            return Optional.of(FORMAT.parse(name.substring(0, name.length() - 4), Instant::from));
        } catch (DateTimeParseException e) {
            return Optional.empty(); // e.g. month 13
        }
    }

    /**
     * @param name any text
     * @return whether it is a valid name
     */
    public static boolean valid(String name) {
        return parse(name).isPresent();
    }
}
