package dev.streamrec.model.kdsr;

import java.util.Random;

/**
 * The item pairs of one batch over which KDSR's dissected loss L_CKD is computed, as the item ids
 * of their two sides and a weight per pair, so that Σ_p w_p ℓ_p is the mean of ℓ over all pairs
 * (i, j) of the batch (both positions real, i ≠ j; models.md §7). {@link #all} lists every such
 * pair with weight 1/|P|, the paper's exact mean. {@link #sample} draws, for every real position
 * i of a sequence with n real items, {@code partners} positions j ≠ i uniformly with replacement
 * from its n − 1 others, each with weight (n − 1) / (partners·|P|): an unbiased estimate of the
 * same mean over B·T·partners pairs instead of B·T². A sequence with n − 1 ≤ partners keeps all its
 * pairs (exact, no variance).
 *
 * @param left item ids of the first side (P)
 * @param right item ids of the second side (P)
 * @param weights the weight of each pair (P)
 */
public record CorrelationPairs(long[] left, long[] right, float[] weights) {

    /** The number of pairs P. */
    public int size() {
        return left.length;
    }

    /** Every pair of real positions i ≠ j of each sequence of {@code ids} (B, T) row-major; 0 = padding. */
    public static CorrelationPairs all(long[] ids, int batch, int length) {
        return sample(ids, batch, length, Integer.MAX_VALUE, null);
    }

    /**
     * {@code partners} uniformly drawn partners per real position of each sequence of {@code ids}
     * (B, T) row-major (0 = padding), drawn from {@code random}.
     */
    public static CorrelationPairs sample(long[] ids, int batch, int length, int partners, Random random) {
        if (partners < 1) {
            throw new IllegalArgumentException("partners must be >= 1");
        }
        int[][] real = new int[batch][];
        long totalPairs = 0;
        int size = 0;
        for (int b = 0; b < batch; b++) {
            int n = 0;
            for (int t = 0; t < length; t++) {
                if (ids[b * length + t] != 0) {
                    n++;
                }
            }
            real[b] = new int[n];
            for (int t = 0, k = 0; t < length; t++) {
                if (ids[b * length + t] != 0) {
                    real[b][k++] = b * length + t;
                }
            }
            totalPairs += (long) n * (n - 1);
            size += n < 2 ? 0 : n * Math.min(partners, n - 1);
        }
        long[] left = new long[size];
        long[] right = new long[size];
        float[] weights = new float[size];
        int p = 0;
        for (int[] positions : real) {
            int n = positions.length;
            if (n < 2) {
                continue;
            }
            boolean exact = partners >= n - 1;
            float weight = exact ? (float) (1.0 / totalPairs) : (float) ((n - 1.0) / ((double) partners * totalPairs));
            for (int i = 0; i < n; i++) {
                for (int k = 0; k < (exact ? n - 1 : partners); k++) {
                    int j = exact ? k : random.nextInt(n - 1);
                    left[p] = ids[positions[i]];
                    right[p] = ids[positions[j >= i ? j + 1 : j]];
                    weights[p] = weight;
                    p++;
                }
            }
        }
        return new CorrelationPairs(left, right, weights);
    }
}
