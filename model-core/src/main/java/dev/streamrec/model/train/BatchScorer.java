package dev.streamrec.model.train;

/**
 * Scores the whole catalogue for a batch of histories: the one thing offline evaluation needs from
 * a sequential model.
 */
@FunctionalInterface
public interface BatchScorer {

    /**
     * @param histories item indices (1-based, oldest first), one array per case
     * @return scores [batch][numItems + 1]; column 0 (padding) is ignored
     */
    float[][] score(int[][] histories);

    /** Whether several threads may score (and, for candidate scorers, rank) at once: read-only state only. */
    default boolean concurrent() {
        return false;
    }
}
