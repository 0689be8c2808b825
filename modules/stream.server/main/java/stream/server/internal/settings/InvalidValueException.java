package stream.server.internal.settings;

import java.io.Serial;

/** A value that failed its grammar; the message names the field and the value. */
public final class InvalidValueException extends IllegalArgumentException {
    @Serial
    private static final long serialVersionUID = 1L;

    private final String field;

    public InvalidValueException(String field, String value, String why) {
        super(field + " " + SettingsGrammar.show(value) + ": " + why);
        this.field = field;
    }

    /** @return the name of the rejected field, e.g. "--dest" or "destination" */
    public String field() {
        return field;
    }
}
