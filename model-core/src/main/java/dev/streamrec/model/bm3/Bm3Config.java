package dev.streamrec.model.bm3;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.streamrec.model.cli.CliArgs;

import java.util.Iterator;
import java.util.List;
import java.util.Set;

/**
 * Immutable, validated hyper-parameters of the graph family: BM3 (Zhou et al., WWW 2023), LightGCN
 * with BPR, and MF with BPR. Defaults follow BM3's released config (emb 64, Adam 1e-3, batch 2048,
 * one layer, dropout 0.5, reg 0.1, cl weight 2.0); LightGCN/MF use reg 1e-4 (BPR L2). Serialised
 * as the artifact's {@code hyperParameters}; unknown or missing keys are refused.
 *
 * @param variant {@code bm3}, {@code lightgcn} or {@code mf-bpr} (MF = the same graph code with 0 layers)
 * @param trainFeatures whether the raw modality tables are trainable (BM3 as released: yes)
 */
public record Bm3Config(
        String variant,
        int dim,
        int layers,
        double dropout,
        double reg,
        double clWeight,
        double lr,
        int batchSize,
        int epochs,
        int patience,
        long seed,
        boolean trainFeatures,
        String split) {

    /** Model names of the family. */
    public static final List<String> VARIANTS = List.of("bm3", "lightgcn", "mf-bpr");

    private static final Set<String> KEYS = Set.of("variant", "dim", "layers", "dropout", "reg", "clWeight", "lr",
            "batchSize", "epochs", "patience", "seed", "trainFeatures", "split");

    public Bm3Config {
        if (!VARIANTS.contains(variant)) {
            throw new IllegalArgumentException("unknown graph model variant '" + variant + "', expected one of " + VARIANTS);
        }
        require(dim > 0, "dim must be > 0");
        require(layers >= 0 && layers <= 4, "layers must be in [0, 4]");
        require(!variant.equals("mf-bpr") || layers == 0, "mf-bpr has 0 layers");
        require(dropout >= 0 && dropout < 1, "dropout must be in [0, 1)");
        require(reg >= 0, "reg must be >= 0");
        require(clWeight >= 0, "clWeight must be >= 0");
        require(lr > 0, "lr must be > 0");
        require(batchSize > 0, "batchSize must be > 0");
        require(epochs > 0, "epochs must be > 0");
        require(patience > 0, "patience must be > 0");
        require(split.equals("random") || split.equals("chronological"), "split must be random or chronological");
    }

    /** Defaults for a variant, overridden by CLI options. */
    public static Bm3Config fromArgs(String variant, CliArgs a) {
        boolean bm3 = variant.equals("bm3");
        return new Bm3Config(
                variant,
                a.getInt("dim", 64),
                a.getInt("layers", variant.equals("mf-bpr") ? 0 : variant.equals("lightgcn") ? 2 : 1),
                a.getDouble("dropout", bm3 ? 0.5 : 0.0),
                a.getDouble("reg", bm3 ? 0.1 : 1e-4),
                a.getDouble("cl-weight", 2.0),
                a.getDouble("lr", 1e-3),
                a.getInt("batch-size", 2048),
                a.getInt("epochs", 1000),
                a.getInt("patience", 20),
                a.getLong("seed", 999),
                a.getBoolean("train-features", true),
                a.get("split", "random"));
    }

    public boolean isBm3() {
        return variant.equals("bm3");
    }

    /** Writes every field into {@code node}. */
    public void writeTo(ObjectNode node) {
        node.put("variant", variant).put("dim", dim).put("layers", layers).put("dropout", dropout).put("reg", reg)
                .put("clWeight", clWeight).put("lr", lr).put("batchSize", batchSize).put("epochs", epochs)
                .put("patience", patience).put("seed", seed).put("trainFeatures", trainFeatures).put("split", split);
    }

    /** Reads a config written by {@link #writeTo}; refuses unknown or missing keys. */
    public static Bm3Config from(JsonNode node) {
        for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
            String k = it.next();
            if (!KEYS.contains(k)) {
                throw new IllegalArgumentException("unknown graph-model hyper-parameter '" + k + "'");
            }
        }
        for (String k : KEYS) {
            if (!node.has(k)) {
                throw new IllegalArgumentException("missing graph-model hyper-parameter '" + k + "'");
            }
        }
        return new Bm3Config(node.get("variant").asText(), node.get("dim").asInt(), node.get("layers").asInt(),
                node.get("dropout").asDouble(), node.get("reg").asDouble(), node.get("clWeight").asDouble(),
                node.get("lr").asDouble(), node.get("batchSize").asInt(), node.get("epochs").asInt(),
                node.get("patience").asInt(), node.get("seed").asLong(), node.get("trainFeatures").asBoolean(),
                node.get("split").asText());
    }

    private static void require(boolean ok, String message) {
        if (!ok) {
            throw new IllegalArgumentException(message);
        }
    }
}
