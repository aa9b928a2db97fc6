package dev.streamrec.model.train;

import dev.streamrec.model.data.LeaveOneOutSplit;

/**
 * How one evaluation case's target is ranked from the scores of the whole catalogue: against every
 * item ({@link FullRanking}, the default everywhere) or against a sample of negatives
 * ({@link SampledNegatives}, the SASRec paper's protocol).
 */
public sealed interface RankingProtocol permits FullRanking, SampledNegatives {

    /**
     * The 1-based rank of {@code c.target()} (0 = not ranked, a miss).
     *
     * @param scores the case's scores [numItems + 1]; column 0 is padding and never ranked
     */
    int rank(float[] scores, LeaveOneOutSplit.Case c);
}
