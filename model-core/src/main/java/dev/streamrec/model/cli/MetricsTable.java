package dev.streamrec.model.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.streamrec.model.train.SplitReport;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Prints the metric rows of a report (the entries {@link SplitReport} writes): one row per split,
 * each cell {@code mean ±half-width} of the 95% confidence interval, and under a split that was
 * paired with a baseline a row {@code vs <baseline>} whose cells are the mean difference over users
 * and the paired t-test's two-sided p-value.
 */
public final class MetricsTable {

    private static final String CELL = "%-19s";

    private MetricsTable() {}

    /** Rows for {@code splits} present in {@code report}; columns = the first split's metrics. */
    public static void print(PrintStream out, JsonNode report, List<String> splits, String baselineName) {
        List<String> metrics = new ArrayList<>();
        for (String split : splits) {
            if (report.path(split).isObject()) {
                report.path(split).fieldNames().forEachRemaining(metrics::add);
                break;
            }
        }
        StringBuilder header = new StringBuilder(String.format(Locale.ROOT, "%-22s", "split"));
        metrics.forEach(m -> header.append(String.format(Locale.ROOT, CELL, m)));
        out.println(header);
        for (String split : splits) {
            JsonNode means = report.path(split);
            if (!means.isObject()) {
                continue;
            }
            JsonNode ci = report.path(split + SplitReport.CI_SUFFIX);
            StringBuilder row = new StringBuilder(String.format(Locale.ROOT, "%-22s", split));
            for (String m : metrics) {
                String cell = String.format(Locale.ROOT, "%.4f", means.path(m).asDouble());
                if (ci.has(m)) {
                    cell += String.format(Locale.ROOT, " ±%.4f", ci.path(m).asDouble());
                }
                row.append(String.format(Locale.ROOT, CELL, cell));
            }
            out.println(row);
            JsonNode vs = report.path(SplitReport.comparisonKey(split, baselineName));
            if (vs.isObject()) {
                int n = 0;
                StringBuilder diff = new StringBuilder();
                for (String m : metrics) {
                    JsonNode t = vs.path(m);
                    n = Math.max(n, t.path("n").asInt());
                    diff.append(String.format(Locale.ROOT, CELL, String.format(Locale.ROOT, "%+.4f %s",
                            t.path("difference").asDouble(), pValue(t.path("p").asDouble(Double.NaN)))));
                }
                out.println(String.format(Locale.ROOT, "%-22s", "  vs " + baselineName + " (" + n + ")") + diff);
            }
        }
    }

    private static String pValue(double p) {
        if (Double.isNaN(p)) {
            return "p=n/a";
        }
        return p < 0.001 ? "p<0.001" : String.format(Locale.ROOT, "p=%.3f", p);
    }
}
