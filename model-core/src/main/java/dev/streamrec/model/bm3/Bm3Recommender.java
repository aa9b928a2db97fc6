package dev.streamrec.model.bm3;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.streamrec.model.data.ItemIndex;
import dev.streamrec.model.metrics.TopK;
import dev.streamrec.model.serving.RecommendRequest;
import dev.streamrec.model.serving.Recommender;
import dev.streamrec.model.serving.ScoredItem;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The stream's scorer for a BM3-family artifact. Score(u, i) = ⟨P h_u, P h_i⟩ (BM3 §2.4; BPR
 * models: ⟨h_u, h_i⟩) for the whole catalogue, a batch in one (B, d) × (d, N+1) product on the
 * device.
 *
 * <p>Incremental update ({@link #observe}): the interaction (u, i) is appended to u's neighbour
 * set and to i's degree, and u's vector is recomputed with the user side of LightGCN over the grown
 * neighbour set ({@link Bm3ServingState#userVector}); item-side states (H^l_i, P h_i) stay as
 * trained until the next retraining. So a user's scores move toward the new item's neighbourhood at
 * once, and for an unchanged graph the trained vector is reproduced exactly. Unknown users are
 * folded in from their history (E_u := their normalised item aggregate). Items in a request's
 * history that were not yet observed count for that request only. New items
 * ({@link #upsertItem}) are scored through their modality projections mean_m P(W_m x_m + b_m), the
 * vector BM3's alignment loss trains to match P h_i (a cold-start surrogate; BM3 only).
 */
public final class Bm3Recommender implements Recommender {

    private final Bm3ServingState state;
    private final String version;
    private final NDManager manager;
    private final ItemIndex items;
    private final List<float[]> newItemVectors = new ArrayList<>();
    private final Map<String, Integer> userIndex = new HashMap<>();
    private final Map<String, LinkedHashSet<Integer>> observed = new LinkedHashMap<>();
    private final Map<Integer, Integer> degreeBonus = new HashMap<>();
    private NDArray itemMatrixT;

    public Bm3Recommender(Bm3ServingState state, String version, Device device) {
        this.state = state;
        this.version = version;
        this.manager = NDManager.newBaseManager(device);
        this.items = ItemIndex.of(state.items().ids());
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
     * Yes: a call reads the trained state, the observed edges and the item index, which change only
     * in {@link #observe}, {@link #upsertItem} and {@link #restoreState}, never while a batch is
     * scored; its arrays are its own, and the one cache it shares, the item matrix, is built and
     * dropped under this object's lock. Serving then runs the per-user fold-in and the top-K (Java)
     * of a batch's slices on several threads.
     */
    @Override
    public boolean recommendsConcurrently() {
        return true;
    }

    /** P h_u of a user given the items of a request (not yet observed ones count for this call only). */
    public float[] userVector(String userId, List<String> history) {
        Integer u = userIndex.get(userId);
        LinkedHashSet<Integer> set = new LinkedHashSet<>();
        if (u != null) {
            for (int i : state.userItems()[u]) {
                set.add(i);
            }
        }
        set.addAll(observed.getOrDefault(userId, new LinkedHashSet<>()));
        if (history != null) {
            for (String id : history) {
                int i = trainedIndex(id);
                if (i > 0) {
                    set.add(i);
                }
            }
        }
        int[] itemSet = set.stream().mapToInt(Integer::intValue).toArray();
        return state.userVector(u == null ? null : state.userEmbedding(u), itemSet, degreeBonus);
    }

    /** The index of an item with a trained row, or -1 (unknown, or a new item scored from its features). */
    private int trainedIndex(String itemId) {
        int i = items.indexOf(itemId);
        return i > 0 && i <= state.items().size() ? i : -1;
    }

    @Override
    public List<List<ScoredItem>> recommend(List<RecommendRequest> batch) {
        if (batch.isEmpty()) {
            return List.of();
        }
        int d = state.config().embDim();
        float[] users = new float[batch.size() * d];
        for (int b = 0; b < batch.size(); b++) {
            RecommendRequest r = batch.get(b);
            System.arraycopy(userVector(r.userId(), r.history()), 0, users, b * d, d);
        }
        NDArray itemsT = itemMatrixT();
        int cols = (int) itemsT.getShape().get(1);
        float[] flat;
        try (NDArray u = manager.create(users, new Shape(batch.size(), d));
                NDArray scores = u.matMul(itemsT)) { // (B, d) x (d, N+1) -> (B, N+1)
            flat = scores.toFloatArray();
        }
        List<List<ScoredItem>> out = new ArrayList<>(batch.size());
        for (int b = 0; b < batch.size(); b++) {
            RecommendRequest r = batch.get(b);
            float[] row = java.util.Arrays.copyOfRange(flat, b * cols, (b + 1) * cols);
            boolean[] excluded = r.excludeHistory() ? excludedItems(r, cols) : null;
            List<ScoredItem> top = new ArrayList<>(r.k());
            for (int i : TopK.select(row, r.k(), excluded, 1)) {
                top.add(new ScoredItem(items.idAt(i), row[i]));
            }
            out.add(top);
        }
        return out;
    }

    private boolean[] excludedItems(RecommendRequest r, int cols) {
        boolean[] ex = new boolean[cols];
        Integer u = userIndex.get(r.userId());
        if (u != null) {
            for (int i : state.userItems()[u]) {
                ex[i] = true;
            }
        }
        for (int i : observed.getOrDefault(r.userId(), new LinkedHashSet<>())) {
            ex[i] = true;
        }
        for (String id : r.history()) {
            int i = items.indexOf(id);
            if (i > 0 && i < cols) {
                ex[i] = true;
            }
        }
        return ex;
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

    @Override
    public void observe(String userId, List<String> historyBefore, String itemId, long timestampMillis) {
        int i = trainedIndex(itemId);
        if (i < 0) {
            return; // no trained row: nothing to propagate from until retraining
        }
        Integer u = userIndex.get(userId);
        if (u != null && java.util.Arrays.stream(state.userItems()[u]).anyMatch(x -> x == i)) {
            return;
        }
        LinkedHashSet<Integer> set = observed.computeIfAbsent(userId, k -> new LinkedHashSet<>());
        if (u == null && set.isEmpty() && historyBefore != null) {
            for (String id : historyBefore) {
                int h = trainedIndex(id);
                if (h > 0 && set.add(h)) {
                    degreeBonus.merge(h, 1, Integer::sum);
                }
            }
        }
        if (set.add(i)) {
            degreeBonus.merge(i, 1, Integer::sum);
        }
    }

    @Override
    public void upsertItem(String itemId, String text, Map<String, float[]> modalities) {
        if (trainedIndex(itemId) > 0) {
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

    /** The observed (user, item) edges since the artifact, as (user, item-id list) records. */
    @Override
    public byte[] snapshotState() {
        try {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            DataOutputStream out = new DataOutputStream(bytes);
            out.writeInt(observed.size());
            for (Map.Entry<String, LinkedHashSet<Integer>> e : observed.entrySet()) {
                out.writeUTF(e.getKey());
                out.writeInt(e.getValue().size());
                for (int i : e.getValue()) {
                    out.writeUTF(items.idAt(i));
                }
            }
            out.flush();
            return bytes.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void restoreState(byte[] snapshot) {
        observed.clear();
        degreeBonus.clear();
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(snapshot))) {
            int n = in.readInt();
            for (int k = 0; k < n; k++) {
                String user = in.readUTF();
                int m = in.readInt();
                List<String> ids = new ArrayList<>(m);
                for (int j = 0; j < m; j++) {
                    ids.add(in.readUTF());
                }
                for (String id : ids) {
                    observe(user, List.of(), id, 0L);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
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
