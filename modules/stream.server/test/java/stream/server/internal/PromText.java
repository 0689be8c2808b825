package stream.server.internal;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * A strict parser of the Prometheus text exposition format 0.0.4, written from the format's
 * description: fails on anything a scraper could reject or misread.
 */
final class PromText {
    private PromText() {}

    record Sample(String name, Map<String, String> labels, double value) {}

    record Parsed(Map<String, String> types, Map<String, String> help, List<Sample> samples) {
        double value(String name, Map<String, String> labels) {
            for (Sample s : samples) if (s.name.equals(name) && s.labels.equals(labels)) return s.value;
            throw new AssertionError("no sample " + name + labels + " in " + samples);
        }
    }

    private static final Pattern NAME = Pattern.compile("[a-zA-Z_:][a-zA-Z0-9_:]*");
    private static final Pattern LABEL_NAME = Pattern.compile("[a-zA-Z_][a-zA-Z0-9_]*");
    private static final Set<String> TYPES = Set.of("counter", "gauge", "histogram", "summary", "untyped");

    static Parsed parse(String text) {
        if (text.isEmpty() || !text.endsWith("\n")) throw new IllegalArgumentException("exposition must end with a newline");
        Map<String, String> types = new LinkedHashMap<>();
        Map<String, String> help = new LinkedHashMap<>();
        List<Sample> samples = new ArrayList<>();
        Set<String> closed = new HashSet<>();
        String current = null;
        String[] lines = text.substring(0, text.length() - 1).split("\n", -1);
        for (int n = 0; n < lines.length; n++) {
            String line = lines[n];
            String where = "line " + (n + 1) + " '" + line + "': ";
            if (line.isEmpty()) throw new IllegalArgumentException(where + "empty line");
            if (line.startsWith("#")) {
                String[] p = line.split(" ", 4);
                if (p.length < 4 || !p[0].equals("#") || !(p[1].equals("HELP") || p[1].equals("TYPE")))
                    throw new IllegalArgumentException(where + "comment other than '# HELP name text' or '# TYPE name type'");
                String name = p[2];
                if (!NAME.matcher(name).matches()) throw new IllegalArgumentException(where + "bad metric name");
                if (!name.equals(current)) {
                    if (closed.contains(name)) throw new IllegalArgumentException(where + "family " + name + " appears twice");
                    if (current != null) closed.add(current);
                    current = name;
                }
                if (p[1].equals("TYPE")) {
                    if (!TYPES.contains(p[3])) throw new IllegalArgumentException(where + "unknown type");
                    if (types.put(name, p[3]) != null) throw new IllegalArgumentException(where + "second TYPE");
                    if (samples.stream().anyMatch(s -> s.name.equals(name)))
                        throw new IllegalArgumentException(where + "TYPE after samples");
                } else {
                    if (help.put(name, unescape(p[3], false, where)) != null)
                        throw new IllegalArgumentException(where + "second HELP");
                }
                continue;
            }
            int i = 0;
            while (i < line.length() && line.charAt(i) != '{' && line.charAt(i) != ' ') i++;
            String name = line.substring(0, i);
            if (!NAME.matcher(name).matches()) throw new IllegalArgumentException(where + "bad metric name");
            if (!name.equals(current)) {
                if (closed.contains(name)) throw new IllegalArgumentException(where + "samples of " + name + " not together");
                if (current != null) closed.add(current);
                current = name;
            }
            Map<String, String> labels = new LinkedHashMap<>();
            if (i < line.length() && line.charAt(i) == '{') {
                i++;
                while (line.charAt(i) != '}') {
                    int eq = line.indexOf('=', i);
                    if (eq < 0) throw new IllegalArgumentException(where + "label without '='");
                    String ln = line.substring(i, eq);
                    if (!LABEL_NAME.matcher(ln).matches()) throw new IllegalArgumentException(where + "bad label name " + ln);
                    if (line.charAt(eq + 1) != '"') throw new IllegalArgumentException(where + "label value not quoted");
                    int j = eq + 2;
                    StringBuilder raw = new StringBuilder();
                    while (line.charAt(j) != '"') {
                        if (line.charAt(j) == '\\') raw.append(line.charAt(j++));
                        raw.append(line.charAt(j++));
                    }
                    if (labels.put(ln, unescape(raw.toString(), true, where)) != null)
                        throw new IllegalArgumentException(where + "label twice");
                    i = j + 1;
                    if (line.charAt(i) == ',') i++;
                    else if (line.charAt(i) != '}') throw new IllegalArgumentException(where + "expected ',' or '}'");
                }
                i++;
            }
            if (i >= line.length() || line.charAt(i) != ' ') throw new IllegalArgumentException(where + "no space before value");
            String[] rest = line.substring(i + 1).split(" ", -1);
            if (rest.length < 1 || rest.length > 2) throw new IllegalArgumentException(where + "expected value [timestamp]");
            double v = value(rest[0], where);
            if (rest.length == 2 && !rest[1].matches("-?[0-9]+")) throw new IllegalArgumentException(where + "bad timestamp");
            if (!types.containsKey(name)) throw new IllegalArgumentException(where + "sample before its TYPE line");
            if (types.get(name).equals("counter") && (v < 0 || Double.isNaN(v)))
                throw new IllegalArgumentException(where + "counter is negative or NaN");
            samples.add(new Sample(name, labels, v));
        }
        return new Parsed(types, help, samples);
    }

    private static double value(String s, String where) {
        switch (s) {
            case "NaN": return Double.NaN;
            case "+Inf": return Double.POSITIVE_INFINITY;
            case "-Inf": return Double.NEGATIVE_INFINITY;
            default:
                if (!s.matches("[-+]?([0-9]+(\\.[0-9]*)?|\\.[0-9]+)([eE][-+]?[0-9]+)?"))
                    throw new IllegalArgumentException(where + "bad value " + s);
                return Double.parseDouble(s);
        }
    }

    private static String unescape(String s, boolean quotes, String where) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c != '\\') {
                b.append(c);
                continue;
            }
            if (++i >= s.length()) throw new IllegalArgumentException(where + "dangling backslash");
            char e = s.charAt(i);
            if (e == 'n') b.append('\n');
            else if (e == '\\') b.append('\\');
            else if (e == '"' && quotes) b.append('"');
            else throw new IllegalArgumentException(where + "bad escape \\" + e);
        }
        return b.toString();
    }
}
