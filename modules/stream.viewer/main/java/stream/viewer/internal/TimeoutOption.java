package stream.viewer.internal;

import java.math.BigDecimal;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * The value of stream-viewer's {@code --timeout}: a positive duration written as stream-client writes
 * it ({@code 10}, {@code 2.5}, {@code 20s}, {@code 500ms}, {@code 2m}; a bare number is seconds), so
 * the same spelling works with {@code stream-viewer} and {@code stream-client view}.
 */
public final class TimeoutOption {
    private static final Pattern FORM = Pattern.compile("([0-9]+(?:\\.[0-9]+)?)(ms|s|m)?");
    private static final Map<String, BigDecimal> NANOS_PER_UNIT = Map.of(
            "ms", BigDecimal.valueOf(1_000_000L), "s", BigDecimal.valueOf(1_000_000_000L), "m", BigDecimal.valueOf(60_000_000_000L));

    private TimeoutOption() {}

    /**
     * Parses a --timeout value.
     * @param value what was given, for example "20s"
     * @return the duration, at least a nanosecond
     * @throws IllegalArgumentException naming the value and the accepted forms
     */
    public static Duration parse(String value) {
        Objects.requireNonNull(value, "value");
        var m = FORM.matcher(value.strip());
        if (m.matches()) {
            String unit = m.group(2) == null ? "s" : m.group(2);
            BigDecimal nanos = new BigDecimal(m.group(1)).multiply(NANOS_PER_UNIT.get(unit));
            // A year is plenty; anything longer is a typo, and it keeps the nanoseconds inside a long.
            if (nanos.compareTo(BigDecimal.ONE) >= 0 && nanos.compareTo(BigDecimal.valueOf(366L * 86_400 * 1_000_000_000L)) <= 0) {
                return Duration.ofNanos(nanos.longValue());
            }
        }
        throw new IllegalArgumentException("--timeout must be a positive duration such as 10, 2.5, 20s, 500ms or 2m"
                + " (a bare number is seconds), not '" + value + "'");
    }
}
