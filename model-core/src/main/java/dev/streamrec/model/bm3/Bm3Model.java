package dev.streamrec.model.bm3;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.Shape;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * Parameters and forward pass of the graph family (BM3 §2.2; LightGCN; MF = zero layers).
 * E_U (U, d), E_I (N, d) Xavier-uniform; for BM3 a shared predictor P = Linear(d, d) (Xavier-normal)
 * and per modality m a projection W_m = Linear(d_m, d) over a raw feature table X_m (N, d_m),
 * trainable when {@link Bm3Config#trainFeatures()} (as released). Initialisation uses a seeded
 * {@link Random}, so a seed fixes the model.
 */
public final class Bm3Model implements AutoCloseable {

    private final Bm3Config config;
    private final NDManager manager;
    private final Bm3Graph graph;
    private final NDArray userEmb;    // (U, d)
    private final NDArray itemEmb;    // (N, d)
    private final NDArray predW;      // (d, d)
    private final NDArray predB;      // (d)
    private final Map<String, NDArray[]> modalities = new LinkedHashMap<>(); // name -> {X (N, d_m), W (d_m, d), b (d)}
    private final List<NDArray> parameters = new ArrayList<>();

    /**
     * @param train per-user training item rows (the graph)
     * @param features modality name -> (N, d_m) feature table (BM3 only; ignored otherwise)
     */
    public Bm3Model(Bm3Config config, NDManager parent, int[][] train, int items, Map<String, float[][]> features) {
        this.config = config;
        this.manager = parent.newSubManager();
        int users = train.length;
        int d = config.dim();
        Random random = new Random(config.seed());
        graph = new Bm3Graph(manager, train, items);
        userEmb = param(xavierUniform(random, users, d), users, d);
        itemEmb = param(xavierUniform(random, items, d), items, d);
        if (config.isBm3()) {
            predW = param(xavierNormal(random, d, d), d, d);
            predB = param(new float[d], d);
            for (Map.Entry<String, float[][]> e : features.entrySet()) {
                float[][] x = e.getValue();
                int dm = x[0].length;
                NDArray table = manager.create(flatten(x), new Shape(items, dm));
                if (config.trainFeatures()) {
                    table.setRequiresGradient(true);
                    parameters.add(table);
                }
                NDArray w = param(xavierNormal(random, dm, d), dm, d);
                NDArray b = param(new float[d], d);
                modalities.put(e.getKey(), new NDArray[] {table, w, b});
            }
        } else {
            predW = null;
            predB = null;
        }
    }

    public Bm3Config config() {
        return config;
    }

    public NDManager manager() {
        return manager;
    }

    /** Trainable arrays (each has a gradient after a backward pass). */
    public List<NDArray> parameters() {
        return parameters;
    }

    public Map<String, NDArray[]> modalities() {
        return modalities;
    }

    /**
     * LightGCN propagation with layer-mean readout including layer 0 (BM3 §2.2): returns
     * {h_U (U, d), h_I (N, d)}; for BM3 h_I carries the extra item-ID residual E_I.
     */
    public NDList propagate() {
        NDArray hu = userEmb;
        NDArray hi = itemEmb;
        NDArray sumU = hu;
        NDArray sumI = hi;
        for (int l = 0; l < config.layers(); l++) {
            NDArray nu = graph.toUsers(hi); // (U, d) = R̂ (N, d)
            NDArray ni = graph.toItems(hu); // (N, d) = R̂ᵀ (U, d)
            hu = nu;
            hi = ni;
            sumU = sumU.add(hu);
            sumI = sumI.add(hi);
        }
        float scale = 1f / (config.layers() + 1);
        NDArray outU = sumU.mul(scale);
        NDArray outI = sumI.mul(scale);
        if (config.isBm3()) {
            outI = outI.add(itemEmb);
        }
        return new NDList(outU, outI);
    }

    /** The shared predictor P (BM3), identity for LightGCN/MF: (B, d) -> (B, d). */
    public NDArray predict(NDArray x) {
        return predW == null ? x : x.matMul(predW).add(predB);
    }

    /** z_m = W_m x_m(i) for item rows {@code items} (B): (B, d). */
    public NDArray project(String modality, NDArray items) {
        NDArray[] m = modalities.get(modality);
        return m[0].get(items).matMul(m[1]).add(m[2]); // (B, d_m) x (d_m, d)
    }

    /** Layer-0 embeddings (for LightGCN's L2 regulariser). */
    public NDArray userEmbedding() {
        return userEmb;
    }

    public NDArray itemEmbedding() {
        return itemEmb;
    }

    /** The serving tables: propagated vectors, the predictor and the modality projections. */
    public Bm3Weights export() {
        Bm3Weights w = new Bm3Weights();
        try (NDScope scope = new NDScope()) {
        NDList h = propagate();
        w.put("users", tensor(h.get(0)));
        w.put("items", tensor(h.get(1)));
        if (predW != null) {
            w.put("predictor.weight", tensor(predW));
            w.put("predictor.bias", tensor(predB));
        }
        for (Map.Entry<String, NDArray[]> e : modalities.entrySet()) {
            w.put("modality." + e.getKey() + ".weight", tensor(e.getValue()[1]));
            w.put("modality." + e.getKey() + ".bias", tensor(e.getValue()[2]));
        }
        }
        return w;
    }

    @Override
    public void close() {
        manager.close();
    }

    private NDArray param(float[] data, long... shape) {
        NDArray p = manager.create(data, new Shape(shape));
        p.setRequiresGradient(true);
        parameters.add(p);
        return p;
    }

    static Bm3Weights.Tensor tensor(NDArray a) {
        return new Bm3Weights.Tensor(a.getShape().getShape(), a.toFloatArray());
    }

    static float[] flatten(float[][] x) {
        int cols = x[0].length;
        float[] out = new float[x.length * cols];
        for (int r = 0; r < x.length; r++) {
            System.arraycopy(x[r], 0, out, r * cols, cols);
        }
        return out;
    }

    private static float[] xavierUniform(Random r, int fanOut, int fanIn) {
        double bound = Math.sqrt(6.0 / (fanIn + fanOut));
        float[] out = new float[fanOut * fanIn];
        for (int i = 0; i < out.length; i++) {
            out[i] = (float) ((2 * r.nextDouble() - 1) * bound);
        }
        return out;
    }

    private static float[] xavierNormal(Random r, int fanIn, int fanOut) {
        double std = Math.sqrt(2.0 / (fanIn + fanOut));
        float[] out = new float[fanIn * fanOut];
        for (int i = 0; i < out.length; i++) {
            out[i] = (float) (r.nextGaussian() * std);
        }
        return out;
    }
}
