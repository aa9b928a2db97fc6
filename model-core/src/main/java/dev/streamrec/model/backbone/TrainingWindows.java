package dev.streamrec.model.backbone;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;

/**
 * Next-item training examples cut from the training sequences: each sequence is cut from its end
 * into windows of L+1 items (the SASRec recipe with a sliding step of L, so long MovieLens histories
 * give several windows); inputs are items 0..L-1 of a window, targets items 1..L, both left-padded
 * to L with 0. Windows trimmed ({@code trim}: for an encoder that does not read its padding) are
 * padded only to the longest window of their batch, which gives the same outputs at the real
 * positions and saves the padding's work. Shuffled per epoch with a seeded generator.
 */
public final class TrainingWindows {

    /**
     * One batch: inputs and targets, row-major [B*T] as longs for the int64 index arrays; T
     * ({@code maxLen}) is L, or the batch's longest window when trimmed.
     */
    public record Batch(int size, int maxLen, long[] inputs, long[] targets) {}

    private final int maxLen;
    private final boolean trim;
    private final List<int[]> windows = new ArrayList<>();

    /** Windows padded to {@code maxLen}. */
    public TrainingWindows(List<int[]> sequences, int maxLen) {
        this(sequences, maxLen, false);
    }

    /** Windows padded to {@code maxLen}, or with {@code trim} to the longest window of their batch. */
    public TrainingWindows(List<int[]> sequences, int maxLen, boolean trim) {
        this.maxLen = maxLen;
        this.trim = trim;
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

    /** Each window's input length (its items less the last), in window order. */
    public int[] lengths() {
        return windows.stream().mapToInt(w -> w.length - 1).toArray();
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
        int width = maxLen;
        if (trim) {
            width = 1;
            for (int index : indices) {
                width = Math.max(width, windows.get(index).length - 1);
            }
        }
        long[] in = new long[b * width];
        long[] out = new long[b * width];
        for (int r = 0; r < b; r++) {
            int[] w = windows.get(indices[r]);
            int n = w.length - 1;
            int offset = r * width + width - n;
            for (int i = 0; i < n; i++) {
                in[offset + i] = w[i];
                out[offset + i] = w[i + 1];
            }
        }
        return new Batch(b, width, in, out);
    }

    /** The last {@code maxLen} items of a history, left-padded with 0, appended to {@code row}. */
    public static void leftPad(int[] history, int maxLen, long[] into, int rowOffset) {
        int n = Math.min(maxLen, history.length);
        for (int i = 0; i < n; i++) {
            into[rowOffset + maxLen - n + i] = history[history.length - n + i];
        }
    }
}
