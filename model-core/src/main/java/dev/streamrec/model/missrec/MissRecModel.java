package dev.streamrec.model.missrec;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.ndarray.types.SparseFormat;
import ai.djl.nn.core.Embedding;
import dev.streamrec.model.serving.BlockedTopK;
import dev.streamrec.model.train.Scalars;

import java.util.ArrayList;
import java.util.List;

/**
 * MISSRec (Wang et al., MM'23): item tokens from modality adapters, interests discovered from the
 * tokens (per-sequence DPC-KNN or global k-means), a Transformer encoder over the interest sequence
 * (no positions), an interest-aware decoder whose queries are the item tokens with positions, the
 * user vector read at the last valid position and L2-normalised, and dynamic-fusion scoring over
 * the modalities (plus the ID view when transductive). Model math only: no I/O.
 */
public final class MissRecModel implements AutoCloseable {

    /** Logit added to the padding column so that it never wins a softmax. */
    private static final float PAD_LOGIT = -1e9f;

    /** What one forward pass gives: unit user vectors (B, D) and the encoded interests (B, K, D). */
    public record Output(NDArray user, NDArray interests, NDArray interestMask) {}

    private final MissRecConfig config;
    private final NDManager manager;
    private final Parameters params;
    private final ItemTokenizer tokenizer;
    private final List<EncoderLayer> encoder = new ArrayList<>();
    private final Norm encoderNorm;
    private final List<DecoderLayer> decoder = new ArrayList<>();
    private final Norm decoderNorm;
    private final NDArray alpha;
    private GlobalInterests global;
    private NDList catalogue; // cached scoring vectors (serving / evaluation)
    private FoldedFusion folded; // the cached vectors folded for serving (two modalities), or null
    private NDList catalogueTokens; // the frozen catalogue's adapter outputs per modality (serving), or null

    private MissRecModel(MissRecConfig c, NDManager manager, List<NDArray> features) {
        this.config = c;
        this.manager = manager;
        this.params = new Parameters(manager);
        int numItems = (int) features.get(0).getShape().get(0) - 1;
        this.tokenizer = new ItemTokenizer(params, c, numItems, features);
        for (int l = 0; l < c.encoderLayers(); l++) {
            encoder.add(new EncoderLayer(params, "encoder." + l, c));
        }
        this.encoderNorm = new Norm(params, "encoder.norm", c.hidden());
        for (int l = 0; l < c.decoderLayers(); l++) {
            decoder.add(new DecoderLayer(params, "decoder." + l, c));
        }
        this.decoderNorm = new Norm(params, "decoder.norm", c.hidden());
        this.alpha = c.fusion() == MissRecConfig.Fusion.PER_ITEM
                ? params.zeros("alpha", new Shape(numItems + 1))
                : params.zeros("alpha", new Shape(1));
    }

    /**
     * A freshly initialised model on a device.
     *
     * @param features per modality a [N+1][f_m] table aligned to the item index (row 0 = padding)
     */
    public static MissRecModel create(MissRecConfig c, List<float[][]> features, Device device) {
        if (features.size() != c.numModalities()) {
            throw new IllegalArgumentException("expected " + c.numModalities() + " feature tables");
        }
        NDManager manager = NDManager.newBaseManager(device);
        List<NDArray> tables = new ArrayList<>();
        for (int mod = 0; mod < features.size(); mod++) {
            float[][] t = features.get(mod);
            if (t[0].length != c.modalityDims().get(mod)) {
                throw new IllegalArgumentException("modality " + c.modalities().get(mod) + " has dimension "
                        + t[0].length + ", config says " + c.modalityDims().get(mod));
            }
            tables.add(manager.create(t));
        }
        return new MissRecModel(c, manager, tables);
    }

    public MissRecConfig config() {
        return config;
    }

    public Parameters params() {
        return params;
    }

    public NDManager manager() {
        return manager;
    }

    public int numItems() {
        return tokenizer.numItems();
    }

    List<NDArray> features() {
        return tokenizer.features();
    }

    GlobalInterests globalInterests() {
        return global;
    }

    void setGlobalInterests(GlobalInterests g) {
        if (global != null && global != g) {
            global.close();
        }
        global = g;
    }

    /**
     * Parameter-efficient transfer (code: finetune.py): freezes the positions and the whole
     * Transformer (encoder and decoder); adapters, the token LayerNorm, α and IDs keep training.
     */
    public void freezeTransformer() {
        params.freeze(n -> n.equals("pos") || n.startsWith("encoder.") || n.startsWith("decoder."));
    }

    /** Re-runs the global k-means over the current adapters' tokens (k-means mode; once per epoch). */
    public void refreshGlobalInterests(long seed) {
        if (config.interest() != MissRecConfig.InterestMethod.KMEANS) {
            return;
        }
        try (NDScope scope = new NDScope()) {
            List<NDArray> tokens = tokenizer.catalogueTokens();
            GlobalInterests g = GlobalInterests.fit(tokens, config.kmeansRatio(), seed);
            NDScope.unregister(g.centroids());
            setGlobalInterests(g);
        }
    }

    /** The forward pass: user vectors and encoded interests for a batch. */
    public Output forward(SequenceBatch batch, boolean training, boolean featureDrop) {
        return forward(batch, training, featureDrop, null).output();
    }

    /** A forward pass and the interests it ran on (the serving path keeps their assignment). */
    private record Pass(Output output, Interests interests) {}

    /**
     * The forward pass; with {@code distances} (B, M·T, M·T), the scaled squared token distances in
     * the concatenated modality-major token order, DPC-KNN starts from them instead of computing them.
     */
    private Pass forward(SequenceBatch batch, boolean training, boolean featureDrop, NDArray distances) {
        return forward(batch, training, featureDrop, distances, ServingLaps.NONE);
    }

    private Pass forward(SequenceBatch batch, boolean training, boolean featureDrop, NDArray distances, ServingLaps laps) {
        NDManager m = manager;
        NDArray items = batch.items(m, Integer.MAX_VALUE);
        NDArray mask = batch.mask(m);
        laps.lap("batch and distances to the device");
        List<NDArray> tokens = catalogueTokens != null && !training && !featureDrop
                ? lookup(catalogueTokens, items) // the frozen catalogue's adapter outputs, gathered
                : tokenizer.modalityTokens(items, featureDrop); // M x (B, T, D)
        laps.lap("modality tokens (adapters)");
        Interests interests = discoverInterests(batch, tokens, mask, distances);
        laps.lap("interests (DPC-KNN)");
        NDArray x = tokenizer.sequenceTokens(tokens, batch.items(m, tokenizer.idRows()), training); // (B, T, D)
        laps.lap("sequence tokens (fusion of modalities and IDs)");

        NDArray memory = interests.centroids(); // (B, K, D), no positions
        for (EncoderLayer layer : encoder) {
            memory = layer.forward(memory, interests.mask(), training);
        }
        memory = encoderNorm.forward(memory);
        laps.lap("encoder over interest tokens");
        // only each sequence's last position is read: the last layer runs for that position alone
        NDArray h = x;
        for (int i = 0; i < decoder.size() - 1; i++) {
            h = decoder.get(i).forward(h, mask, memory, interests.mask(), training);
        }
        NDArray lastToken = batch.last(m).expandDims(1).matMul(h); // (B, 1, D)
        h = decoder.get(decoder.size() - 1).forwardAt(lastToken, h, mask, memory, interests.mask(), training);
        NDArray last = decoderNorm.forward(h).squeeze(1); // (B, D)
        laps.lap("decoder over the sequence");
        return new Pass(new Output(normalize(last), memory, interests.mask()), interests);
    }

    /** Rows {@code items} (B, T) of each modality's token table: M x (B, T, D). */
    private static List<NDArray> lookup(NDList tables, NDArray items) {
        List<NDArray> out = new ArrayList<>();
        for (NDArray table : tables) {
            out.add(Embedding.embedding(items, table, SparseFormat.DENSE).singletonOrThrow());
        }
        return out;
    }

    private Interests discoverInterests(SequenceBatch batch, List<NDArray> tokens, NDArray mask, NDArray distances) {
        if (config.interest() == MissRecConfig.InterestMethod.KMEANS) {
            if (global == null) {
                refreshGlobalInterests(0L);
            }
            return global.forBatch(batch.rows(), manager);
        }
        // the tokens of all modalities form one set per sequence (B, M*T, D); clustering is not differentiated
        NDArray all = NDArrays.concat(new NDList(tokens), 1).stopGradient();
        NDList masks = new NDList();
        for (int i = 0; i < tokens.size(); i++) {
            masks.add(mask);
        }
        NDArray allMask = NDArrays.concat(masks, 1);
        if (distances != null) {
            return DpcKnn.fromSquaredDistances(distances, all, allMask, config.interestRatio(), config.knnRatio());
        }
        return DpcKnn.discover(all, allMask, config.interestRatio(), config.knnRatio());
    }

    /** Full-catalogue logits (B, N+1) = fused score / τ, padding column pushed to -1e9. */
    public NDArray catalogueLogits(NDArray user) {
        NDList vectors = scoringVectors();
        return blockLogits(user, vectors, 0, (int) vectors.get(0).getShape().get(0));
    }

    private NDList scoringVectors() {
        return catalogue != null ? catalogue : catalogueVectors();
    }

    /**
     * Logits (B, to - from) of the catalogue rows [from, to): the fusion of {@link #catalogueLogits}
     * on those rows' vectors (a shared α is used whole; a frozen catalogue of two modalities through
     * its {@link FoldedFusion}), the padding column pushed to -1e9.
     */
    private NDArray blockLogits(NDArray user, NDList vectors, int from, int to) {
        NDArray scores;
        if (folded != null && vectors == catalogue) {
            scores = folded.logits(user, from, to);
        } else {
            long rows = vectors.get(0).getShape().get(0);
            NDList block = vectors;
            if (from > 0 || to < rows) {
                NDIndex range = new NDIndex(from + ":" + to);
                block = new NDList(vectors.size());
                for (NDArray v : vectors) {
                    block.add(v.getShape().get(0) == rows ? v.get(range) : v);
                }
            }
            scores = Scalars.div(fuse(user, block), config.tau());
        }
        if (from > 0) {
            return scores;
        }
        NDArray pad = manager.zeros(new Shape(1, scores.getShape().get(1)));
        pad.set(new NDIndex("0, 0"), PAD_LOGIT);
        return scores.add(pad);
    }

    /** In-batch logits (B, B) of each user against every target of the batch (pre-training). */
    public NDArray inBatchLogits(NDArray user, int[] targets) {
        NDArray idx = manager.create(targets).toType(DataType.INT64, false);
        NDList all = catalogueVectors();
        NDList picked = new NDList();
        for (NDArray v : all) {
            picked.add(v.getShape().dimension() == 1 && v.getShape().get(0) == 1 ? v : v.get(idx));
        }
        return Scalars.div(fuseList(user, picked), config.tau());
    }

    /**
     * Scoring vectors of the whole catalogue: normalised ψ^m(f^m) per modality, then α, then the
     * normalised ID table (zeros for items without an ID row) when transductive.
     */
    NDList catalogueVectors() {
        NDList out = new NDList();
        for (NDArray t : tokenizer.catalogueTokens()) {
            out.add(normalize(t));
        }
        int n = numItems() + 1;
        out.add(padRows(alpha, n));
        if (config.transductive()) {
            out.add(padRows(normalize(tokenizer.idTable()), n));
        }
        return out;
    }

    private NDArray padRows(NDArray a, int n) {
        if (config.fusion() != MissRecConfig.Fusion.PER_ITEM && a == alpha) {
            return a;
        }
        long rows = a.getShape().get(0);
        if (rows >= n) {
            return a;
        }
        Shape rest = a.getShape().slice(1);
        Shape pad = new Shape(n - rows).addAll(rest);
        return NDArrays.concat(new NDList(a, manager.zeros(pad)));
    }

    private NDArray fuse(NDArray user, NDList vectors) {
        return fuseList(user, vectors);
    }

    private NDArray fuseList(NDArray user, NDList v) {
        int mods = config.numModalities();
        NDArray ids = config.transductive() ? v.get(mods + 1) : null;
        return DynamicFusion.score(user, v.subList(0, mods), v.get(mods), ids, config.fusion());
    }

    /**
     * The interest regulariser on encoded interests ξ (B, K, D). ORTHOGONALITY (paper):
     * (1/M²) Σ_{m,m'} ⟨ξ_m, ξ_m'⟩ over the M real interests, i.e. ‖mean ξ‖², averaged over the
     * batch. NORM (code): pool all slots (padding included) times the valid fraction, Σ pooled² / D,
     * summed over the batch.
     */
    public NDArray regularizer(Output o) {
        NDArray xi = o.interests();
        NDArray mask = o.interestMask().expandDims(2); // (B, K, 1)
        if (config.regularizer() == MissRecConfig.Regularizer.ORTHOGONALITY) {
            NDArray real = xi.mul(mask);
            NDArray gram = real.matMul(real.transpose(0, 2, 1)); // (B, K, K)
            NDArray count = mask.sum(new int[] {1, 2});
            return gram.sum(new int[] {1, 2}).div(count.square().maximum(1f)).mean();
        }
        long k = xi.getShape().get(1);
        NDArray fraction = mask.sum(new int[] {1, 2}).div(k).expandDims(1); // (B, 1)
        NDArray pooled = xi.sum(new int[] {1}).mul(fraction); // (B, D)
        return Scalars.div(pooled.square().sum(), xi.getShape().get(2));
    }

    /** Caches the catalogue's scoring vectors (call after training and after catalogue changes). */
    public void freezeCatalogue() {
        releaseCatalogue();
        try (NDScope scope = new NDScope()) {
            NDList v = catalogueVectors();
            NDList kept = new NDList();
            for (NDArray a : v) {
                NDArray d = a.duplicate();
                d.setRequiresGradient(false);
                kept.add(d);
            }
            NDScope.unregister(kept);
            catalogue = kept;
            folded = FoldedFusion.of(kept, config);
            NDList adapted = new NDList();
            for (NDArray t : tokenizer.catalogueTokens()) {
                NDArray d = t.duplicate();
                d.setRequiresGradient(false);
                adapted.add(d);
            }
            NDScope.unregister(adapted);
            catalogueTokens = adapted;
        }
    }

    /** Drops the cached scoring vectors (call before training steps change the weights). */
    public void releaseCatalogue() {
        if (catalogueTokens != null) {
            catalogueTokens.close();
            catalogueTokens = null;
        }
        if (folded != null) {
            folded.close();
            folded = null;
        }
        if (catalogue != null) {
            catalogue.close();
            catalogue = null;
        }
    }

    /** Scores every item for each history (no gradients): [B][N+1], column 0 is padding. */
    public float[][] scoreAll(int[][] histories) {
        try (NDScope scope = new NDScope()) {
            SequenceBatch batch = SequenceBatch.of(histories, config.maxLen());
            NDArray logits = catalogueLogits(forward(batch, false, false, null).output().user());
            int n = (int) logits.getShape().get(1);
            float[] flat = logits.toFloatArray();
            float[][] out = new float[batch.size()][n];
            for (int b = 0; b < batch.size(); b++) {
                System.arraycopy(flat, b * n, out[b], 0, n);
            }
            return out;
        }
    }

    /**
     * What the serving path gets from one pass: each row's best {@code depth} items (ranked on the
     * device; the padding column is among them only when nothing else is left) and, with DPC-KNN,
     * each token's interest slot in the modality-major layout (B, M·T) flattened (empty for k-means).
     */
    public record Scores(BlockedTopK.Candidates candidates, long[] assignment) {}

    /**
     * Serves a batch (no gradients): the best {@code depth} items per row; {@code distances}, when
     * given, are the per-row token distances (B·(M·T)², modality-major, T = the batch's width) that
     * DPC-KNN starts from.
     */
    public Scores score(SequenceBatch batch, float[] distances, int depth) {
        return score(batch, distances, depth, BlockedTopK.rowsPerBlock(batch.size()));
    }

    /** As {@link #score(SequenceBatch, float[], int)}, the catalogue scored {@code blockRows} rows at a time. */
    Scores score(SequenceBatch batch, float[] distances, int depth, int blockRows) {
        return score(batch, distances, depth, blockRows, ServingLaps.NONE);
    }

    /** As {@link #score(SequenceBatch, float[], int, int)}, each stage's time charged to {@code laps}. */
    Scores score(SequenceBatch batch, float[] distances, int depth, int blockRows, ServingLaps laps) {
        try (NDScope scope = new NDScope()) {
            NDArray d2 = null;
            if (distances != null) {
                long side = (long) config.numModalities() * batch.width();
                d2 = manager.create(distances, new Shape(batch.size(), side, side));
            }
            Pass pass = forward(batch, false, false, d2, laps);
            NDArray user = pass.output().user(); // (B, D)
            NDList vectors = scoringVectors();
            int n = (int) vectors.get(0).getShape().get(0);
            BlockedTopK.Candidates top = BlockedTopK.topK(manager,
                    (from, to) -> blockLogits(user, vectors, from, to), n, Math.min(depth, n), blockRows);
            laps.lap("catalogue scored, top-K on the device");
            NDArray a = pass.interests().assignment();
            Scores scores = new Scores(top, a == null ? new long[0] : a.toLongArray());
            laps.lap("interest assignment to the host");
            return scores;
        }
    }

    /** The catalogue's modality tokens as Java arrays (for per-user distance work outside the pass). */
    public ItemTokenTable tokenTable() {
        try (NDScope scope = new NDScope()) {
            return ItemTokenTable.of(tokenizer.catalogueTokens());
        }
    }

    /** Adds a brand-new item from its raw features (one row per modality); returns its index. */
    public int addItem(List<float[]> rows) {
        int item = tokenizer.appendItem(rows);
        if (global != null) {
            assignToGlobal(item, rows);
        }
        if (catalogue != null) {
            freezeCatalogue();
        }
        return item;
    }

    /** Replaces an existing item's raw features. */
    public void replaceItem(int item, List<float[]> rows) {
        tokenizer.replaceItem(item, rows);
        if (global != null) {
            assignToGlobal(item, rows);
        }
        if (catalogue != null) {
            freezeCatalogue();
        }
    }

    private void assignToGlobal(int item, List<float[]> rows) {
        try (NDScope scope = new NDScope()) {
            NDList tokens = new NDList();
            for (int mod = 0; mod < rows.size(); mod++) {
                tokens.add(tokenizer.adapt(mod, manager.create(rows.get(mod), new Shape(1, rows.get(mod).length))));
            }
            global = global.withItem(item, global.assign(NDArrays.concat(tokens)));
        }
    }

    static NDArray normalize(NDArray x) {
        NDArray norm = x.square().sum(new int[] {-1}, true).add(1e-12f).sqrt(); // eps inside: finite gradient at 0
        return x.div(norm);
    }

    @Override
    public void close() {
        releaseCatalogue();
        if (global != null) {
            global.close();
        }
        params.close();
        manager.close();
    }
}
