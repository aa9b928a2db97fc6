package dev.streamrec.model.train;

import dev.streamrec.model.data.LeaveOneOutSplit;
import dev.streamrec.model.metrics.MetricAccumulator;
import dev.streamrec.model.metrics.RankingMetrics;

import java.util.List;

/**
 * Full-ranking evaluation of a {@link BatchScorer} over leave-one-out cases: every item of the
 * catalogue is a candidate (no sampled negatives), padding is never ranked, and history items are
 * ranked too unless {@code excludeHistory} is set. Reports HR@k, NDCG@k and MRR.
 */
public final class FullRankingEvaluator {

    public static final int[] DEFAULT_CUTOFFS = {10, 20};

    private final int batchSize;
    private final boolean excludeHistory;
    private final int[] cutoffs;

    public FullRankingEvaluator(int batchSize, boolean excludeHistory, int... cutoffs) {
        this.batchSize = batchSize;
        this.excludeHistory = excludeHistory;
        this.cutoffs = cutoffs.length == 0 ? DEFAULT_CUTOFFS : cutoffs;
    }

    public MetricAccumulator evaluate(BatchScorer scorer, List<LeaveOneOutSplit.Case> cases) {
        MetricAccumulator acc = new MetricAccumulator(cutoffs);
        for (int from = 0; from < cases.size(); from += batchSize) {
            int to = Math.min(cases.size(), from + batchSize);
            int[][] histories = new int[to - from][];
            for (int i = from; i < to; i++) {
                histories[i - from] = cases.get(i).history();
            }
            float[][] scores = scorer.score(histories);
            for (int i = from; i < to; i++) {
                float[] s = scores[i - from];
                boolean[] excluded = new boolean[s.length];
                excluded[0] = true;
                if (excludeHistory) {
                    for (int item : histories[i - from]) {
                        excluded[item] = true;
                    }
                    excluded[cases.get(i).target()] = false;
                }
                acc.add(RankingMetrics.rankOf(s, cases.get(i).target(), excluded));
            }
        }
        return acc;
    }
}
