package dev.streamrec.model.backbone;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;

import java.util.List;

/**
 * Incremental GRU4Rec inference: advances a batch of users' carried GRU states by the items each
 * user has not folded in yet, and scores the catalogue from the new states, so that an event costs
 * one recurrent step however long the user's history is.
 *
 * <p>The state of a user is the GRU's hidden state per layer ({@link #stateSize} = layers·d floats,
 * layer-major) after the user's whole history, starting from the {@link #paddingState}: the state
 * the model reaches after {@code maxLen} zero (padding) inputs, which is where the window encoder
 * starts a user with no history. Folding items 1..n into it one call at a time, or all at once,
 * gives the same state as the GRU run over [{@code maxLen} zero inputs, item 1, ..., item n] — the
 * full re-encoding of the whole history (to float rounding: the recurrence is split at different
 * points). That is not the window encoder's answer once a history is longer than {@code maxLen}
 * (the window forgets older items) or shorter (the window starts with fewer zero inputs): served
 * with carried states, GRU4Rec's scores follow the whole history, not the last L events.
 *
 * <p>A batch mixes rows that carry a state (usually one pending item: the event) with rows that
 * start from the padding state (no state, or one of another model version: their pending items
 * are the history the request carries). The recurrence runs as one fused GRU call per distinct
 * number of pending items (one call when every row carries a state); the scoring is one pass over
 * the whole batch, from the top layer's new state. Every intermediate NDArray is released by the
 * call; calls may run concurrently (each has its own parameter store and NDArray scope).
 */
public final class Gru4RecStepper extends BatchStepper<float[], Gru4RecStepper.Row> {

    /**
     * One user's row: the carried state ({@link #stateSize} floats; null: the padding state) and
     * the item indices to fold into it, oldest first (none: score the carried state as it is).
     */
    public record Row(float[] state, int[] pending) implements BatchStepper.Pending {}

    private final Gru4RecEncoderBlock gru;
    private final int layers;
    private final float[] paddingState;

    public Gru4RecStepper(SequenceModelBlock block, NDManager manager) {
        super(block, manager);
        if (!(block.encoder() instanceof Gru4RecEncoderBlock g)) {
            throw new IllegalArgumentException("incremental inference needs a GRU4Rec encoder, not " + block.config().kind().id());
        }
        this.gru = g;
        this.layers = block.config().layers();
        this.paddingState = runPadding();
    }

    /** Floats in one user's state: layers·d. */
    public int stateSize() {
        return layers * dim;
    }

    /** The state after {@code maxLen} zero inputs from zero states: a user with no history (a copy). */
    public float[] paddingState() {
        return paddingState.clone();
    }

    @Override
    protected float[] start(Row row, int r) {
        float[] from = row.state() == null ? paddingState : row.state();
        if (from.length != stateSize()) {
            throw new IllegalArgumentException("row " + r + ": state of " + from.length + " floats, expected " + stateSize());
        }
        return from.clone();
    }

    @Override
    protected void copyTop(float[] state, float[] into, int offset) {
        System.arraycopy(state, (layers - 1) * dim, into, offset, dim);
    }

    /** One fused GRU call over the {@code t} pending items of the rows {@code members}; their states are overwritten. */
    @Override
    protected float[] fold(ParameterStore ps, NDArray table, List<Row> rows, List<Integer> members, int t, List<float[]> states) {
        int g = members.size();
        long[] ids = new long[g * t];
        float[] h0 = new float[layers * g * dim];
        for (int j = 0; j < g; j++) {
            int r = members.get(j);
            int[] pending = rows.get(r).pending();
            for (int i = 0; i < t; i++) {
                ids[j * t + i] = pending[i];
            }
            for (int l = 0; l < layers; l++) {
                System.arraycopy(states.get(r), l * dim, h0, (l * g + j) * dim, dim);
            }
        }
        NDArray x = ItemEmbeddingBlock.lookup(table, manager.create(ids, new Shape(g, t))); // (g, t, d)
        NDList out = gru.recur(ps, x, manager.create(h0, new Shape(layers, g, dim)));
        float[] hn = out.get(1).toFloatArray(); // (layers, g, d)
        for (int j = 0; j < g; j++) {
            int r = members.get(j);
            for (int l = 0; l < layers; l++) {
                System.arraycopy(hn, (l * g + j) * dim, states.get(r), l * dim, dim);
            }
        }
        return out.get(0).toFloatArray(); // (g, t, d): the top layer after every item
    }

    private float[] runPadding() {
        try (NDScope scope = new NDScope()) {
            ParameterStore ps = new ParameterStore(manager, false);
            int maxLen = block.config().maxLen();
            NDList out = gru.recur(ps, manager.zeros(new Shape(1, maxLen, dim)), manager.zeros(new Shape(layers, 1, dim)));
            scope.suppressNotUsedWarning();
            return out.get(1).toFloatArray(); // (layers, 1, d): layer-major
        }
    }
}
