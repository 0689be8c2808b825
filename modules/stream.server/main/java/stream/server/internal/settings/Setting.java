package stream.server.internal.settings;

import com.eclipsesource.json.Json;
import com.eclipsesource.json.JsonValue;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.function.Function;
import java.util.function.UnaryOperator;
import stream.server.internal.settings.SettingsGrammar.Invalid;

/**
 * One stream setting, described once: its name (the JSON field), its server flag and environment
 * variable, what it accepts, its default and its help line. {@link StreamSettings} lists them all;
 * flag, environment and JSON parsing, the error messages, the usage text and the status JSON are
 * derived from these descriptions, so a new setting is one more entry there plus its use in
 * {@link StreamPlan}.
 *
 * @param <T> the type the value is parsed into, once
 * @param name the JSON field and the name in errors, e.g. "stall-timeout"
 * @param flag the server flag, e.g. "--stall-timeout"
 * @param env the environment variable, e.g. "STREAM_STALL_TIMEOUT"
 * @param metavar what the flag's value is called in the usage text, e.g. "S"
 * @param defaultValue the value when none is given (null: none, as for multicast)
 * @param allowed what the setting accepts, as error messages say it
 * @param json the JSON type the field must have
 * @param parse text (a flag, a variable, a JSON string or number) to the value; throws {@link Invalid}
 * @param check checks a typed value given in code (the same range as {@code parse}); throws {@link Invalid}
 * @param format the value as text, as {@code parse} takes it (usage defaults, messages)
 * @param toJson the value as JSON, as the {@code json} type reads it back
 * @param help the usage text: the first line beside the flag, the others below it
 */
public record Setting<T>(String name, String flag, String env, String metavar, T defaultValue, String allowed,
                         JsonType json, Function<String, T> parse, UnaryOperator<T> check, Function<T, String> format,
                         Function<T, JsonValue> toJson, List<String> help) {

    /** The JSON types a setting may take; anything else is refused naming the type that came. */
    public enum JsonType {
        /** A JSON number. */ NUMBER,
        /** A JSON string. */ STRING,
        /** A number or a string (keyint: 30 or "2s"). */ NUMBER_OR_STRING,
        /** A list of strings (destinations). */ LIST,
        /** true or false (record). */ BOOLEAN
    }

    /** Checks that the description is complete. */
    public Setting {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(flag, "flag");
        Objects.requireNonNull(env, "env");
        Objects.requireNonNull(allowed, "allowed");
        Objects.requireNonNull(json, "json");
        Objects.requireNonNull(parse, "parse");
        Objects.requireNonNull(check, "check");
        Objects.requireNonNull(format, "format");
        Objects.requireNonNull(toJson, "toJson");
        help = List.copyOf(help);
        if (help.isEmpty()) throw new IllegalArgumentException(name + ": a setting needs a help line");
    }

    /**
     * The environment variable of a flag: STREAM_ and the flag's name in capitals, '-' as '_'.
     * @param flag e.g. "--stall-timeout"
     * @return e.g. "STREAM_STALL_TIMEOUT"
     */
    public static String envOf(String flag) {
        return "STREAM_" + flag.substring(2).toUpperCase(Locale.ROOT).replace('-', '_');
    }

    /**
     * A whole number in a range (JSON: a number).
     * @param name the JSON field
     * @param flag the flag
     * @param metavar the flag's value in the usage
     * @param min the smallest value
     * @param max the largest value
     * @param even whether only even values are allowed (frame sizes: 4:2:0 video)
     * @param unit shown after the range in errors, e.g. " kbit/s", or ""
     * @param defaultValue the default
     * @param help the usage lines
     * @return the description
     */
    static Setting<Integer> wholeNumber(String name, String flag, String metavar, int min, int max, boolean even,
                                       String unit, int defaultValue, String... help) {
        String allowed = even ? "an even whole number of pixels from " + min + " to " + max + " (4:2:0 video needs even sizes)"
                : "a whole number from " + min + " to " + max + unit;
        UnaryOperator<Integer> check = v -> {
            if (v == null || v < min || v > max || (even && v % 2 != 0))
                throw new Invalid(name, String.valueOf(v), allowed);
            return v;
        };
        Function<String, Integer> parse = text -> {
            if (text == null || !SettingsGrammar.DIGITS.matcher(text).matches()) throw new Invalid(name, text, allowed);
            int v = Integer.parseInt(text);
            if (v < min || v > max || (even && v % 2 != 0)) throw new Invalid(name, text, allowed);
            return v;
        };
        return new Setting<>(name, flag, envOf(flag), metavar, defaultValue, allowed, JsonType.NUMBER, parse, check,
                v -> Integer.toString(v), Json::value, List.of(help));
    }

    /**
     * A value of another kind: its grammar is a function of {@link SettingsGrammar}.
     * @param <T> the value type
     * @param name the JSON field
     * @param flag the flag
     * @param metavar the flag's value in the usage
     * @param defaultValue the default, or null for none
     * @param allowed what it accepts
     * @param json the JSON type
     * @param parse text to value, throwing {@link Invalid}
     * @param check typed value checked, throwing {@link Invalid}
     * @param format the value as text
     * @param toJson the value as JSON
     * @param help the usage lines
     * @return the description
     */
    static <T> Setting<T> of(String name, String flag, String metavar, T defaultValue, String allowed, JsonType json,
                             Function<String, T> parse, UnaryOperator<T> check, Function<T, String> format,
                             Function<T, JsonValue> toJson, String... help) {
        return new Setting<>(name, flag, envOf(flag), metavar, defaultValue, allowed, json, parse, check, format, toJson,
                List.of(help));
    }

    /**
     * Parses a value from text (a flag, an environment variable).
     * @param text the text
     * @return the value
     * @throws Invalid naming this setting, the text and what is allowed
     */
    public T parse(String text) {
        return parse.apply(text);
    }

    /**
     * Checks a value given in code.
     * @param value the value
     * @return the value
     * @throws Invalid naming this setting, the value and what is allowed
     */
    public T check(T value) {
        return check.apply(value);
    }

    /**
     * Reads the value from its JSON field, refusing another JSON type (a number sent as a string,
     * a list sent as one string) with what was sent and what is allowed.
     * @param v the field's value
     * @return the value
     * @throws Invalid naming this setting
     */
    public T fromJson(JsonValue v) {
        switch (json) {
            case NUMBER -> {
                if (v.isNumber()) return parse(v.toString());
            }
            case STRING -> {
                if (v.isString()) return parse(v.asString());
            }
            case NUMBER_OR_STRING -> {
                if (v.isNumber()) return parse(v.toString());
                if (v.isString()) return parse(v.asString());
            }
            case LIST -> {
                if (v.isArray()) return parse(listText(v));
            }
            case BOOLEAN -> {
                if (v.isBoolean()) return parse(v.toString());
            }
        }
        throw new Invalid(name, v.isString() ? v.asString() : v.toString(), expected() + ", not " + kind(v) + ": " + allowed);
    }

    // The list's strings, each checked to be one element, joined as the flag writes them.
    private String listText(JsonValue v) {
        List<String> parts = new ArrayList<>();
        for (JsonValue e : v.asArray()) {
            if (!e.isString()) throw new Invalid(name, v.toString(), "a list of \"HOST:PORT\" strings");
            String s = e.asString();
            // A comma inside one element would split it in two: reject it here, not later.
            if (s.indexOf(',') >= 0) throw new Invalid(name, s, "HOST:PORT (one per list element)");
            parts.add(s);
        }
        if (parts.isEmpty()) throw new Invalid(name, "[]", "1 to " + SettingsGrammar.MAX_DESTINATIONS + " HOST:PORT");
        return String.join(",", parts);
    }

    private String expected() {
        return switch (json) {
            case NUMBER -> "a JSON number";
            case STRING -> "a JSON string";
            case NUMBER_OR_STRING -> "a JSON number or string";
            case LIST -> "a JSON list of strings";
            case BOOLEAN -> "true or false";
        };
    }

    static String kind(JsonValue v) {
        if (v.isArray()) return "a list";
        if (v.isObject()) return "an object";
        if (v.isBoolean()) return "true/false";
        if (v.isNull()) return "null";
        if (v.isString()) return "a string";
        return "a number";
    }

    /**
     * The usage lines of this setting: flag and value, help, variable and default, in the
     * columns of the server's usage text.
     * @return the lines, each ending with a newline
     */
    public String usage() {
        return option().usage();
    }

    /** @return this setting as a command-line option of the server: flag, variable, default and help */
    public Option option() {
        String shown = defaultValue == null ? null : format.apply(defaultValue);
        return new Option(flag, metavar, env, shown == null || shown.isEmpty() ? null : shown, help);
    }
}
