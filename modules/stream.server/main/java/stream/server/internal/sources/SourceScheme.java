package stream.server.internal.sources;

/**
 * A kind of {@code source} value that names something other than a local device, by its URL
 * scheme (rtsp://). Each is one class; {@link Sources#SCHEMES} lists them, the one place a scheme
 * is registered.
 */
public interface SourceScheme {
    /** @param value a source value that passed the settings grammar @return whether it is this scheme's */
    boolean accepts(String value);

    /** @param value a value it accepts @return the source */
    Source resolve(String value);
}
