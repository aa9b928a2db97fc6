package dev.streamrec.model.train;

import java.util.Arrays;
import java.util.Random;

/**
 * An epoch's batches of examples of similar length (the bucketing of fairseq's and Hugging Face's
 * {@code group_by_length}): the shuffled order is cut into pools of {@value #POOL_BATCHES} batches,
 * each pool is sorted by length (stable, so ties keep the shuffled order) and cut into batches, and
 * the batches are shuffled. Every example of the order is in exactly one batch, the batch count is
 * that of plain consecutive batches, and a batch padded to its longest example carries little
 * padding. Deterministic for a seeded {@code random}.
 */
public final class LengthBuckets {

    /** Batches per sorted pool: enough for near-equal lengths within a batch, few enough to keep the epoch mixed. */
    static final int POOL_BATCHES = 50;

    private LengthBuckets() {}

    /**
     * The batches of {@code order} (example indices) for examples of {@code lengths} (indexed by
     * example), {@code batchSize} per batch (the last one may be short), in a shuffled order.
     */
    public static int[][] batches(int[] order, int[] lengths, int batchSize, Random random) {
        Integer[] sorted = Arrays.stream(order).boxed().toArray(Integer[]::new);
        int pool = batchSize * POOL_BATCHES;
        for (int from = 0; from < sorted.length; from += pool) {
            Arrays.sort(sorted, from, Math.min(sorted.length, from + pool), (a, b) -> Integer.compare(lengths[a], lengths[b]));
        }
        int count = (sorted.length + batchSize - 1) / batchSize;
        int[][] batches = new int[count][];
        for (int b = 0; b < count; b++) {
            int end = Math.min(sorted.length, (b + 1) * batchSize);
            batches[b] = new int[end - b * batchSize];
            for (int i = b * batchSize; i < end; i++) {
                batches[b][i - b * batchSize] = sorted[i];
            }
        }
        int[] shuffled = Shuffle.permutation(count, random);
        int[][] out = new int[count][];
        for (int b = 0; b < count; b++) {
            out[b] = batches[shuffled[b]];
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
}
