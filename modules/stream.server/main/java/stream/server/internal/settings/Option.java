package stream.server.internal.settings;

import java.util.List;
import java.util.Objects;

/**
 * One command-line option of stream-server, described once: its flag, what its value is called,
 * its environment variable, its default as the usage shows it and its help lines. The parser's
 * known flags, which of them are switches, the variables it reads and the option lines of the
 * usage text are derived from these descriptions ({@link Main#OPTIONS}). Each stream
 * {@link Setting} is one too ({@link Setting#option()}), so both kinds read and print alike.
 *
 * @param flag e.g. "--port"
 * @param metavar what the value is called in the usage, e.g. "N"; empty for a switch (--start)
 * @param env the environment variable, e.g. "STREAM_PORT", or null for none (--help)
 * @param shownDefault the default as the usage shows it, or null for none
 * @param help the usage text: the first line beside the flag, the others below it
 */
public record Option(String flag, String metavar, String env, String shownDefault, List<String> help) {
    /** Checks that the description is complete. */
    public Option {
        Objects.requireNonNull(flag, "flag");
        Objects.requireNonNull(metavar, "metavar");
        help = List.copyOf(help);
        if (!flag.startsWith("--")) throw new IllegalArgumentException(flag + ": a flag starts with --");
        if (help.isEmpty()) throw new IllegalArgumentException(flag + ": an option needs a help line");
    }

    /**
     * An option with a value, read from its flag or its variable.
     * @param flag the flag
     * @param metavar the value's name
     * @param shownDefault the default, or null
     * @param help the usage lines
     * @return the description, its variable STREAM_ and the flag's name in capitals
     */
    public static Option of(String flag, String metavar, String shownDefault, String... help) {
        return new Option(flag, metavar, Setting.envOf(flag), shownDefault, List.of(help));
    }

    /**
     * A switch: --flag, --flag=true|false, or its variable set to 1 or true.
     * @param flag the flag
     * @param help the usage lines
     * @return the description
     */
    public static Option toggle(String flag, String... help) {
        return new Option(flag, "", Setting.envOf(flag), null, List.of(help));
    }

    /** @return whether the option takes no value */
    public boolean isSwitch() {
        return metavar.isEmpty();
    }

    /**
     * The usage lines: flag and value, the first help line, variable and default, then the other
     * help lines below, in the columns every option of the usage text shares.
     * @return the lines, each ending with a newline
     */
    public String usage() {
        String name = isSwitch() ? flag : flag + " " + metavar;
        String tail = (env == null ? "" : "[" + env + "]") + (shownDefault == null ? "" : " default " + shownDefault);
        // A name too long for its column goes on a line of its own, the help below it in the help column.
        StringBuilder b = new StringBuilder(name.length() > 17 ? "  " + name + "\n" + " ".repeat(20) : String.format("  %-17s ", name));
        b.append(tail.isEmpty() ? help.get(0) : String.format("%-40s %s", help.get(0), tail)).append('\n');
        for (String line : help.subList(1, help.size())) b.append(" ".repeat(20)).append(line).append('\n');
        return b.toString();
    }
}
