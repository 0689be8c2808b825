package stream.server.internal;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The shell examples of a Markdown page, as docs/examples.md describes them: every {@code ```sh}
 * block, with the answers it shows ({@code # → TEXT} or {@code # comment: → TEXT} at the end of a line, and the lines of a
 * {@code ```text} block right after it), whether it needs something not every machine has
 * ({@code # needs: WHAT}), and how it runs ({@code <!-- example: background -->} or
 * {@code <!-- example: retry -->} on the line before it).
 */
final class ReadmeExamples {
    private static final Pattern FENCE = Pattern.compile("^( *)```([A-Za-z0-9-]*) *$");
    private static final Pattern ANSWER = Pattern.compile("#[^→]*→ (.*)$");
    private static final Pattern NEEDS = Pattern.compile("^\\s*# needs: (.*)$");
    private static final Pattern MODE = Pattern.compile("^<!-- example: (background|retry) -->$");

    private ReadmeExamples() {}

    /** How an example is run. */
    enum Mode { ONCE, RETRY, BACKGROUND }

    /**
     * One example.
     * @param where FILE:LINE of its first line
     * @param code the shell text
     * @param answers what its output shows, in order ({@code ...} for anything)
     * @param needs what it needs that is not here, or empty when it runs
     */
    record Example(String where, String code, List<String> answers, Optional<String> needs, Mode mode) {
        /** @return a copy with every {@code from} in its code and answers replaced by {@code to} (a whole number) */
        Example substitute(String from, String to) {
            Pattern p = Pattern.compile("(?<![0-9])" + Pattern.quote(from) + "(?![0-9])");
            return new Example(where, p.matcher(code).replaceAll(Matcher.quoteReplacement(to)),
                    answers.stream().map(a -> p.matcher(a).replaceAll(Matcher.quoteReplacement(to))).toList(), needs, mode);
        }
    }

    /** @return the examples of the page, in order */
    static List<Example> parse(Path page, String name) throws IOException {
        List<String> lines = Files.readAllLines(page);
        List<Example> examples = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            Matcher open = FENCE.matcher(lines.get(i));
            if (!open.matches() || open.group(2).isEmpty()) continue;
            int indent = open.group(1).length();
            int end = closing(lines, i + 1, indent);
            if (!open.group(2).equals("sh")) {
                i = end;
                continue;
            }
            List<String> body = lines.subList(i + 1, end).stream().map(l -> l.length() >= indent ? l.substring(indent) : l).toList();
            List<String> answers = new ArrayList<>();
            Optional<String> needs = Optional.empty();
            for (String line : body) {
                Matcher a = ANSWER.matcher(line);
                if (a.find()) answers.add(a.group(1).trim());
                Matcher n = NEEDS.matcher(line);
                if (n.matches() && needs.isEmpty()) needs = Optional.of(n.group(1).trim());
            }
            Mode mode = Mode.ONCE;
            if (i > 0) {
                Matcher m = MODE.matcher(lines.get(i - 1).trim());
                if (m.matches()) mode = m.group(1).equals("retry") ? Mode.RETRY : Mode.BACKGROUND;
            }
            int next = end + 1;
            if (next < lines.size()) {
                Matcher t = FENCE.matcher(lines.get(next));
                if (t.matches() && t.group(2).equals("text")) {
                    int textEnd = closing(lines, next + 1, t.group(1).length());
                    for (String line : lines.subList(next + 1, textEnd)) if (!line.isBlank()) answers.add(line.trim());
                    end = textEnd;
                }
            }
            examples.add(new Example(name + ":" + (i + 2), String.join("\n", body) + "\n", answers, needs, mode));
            i = end;
        }
        return examples;
    }

    private static int closing(List<String> lines, int from, int indent) {
        for (int j = from; j < lines.size(); j++) {
            if (lines.get(j).equals(" ".repeat(indent) + "```")) return j;
        }
        throw new IllegalArgumentException("a code block opened before line " + from + " is not closed");
    }

    /**
     * Finds the answers in the output, in order; {@code ...} in an answer stands for any text on a line.
     * @return null when all are there, else the first answer that is not (after the ones before it)
     */
    static String missing(String output, List<String> answers) {
        int at = 0;
        for (String answer : answers) {
            StringBuilder regex = new StringBuilder();
            String[] parts = answer.split("\\.\\.\\.", -1);
            for (int k = 0; k < parts.length; k++) {
                if (k > 0) regex.append(".*?");
                regex.append(Pattern.quote(parts[k]));
            }
            Matcher m = Pattern.compile(regex.toString()).matcher(output);
            if (!m.find(at)) return answer;
            at = m.end();
        }
        return null;
    }
}
