package dev.streamrec.model.backbone;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import dev.streamrec.model.train.BatchScorer;

import java.util.function.Function;

/**
 * Scores the whole catalogue for a batch of histories in one forward pass of a
 * {@link SequenceModelBlock}: the last L items of each history, left-padded, go through the encoder
 * (inference mode), and the last hidden state is multiplied with the item table. Every
 * intermediate NDArray is released at the end of the call.
 */
public final class SequenceScorer implements BatchScorer {

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

    @Override
    public float[][] score(int[][] histories) {
        int b = histories.length;
        int l = block.config().maxLen();
        long[] ids = new long[b * l];
        for (int r = 0; r < b; r++) {
            TrainingWindows.leftPad(histories[r], l, ids, r * l);
        }
        try (NDScope scope = new NDScope()) {
            ParameterStore ps = new ParameterStore(manager, false);
            NDArray idArray = manager.create(ids, new Shape(b, l));
            NDArray itemTable = table.apply(ps);
            NDArray scores = SequenceModelBlock.scoreLast(block.encode(ps, itemTable, idArray, false), itemTable); // (B, N+1)
            float[] flat = scores.toFloatArray();
            int n = (int) scores.getShape().get(1);
            float[][] out = new float[b][n];
            for (int r = 0; r < b; r++) {
                System.arraycopy(flat, r * n, out[r], 0, n);
            }
            scope.suppressNotUsedWarning();
            return out;
        }
    }
}
