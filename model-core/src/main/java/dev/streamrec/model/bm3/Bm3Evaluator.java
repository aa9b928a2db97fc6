package dev.streamrec.model.bm3;

import dev.streamrec.model.metrics.TopK;

/**
 * Full-ranking evaluation of the BM3 protocol: every item of the catalogue is a candidate, the
 * user's training items (and the padding row) are masked, the top max(K) list is compared with the
 * user's held-out items by {@link MultiTargetMetrics}. Scores come from a {@link UserScorer} so the
 * same code evaluates a model in training and a reloaded artifact.
 */
public final class Bm3Evaluator {

    /** The cutoffs reported in the paper's tables. */
    public static final int[] CUTOFFS = {10, 20};

    /** Scores a chunk of users against all item rows: users [from, to) → [to − from][N + 1]. */
    @FunctionalInterface
    public interface UserScorer {
        float[][] score(int fromUser, int toUser);
    }

    /** Scores held per chunk: ~128 MB of floats, whatever the catalogue's size. */
    private static final int SCORES_PER_CHUNK = 1 << 25;

    private final int chunk;

    /**
     * Users per chunk for a catalogue of {@code columns} score columns: at most {@code max}, and
     * few enough that one chunk's scores stay near 128 MB (a 100,000-item catalogue: 335 users).
     */
    public static int chunkFor(int columns, int max) {
        return Math.max(1, Math.min(max, SCORES_PER_CHUNK / Math.max(1, columns)));
    }

    public Bm3Evaluator(int chunk) {
        this.chunk = chunk;
    }

    /**
     * @param masked per user, the items never ranked (the training items)
     * @param targets per user, the held-out items (validation or test)
     */
    public MultiTargetMetrics evaluate(UserScorer scorer, int[][] masked, int[][] targets) {
        MultiTargetMetrics metrics = new MultiTargetMetrics(CUTOFFS);
        int maxK = CUTOFFS[CUTOFFS.length - 1];
        int users = targets.length;
        for (int from = 0; from < users; from += chunk) {
            int to = Math.min(users, from + chunk);
            float[][] scores = scorer.score(from, to);
            for (int u = from; u < to; u++) {
                if (targets[u].length == 0) {
                    continue;
                }
                boolean[] excluded = new boolean[scores[u - from].length];
                for (int i : masked[u]) {
                    excluded[i] = true;
                }
                metrics.add(TopK.select(scores[u - from], maxK, excluded, 1), targets[u]);
            }
        }
        return metrics;
    }
}
