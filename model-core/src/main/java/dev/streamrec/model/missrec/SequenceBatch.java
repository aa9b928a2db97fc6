package dev.streamrec.model.missrec;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;

import java.util.Arrays;

/**
 * A batch of user histories, left-aligned and padded to the longest (at most {@code maxLen}, the
 * most recent items kept): item indices (B, T), a validity mask (B, T) and a one-hot of the last
 * valid position (B, T) from which the user vector is read.
 */
public final class SequenceBatch {

    private final int[][] rows;
    private final int width;

    private SequenceBatch(int[][] rows, int width) {
        this.rows = rows;
        this.width = width;
    }

    /** Truncates each history to its last {@code maxLen} items; empty histories are not allowed. */
    public static SequenceBatch of(int[][] histories, int maxLen) {
        int[][] rows = new int[histories.length][];
        int width = 1;
        for (int b = 0; b < histories.length; b++) {
            int[] h = histories[b];
            if (h.length == 0) {
                throw new IllegalArgumentException("empty history at row " + b);
            }
            rows[b] = Arrays.copyOfRange(h, Math.max(0, h.length - maxLen), h.length);
            width = Math.max(width, rows[b].length);
        }
        return new SequenceBatch(rows, width);
    }

    public int size() {
        return rows.length;
    }

    public int width() {
        return width;
    }

    /** The (truncated) rows, for lookups in Java (k-means interest tables). */
    public int[][] rows() {
        return rows;
    }

    /** Item indices (B, T), int64, 0 = padding; indices at or above {@code limit} become 0. */
    public NDArray items(NDManager m, int limit) {
        long[] a = new long[rows.length * width];
        for (int b = 0; b < rows.length; b++) {
            for (int t = 0; t < rows[b].length; t++) {
                a[b * width + t] = rows[b][t] < limit ? rows[b][t] : 0;
            }
        }
        return m.create(a, new Shape(rows.length, width));
    }

    /** 1 for a real position, 0 for padding (B, T). */
    public NDArray mask(NDManager m) {
        float[] a = new float[rows.length * width];
        for (int b = 0; b < rows.length; b++) {
            Arrays.fill(a, b * width, b * width + rows[b].length, 1f);
        }
        return m.create(a, new Shape(rows.length, width));
    }

    /** One-hot of the last valid position (B, T). */
    public NDArray last(NDManager m) {
        float[] a = new float[rows.length * width];
        for (int b = 0; b < rows.length; b++) {
            a[b * width + rows[b].length - 1] = 1f;
        }
        return m.create(a, new Shape(rows.length, width)).toType(DataType.FLOAT32, false);
    }
}
