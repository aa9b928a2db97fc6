package dev.streamrec.model.backbone;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import dev.streamrec.model.serving.BlockedTopK;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

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
public final class Gru4RecStepper {

    /**
     * One user's row: the carried state ({@link #stateSize} floats; null: the padding state) and
     * the item indices to fold into it, oldest first (none: score the carried state as it is).
     */
    public record Row(float[] state, int[] pending) {}

    /** The rows' new states, in row order, and their full score rows (B, N+1; column 0 is padding). */
    public record Scored(float[][] states, float[][] scores) {}

    /** The rows' new states, in row order, and the best {@code depth} items of each row. */
    public record Ranked(float[][] states, BlockedTopK.Candidates candidates) {}

    private final SequenceModelBlock block;
    private final Gru4RecEncoderBlock gru;
    private final NDManager manager;
    private final int layers;
    private final int dim;
    private final float[] paddingState;

    public Gru4RecStepper(SequenceModelBlock block, NDManager manager) {
        if (!(block.encoder() instanceof Gru4RecEncoderBlock g)) {
            throw new IllegalArgumentException("incremental inference needs a GRU4Rec encoder, not " + block.config().kind().id());
        }
        this.block = block;
        this.gru = g;
        this.manager = manager;
        this.layers = block.config().layers();
        this.dim = block.config().dim();
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

    /** Advances every row and returns the new states with the full score rows (tests, evaluation). */
    public Scored scores(List<Row> rows) {
        try (NDScope scope = new NDScope()) {
            ParameterStore ps = new ParameterStore(manager, false);
            NDArray table = block.items().table(ps, manager.getDevice(), false); // (N+1, d)
            float[][] states = new float[rows.size()][];
            NDArray top = advance(ps, table, rows, states);
            float[] flat = top.matMul(table.transpose()).toFloatArray();
            int n = (int) table.getShape().get(0);
            float[][] scores = new float[rows.size()][n];
            for (int r = 0; r < rows.size(); r++) {
                System.arraycopy(flat, r * n, scores[r], 0, n);
            }
            scope.suppressNotUsedWarning();
            return new Scored(states, scores);
        }
    }

    /** Advances every row and ranks on the device block by block: the new states and each row's best {@code depth}. */
    public Ranked candidates(List<Row> rows, int depth) {
        try (NDScope scope = new NDScope()) {
            ParameterStore ps = new ParameterStore(manager, false);
            NDArray table = block.items().table(ps, manager.getDevice(), false);
            float[][] states = new float[rows.size()][];
            NDArray top = advance(ps, table, rows, states);
            int n = (int) table.getShape().get(0);
            scope.suppressNotUsedWarning();
            return new Ranked(states, BlockedTopK.dotProduct(manager, top, table, Math.min(depth, n), SequenceScorer.BLOCK));
        }
    }

    /**
     * Folds each row's pending items into its state (one fused GRU call per distinct pending
     * length), fills {@code states} with the new states and returns the top layer's (B, d).
     */
    private NDArray advance(ParameterStore ps, NDArray table, List<Row> rows, float[][] states) {
        int b = rows.size();
        Map<Integer, List<Integer>> byLength = new TreeMap<>();
        for (int r = 0; r < b; r++) {
            Row row = rows.get(r);
            float[] from = row.state() == null ? paddingState : row.state();
            if (from.length != stateSize()) {
                throw new IllegalArgumentException("row " + r + ": state of " + from.length + " floats, expected " + stateSize());
            }
            states[r] = from.clone();
            if (row.pending().length > 0) {
                byLength.computeIfAbsent(row.pending().length, t -> new ArrayList<>()).add(r);
            }
        }
        for (Map.Entry<Integer, List<Integer>> group : byLength.entrySet()) {
            recur(ps, table, rows, group.getValue(), group.getKey(), states);
        }
        float[] top = new float[b * dim];
        for (int r = 0; r < b; r++) {
            System.arraycopy(states[r], (layers - 1) * dim, top, r * dim, dim);
        }
        return manager.create(top, new Shape(b, dim));
    }

    /** One fused GRU call over the {@code t} pending items of the rows {@code members}; their states are replaced. */
    private void recur(ParameterStore ps, NDArray table, List<Row> rows, List<Integer> members, int t, float[][] states) {
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
                System.arraycopy(states[r], l * dim, h0, (l * g + j) * dim, dim);
            }
        }
        NDArray x = ItemEmbeddingBlock.lookup(table, manager.create(ids, new Shape(g, t))); // (g, t, d)
        NDList out = gru.recur(ps, x, manager.create(h0, new Shape(layers, g, dim)));
        float[] hn = out.get(1).toFloatArray(); // (layers, g, d)
        for (int j = 0; j < g; j++) {
            int r = members.get(j);
            for (int l = 0; l < layers; l++) {
                System.arraycopy(hn, (l * g + j) * dim, states[r], l * dim, dim);
            }
        }
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
