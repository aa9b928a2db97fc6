package dev.streamrec.model.backbone;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import dev.streamrec.model.serving.BlockedTopK;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The batch loop of incremental inference, shared by {@link Gru4RecStepper} (a GRU's hidden state)
 * and {@link SasRecStepper} (a key/value cache): every row starts from the state it carries (or the
 * backbone's state of no history), the rows with pending items are folded in one backbone call per
 * distinct number of pending items, and the catalogue is scored once for the batch from each row's
 * newest top-layer hidden state, either as full score rows ({@link #scores}) or ranked on the device
 * block by block ({@link #candidates}); or from the top-layer state after each of several positions
 * of a row ({@link #candidatesAt}: the events of one user folded as one row, each answered). Every
 * intermediate NDArray is released by the call; calls may run concurrently (each has its own
 * parameter store and NDArray scope).
 *
 * @param <S> a user's carried state
 * @param <R> a row: the state to start from and the item indices to fold in
 */
public abstract class BatchStepper<S, R extends BatchStepper.Pending> {

    /** A row's item indices still to fold into its state, oldest first (none: score the state as it is). */
    public interface Pending {
        int[] pending();

        /** The pending items with {@code item} after them (a copy). */
        default int[] pendingAnd(int item) {
            int[] more = Arrays.copyOf(pending(), pending().length + 1);
            more[more.length - 1] = item;
            return more;
        }
    }

    /** The rows' new states, in row order, and their full score rows (B, N+1; column 0 is padding). */
    public record Scored<S>(List<S> states, float[][] scores) {}

    /** The rows' new states, in row order, and the best {@code depth} items of each row (or of each requested position). */
    public record Ranked<S>(List<S> states, BlockedTopK.Candidates candidates) {}

    /** Where {@link #candidatesAt} ranks from: the state before any pending item of the row. */
    public static final int BEFORE = -1;

    protected final SequenceModelBlock block;
    protected final NDManager manager;
    protected final int dim;

    protected BatchStepper(SequenceModelBlock block, NDManager manager) {
        this.block = block;
        this.manager = manager;
        this.dim = block.config().dim();
    }

    /** Advances every row and returns the new states with the full score rows (tests, evaluation). */
    public Scored<S> scores(List<R> rows) {
        try (NDScope scope = new NDScope()) {
            ParameterStore ps = new ParameterStore(manager, false);
            NDArray table = block.items().table(ps, manager.getDevice(), false); // (N+1, d)
            List<S> states = new ArrayList<>(rows.size());
            NDArray top = advance(ps, table, rows, states, newest(rows));
            float[] flat = top.matMul(table.transpose()).toFloatArray();
            int n = (int) table.getShape().get(0);
            float[][] scores = new float[rows.size()][n];
            for (int r = 0; r < rows.size(); r++) {
                System.arraycopy(flat, r * n, scores[r], 0, n);
            }
            scope.suppressNotUsedWarning();
            return new Scored<>(states, scores);
        }
    }

    /** Advances every row and ranks on the device block by block: the new states and each row's best {@code depth}. */
    public Ranked<S> candidates(List<R> rows, int depth) {
        return candidatesAt(rows, newest(rows), depth);
    }

    /**
     * Advances every row and ranks from the top-layer state after each position of
     * {@code positions[r]} (ascending indices into row r's pending items, or {@link #BEFORE}): the
     * new states and the best {@code depth} items of each requested position, row by row, in the
     * order given.
     */
    public Ranked<S> candidatesAt(List<R> rows, int[][] positions, int depth) {
        try (NDScope scope = new NDScope()) {
            ParameterStore ps = new ParameterStore(manager, false);
            NDArray table = block.items().table(ps, manager.getDevice(), false);
            List<S> states = new ArrayList<>(rows.size());
            NDArray top = advance(ps, table, rows, states, positions);
            int n = (int) table.getShape().get(0);
            scope.suppressNotUsedWarning();
            return new Ranked<>(states, BlockedTopK.dotProduct(manager, top, table, Math.min(depth, n), SequenceScorer.BLOCK));
        }
    }

    /** Each row's newest position: its last pending item, or the state it starts from when it has none. */
    private static int[][] newest(List<? extends Pending> rows) {
        int[][] positions = new int[rows.size()][];
        for (int r = 0; r < positions.length; r++) {
            positions[r] = new int[] {rows.get(r).pending().length - 1};
        }
        return positions;
    }

    /**
     * Folds each row's pending items into its state (one {@link #fold} per distinct pending count),
     * fills {@code states} in row order and returns the top-layer states after the requested
     * positions, row by row (Σ|positions[r]|, d).
     */
    private NDArray advance(ParameterStore ps, NDArray table, List<R> rows, List<S> states, int[][] positions) {
        int b = rows.size();
        Map<Integer, List<Integer>> byLength = new TreeMap<>();
        float[][] before = new float[b][];
        int requested = 0;
        for (int r = 0; r < b; r++) {
            R row = rows.get(r);
            S state = start(row, r);
            states.add(state);
            for (int p : positions[r]) {
                if (p < BEFORE || p >= row.pending().length) {
                    throw new IllegalArgumentException("row " + r + ": position " + p + " of " + row.pending().length
                            + " pending items");
                }
                if (p == BEFORE && before[r] == null) {
                    before[r] = new float[dim];
                    copyTop(state, before[r], 0); // before folding: a fold may change the state in place
                }
            }
            requested += positions[r].length;
            if (row.pending().length > 0) {
                byLength.computeIfAbsent(row.pending().length, t -> new ArrayList<>()).add(r);
            }
        }
        float[][] tops = new float[b][];
        for (Map.Entry<Integer, List<Integer>> group : byLength.entrySet()) {
            List<Integer> members = group.getValue();
            int t = group.getKey();
            float[] folded = fold(ps, table, rows, members, t, states);
            for (int j = 0; j < members.size(); j++) {
                tops[members.get(j)] = Arrays.copyOfRange(folded, j * t * dim, (j + 1) * t * dim);
            }
        }
        float[] top = new float[requested * dim];
        int at = 0;
        for (int r = 0; r < b; r++) {
            for (int p : positions[r]) {
                System.arraycopy(p == BEFORE ? before[r] : tops[r], p == BEFORE ? 0 : p * dim, top, at * dim, dim);
                at++;
            }
        }
        return manager.create(top, new Shape(requested, dim));
    }

    /**
     * The state row {@code r} starts from: the one it carries, checked against this model's shape
     * (an IllegalArgumentException naming the row if it does not fit) and copied if {@link #fold}
     * changes states in place and the caller may still hold the one it gave (GRU4Rec's hidden state;
     * a {@link KeyValueCache} is advanced in place by its contract); the state of no history when it
     * carries none.
     */
    protected abstract S start(R row, int r);

    /**
     * Folds the {@code t} pending items of the rows {@code members} into their entries of
     * {@code states}, and returns the top-layer state after each of those items, member by member
     * ((members, t, d) floats).
     */
    protected abstract float[] fold(ParameterStore ps, NDArray table, List<R> rows, List<Integer> members, int t,
            List<S> states);

    /** Copies the state's newest top-layer hidden state (d floats) into {@code into} at {@code offset}. */
    protected abstract void copyTop(S state, float[] into, int offset);
}
