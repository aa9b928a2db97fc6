package dev.streamrec.model.missrec;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;

/**
 * Immutable, validated hyper-parameters of MISSRec (Wang et al., MM'23, arXiv 2308.11175), serialised
 * into the artifact's {@code hyperParameters}. Defaults are sized for 2 CPU cores (d = 64, 2 heads,
 * 1 encoder + 1 decoder layer as in the released code's {@code n_layers: 2}).
 *
 * @param mode inductive (content only, new items scorable at once) or transductive (+ item IDs)
 * @param interest per-sequence DPC-KNN (paper, default) or global mini-batch k-means (released code)
 * @param fusion how the per-modality scores are fused (§3.4 of docs/models.md)
 * @param regularizer interest regulariser: the paper's pairwise orthogonality or the code's norm penalty
 * @param modalities modality names, in feature-file order
 * @param modalityDims raw feature dimension of each modality
 * @param hidden model width d
 * @param heads attention heads
 * @param ffn feed-forward width
 * @param encoderLayers interest encoder layers K_e
 * @param decoderLayers interest-aware decoder layers K_d
 * @param dropout dropout everywhere (the code uses one rate)
 * @param maxLen maximum sequence length (positions)
 * @param tau softmax temperature of every logit
 * @param lambda weight of the sequence-sequence InfoNCE in pre-training
 * @param gamma weight of the interest regulariser
 * @param interestRatio DPC-KNN: prototypes per sequence = ceil(ratio * valid tokens)
 * @param knnRatio DPC-KNN: neighbours k = ceil(ratio * valid tokens), self included
 * @param kmeansRatio k-means: clusters = ceil(ratio * all item tokens)
 * @param itemDropProb pre-training augmentation: probability of dropping each item (first kept)
 * @param featureDropProb pre-training augmentation: dropout on raw features (stands in for word drop)
 */
public record MissRecConfig(
        Mode mode,
        InterestMethod interest,
        Fusion fusion,
        Regularizer regularizer,
        List<String> modalities,
        List<Integer> modalityDims,
        int hidden,
        int heads,
        int ffn,
        int encoderLayers,
        int decoderLayers,
        float dropout,
        int maxLen,
        float tau,
        float lambda,
        float gamma,
        float interestRatio,
        float knnRatio,
        float kmeansRatio,
        float itemDropProb,
        float featureDropProb) {

    /** Whether item IDs take part (transductive) or not (inductive, cold-start capable). */
    public enum Mode { INDUCTIVE, TRANSDUCTIVE }

    /** How interests are discovered. */
    public enum InterestMethod { DPC_KNN, KMEANS }

    /** Item-side fusion of the per-modality scores. */
    public enum Fusion { DYNAMIC, STATIC, PER_ITEM }

    /** Interest regulariser on the encoded interests. */
    public enum Regularizer { ORTHOGONALITY, NORM }

    private static final Set<String> KEYS = new TreeSet<>(List.of(
            "mode", "interest", "fusion", "regularizer", "modalities", "modalityDims", "hidden", "heads",
            "ffn", "encoderLayers", "decoderLayers", "dropout", "maxLen", "tau", "lambda", "gamma",
            "interestRatio", "knnRatio", "kmeansRatio", "itemDropProb", "featureDropProb"));

    public MissRecConfig {
        modalities = List.copyOf(modalities);
        modalityDims = List.copyOf(modalityDims);
        require(!modalities.isEmpty(), "at least one modality is needed");
        require(modalities.size() == modalityDims.size(), "one dimension per modality");
        require(modalityDims.stream().allMatch(d -> d > 0), "modality dimensions must be positive");
        require(new TreeSet<>(modalities).size() == modalities.size(), "modality names must be unique");
        require(hidden > 0 && heads > 0 && hidden % heads == 0, "hidden must be a positive multiple of heads");
        require(ffn > 0 && encoderLayers >= 1 && decoderLayers >= 1, "ffn > 0 and at least one layer each");
        require(dropout >= 0 && dropout < 1, "dropout in [0, 1)");
        require(maxLen >= 2, "maxLen >= 2");
        require(tau > 0, "tau > 0");
        require(lambda >= 0 && gamma >= 0, "lambda, gamma >= 0");
        require(interestRatio > 0 && interestRatio <= 1, "interestRatio in (0, 1]");
        require(knnRatio > 0 && knnRatio <= 1, "knnRatio in (0, 1]");
        require(kmeansRatio > 0 && kmeansRatio <= 1, "kmeansRatio in (0, 1]");
        require(itemDropProb >= 0 && itemDropProb < 1 && featureDropProb >= 0 && featureDropProb < 1,
                "augmentation probabilities in [0, 1)");
    }

    /** The defaults for the given modalities. */
    public static MissRecConfig defaults(List<String> modalities, List<Integer> dims) {
        return new MissRecConfig(Mode.TRANSDUCTIVE, InterestMethod.DPC_KNN, Fusion.DYNAMIC,
                Regularizer.ORTHOGONALITY, modalities, dims, 64, 2, 128, 1, 1, 0.2f, 50, 0.07f, 1e-3f,
                1e-4f, 0.25f, 0.1f, 0.5f, 0.2f, 0.2f);
    }

    public boolean transductive() {
        return mode == Mode.TRANSDUCTIVE;
    }

    public int numModalities() {
        return modalities.size();
    }

    /** Upper bound of interests per sequence for DPC-KNN (all tokens of a full sequence). */
    public int maxInterests() {
        return (int) Math.ceil(interestRatio * numModalities() * maxLen);
    }

    public MissRecConfig withMode(Mode m) {
        return new MissRecConfig(m, interest, fusion, regularizer, modalities, modalityDims, hidden, heads, ffn,
                encoderLayers, decoderLayers, dropout, maxLen, tau, lambda, gamma, interestRatio, knnRatio,
                kmeansRatio, itemDropProb, featureDropProb);
    }

    public MissRecConfig withInterest(InterestMethod m) {
        return new MissRecConfig(mode, m, fusion, regularizer, modalities, modalityDims, hidden, heads, ffn,
                encoderLayers, decoderLayers, dropout, maxLen, tau, lambda, gamma, interestRatio, knnRatio,
                kmeansRatio, itemDropProb, featureDropProb);
    }

    /** Writes every field into {@code node} (the artifact's hyperParameters). */
    public void writeTo(ObjectNode node) {
        node.put("mode", mode.name().toLowerCase(Locale.ROOT));
        node.put("interest", interest.name().toLowerCase(Locale.ROOT));
        node.put("fusion", fusion.name().toLowerCase(Locale.ROOT));
        node.put("regularizer", regularizer.name().toLowerCase(Locale.ROOT));
        ArrayNode names = node.putArray("modalities");
        modalities.forEach(names::add);
        ArrayNode dims = node.putArray("modalityDims");
        modalityDims.forEach(dims::add);
        node.put("hidden", hidden);
        node.put("heads", heads);
        node.put("ffn", ffn);
        node.put("encoderLayers", encoderLayers);
        node.put("decoderLayers", decoderLayers);
        node.put("dropout", dropout);
        node.put("maxLen", maxLen);
        node.put("tau", tau);
        node.put("lambda", lambda);
        node.put("gamma", gamma);
        node.put("interestRatio", interestRatio);
        node.put("knnRatio", knnRatio);
        node.put("kmeansRatio", kmeansRatio);
        node.put("itemDropProb", itemDropProb);
        node.put("featureDropProb", featureDropProb);
    }

    /** Reads a config written by {@link #writeTo}; refuses missing or unknown keys. */
    public static MissRecConfig readFrom(JsonNode node) {
        Set<String> present = new TreeSet<>();
        for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
            present.add(it.next());
        }
        Set<String> unknown = new TreeSet<>(present);
        unknown.removeAll(KEYS);
        Set<String> missing = new TreeSet<>(KEYS);
        missing.removeAll(present);
        if (!unknown.isEmpty() || !missing.isEmpty()) {
            throw new IllegalArgumentException(
                    "not a MISSRec config this version understands: unknown keys " + unknown + ", missing keys " + missing);
        }
        List<String> names = new ArrayList<>();
        node.get("modalities").forEach(n -> names.add(n.asText()));
        List<Integer> dims = new ArrayList<>();
        node.get("modalityDims").forEach(n -> dims.add(n.asInt()));
        return new MissRecConfig(
                parse(Mode.class, node, "mode"), parse(InterestMethod.class, node, "interest"),
                parse(Fusion.class, node, "fusion"), parse(Regularizer.class, node, "regularizer"), names, dims,
                node.get("hidden").asInt(), node.get("heads").asInt(), node.get("ffn").asInt(),
                node.get("encoderLayers").asInt(), node.get("decoderLayers").asInt(),
                (float) node.get("dropout").asDouble(), node.get("maxLen").asInt(), (float) node.get("tau").asDouble(),
                (float) node.get("lambda").asDouble(), (float) node.get("gamma").asDouble(),
                (float) node.get("interestRatio").asDouble(), (float) node.get("knnRatio").asDouble(),
                (float) node.get("kmeansRatio").asDouble(), (float) node.get("itemDropProb").asDouble(),
                (float) node.get("featureDropProb").asDouble());
    }

    /** Parses an enum option written in lower case with dashes ({@code dpc-knn}, {@code per-item}). */
    public static <E extends Enum<E>> E parseEnum(Class<E> type, String text) {
        try {
            return Enum.valueOf(type, text.trim().toUpperCase(Locale.ROOT).replace('-', '_'));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("unknown " + type.getSimpleName() + " '" + text + "'", e);
        }
    }

    private static <E extends Enum<E>> E parse(Class<E> type, JsonNode node, String key) {
        return parseEnum(type, node.get(key).asText());
    }

    private static void require(boolean ok, String message) {
        if (!ok) {
            throw new IllegalArgumentException("invalid MISSRec config: " + message);
        }
    }
}
