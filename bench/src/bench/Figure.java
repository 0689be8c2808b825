package bench;

import java.util.ArrayList;
import java.util.List;

/**
 * One row of the table: our runs beside the counterpart's runs, the targets ("ratio<=1.2",
 * "ours<=1.0", "ours>=20000") and the profile lines that explain it.
 */
final class Figure {
    final String id, section, title, unit, oursLabel, counterLabel;
    final List<Double> ours = new ArrayList<>(), counter = new ArrayList<>();
    final List<String> targets = new ArrayList<>();
    final List<String> profile = new ArrayList<>();
    String failure;
    int digits = 3;
    String runsNote;

    Figure(String id, String section, String title, String unit, String oursLabel, String counterLabel) {
        this.id = id; this.section = section; this.title = title; this.unit = unit;
        this.oursLabel = oursLabel; this.counterLabel = counterLabel;
    }

    double oursMedian() { return Stats.median(ours); }
    double counterMedian() { return Stats.median(counter); }
    double ratio() {
        double a = oursMedian(), b = counterMedian();
        return Double.isNaN(a) || Double.isNaN(b) || b == 0 ? Double.NaN : a / b;
    }
}
