package dev.streamrec.model.backbone;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import dev.streamrec.model.serving.BlockedTopK;
import dev.streamrec.model.serving.CandidateScorer;
import dev.streamrec.model.train.BatchScorer;

import java.util.Arrays;
import java.util.function.Function;

/**
 * Scores the whole catalogue for a batch of histories in one forward pass of a
 * {@link SequenceModelBlock}: the last L items of each history, left-padded, go through the encoder
 * (inference mode), and the last hidden state is multiplied with the item table. Every
 * intermediate NDArray is released at the end of the call. For serving, {@link #candidates} ranks
 * on the device block by block ({@link BlockedTopK}) so that only the best few items per row reach
 * Java. {@link #score} runs long SASRec windows in parts of rows so that no pass holds more than
 * {@value #ATTENTION_ELEMENTS} attention logits.
 */
public final class SequenceScorer implements BatchScorer, CandidateScorer {

    /** The most attention logits (rows × heads × T × T) one scoring pass holds: 128 MB of floats. */
    static final long ATTENTION_ELEMENTS = 1L << 25;

    /** Catalogue rows per matmul block when ranking on the device: one block up to this size. */
    static final int BLOCK = 32_768;

    private final SequenceModelBlock block;
    private final NDManager manager;
    private final Function<ParameterStore, NDArray> table;

    /**
     * @param table the item table for a parameter store (the block's own ID table when serving;
     *     the fused KDSR table while training)
     */
    public SequenceScorer(SequenceModelBlock block, NDManager manager, Function<ParameterStore, NDArray> table) {
        this.block = block;
        this.manager = manager;
        this.table = table;
    }

    /** A scorer that uses the block's own ID table (serving). */
    public static SequenceScorer idOnly(SequenceModelBlock block, NDManager manager) {
        return new SequenceScorer(block, manager, ps -> block.items().table(ps, manager.getDevice(), false));
    }

    /**
     * Yes: each call has its own parameter store and NDArray scope (scopes are thread-local), the
     * block's forward only reads its parameters, and the shared manager's registry is concurrent.
     */
    @Override
    public boolean concurrent() {
        return true;
    }

    @Override
    public float[][] score(int[][] histories) {
        int rows = rowsPerPass(histories);
        if (histories.length > rows) { // long windows: the attention's (rows, heads, T, T) tensors in parts
            float[][] out = new float[histories.length][];
            for (int from = 0; from < histories.length; from += rows) {
                float[][] part = score(Arrays.copyOfRange(histories, from, Math.min(histories.length, from + rows)));
                System.arraycopy(part, 0, out, from, part.length);
            }
            return out;
        }
        try (NDScope scope = new NDScope()) {
            ParameterStore ps = new ParameterStore(manager, false);
            NDArray itemTable = table.apply(ps);
            NDArray scores = SequenceModelBlock.scoreLast(encode(ps, itemTable, histories), itemTable); // (B, N+1)
            float[] flat = scores.toFloatArray();
            int b = histories.length;
            int n = (int) scores.getShape().get(1);
            float[][] out = new float[b][n];
            for (int r = 0; r < b; r++) {
                System.arraycopy(flat, r * n, out[r], 0, n);
            }
            scope.suppressNotUsedWarning();
            return out;
        }
    }

    @Override
    public BlockedTopK.Candidates candidates(int[][] histories, int depth) {
        try (NDScope scope = new NDScope()) {
            ParameterStore ps = new ParameterStore(manager, false);
            NDArray itemTable = table.apply(ps); // (N+1, d)
            NDArray last = SequenceModelBlock.lastHidden(encode(ps, itemTable, histories)); // (B, d)
            int rows = (int) itemTable.getShape().get(0);
            scope.suppressNotUsedWarning();
            return BlockedTopK.dotProduct(manager, last, itemTable, Math.min(depth, rows), BLOCK);
        }
    }

    /**
     * How many of these histories one forward pass may take: all of them, unless SASRec's attention
     * logits over their width T would exceed {@value #ATTENTION_ELEMENTS} elements (at L = 1,000 a
     * batch of 256 users would hold 1 GB per such tensor, several of them at once).
     */
    private int rowsPerPass(int[][] histories) {
        if (block.readsPadding()) {
            return histories.length;
        }
        long width = width(histories);
        return (int) Math.max(1, Math.min(histories.length, ATTENTION_ELEMENTS / (width * width * block.config().heads())));
    }

    /**
     * T, the width histories are padded to: L, or the longest of them (at most L, at least 1) when
     * the encoder does not read its padding (the same scores).
     */
    private int width(int[][] histories) {
        int l = block.config().maxLen();
        if (block.readsPadding()) {
            return l;
        }
        int longest = 1;
        for (int[] h : histories) {
            longest = Math.max(longest, h.length);
        }
        return Math.min(l, longest);
    }

    /** The encoder's hidden states (B, T, d) for the last L items of each history, left-padded to {@link #width}. */
    private NDArray encode(ParameterStore ps, NDArray itemTable, int[][] histories) {
        int b = histories.length;
        int l = width(histories);
        long[] ids = new long[b * l];
        for (int r = 0; r < b; r++) {
            TrainingWindows.leftPad(histories[r], l, ids, r * l);
        }
        NDArray idArray = manager.create(ids, new Shape(b, l));
        return block.encode(ps, itemTable, idArray, false);
    }
}
