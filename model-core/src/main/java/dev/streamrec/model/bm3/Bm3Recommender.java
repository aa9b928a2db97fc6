package dev.streamrec.model.bm3;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import dev.streamrec.model.data.ItemIndex;
import dev.streamrec.model.metrics.TopK;
import dev.streamrec.model.serving.AcceptsItemFeatures;
import dev.streamrec.model.serving.Answer;
import dev.streamrec.model.serving.BlockedTopK;
import dev.streamrec.model.serving.RecommendRequest;
import dev.streamrec.model.serving.ScoredItem;
import dev.streamrec.model.serving.Snapshotting;
import dev.streamrec.model.serving.SumsUserStates;
import dev.streamrec.model.serving.UserStateful;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The stream's scorer for a BM3-family artifact. Score(u, i) = ⟨P h_u, P h_i⟩ (BM3 §2.4; BPR
 * models: ⟨h_u, h_i⟩) for the whole catalogue, a batch in one (B, d) × (d, N+1) product on the
 * device, ranked in Java; above {@link #JAVA_SELECTION_MAX_ITEMS} items block by block on the
 * device ({@link BlockedTopK}), the user's excluded items masked, so memory stays bounded.
 *
 * <p>Incremental update: a user's edges that the artifact did not train on (the items of its
 * requests' histories since the artifact) are its per-user state ({@link Bm3UserEdges}), which the
 * stream keeps in the user's keyed state and hands back with the next request
 * ({@link UserStateful}); u's vector is recomputed with the user side of LightGCN over the
 * trained neighbour set grown by those edges ({@link Bm3ServingState#userVector}), so a user's
 * scores move toward a new item's neighbourhood at once, and for an unchanged graph the trained
 * vector is reproduced exactly. The stored edges also raise their items' degrees d_i; those counts
 * are the model's only shared incremental state (bounded by the catalogue): the sum of the stored
 * edges of the users this model serves ({@link SumsUserStates}, kept in a {@link Bm3DegreeLedger}),
 * kept up to date as the stream stores each user's new edges ({@link #userStateStored}) and
 * recounted from the users' states after a restore, so they follow the users however the job is
 * rescaled and need no checkpoint of their own (earlier releases' checkpoints still restore:
 * {@link Bm3LegacySnapshots}). With several scoring subtasks, each one's users' edges reach the
 * others as counts ({@link #countsChanged}, {@link #addCountsOfOtherUsers}), so every subtask's
 * degrees count every user. Item-side states (H^l_i, P h_i) stay as trained until the next
 * retraining. Unknown users are folded in from their
 * history (E_u := their normalised item aggregate). Without per-user state ({@link #recommend}) a
 * request counts its history's items only. New items ({@link #upsertItem}) are scored through
 * their modality projections mean_m P(W_m x_m + b_m), the vector BM3's alignment loss trains to
 * match P h_i (a cold-start surrogate; BM3 only).
 */
public final class Bm3Recommender implements SumsUserStates, AcceptsItemFeatures, Snapshotting {

    private static final int[] NONE = new int[0];
    /**
     * Catalogues up to this size are scored in one product and ranked in Java, beyond it block by
     * block on the device, so that a batch's scores never take more than a block's memory. On a
     * small catalogue the device path's extra calls cost more than the Java selection; on a large one
     * the device path is as fast or faster (measured in docs/performance-history.md).
     */
    static final int JAVA_SELECTION_MAX_ITEMS = 1 << 16;

    private final Bm3ServingState state;
    private final String version;
    private final NDManager manager;
    private final ItemIndex items;
    private final List<float[]> newItemVectors = new ArrayList<>();
    private final Map<String, Integer> userIndex = new HashMap<>();
    /** The observed item degrees: the users' stored edges that reach each trained item. */
    private final Bm3DegreeLedger degrees;
    private NDArray itemMatrixT;
    /** Catalogue rows per scoring block; 0: {@link BlockedTopK#rowsPerBlock} of the batch. */
    private int blockRows;

    public Bm3Recommender(Bm3ServingState state, String version, Device device) {
        this.state = state;
        this.version = version;
        this.manager = NDManager.newBaseManager(device);
        this.items = ItemIndex.of(state.items().ids());
        this.degrees = new Bm3DegreeLedger(version, items, state.items().size());
        for (int u = 0; u < state.users().size(); u++) {
            userIndex.put(state.users().get(u), u);
        }
    }

    @Override
    public String name() {
        return state.config().variant();
    }

    @Override
    public String version() {
        return version;
    }

    /**
     * Yes: a call reads the trained state, the item degrees and the item index, which change only
     * in {@link #userStateStored}, {@link #upsertItem} and {@link #restoreState}, never while a batch
     * is scored; it writes nothing shared; its arrays are its own, and the one cache it
     * shares, the item matrix, is built and dropped under this object's lock. Serving then runs the
     * per-user fold-in and the top-K (Java) of a batch's slices on several threads.
     */
    @Override
    public boolean recommendsConcurrently() {
        return true;
    }

    /** P h_u of a user given the items of a request, without stored edges. */
    public float[] userVector(String userId, List<String> history) {
        Integer u = userIndex.get(userId);
        return userVector(u, neighbours(u, NONE, indices(history), null));
    }

    private float[] userVector(Integer u, int[] itemSet) {
        return state.userVector(u == null ? null : state.userEmbedding(u), itemSet, degrees.bonus());
    }

    /** The catalogue index of each history item (0 or less when unknown), looked up once per request. */
    private int[] indices(List<String> history) {
        int[] out = new int[history.size()];
        for (int k = 0; k < out.length; k++) {
            out[k] = items.indexOf(history.get(k));
        }
        return out;
    }

    /**
     * The user's neighbour set, each item once: its trained items, then its stored edges, then its
     * history's items with a trained row; the history's items that are in neither go to
     * {@code grown} (when given).
     */
    private int[] neighbours(Integer u, int[] stored, int[] history, List<Integer> grown) {
        int trained = state.items().size();
        int[] userItems = u == null ? NONE : state.userItems()[u];
        boolean[] taken = new boolean[trained + 1];
        int[] set = new int[userItems.length + stored.length + history.length];
        int n = 0;
        for (int[] edges : new int[][] {userItems, stored}) {
            for (int i : edges) {
                if (!taken[i]) {
                    taken[i] = true;
                    set[n++] = i;
                }
            }
        }
        for (int i : history) {
            if (i > 0 && i <= trained && !taken[i]) {
                taken[i] = true;
                set[n++] = i;
                if (grown != null) {
                    grown.add(i);
                }
            }
        }
        return Arrays.copyOf(set, n);
    }

    /** Top-K over the requests' histories alone (no stored edges); learns nothing. */
    @Override
    public List<List<ScoredItem>> recommend(List<RecommendRequest> batch) {
        return Answer.itemsOf(score(batch, false));
    }

    /**
     * Top-K with each request's stored edges (the user's state: its observed edges since the
     * artifact, {@link Bm3UserEdges}); answers each user's edges grown by its history's new
     * items, which enter the item degrees when the stream stores them ({@link #userStateStored}).
     */
    @Override
    public List<Answer> answer(List<RecommendRequest> batch) {
        return score(batch, true);
    }

    private List<Answer> score(List<RecommendRequest> batch, boolean withState) {
        if (batch.isEmpty()) {
            return List.of();
        }
        int d = state.config().embDim();
        float[] users = new float[batch.size() * d];
        int[][] sets = new int[batch.size()][];
        byte[][] states = new byte[batch.size()][];
        int[][] history = new int[batch.size()][];
        for (int b = 0; b < batch.size(); b++) {
            RecommendRequest r = batch.get(b);
            Integer u = userIndex.get(r.userId());
            history[b] = indices(r.history());
            if (withState) {
                int[] stored = Bm3UserEdges.decode(r.userState(), version);
                List<Integer> grown = new ArrayList<>();
                sets[b] = neighbours(u, stored, history[b], grown);
                int[] edges = Arrays.copyOf(stored, stored.length + grown.size());
                for (int k = 0; k < grown.size(); k++) {
                    edges[stored.length + k] = grown.get(k);
                }
                states[b] = Bm3UserEdges.encode(version, edges);
            } else {
                sets[b] = neighbours(u, NONE, history[b], null);
            }
            System.arraycopy(userVector(u, sets[b]), 0, users, b * d, d);
        }
        NDArray itemsT = itemMatrixT(); // cached outside the scope below, which closes what it creates
        int cols = (int) itemsT.getShape().get(1);
        int[][] excluded = new int[batch.size()][];
        int depth = 1;
        for (int b = 0; b < batch.size(); b++) {
            RecommendRequest r = batch.get(b);
            excluded[b] = r.excludeHistory() ? excludedItems(sets[b], history[b], cols) : new int[] {ItemIndex.PAD};
            depth = Math.max(depth, r.k());
        }
        int rows = blockRows > 0 ? blockRows
                : cols <= JAVA_SELECTION_MAX_ITEMS ? cols : BlockedTopK.rowsPerBlock(batch.size());
        List<List<ScoredItem>> tops = rows >= cols
                ? selectInJava(users, itemsT, batch, excluded)
                : selectOnDevice(users, itemsT, batch, excluded, depth, rows);
        List<Answer> out = new ArrayList<>(batch.size());
        for (int b = 0; b < batch.size(); b++) {
            out.add(new Answer(tops.get(b), states[b]));
        }
        return out;
    }

    /** The whole (B, N+1) product copied to Java once, each row's top-K selected there. */
    private List<List<ScoredItem>> selectInJava(float[] users, NDArray itemsT, List<RecommendRequest> batch,
            int[][] excluded) {
        int cols = (int) itemsT.getShape().get(1);
        float[] flat;
        try (NDArray u = manager.create(users, new Shape(batch.size(), state.config().embDim()));
                NDArray scores = u.matMul(itemsT)) { // (B, d) x (d, N+1) -> (B, N+1)
            flat = scores.toFloatArray();
        }
        List<List<ScoredItem>> out = new ArrayList<>(batch.size());
        for (int b = 0; b < batch.size(); b++) {
            float[] row = Arrays.copyOfRange(flat, b * cols, (b + 1) * cols);
            boolean[] skip = null; // the padding row alone is left out by starting at index 1
            if (batch.get(b).excludeHistory()) {
                skip = new boolean[cols];
                for (int i : excluded[b]) {
                    skip[i] = true;
                }
            }
            List<ScoredItem> top = new ArrayList<>(batch.get(b).k());
            for (int i : TopK.select(row, batch.get(b).k(), skip, 1)) {
                top.add(new ScoredItem(items.idAt(i), row[i]));
            }
            out.add(top);
        }
        return out;
    }

    /** Block by block on the device ({@link BlockedTopK}), excluded items masked: only the best k per row reach Java. */
    private List<List<ScoredItem>> selectOnDevice(float[] users, NDArray itemsT, List<RecommendRequest> batch,
            int[][] excluded, int depth, int rows) {
        int cols = (int) itemsT.getShape().get(1);
        BlockedTopK.Candidates top;
        try (NDScope scope = new NDScope()) {
            NDArray u = manager.create(users, new Shape(batch.size(), state.config().embDim()));
            top = BlockedTopK.topK(manager,
                    (from, to) -> masked(u.matMul(itemsT.get(new NDIndex(":, " + from + ":" + to))), from, to, excluded),
                    cols, Math.min(depth, cols), rows);
            scope.suppressNotUsedWarning();
        }
        List<List<ScoredItem>> out = new ArrayList<>(batch.size());
        for (int b = 0; b < batch.size(); b++) {
            out.add(top.top(b, batch.get(b).k(), excluded[b], items::idAt));
        }
        return out;
    }

    /**
     * Scores the catalogue {@code rows} rows at a time (0: in Java up to {@link #JAVA_SELECTION_MAX_ITEMS}
     * items, in blocks of {@link BlockedTopK#rowsPerBlock} beyond).
     */
    void scoreInBlocksOf(int rows) {
        this.blockRows = rows;
    }

    /**
     * A block's scores (B, to - from) with each row's excluded items in [from, to) at -∞, so that the
     * block's best k are the row's best k that may be served (ties may then rank either way).
     */
    private static NDArray masked(NDArray scores, int from, int to, int[][] excluded) {
        int width = to - from;
        int n = 0;
        for (int[] ex : excluded) {
            n += ex.length;
        }
        long[] at = new long[n];
        n = 0;
        for (int b = 0; b < excluded.length; b++) {
            for (int i : excluded[b]) {
                if (i >= from && i < to) {
                    at[n++] = (long) b * width + (i - from);
                }
            }
        }
        if (n == 0) {
            return scores;
        }
        NDManager m = scores.getManager();
        return scores.put(m.create(Arrays.copyOf(at, n)), m.full(new Shape(n), Float.NEGATIVE_INFINITY));
    }

    /**
     * The padding row, the user's neighbours and every scored item of its history (new items
     * included); unsorted, an item may come twice (what reads it does not mind, and sorting
     * measurably slowed BM3 on MovieLens: docs/performance-history.md).
     */
    private static int[] excludedItems(int[] neighbours, int[] history, int cols) {
        int[] ex = new int[neighbours.length + history.length + 1];
        int n = 0;
        ex[n++] = ItemIndex.PAD;
        for (int i : neighbours) {
            ex[n++] = i;
        }
        for (int i : history) {
            if (i > 0 && i < cols) {
                ex[n++] = i;
            }
        }
        return n == ex.length ? ex : Arrays.copyOf(ex, n);
    }

    /** The (d, N+1+new) item scoring matrix on the device, rebuilt after new items arrive. */
    private synchronized NDArray itemMatrixT() {
        if (itemMatrixT == null) {
            float[][] trained = state.itemScores();
            int d = state.config().embDim();
            int rows = trained.length + newItemVectors.size();
            float[] flat = new float[rows * d];
            for (int i = 0; i < trained.length; i++) {
                System.arraycopy(trained[i], 0, flat, i * d, d);
            }
            for (int k = 0; k < newItemVectors.size(); k++) {
                System.arraycopy(newItemVectors.get(k), 0, flat, (trained.length + k) * d, d);
            }
            try (NDArray m = manager.create(flat, new Shape(rows, d))) {
                itemMatrixT = m.transpose().duplicate(); // (d, rows)
            }
        }
        return itemMatrixT;
    }

    /** Moves the item degrees from the user's previous edges to its stored ones ({@link Bm3DegreeLedger}). */
    @Override
    public void userStateStored(byte[] previous, byte[] stored) {
        degrees.userStateStored(previous, stored);
    }

    /** What {@link #userStateStored} changes in the item degrees, by item id: for the other subtasks. */
    @Override
    public Map<String, Integer> countsChanged(byte[] previous, byte[] stored) {
        return degrees.countsChanged(previous, stored);
    }

    /** Back to the trained degrees plus the other subtasks' users' edges. */
    @Override
    public void forgetUserStates() {
        degrees.forgetUserStates();
    }

    /** Raises (or lowers) the degrees of trained items by other subtasks' users' edges; other ids are ignored. */
    @Override
    public void addCountsOfOtherUsers(Map<String, Integer> delta) {
        degrees.addCountsOfOtherUsers(delta);
    }

    /** The stored edges that reach each trained item (item id, count, items with any): what raises its degree. */
    Map<String, Integer> observedDegrees() {
        return degrees.observed();
    }

    @Override
    public void upsertItem(String itemId, String text, Map<String, float[]> modalities) {
        if (degrees.trainedIndex(itemId) > 0) {
            return; // trained items keep their graph vector
        }
        float[] v = state.modalityVector(modalities);
        if (v == null) {
            return;
        }
        int existing = items.indexOf(itemId);
        if (existing > 0) {
            newItemVectors.set(existing - state.items().size() - 1, v);
        } else {
            items.add(itemId);
            newItemVectors.add(v);
        }
        dropItemMatrix();
    }

    private synchronized void dropItemMatrix() {
        if (itemMatrixT != null) {
            itemMatrixT.close();
            itemMatrixT = null;
        }
    }

    /**
     * Reads the checkpoints of earlier releases, which kept the degrees in the model
     * ({@link Bm3LegacySnapshots}): the older one adds its users' degrees, the later one nothing.
     * This release checkpoints nothing of its own.
     */
    @Override
    public void restoreState(byte[] snapshot, double share) {
        degrees.addOwn(Bm3LegacySnapshots.degrees(snapshot, share));
    }

    /** Nothing: the item degrees follow the users' stored edges, recounted after a restore. */
    @Override
    public byte[] snapshotState() {
        return null;
    }

    /** Users the artifact knows (trained E_u rows). */
    public Set<String> knownUsers() {
        return userIndex.keySet();
    }

    @Override
    public void close() {
        manager.close();
    }
}
