package dev.streamrec.model.serving;

/**
 * A scorer that ranks the catalogue where the scores live (on the model's device) and hands back
 * only each row's best {@code depth} candidates, instead of a [batch × catalogue] score matrix for
 * Java to select from: the serving path of models whose scores are a matmul against an item table.
 */
public interface CandidateScorer {

    /**
     * The best {@code depth} items of each history's row, best first, over the whole catalogue
     * (padding row included; callers filter it with their exclusions).
     */
    BlockedTopK.Candidates candidates(int[][] histories, int depth);
}
