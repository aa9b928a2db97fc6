package dev.streamrec.model.train;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

/**
 * An epoch's batches of examples of similar length, each holding about as many positions as an
 * average batch of {@code batchSize} examples (the length bucketing with a token budget of fairseq's
 * {@code --max-tokens}): the shuffled order is cut into pools of {@value #POOL_BATCHES} batches'
 * worth of examples, each pool is sorted by length (stable, so ties keep the shuffled order) and cut
 * into batches of at most batchSize × (the epoch's mean length) positions (at least one example),
 * and the batches are shuffled. Short examples therefore come many to a batch and long ones few, so
 * that a batch padded to its longest example carries little padding while every position keeps the
 * weight it has in a batch of randomly drawn examples (a loss averaged over a batch's positions
 * would otherwise weigh a position of a batch of short examples many times one of long examples).
 * Every example of the order is in exactly one batch; the number of batches is close to that of
 * consecutive batches (a pool's last batch may be short). Deterministic for a seeded {@code random}.
 */
public final class LengthBuckets {

    /** Batches per sorted pool: enough for near-equal lengths within a batch, few enough to keep the epoch mixed. */
    static final int POOL_BATCHES = 50;

    private LengthBuckets() {}

    /**
     * The batches of {@code order} (example indices) for examples of {@code lengths} (indexed by
     * example, each at least 1), each of at most batchSize × mean length positions, in a shuffled order.
     */
    public static int[][] batches(int[] order, int[] lengths, int batchSize, Random random) {
        Integer[] sorted = Arrays.stream(order).boxed().toArray(Integer[]::new);
        long total = 0;
        for (int e : order) {
            total += Math.max(1, lengths[e]);
        }
        double budget = batchSize * (double) total / Math.max(1, order.length);
        int pool = batchSize * POOL_BATCHES;
        List<int[]> batches = new ArrayList<>();
        for (int from = 0; from < sorted.length; from += pool) {
            int to = Math.min(sorted.length, from + pool);
            Arrays.sort(sorted, from, to, (a, b) -> Integer.compare(lengths[a], lengths[b]));
            int start = from;
            long positions = 0;
            for (int i = from; i < to; i++) {
                int length = Math.max(1, lengths[sorted[i]]);
                if (i > start && positions + length > budget) {
                    batches.add(slice(sorted, start, i));
                    start = i;
                    positions = 0;
                }
                positions += length;
            }
            batches.add(slice(sorted, start, to));
        }
        int[] shuffled = Shuffle.permutation(batches.size(), random);
        int[][] out = new int[batches.size()][];
        for (int b = 0; b < out.length; b++) {
            out[b] = batches.get(shuffled[b]);
        }
        return out;
    }

    /** {@code order} cut into consecutive batches of {@code batchSize} (the last one may be short). */
    public static int[][] consecutive(int[] order, int batchSize) {
        int count = (order.length + batchSize - 1) / batchSize;
        int[][] batches = new int[count][];
        for (int b = 0; b < count; b++) {
            batches[b] = Arrays.copyOfRange(order, b * batchSize, Math.min(order.length, (b + 1) * batchSize));
        }
        return batches;
    }

    private static int[] slice(Integer[] sorted, int from, int to) {
        int[] batch = new int[to - from];
        for (int i = from; i < to; i++) {
            batch[i - from] = sorted[i];
        }
        return batch;
    }
}
