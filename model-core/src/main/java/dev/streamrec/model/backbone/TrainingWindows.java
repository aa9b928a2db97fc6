package dev.streamrec.model.backbone;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;

/**
 * Next-item training examples cut from the training sequences: each sequence is cut from its end
 * into windows of L+1 items (the SASRec recipe with a sliding step of L, so long MovieLens histories
 * give several windows); inputs are items 0..L-1 of a window, targets items 1..L, both left-padded
 * to L with 0. Shuffled per epoch with a seeded generator.
 */
public final class TrainingWindows {

    /** One batch: inputs and targets, row-major [B*L], as longs for the int64 index arrays. */
    public record Batch(int size, int maxLen, long[] inputs, long[] targets) {}

    private final int maxLen;
    private final List<int[]> windows = new ArrayList<>();

    public TrainingWindows(List<int[]> sequences, int maxLen) {
        this.maxLen = maxLen;
        for (int[] s : sequences) {
            for (int end = s.length; end >= 2; end -= maxLen) {
                int start = Math.max(0, end - maxLen - 1);
                int[] w = new int[end - start];
                System.arraycopy(s, start, w, 0, w.length);
                windows.add(w);
            }
        }
    }

    public int size() {
        return windows.size();
    }

    /** The number of counted target positions (one per window item after the first). */
    public long numTargets() {
        long n = 0;
        for (int[] w : windows) {
            n += w.length - 1;
        }
        return n;
    }

    /** The epoch's batches in a shuffled order. */
    public List<Batch> epoch(int batchSize, Random random) {
        List<Integer> order = new ArrayList<>();
        for (int i = 0; i < windows.size(); i++) {
            order.add(i);
        }
        Collections.shuffle(order, random);
        List<Batch> batches = new ArrayList<>();
        for (int from = 0; from < order.size(); from += batchSize) {
            batches.add(batch(order.subList(from, Math.min(order.size(), from + batchSize)).stream()
                    .mapToInt(Integer::intValue).toArray()));
        }
        return batches;
    }

    /** The batch of the windows {@code indices} (in [0, {@link #size()})), in that order. */
    public Batch batch(int[] indices) {
        int b = indices.length;
        long[] in = new long[b * maxLen];
        long[] out = new long[b * maxLen];
        for (int r = 0; r < b; r++) {
            int[] w = windows.get(indices[r]);
            int n = w.length - 1;
            int offset = r * maxLen + maxLen - n;
            for (int i = 0; i < n; i++) {
                in[offset + i] = w[i];
                out[offset + i] = w[i + 1];
            }
        }
        return new Batch(b, maxLen, in, out);
    }

    /** The last {@code maxLen} items of a history, left-padded with 0, appended to {@code row}. */
    public static void leftPad(int[] history, int maxLen, long[] into, int rowOffset) {
        int n = Math.min(maxLen, history.length);
        for (int i = 0; i < n; i++) {
            into[rowOffset + maxLen - n + i] = history[history.length - n + i];
        }
    }
}
