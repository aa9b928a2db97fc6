package dev.streamrec.model.backbone;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Random;

/**
 * Draws the S negatives one training step shares across its batch, with replacement, from a fixed
 * proposal q over the items 1..N: uniform (q_i = 1/N) or popularity-proportional, q_i ∝ (c_i + 1)^α
 * with c_i the item's count in the training sequences. The +1 keeps every item drawable (an item
 * unseen in training is still a negative, and the log-Q corrected softmax stays consistent, which
 * needs q_i > 0 for every item); α = 1 is proportional, α = 0.75 the word2vec flattening, α = 0
 * uniform. Seeded, so a run's draws are reproducible.
 *
 * <p>Each draw also returns log Q(i) = log(S·q_i), the log of the item's expected number of
 * occurrences among the S draws: the correction {@link NextItemLoss#sampledSoftmax(ai.djl.ndarray.NDArray,
 * ai.djl.ndarray.NDArray, ai.djl.ndarray.NDArray, ai.djl.ndarray.NDArray, ai.djl.ndarray.NDArray)}
 * subtracts from each drawn negative's logit. With duplicates kept as separate columns,
 * Σ_j exp(o_j - log(S·q_j)) is then an unbiased estimate of Σ_i exp(o_i).
 */
public final class NegativeSampler {

    /** The proposal distributions ({@code --negative-sampler}). */
    public enum Kind {
        UNIFORM, POPULARITY;

        public String id() {
            return name().toLowerCase(Locale.ROOT);
        }

        public static Kind of(String id) {
            for (Kind k : values()) {
                if (k.id().equals(id)) {
                    return k;
                }
            }
            throw new IllegalArgumentException("unknown negative sampler '" + id + "' (uniform or popularity)");
        }
    }

    /** One step's negatives: item ids (S) and their log expected counts log(S·q_i) (S). */
    public record Negatives(long[] ids, float[] logQ) {}

    private final int numItems;
    /** Cumulative proposal over items 1..N (cdf[i-1] = q_1 + … + q_i); null when uniform. */
    private final double[] cdf;
    private final Random random;

    private NegativeSampler(int numItems, double[] cdf, long seed) {
        if (numItems < 1) {
            throw new IllegalArgumentException("numItems must be >= 1");
        }
        this.numItems = numItems;
        this.cdf = cdf;
        this.random = new Random(seed);
    }

    /** q_i = 1/N over the items 1..N. */
    public static NegativeSampler uniform(int numItems, long seed) {
        return new NegativeSampler(numItems, null, seed);
    }

    /**
     * q_i ∝ (counts[i] + 1)^exponent for i = 1..N, where counts has N+1 entries (index 0, padding,
     * is ignored).
     */
    public static NegativeSampler popularity(long[] counts, double exponent, long seed) {
        if (!(exponent >= 0) || Double.isInfinite(exponent)) {
            throw new IllegalArgumentException("popularity exponent must be finite and >= 0");
        }
        int n = counts.length - 1;
        double[] cdf = new double[Math.max(n, 0)];
        double total = 0;
        for (int i = 1; i <= n; i++) {
            if (counts[i] < 0) {
                throw new IllegalArgumentException("item counts must be >= 0");
            }
            total += Math.pow(counts[i] + 1.0, exponent);
            cdf[i - 1] = total;
        }
        for (int i = 0; i < n; i++) {
            cdf[i] /= total;
        }
        return new NegativeSampler(n, cdf, seed);
    }

    /** The sampler a {@link LossSettings} names, over items 1..numItems counted in {@code sequences}. */
    public static NegativeSampler of(LossSettings settings, List<int[]> sequences, int numItems, long seed) {
        return switch (settings.sampler()) {
            case UNIFORM -> uniform(numItems, seed);
            case POPULARITY -> popularity(counts(sequences, numItems), settings.popularityExponent(), seed);
        };
    }

    /** How often each item 1..numItems occurs in the sequences, indexed by item id (N+1 entries). */
    public static long[] counts(List<int[]> sequences, int numItems) {
        long[] counts = new long[numItems + 1];
        for (int[] s : sequences) {
            for (int item : s) {
                if (item >= 1 && item <= numItems) {
                    counts[item]++;
                }
            }
        }
        return counts;
    }

    public int numItems() {
        return numItems;
    }

    /** q_item, the probability one draw returns {@code item} (1..N). */
    public double probability(int item) {
        if (item < 1 || item > numItems) {
            throw new IllegalArgumentException("item " + item + " outside 1.." + numItems);
        }
        if (cdf == null) {
            return 1.0 / numItems;
        }
        return cdf[item - 1] - (item == 1 ? 0 : cdf[item - 2]);
    }

    /** S draws with replacement and their log(S·q_i). */
    public Negatives draw(int count) {
        if (count < 1) {
            throw new IllegalArgumentException("negative count must be >= 1");
        }
        long[] ids = new long[count];
        float[] logQ = new float[count];
        for (int j = 0; j < count; j++) {
            int item = next();
            ids[j] = item;
            logQ[j] = (float) Math.log(count * probability(item));
        }
        return new Negatives(ids, logQ);
    }

    private int next() {
        if (cdf == null) {
            return 1 + random.nextInt(numItems);
        }
        int at = Arrays.binarySearch(cdf, random.nextDouble());
        // not found: -(insertion point) - 1, the first index whose cumulative value exceeds u
        int index = at >= 0 ? at + 1 : -at - 1;
        return 1 + Math.min(index, numItems - 1);
    }
}
