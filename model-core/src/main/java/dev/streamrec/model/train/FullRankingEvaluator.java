package dev.streamrec.model.train;

import dev.streamrec.model.data.LeaveOneOutSplit;
import dev.streamrec.model.metrics.MetricAccumulator;

import java.util.List;

/**
 * Offline evaluation of a {@link BatchScorer} over leave-one-out cases: scores each case's history
 * against the whole catalogue and ranks its target under a {@link RankingProtocol}, by default
 * {@link FullRanking} (every item a candidate, padding never ranked, history items ranked unless
 * {@code excludeHistory}); {@link SampledNegatives} gives the SASRec paper's sampled protocol.
 * Reports HR@k, NDCG@k and MRR, with per-case ranks ({@link #rank}) for confidence intervals and
 * paired tests.
 */
public final class FullRankingEvaluator {

    public static final int[] DEFAULT_CUTOFFS = {10, 20};

    private final int batchSize;
    private final RankingProtocol protocol;
    private final int[] cutoffs;

    public FullRankingEvaluator(int batchSize, boolean excludeHistory, int... cutoffs) {
        this(batchSize, new FullRanking(excludeHistory), cutoffs);
    }

    public FullRankingEvaluator(int batchSize, RankingProtocol protocol, int... cutoffs) {
        this.batchSize = batchSize;
        this.protocol = protocol;
        this.cutoffs = cutoffs.length == 0 ? DEFAULT_CUTOFFS : cutoffs;
    }

    public RankingProtocol protocol() {
        return protocol;
    }

    /** The means over {@code cases} (each with its confidence interval, see {@link MetricAccumulator}). */
    public MetricAccumulator evaluate(BatchScorer scorer, List<LeaveOneOutSplit.Case> cases) {
        return rank(scorer, cases).metrics();
    }

    /** Each case's user and target rank, in case order. */
    public RankedCases rank(BatchScorer scorer, List<LeaveOneOutSplit.Case> cases) {
        int[] users = new int[cases.size()];
        int[] ranks = new int[cases.size()];
        for (int from = 0; from < cases.size(); from += batchSize) {
            int to = Math.min(cases.size(), from + batchSize);
            int[][] histories = new int[to - from][];
            for (int i = from; i < to; i++) {
                histories[i - from] = cases.get(i).history();
            }
            float[][] scores = scorer.score(histories);
            for (int i = from; i < to; i++) {
                users[i] = cases.get(i).user();
                ranks[i] = protocol.rank(scores[i - from], cases.get(i));
            }
        }
        return new RankedCases(users, ranks, cutoffs.clone());
    }
}
