package dev.streamrec.model.train;

import dev.streamrec.model.metrics.MeanInterval;
import dev.streamrec.model.metrics.PairedTTest;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The report entries of one evaluated split, as the {@code train} and {@code evaluate} reports
 * store them (JSON) and {@code MetricsTable} prints them: {@code <split>} = metric means,
 * {@code <split>Ci95} = the half-widths of their 95% confidence intervals, and, when a baseline was
 * ranked on the same cases, {@code <split>Vs<Baseline>} = per metric the paired t-test over users of
 * model − baseline ({@code n}, {@code difference}, {@code t}, {@code p}).
 */
public final class SplitReport {

    public static final String CI_SUFFIX = "Ci95";
    public static final String VS = "Vs";

    private SplitReport() {}

    /** The entries of {@code split}; {@code baseline} (named {@code baselineName}) may be null. */
    public static Map<String, Object> of(String split, RankedCases model, String baselineName, RankedCases baseline) {
        Map<String, Object> out = new LinkedHashMap<>();
        Map<String, Double> means = new LinkedHashMap<>();
        Map<String, Double> halfWidths = new LinkedHashMap<>();
        for (Map.Entry<String, MeanInterval> e : model.metrics().intervals().entrySet()) {
            means.put(e.getKey(), e.getValue().mean());
            halfWidths.put(e.getKey(), e.getValue().halfWidth());
        }
        out.put(split, means);
        out.put(split + CI_SUFFIX, halfWidths);
        if (baseline != null) {
            out.put(comparisonKey(split, baselineName), tests(model.against(baseline)));
        }
        return out;
    }

    /** Paired tests by metric as a report stores them: {@code {n, difference, t, p}} each. */
    public static Map<String, Object> tests(Map<String, PairedTTest.Result> byMetric) {
        Map<String, Object> tests = new LinkedHashMap<>();
        byMetric.forEach((metric, r) -> {
            Map<String, Object> t = new LinkedHashMap<>();
            t.put("n", r.n());
            t.put("difference", r.meanDifference());
            t.put("t", r.t());
            t.put("p", r.p());
            tests.put(metric, t);
        });
        return tests;
    }

    /** {@code testVsPopularity} for split {@code test} and baseline {@code popularity}. */
    public static String comparisonKey(String split, String baselineName) {
        return split + VS + Character.toUpperCase(baselineName.charAt(0)) + baselineName.substring(1);
    }
}
