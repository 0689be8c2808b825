package stream.server.internal.settings;

import stream.server.internal.settings.SettingsGrammar;
import java.util.regex.Pattern;

/**
 * The grammar of stream names: lower-case letters, digits and dashes, starting with a letter or
 * digit, up to 32 characters. Names appear in URLs, file names and metric labels, so nothing else
 * is allowed.
 */
public final class StreamName {
    /** The default stream: /control and /stream.sdp mean it; it cannot be deleted. */
    public static final String MAIN = "main";
    /** The rule, as error messages state it. */
    public static final String RULE = "lower-case letters, digits and dashes, starting with a letter or digit, up to 32 characters ([a-z0-9][a-z0-9-]{0,31})";
    private static final Pattern NAME = Pattern.compile("[a-z0-9][a-z0-9-]{0,31}");

    private StreamName() {}

    /** @param name a candidate @return whether it follows the grammar */
    public static boolean valid(String name) {
        return name != null && NAME.matcher(name).matches();
    }

    /**
     * @param name a candidate
     * @return the name
     * @throws IllegalArgumentException naming the rule
     */
    public static String check(String name) {
        if (!valid(name)) throw new IllegalArgumentException("stream name " + SettingsGrammar.show(String.valueOf(name)) + ": use " + RULE);
        return name;
    }
}
