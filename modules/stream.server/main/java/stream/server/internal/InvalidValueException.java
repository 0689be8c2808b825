package stream.server.internal;

import java.io.Serial;

/** A value that failed its grammar; the message names the field and the value. */
public final class InvalidValueException extends IllegalArgumentException {
    @Serial
    private static final long serialVersionUID = 1L;

    private final String field;

    InvalidValueException(String field, String value, String why) {
        super(field + " " + quote(value) + ": " + why);
        this.field = field;
    }

    /** @return the name of the rejected field, e.g. "--dest" or "destination" */
    public String field() {
        return field;
    }

    static String quote(String value) {
        if (value == null) return "(none)";
        String shown = value.length() > 80 ? value.substring(0, 80) + "..." : value;
        StringBuilder b = new StringBuilder("'");
        for (char c : shown.toCharArray()) {
            if (c < 0x20 || c == 0x7f) b.append(String.format("\\u%04x", (int) c));
            else b.append(c);
        }
        return b.append('\'').toString();
    }
}
