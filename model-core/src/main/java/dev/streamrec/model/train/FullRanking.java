package dev.streamrec.model.train;

import dev.streamrec.model.data.LeaveOneOutSplit;
import dev.streamrec.model.metrics.RankingMetrics;

/**
 * Full ranking: every item of the catalogue is a candidate (no sampled negatives), padding is never
 * ranked, and the case's history items are ranked too unless {@code excludeHistory} is set.
 */
public record FullRanking(boolean excludeHistory) implements RankingProtocol {

    @Override
    public int rank(float[] scores, LeaveOneOutSplit.Case c) {
        boolean[] excluded = new boolean[scores.length];
        excluded[0] = true;
        if (excludeHistory) {
            for (int item : c.history()) {
                excluded[item] = true;
            }
            excluded[c.target()] = false;
        }
        return RankingMetrics.rankOf(scores, c.target(), excluded);
    }
}
