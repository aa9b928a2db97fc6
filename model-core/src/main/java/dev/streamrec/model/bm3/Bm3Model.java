package dev.streamrec.model.bm3;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;

import dev.streamrec.model.train.TensorWrites;
import dev.streamrec.model.train.Scalars;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The trainable tensors and forward pass of BM3 and of its BPR baselines (LightGCN, MF).
 *
 * <p>Propagation (LightGCN, He et al. 2020; BM3 code forward()): H⁰ = [E_U; E_I],
 * H^{l+1} = Â H^l with the sparse normalised adjacency of {@link InteractionGraph}, readout
 * H = mean(H⁰..H^L); h_u = H_u and h_i = H_i (+ E_i, the item-ID residual, for BM3 only). BM3 adds
 * the shared predictor P(x) = xW + b and per-modality projections z_m = x_m W_m + b_m of (trainable)
 * raw feature tables. Scores are ⟨P h_u, P h_i⟩ (BM3) or ⟨h_u, h_i⟩ (BPR models).
 */
public final class Bm3Model implements AutoCloseable {

    /** The output of one propagation: readouts and every layer's node matrix. */
    public record Propagation(NDArray users, NDArray items, List<NDArray> layers) {}

    private final Bm3Config config;
    private final InteractionGraph graph;
    private final NDManager manager;
    private final NDArray adjacency;
    private final Map<String, NDArray> params = new LinkedHashMap<>();
    private final List<String> modalities;

    /**
     * @param features per modality name, a (N+1, f_m) table aligned to the item index (BM3 only)
     */
    public Bm3Model(Bm3Config config, InteractionGraph graph, Map<String, float[][]> features, NDManager parent) {
        this.config = config;
        this.graph = graph;
        this.manager = parent.newSubManager();
        this.adjacency = graph.normalisedAdjacency(manager);
        int d = config.embDim();
        params.put("userEmb", xavierUniform(graph.numUsers(), d));
        params.put("itemEmb", xavierUniform(graph.numItemRows(), d));
        List<String> names = new ArrayList<>();
        if (config.isBm3()) {
            params.put("predictor.weight", xavierNormal(d, d));
            params.put("predictor.bias", linearBias(d, d));
            for (Map.Entry<String, float[][]> e : features.entrySet()) {
                float[][] table = e.getValue();
                int f = table[0].length;
                names.add(e.getKey());
                params.put("feature." + e.getKey(), manager.create(table));
                params.put("proj." + e.getKey() + ".weight", xavierNormal(f, d));
                params.put("proj." + e.getKey() + ".bias", linearBias(f, d));
            }
        }
        this.modalities = Collections.unmodifiableList(names);
        for (Map.Entry<String, NDArray> e : params.entrySet()) {
            boolean frozenFeature = e.getKey().startsWith("feature.") && !config.trainFeatures();
            if (!frozenFeature) {
                e.getValue().setRequiresGradient(true);
            }
        }
    }

    private NDArray xavierUniform(int rows, int cols) {
        float bound = (float) Math.sqrt(6.0 / (rows + cols));
        return manager.randomUniform(-bound, bound, new Shape(rows, cols));
    }

    /**
     * torch.nn.Linear's default bias init U(−1/sqrt(fan_in), 1/sqrt(fan_in)); the BM3 code re-initialises
     * only the weights (Xavier-normal) and keeps this bias.
     */
    private NDArray linearBias(int fanIn, int size) {
        float bound = (float) (1.0 / Math.sqrt(fanIn));
        return manager.randomUniform(-bound, bound, new Shape(size));
    }

    private NDArray xavierNormal(int fanIn, int fanOut) {
        return manager.randomNormal(0f, (float) Math.sqrt(2.0 / (fanIn + fanOut)), new Shape(fanIn, fanOut), DataType.FLOAT32);
    }

    public Bm3Config config() {
        return config;
    }

    public InteractionGraph graph() {
        return graph;
    }

    public List<String> modalities() {
        return modalities;
    }

    /** Named parameters (for the optimiser and the artifact); do not close them. */
    public Map<String, NDArray> parameters() {
        return params;
    }

    public NDArray param(String name) {
        return params.get(name);
    }

    /**
     * Overwrites a parameter's values in place (fine-tuning starts from an artifact's weights);
     * the shape must match.
     */
    public void assign(String name, float[][] values) {
        NDArray p = params.get(name);
        if (p == null) {
            throw new IllegalArgumentException("no parameter " + name);
        }
        Shape shape = p.getShape();
        long cols = shape.dimension() == 1 ? shape.get(0) : shape.get(1);
        long rows = shape.dimension() == 1 ? 1 : shape.get(0);
        if (values.length != rows || (rows > 0 && values[0].length != cols)) {
            throw new IllegalArgumentException("parameter " + name + " has shape " + shape + ", values "
                    + values.length + "x" + (values.length == 0 ? 0 : values[0].length));
        }
        float[] flat = new float[(int) (rows * cols)];
        for (int r = 0; r < rows; r++) {
            System.arraycopy(values[r], 0, flat, (int) (r * cols), (int) cols);
        }
        TensorWrites.overwrite(p, flat);
    }

    /** Whether every parameter is finite (no NaN or infinity, i.e. training has not diverged). */
    public boolean isFinite() {
        try (NDScope scope = new NDScope()) {
            for (NDArray p : params.values()) {
                if (p.isNaN().logicalOr(p.isInfinite()).any().getBoolean()) {
                    return false;
                }
            }
        }
        return true;
    }

    /** LightGCN propagation with layer-mean readout; users (U, d), items (N+1, d). */
    public Propagation propagate() {
        NDArray ego = params.get("userEmb").concat(params.get("itemEmb"), 0); // (U+N+1, d)
        List<NDArray> layers = new ArrayList<>();
        layers.add(ego);
        for (int l = 0; l < config.layers(); l++) {
            ego = adjacency.matMul(ego); // (U+N+1, d), sparse × dense
            layers.add(ego);
        }
        NDArray mean = layers.size() == 1 ? ego : NDArrays.stack(new NDList(layers), 1).mean(new int[] {1});
        int u = graph.numUsers();
        NDArray users = mean.get(new NDIndex("0:{}", u));
        NDArray items = mean.get(new NDIndex("{}:", u));
        if (config.isBm3()) {
            items = items.add(params.get("itemEmb"));
        }
        return new Propagation(users, items, layers);
    }

    /** The shared predictor P(x) = xW + b for BM3, identity for the BPR models; (B, d) → (B, d). */
    public NDArray predict(NDArray x) {
        if (!config.isBm3()) {
            return x;
        }
        return x.matMul(params.get("predictor.weight")).add(params.get("predictor.bias"));
    }

    /** z_m = x_m W_m + b_m for the given item rows; (B) → (B, d). */
    public NDArray projectModality(String modality, NDArray itemRows) {
        NDArray x = params.get("feature." + modality).get(itemRows); // (B, f)
        return x.matMul(params.get("proj." + modality + ".weight")).add(params.get("proj." + modality + ".bias"));
    }

    /** Inverted dropout with rescale 1/(1 − p) (F.dropout in training mode). */
    public NDArray dropout(NDArray x) {
        float p = (float) config.dropout();
        if (p == 0f) {
            return x;
        }
        NDArray keep = manager.randomUniform(0f, 1f, x.getShape()).gte(p).toType(DataType.FLOAT32, false);
        return Scalars.div(x.mul(keep), 1f - p);
    }

    /**
     * The BM3 objective for a batch of positive pairs: L_rec + λ·L_reg + cl_weight·Σ_m (L_align + L_mask).
     *
     * @param users (B) user indices
     * @param items (B) item indices 1..N
     */
    public NDArray bm3Loss(NDArray users, NDArray items) {
        Propagation h = propagate();
        NDArray hu = h.users().get(users); // (B, d)
        NDArray hi = h.items().get(items); // (B, d)
        NDArray uTarget = dropout(hu.stopGradient());
        NDArray iTarget = dropout(hi.stopGradient());
        NDArray loss = Bm3Loss.reconstruction(predict(hu), predict(hi), uTarget, iTarget);
        NDArray realItems = h.items().get(new NDIndex("1:"));
        loss = loss.add(Scalars.mul(Bm3Loss.regulariser(h.users(), realItems, graph.numItemRows() - 1), (float) config.regWeight()));
        for (String m : modalities) {
            NDArray z = projectModality(m, items); // (B, d)
            NDArray zOnline = predict(z);
            NDArray zTarget = dropout(z.stopGradient());
            NDArray align = Bm3Loss.alignment(zOnline, iTarget).add(Bm3Loss.masking(zOnline, zTarget));
            loss = loss.add(Scalars.mul(align, (float) config.clWeight()));
        }
        return loss;
    }

    /**
     * BPR with the MMRec EmbLoss regulariser on the layer-0 embeddings of the batch:
     * −mean log σ(s(u,i) − s(u,j)) + λ (‖E_u‖ + ‖E_i‖ + ‖E_j‖) / B.
     */
    public NDArray bprLoss(NDArray users, NDArray positives, NDArray negatives) {
        Propagation h = propagate();
        NDArray hu = h.users().get(users); // (B, d)
        NDArray pos = hu.mul(h.items().get(positives)).sum(new int[] {1}); // (B)
        NDArray neg = hu.mul(h.items().get(negatives)).sum(new int[] {1}); // (B)
        NDArray eu = params.get("userEmb").get(users);
        NDArray ep = params.get("itemEmb").get(positives);
        NDArray en = params.get("itemEmb").get(negatives);
        NDArray reg = Bm3Loss.frobenius(eu).add(Bm3Loss.frobenius(ep)).add(Bm3Loss.frobenius(en))
                .div((float) users.getShape().get(0));
        return Bm3Loss.bpr(pos, neg).add(Scalars.mul(reg, (float) config.regWeight()));
    }

    /** The scoring vectors (P h_u, P h_i) for full ranking: users (U, d), items (N+1, d). */
    public NDList scoringVectors() {
        Propagation h = propagate();
        return new NDList(predict(h.users()), predict(h.items()));
    }

    @Override
    public void close() {
        manager.close();
    }
}
