package bench;

import com.eclipsesource.json.Json;
import com.eclipsesource.json.JsonArray;
import com.eclipsesource.json.JsonValue;
import java.util.List;
import java.util.Locale;

/** Medians, percentiles and the number formats of RESULTS.md and results.json. */
final class Stats {
    private Stats() {}

    static double median(List<Double> xs) {
        double[] a = xs.stream().filter(d -> !Double.isNaN(d)).mapToDouble(Double::doubleValue).sorted().toArray();
        if (a.length == 0) return Double.NaN;
        return a.length % 2 == 1 ? a[a.length / 2] : (a[a.length / 2 - 1] + a[a.length / 2]) / 2;
    }

    static double percentile(double[] sorted, double q) {
        if (sorted.length == 0) return Double.NaN;
        int i = (int) Math.ceil(q * sorted.length) - 1;
        return sorted[Math.max(0, Math.min(sorted.length - 1, i))];
    }

    static String fmt(double v, int digits) {
        if (Double.isNaN(v)) return "n/a";
        return String.format(Locale.ROOT, "%." + digits + "f", v);
    }

    /** 20000 as "20000", 0.150 as "0.15", 1.2 as "1.2". */
    static String plain(double d) {
        return java.math.BigDecimal.valueOf(d).stripTrailingZeros().toPlainString();
    }

    static JsonValue num(double d) { return Double.isNaN(d) ? Json.NULL : Json.value(Math.round(d * 10000) / 10000.0); }

    static JsonArray toJson(double[] a) {
        JsonArray j = new JsonArray();
        if (a != null) for (double d : a) j.add(Math.round(d * 100) / 100.0);
        return j;
    }
}
