package dev.streamrec.model.bm3;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.streamrec.model.train.TrainingOptions;

import java.util.Iterator;
import java.util.List;
import java.util.Set;

/**
 * Immutable, validated hyper-parameters of the graph models of this package: {@code bm3} (BM3,
 * Zhou et al., WWW'23, arXiv 2207.05969), {@code lightgcn} (LightGCN + BPR) and {@code mf-bpr}
 * (matrix factorisation + BPR, i.e. LightGCN with zero layers). Serialised as the artifact's
 * {@code hyperParameters}; {@link #fromJson} refuses unknown variants and missing or unknown keys.
 *
 * @param variant one of {@link #VARIANTS}
 * @param embDim embedding size d (paper code: 64)
 * @param layers LightGCN propagation layers L (bm3 default 1; mf-bpr must be 0)
 * @param dropout target-view dropout p of BM3 (ignored by the BPR models)
 * @param regWeight BM3: weight of (‖h_U‖_F + ‖h_I‖_F)/|I|; BPR: weight of the batch norm penalty
 * @param clWeight BM3 weight of the alignment + masking terms (paper code: 2.0)
 * @param learningRate Adam learning rate
 * @param batchSize positive (user, item) pairs per step
 * @param maxEpochs epoch limit
 * @param patience early-stopping patience on validation Recall@20
 * @param seed seed of the split, initialisation, batching and dropout
 * @param trainFeatures whether BM3 fine-tunes the raw modality tables (the paper code does)
 */
public record Bm3Config(
        String variant,
        int embDim,
        int layers,
        double dropout,
        double regWeight,
        double clWeight,
        double learningRate,
        int batchSize,
        int maxEpochs,
        int patience,
        long seed,
        boolean trainFeatures) {

    public static final String BM3 = "bm3";
    public static final String LIGHTGCN = "lightgcn";
    public static final String MF_BPR = "mf-bpr";
    public static final List<String> VARIANTS = List.of(BM3, LIGHTGCN, MF_BPR);

    private static final Set<String> KEYS = Set.of(
            "variant", "embDim", "layers", "dropout", "regWeight", "clWeight", "learningRate",
            "batchSize", "maxEpochs", "patience", "seed", "trainFeatures");

    public Bm3Config {
        if (!VARIANTS.contains(variant)) {
            throw new IllegalArgumentException("unknown model variant '" + variant + "'; one of " + VARIANTS);
        }
        require(embDim > 0, "embDim must be > 0");
        require(layers >= 0 && layers <= 8, "layers must be in [0, 8]");
        require(!MF_BPR.equals(variant) || layers == 0, "mf-bpr has no propagation layers (layers = 0)");
        require(dropout >= 0 && dropout < 1, "dropout must be in [0, 1)");
        require(regWeight >= 0, "regWeight must be >= 0");
        require(clWeight >= 0, "clWeight must be >= 0");
        require(learningRate > 0, "learningRate must be > 0");
        require(batchSize > 0, "batchSize must be > 0");
        require(maxEpochs > 0, "maxEpochs must be > 0");
        require(patience > 0, "patience must be > 0");
    }

    /** The paper-code defaults of a variant (BM3.yaml; MMRec LightGCN/BPR settings for the baselines). */
    public static Bm3Config defaults(String variant) {
        switch (variant) {
            case BM3:
                return new Bm3Config(BM3, 64, 1, 0.5, 0.1, 2.0, 1e-3, 2048, 300, 20, 999L, true);
            case LIGHTGCN:
                return new Bm3Config(LIGHTGCN, 64, 2, 0.0, 1e-4, 0.0, 1e-3, 2048, 300, 20, 999L, false);
            case MF_BPR:
                return new Bm3Config(MF_BPR, 64, 0, 0.0, 1e-4, 0.0, 1e-3, 2048, 300, 20, 999L, false);
            default:
                throw new IllegalArgumentException("unknown model variant '" + variant + "'; one of " + VARIANTS);
        }
    }

    public boolean isBm3() {
        return BM3.equals(variant);
    }

    public Bm3Config withEpochs(int epochs) {
        return new Bm3Config(variant, embDim, layers, dropout, regWeight, clWeight, learningRate, batchSize,
                epochs, patience, seed, trainFeatures);
    }

    /** The training budget this config records (epochs, batch, rate, patience, seed) as engine options. */
    public TrainingOptions trainingOptions() {
        return TrainingOptions.of(maxEpochs, batchSize, (float) learningRate, patience, seed);
    }

    /** This config with the budget of {@code o} (what a run with those options records). */
    public Bm3Config withTraining(TrainingOptions o) {
        return new Bm3Config(variant, embDim, layers, dropout, regWeight, clWeight, o.learningRate(), o.batchSize(),
                o.epochs(), o.patience(), o.seed(), trainFeatures);
    }

    public ObjectNode toJson() {
        ObjectNode o = JsonNodeFactory.instance.objectNode();
        o.put("variant", variant);
        o.put("embDim", embDim);
        o.put("layers", layers);
        o.put("dropout", dropout);
        o.put("regWeight", regWeight);
        o.put("clWeight", clWeight);
        o.put("learningRate", learningRate);
        o.put("batchSize", batchSize);
        o.put("maxEpochs", maxEpochs);
        o.put("patience", patience);
        o.put("seed", seed);
        o.put("trainFeatures", trainFeatures);
        return o;
    }

    /** Parses {@link #toJson} output; every key must be present and known. */
    public static Bm3Config fromJson(JsonNode o) {
        if (o == null || !o.isObject()) {
            throw new IllegalArgumentException("bm3 hyperParameters must be a JSON object");
        }
        for (Iterator<String> it = o.fieldNames(); it.hasNext(); ) {
            String k = it.next();
            if (!KEYS.contains(k)) {
                throw new IllegalArgumentException("unknown bm3 hyper-parameter '" + k + "'; known: " + KEYS);
            }
        }
        for (String k : KEYS) {
            if (!o.has(k)) {
                throw new IllegalArgumentException("missing bm3 hyper-parameter '" + k + "'");
            }
        }
        return new Bm3Config(
                o.get("variant").asText(),
                o.get("embDim").asInt(),
                o.get("layers").asInt(),
                o.get("dropout").asDouble(),
                o.get("regWeight").asDouble(),
                o.get("clWeight").asDouble(),
                o.get("learningRate").asDouble(),
                o.get("batchSize").asInt(),
                o.get("maxEpochs").asInt(),
                o.get("patience").asInt(),
                o.get("seed").asLong(),
                o.get("trainFeatures").asBoolean());
    }

    private static void require(boolean ok, String message) {
        if (!ok) {
            throw new IllegalArgumentException(message);
        }
    }
}
