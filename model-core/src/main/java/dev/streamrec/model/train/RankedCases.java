package dev.streamrec.model.train;

import dev.streamrec.model.metrics.MetricAccumulator;
import dev.streamrec.model.metrics.PairedComparison;
import dev.streamrec.model.metrics.PairedTTest;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * The per-case outcome of one evaluation: each case's user and the rank of its target (0 = a miss),
 * in case order. Kept so that two models ranked on the same cases can be compared pair by pair, not
 * only by their means.
 *
 * @param cutoffs the k of HR@k and NDCG@k reported
 */
public record RankedCases(int[] users, int[] ranks, int[] cutoffs) {

    /** The means (and their confidence intervals) over the cases. */
    public MetricAccumulator metrics() {
        MetricAccumulator acc = new MetricAccumulator(cutoffs);
        for (int r : ranks) {
            acc.add(r);
        }
        return acc;
    }

    /**
     * This model against {@code baseline} ranked on the same cases: per metric (HR@k, NDCG@k, MRR),
     * the paired t-test over users of the difference this − baseline ({@link PairedComparison}).
     */
    public Map<String, PairedTTest.Result> against(RankedCases baseline) {
        if (!Arrays.equals(users, baseline.users) || !Arrays.equals(cutoffs, baseline.cutoffs)) {
            throw new IllegalArgumentException("a paired comparison needs both models ranked on the same cases");
        }
        return PairedComparison.of(metricNames(), users, ranks, baseline.ranks);
    }

    private List<String> metricNames() {
        return new ArrayList<>(new MetricAccumulator(cutoffs).asMap().keySet());
    }
}
