package dev.streamrec.model.train;

import dev.streamrec.model.data.LeaveOneOutSplit;
import dev.streamrec.model.metrics.RankingMetrics;

import java.util.Arrays;
import java.util.SplittableRandom;
import java.util.function.IntFunction;

/**
 * The sampled protocol of SASRec (Kang and McAuley, ICDM 2018, §IV-B): the target is ranked among
 * {@code negatives} items drawn uniformly, without replacement, from the items the user never
 * interacted with (any position of the user's whole sequence; never padding, never the target).
 * A user with fewer such items than asked for gets all of them. The draw depends only on the seed,
 * the user and the length of the case's history, so every model meets the same negatives on a case
 * (paired comparisons hold) whatever the batching. Ranks use the tie-break of
 * {@link RankingMetrics#rankOf} (higher score first, then lower index).
 */
public record SampledNegatives(int numItems, int negatives, long seed, IntFunction<int[]> userItems)
        implements RankingProtocol {

    public static final int DEFAULT_NEGATIVES = 100;
    public static final long DEFAULT_SEED = 42L;

    public SampledNegatives {
        if (negatives < 1) {
            throw new IllegalArgumentException("sampled negatives must be at least 1, not " + negatives);
        }
    }

    @Override
    public int rank(float[] scores, LeaveOneOutSplit.Case c) {
        boolean[] excluded = new boolean[scores.length];
        Arrays.fill(excluded, true);
        for (int item : draw(c)) {
            excluded[item] = false;
        }
        excluded[c.target()] = false;
        return RankingMetrics.rankOf(scores, c.target(), excluded);
    }

    /** The case's negatives, in the order drawn. */
    public int[] draw(LeaveOneOutSplit.Case c) {
        boolean[] interacted = new boolean[numItems + 1];
        interacted[0] = true;
        for (int item : userItems.apply(c.user())) {
            interacted[item] = true;
        }
        for (int item : c.history()) {
            interacted[item] = true;
        }
        interacted[c.target()] = true;
        int eligible = 0;
        for (boolean b : interacted) {
            eligible += b ? 0 : 1;
        }
        int[] out = new int[Math.min(negatives, eligible)];
        if (out.length == eligible) {
            for (int item = 1, n = 0; n < out.length; item++) {
                if (!interacted[item]) {
                    out[n++] = item;
                }
            }
            return out;
        }
        SplittableRandom random = new SplittableRandom(caseSeed(c));
        // rejection sampling: a drawn item is marked so it cannot come twice
        for (int n = 0; n < out.length; ) {
            int item = 1 + random.nextInt(numItems);
            if (!interacted[item]) {
                interacted[item] = true;
                out[n++] = item;
            }
        }
        return out;
    }

    private long caseSeed(LeaveOneOutSplit.Case c) {
        long golden = 0x9E3779B97F4A7C15L;
        return ((seed * golden) + c.user()) * golden + c.history().length;
    }
}
