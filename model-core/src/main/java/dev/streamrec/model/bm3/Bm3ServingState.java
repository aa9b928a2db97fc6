package dev.streamrec.model.bm3;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.index.NDIndex;
import dev.streamrec.model.data.ItemIndex;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Everything a BM3-family model needs at serving time, as plain arrays: the user ID embeddings
 * E_u, the item side of every propagation layer H^l_i (l = 0..L−1), the item scoring vectors P h_i,
 * the training graph (users' items and item degrees), the predictor P and the modality
 * projections W_m. {@link #userVector} recomputes P h_u for any item set with the user side of
 * LightGCN: H^{l+1}_u = Σ_{i ∈ N(u)} H^l_i / sqrt(|N(u)| d_i), h_u = mean(H⁰_u..H^L_u); for the
 * training item set this reproduces the trained user vector exactly.
 *
 * <p>The trainable weights are all recoverable, so streaming fine-tuning can continue from them:
 * E_u, E_i (= the layer-0 item table, {@link #itemIdEmbedding}), P, W_m and, for BM3 artifacts
 * written since fine-tuning exists, the (fine-tuned) raw modality tables {@code feature.<m>}
 * ({@link #featureTable}); older BM3 artifacts lack them and still serve, but cannot be fine-tuned.
 */
public final class Bm3ServingState {

    static final String USER_EMB = "userEmb";
    static final String ITEM_SCORES = "itemScores";
    static final String ITEM_DEGREE = "itemDegree";
    static final String PRED_W = "predictor.weight";
    static final String PRED_B = "predictor.bias";
    static final String FEATURE_PREFIX = "feature.";

    private final Bm3Config config;
    private final ItemIndex items;
    private final List<String> users;
    private final int[][] userItems;
    private final Map<String, float[][]> m;

    Bm3ServingState(Bm3Config config, ItemIndex items, List<String> users, int[][] userItems, Map<String, float[][]> matrices) {
        this.config = config;
        this.items = items;
        this.users = users;
        this.userItems = userItems;
        this.m = matrices;
        check(USER_EMB, users.size(), config.embDim());
        check(ITEM_SCORES, items.size() + 1, config.embDim());
        check(ITEM_DEGREE, items.size() + 1, 1);
        for (int l = 0; l < config.layers(); l++) {
            check(layerName(l), items.size() + 1, config.embDim());
        }
        if (config.isBm3()) {
            check(PRED_W, config.embDim(), config.embDim());
            check(PRED_B, 1, config.embDim());
        }
        for (String k : matrices.keySet()) {
            if (k.startsWith(FEATURE_PREFIX)) {
                float[][] t = matrices.get(k);
                if (t.length != items.size() + 1) {
                    throw new IllegalArgumentException("BM3 weights: feature table " + k + " has " + t.length
                            + " rows, not " + (items.size() + 1));
                }
            }
        }
        if (userItems.length != users.size()) {
            throw new IllegalArgumentException("graph has " + userItems.length + " users, index " + users.size());
        }
    }

    private void check(String name, int rows, int cols) {
        float[][] a = m.get(name);
        if (a == null || a.length != rows || (rows > 0 && a[0].length != cols)) {
            throw new IllegalArgumentException("BM3 weights: matrix " + name + " missing or not " + rows + "x" + cols);
        }
    }

    static String layerName(int l) {
        return "itemLayer." + l;
    }

    static String projName(String modality, String part) {
        return "proj." + modality + "." + part;
    }

    /** Extracts the serving state from a trained model (its current parameters). */
    public static Bm3ServingState fromModel(Bm3Model model, ItemIndex items, List<String> users, int[][] userItems) {
        Bm3Config c = model.config();
        Map<String, float[][]> mats = new LinkedHashMap<>();
        try (NDScope scope = new NDScope()) {
            Bm3Model.Propagation h = model.propagate();
            int u = model.graph().numUsers();
            mats.put(USER_EMB, toMatrix(model.param("userEmb")));
            mats.put(ITEM_SCORES, toMatrix(model.predict(h.items())));
            for (int l = 0; l < c.layers(); l++) {
                mats.put(layerName(l), toMatrix(h.layers().get(l).get(new NDIndex("{}:", u))));
            }
            if (c.isBm3()) {
                mats.put(PRED_W, toMatrix(model.param("predictor.weight")));
                mats.put(PRED_B, new float[][] {model.param("predictor.bias").toFloatArray()});
                for (String mod : model.modalities()) {
                    mats.put(projName(mod, "weight"), toMatrix(model.param("proj." + mod + ".weight")));
                    mats.put(projName(mod, "bias"), new float[][] {model.param("proj." + mod + ".bias").toFloatArray()});
                    mats.put(FEATURE_PREFIX + mod, toMatrix(model.param(FEATURE_PREFIX + mod)));
                }
            }
        }
        int[] deg = model.graph().itemDegree();
        float[][] degree = new float[deg.length][1];
        for (int i = 0; i < deg.length; i++) {
            degree[i][0] = deg[i];
        }
        mats.put(ITEM_DEGREE, degree);
        return new Bm3ServingState(c, items, users, userItems, mats);
    }

    static float[][] toMatrix(NDArray a) {
        int rows = (int) a.getShape().get(0);
        int cols = (int) a.getShape().get(1);
        float[] flat = a.toFloatArray();
        float[][] out = new float[rows][cols];
        for (int r = 0; r < rows; r++) {
            System.arraycopy(flat, r * cols, out[r], 0, cols);
        }
        return out;
    }

    public Bm3Config config() {
        return config;
    }

    public ItemIndex items() {
        return items;
    }

    public List<String> users() {
        return users;
    }

    public int[][] userItems() {
        return userItems;
    }

    Map<String, float[][]> matrices() {
        return m;
    }

    /** Modality names with a projection (BM3 only), in training order. */
    public List<String> modalities() {
        List<String> out = new ArrayList<>();
        for (String k : m.keySet()) {
            if (k.startsWith("proj.") && k.endsWith(".weight")) {
                out.add(k.substring(5, k.length() - 7));
            }
        }
        return out;
    }

    public float[][] itemScores() {
        return m.get(ITEM_SCORES);
    }

    /**
     * P h_u for a user with layer-0 vector {@code ego} (the trained E_u, or null for a fold-in user:
     * then E_u := the normalised mean-field aggregate Σ_i E_i / sqrt(|N| d_i) of its items) and item set
     * {@code itemSet} (indices 1..N with a trained row); {@code degreeBonus} (by item index, may be
     * null) adds observed edges to d_i.
     */
    public float[] userVector(float[] ego, int[] itemSet, int[] degreeBonus) {
        int d = config.embDim();
        int L = config.layers();
        float[][] layers = new float[L + 1][];
        for (int l = 0; l < L; l++) {
            layers[l + 1] = aggregate(m.get(layerName(l)), itemSet, degreeBonus);
        }
        if (ego == null) {
            ego = L > 0 ? layers[1].clone() : aggregate(m.get(ITEM_SCORES), itemSet, degreeBonus);
        }
        layers[0] = ego;
        float[] h = new float[d];
        for (float[] layer : layers) {
            for (int j = 0; j < d; j++) {
                h[j] += layer[j] / (L + 1);
            }
        }
        return predict(h);
    }

    private float[] aggregate(float[][] table, int[] itemSet, int[] degreeBonus) {
        int d = config.embDim();
        float[] out = new float[d];
        if (itemSet.length == 0) {
            return out;
        }
        float[][] degrees = m.get(ITEM_DEGREE);
        for (int i : itemSet) {
            float di = degrees[i][0] + (degreeBonus == null ? 0 : degreeBonus[i]);
            float w = InteractionGraph.edgeWeight(itemSet.length, Math.max(1, Math.round(di)));
            float[] row = table[i];
            for (int j = 0; j < d; j++) {
                out[j] += w * row[j];
            }
        }
        return out;
    }

    /** P(x) = xW + b (BM3), identity for the BPR models. */
    public float[] predict(float[] x) {
        if (!config.isBm3()) {
            return x;
        }
        return affine(x, m.get(PRED_W), m.get(PRED_B)[0]);
    }

    /** The cold-start scoring vector of an item from its modality vectors: mean_m P(x_m W_m + b_m); null if none fit. */
    public float[] modalityVector(Map<String, float[]> modalities) {
        float[] sum = null;
        int n = 0;
        for (String mod : modalities()) {
            float[] x = modalities == null ? null : modalities.get(mod);
            float[][] w = m.get(projName(mod, "weight"));
            if (x == null || x.length != w.length) {
                continue;
            }
            float[] z = predict(affine(x, w, m.get(projName(mod, "bias"))[0]));
            if (sum == null) {
                sum = new float[z.length];
            }
            for (int j = 0; j < z.length; j++) {
                sum[j] += z[j];
            }
            n++;
        }
        if (sum != null) {
            for (int j = 0; j < sum.length; j++) {
                sum[j] /= n;
            }
        }
        return sum;
    }

    private static float[] affine(float[] x, float[][] w, float[] b) {
        float[] out = b.clone();
        for (int i = 0; i < x.length; i++) {
            float xi = x[i];
            if (xi == 0f) {
                continue;
            }
            float[] row = w[i];
            for (int j = 0; j < out.length; j++) {
                out[j] += xi * row[j];
            }
        }
        return out;
    }

    /**
     * The trained item-ID table E_i (N+1, d): the layer-0 item table when L ≥ 1, the scoring table of a
     * zero-layer BPR model (P and the residual are absent there).
     */
    public float[][] itemIdEmbedding() {
        if (config.layers() > 0) {
            return m.get(layerName(0));
        }
        if (!config.isBm3()) {
            return m.get(ITEM_SCORES);
        }
        throw new IllegalStateException("a zero-layer BM3 artifact does not hold E_i separately");
    }

    /** The raw (possibly fine-tuned) modality table (N+1, f_m) of BM3, or null where the artifact predates it. */
    public float[][] featureTable(String modality) {
        return m.get(FEATURE_PREFIX + modality);
    }

    /** The trained E_u of a user index. */
    public float[] userEmbedding(int user) {
        return m.get(USER_EMB)[user];
    }
}
