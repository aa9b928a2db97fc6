package dev.streamrec.model.bm3;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.Shape;
import dev.streamrec.model.serving.BlockedTopK;
import dev.streamrec.model.serving.RecommendRequest;
import dev.streamrec.model.serving.Recommender;
import dev.streamrec.model.serving.ScoredItem;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Serves a trained graph model: score(u, i) = ⟨P h_u, P h_i⟩ for the whole catalogue, one blocked
 * matmul per request batch ({@link BlockedTopK}).
 * <ul>
 *   <li>Unknown users are folded in: h_u = mean of the propagated h_i of their known history items
 *       (what one LightGCN step from the user's neighbourhood gives, up to normalisation).</li>
 *   <li>{@link #observe}: incremental update of the user's vector from its neighbourhood,
 *       h_u ← (1 − α) h_u + α · mean_{i ∈ history ∪ {item}} h_i, α = {@value #BLEND}; a user seen for
 *       the first time starts from the fold-in vector. Item vectors stay fixed until retraining.</li>
 *   <li>{@link #upsertItem}: a new item gets the cold-start surrogate h_i = mean_m P W_m x_m (the
 *       modality branch is trained to predict the item's target view drop(h_i)), rescaled to the
 *       mean norm of trained item vectors; it is scored as P h_i like the others. Items that were
 *       trained keep their trained vectors. LightGCN/MF have no modality branch: no-op.</li>
 * </ul>
 */
public final class Bm3Recommender implements Recommender {

    /** Weight of the neighbourhood mean in {@link #observe}. */
    public static final float BLEND = 0.5f;

    private static final int BLOCK = 8192;

    private final String name;
    private final String version;
    private final NDManager manager;
    private final Bm3Weights weights;
    private final Bm3Scorer predictor;
    private final int dim;
    private final Map<String, Integer> userRows = new HashMap<>();
    private final List<String> itemIds = new ArrayList<>();
    private final Map<String, Integer> itemRows = new HashMap<>();
    private final List<float[]> itemVectors = new ArrayList<>(); // h_i
    private final Map<String, float[]> userVectors = new HashMap<>(); // h_u overrides
    private final float meanItemNorm;
    private NDArray itemScores; // (N, d) P h_i, rebuilt after upserts

    public Bm3Recommender(String name, String version, Bm3Weights weights, List<String> users, List<String> items,
            Device device) {
        this.name = name;
        this.version = version;
        this.weights = weights;
        this.manager = NDManager.newBaseManager(device);
        this.predictor = new Bm3Scorer(weights, manager);
        this.dim = predictor.dim();
        for (int u = 0; u < users.size(); u++) {
            userRows.put(users.get(u), u);
        }
        float[] h = weights.get("items").data();
        double norms = 0;
        for (int i = 0; i < items.size(); i++) {
            itemIds.add(items.get(i));
            itemRows.put(items.get(i), i);
            float[] v = java.util.Arrays.copyOfRange(h, i * dim, (i + 1) * dim);
            itemVectors.add(v);
            norms += norm(v);
        }
        meanItemNorm = (float) (norms / Math.max(1, items.size()));
        itemScores = predictor.itemScores();
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public String version() {
        return version;
    }

    @Override
    public List<List<ScoredItem>> recommend(List<RecommendRequest> batch) {
        List<List<ScoredItem>> out = new ArrayList<>();
        if (batch.isEmpty()) {
            return out;
        }
        float[] users = new float[batch.size() * dim];
        int depth = 0;
        for (int b = 0; b < batch.size(); b++) {
            RecommendRequest r = batch.get(b);
            System.arraycopy(predictor.predict(userVector(r.userId(), r.history())), 0, users, b * dim, dim);
            depth = Math.max(depth, r.k() + (r.excludeHistory() ? r.history().size() : 0));
        }
        depth = Math.min(depth, itemIds.size());
        try (NDScope scope = new NDScope(); NDManager m = manager.newSubManager()) {
            NDArray u = m.create(users, new Shape(batch.size(), dim)); // (B, d)
            BlockedTopK.Candidates c = BlockedTopK.dotProduct(m, u, itemScores, depth, BLOCK);
            for (int b = 0; b < batch.size(); b++) {
                RecommendRequest r = batch.get(b);
                Set<Integer> excluded = new HashSet<>();
                if (r.excludeHistory()) {
                    for (String id : r.history()) {
                        Integer row = itemRows.get(id);
                        if (row != null) {
                            excluded.add(row);
                        }
                    }
                }
                int[] top = c.select(b, r.k(), excluded::contains);
                List<ScoredItem> items = new ArrayList<>(top.length);
                for (int row : top) {
                    items.add(new ScoredItem(itemIds.get(row), c.score(b, row)));
                }
                out.add(items);
            }
        }
        return out;
    }

    @Override
    public void observe(String userId, List<String> historyBefore, String itemId, long timestampMillis) {
        List<String> neighbourhood = new ArrayList<>(historyBefore);
        neighbourhood.add(itemId);
        float[] mean = meanOfItems(neighbourhood);
        if (mean == null) {
            return;
        }
        float[] current = userVectors.containsKey(userId) || userRows.containsKey(userId)
                ? userVector(userId, historyBefore) : mean;
        float[] next = new float[dim];
        for (int k = 0; k < dim; k++) {
            next[k] = (1 - BLEND) * current[k] + BLEND * mean[k];
        }
        userVectors.put(userId, next);
    }

    @Override
    public void upsertItem(String itemId, String text, Map<String, float[]> modalities) {
        if (itemRows.containsKey(itemId) || modalities == null) {
            return;
        }
        float[] sum = new float[dim];
        int count = 0;
        for (Map.Entry<String, float[]> e : modalities.entrySet()) {
            String key = "modality." + e.getKey();
            if (!weights.has(key + ".weight")) {
                continue;
            }
            Bm3Weights.Tensor w = weights.get(key + ".weight");
            float[] b = weights.get(key + ".bias").data();
            float[] x = e.getValue();
            if (x.length != w.rows()) {
                throw new IllegalArgumentException("modality " + e.getKey() + " has dim " + x.length + ", model expects " + w.rows());
            }
            float[] z = b.clone(); // z_m = W_m x_m
            for (int r = 0; r < x.length; r++) {
                for (int k = 0; k < dim; k++) {
                    z[k] += x[r] * w.data()[r * dim + k];
                }
            }
            float[] pz = predictor.predict(z);
            for (int k = 0; k < dim; k++) {
                sum[k] += pz[k];
            }
            count++;
        }
        if (count == 0) {
            return;
        }
        float scale = meanItemNorm / Math.max(1e-12f, norm(sum));
        for (int k = 0; k < dim; k++) {
            sum[k] *= scale;
        }
        itemRows.put(itemId, itemIds.size());
        itemIds.add(itemId);
        itemVectors.add(sum);
        float[] all = new float[itemVectors.size() * dim];
        for (int i = 0; i < itemVectors.size(); i++) {
            System.arraycopy(predictor.predict(itemVectors.get(i)), 0, all, i * dim, dim);
        }
        NDArray old = itemScores;
        itemScores = manager.create(all, new Shape(itemVectors.size(), dim));
        if (old != predictor.itemScores()) {
            old.close();
        }
    }

    /** h_u: observed state, else the trained vector, else the fold-in mean of the history. */
    float[] userVector(String userId, List<String> history) {
        float[] v = userVectors.get(userId);
        if (v != null) {
            return v;
        }
        Integer row = userRows.get(userId);
        if (row != null) {
            return java.util.Arrays.copyOfRange(weights.get("users").data(), row * dim, (row + 1) * dim);
        }
        float[] mean = meanOfItems(history);
        return mean == null ? new float[dim] : mean;
    }

    private float[] meanOfItems(List<String> ids) {
        float[] sum = new float[dim];
        int n = 0;
        for (String id : ids) {
            Integer row = itemRows.get(id);
            if (row != null) {
                float[] v = itemVectors.get(row);
                for (int k = 0; k < dim; k++) {
                    sum[k] += v[k];
                }
                n++;
            }
        }
        if (n == 0) {
            return null;
        }
        for (int k = 0; k < dim; k++) {
            sum[k] /= n;
        }
        return sum;
    }

    private static float norm(float[] v) {
        double s = 0;
        for (float x : v) {
            s += x * x;
        }
        return (float) Math.sqrt(s);
    }

    @Override
    public void close() {
        manager.close();
    }
}
