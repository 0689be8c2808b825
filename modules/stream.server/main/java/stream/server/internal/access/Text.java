package stream.server.internal.access;

import java.util.regex.Pattern;

/** Small text helpers shared by the package: names' grammar, and values safe to quote in messages and logs. */
final class Text {
    /** The grammar of stream and user names, as stream.server's StreamName states it. */
    static final Pattern NAME = Pattern.compile("[a-z0-9][a-z0-9-]{0,31}");
    static final String NAME_RULE = "lower-case letters, digits and dashes, starting with a letter or digit, up to 32 characters";

    private Text() {}

    /** @return the value with control characters replaced and cut to 40 characters, for a message or a log line */
    static String clip(String value) {
        StringBuilder b = new StringBuilder();
        value.codePoints().limit(40).forEach(c -> b.appendCodePoint(Character.isISOControl(c) ? '?' : c));
        if (value.codePointCount(0, value.length()) > 40) b.append("...");
        return b.toString();
    }

    static boolean validName(String name) {
        return name != null && NAME.matcher(name).matches();
    }
}
