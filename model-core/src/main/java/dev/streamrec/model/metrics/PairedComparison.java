package dev.streamrec.model.metrics;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A model against a baseline ranked on the same evaluation cases, paired by user: for each metric,
 * each user's difference (model − baseline) is averaged over that user's cases, and
 * {@link PairedTTest} tests whether the mean over users is zero. With one case per user (the test
 * split) this is the plain per-case paired t-test; with several validation targets per user the
 * user, not the case, is the independent unit.
 */
public final class PairedComparison {

    private PairedComparison() {}

    /**
     * @param metrics metric names as {@link RankingMetrics#value} reads them
     * @param users the user of each case
     * @param model the model's rank of each case's target (0 = not ranked)
     * @param baseline the baseline's rank of the same cases, in the same order
     * @return per metric, in the order given, the test over users
     */
    public static Map<String, PairedTTest.Result> of(List<String> metrics, int[] users, int[] model, int[] baseline) {
        if (users.length != model.length || model.length != baseline.length) {
            throw new IllegalArgumentException("paired ranks need the same cases: " + users.length + " users, "
                    + model.length + " model ranks, " + baseline.length + " baseline ranks");
        }
        Map<String, PairedTTest.Result> out = new LinkedHashMap<>();
        for (String metric : metrics) {
            // per user: sum of differences and number of cases, in first-seen order
            Map<Integer, double[]> byUser = new LinkedHashMap<>();
            for (int c = 0; c < users.length; c++) {
                double[] acc = byUser.computeIfAbsent(users[c], u -> new double[2]);
                acc[0] += RankingMetrics.value(metric, model[c]) - RankingMetrics.value(metric, baseline[c]);
                acc[1]++;
            }
            double[] differences = new double[byUser.size()];
            int u = 0;
            for (double[] acc : byUser.values()) {
                differences[u++] = acc[0] / acc[1];
            }
            out.put(metric, PairedTTest.test(differences));
        }
        return out;
    }
}
