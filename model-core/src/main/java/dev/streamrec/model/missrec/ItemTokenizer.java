package dev.streamrec.model.missrec;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.ndarray.types.SparseFormat;
import ai.djl.nn.core.Embedding;
import ai.djl.nn.norm.Dropout;

import java.util.ArrayList;
import java.util.List;

/**
 * MISSRec's item tokens: one linear adapter ψ^m per modality over frozen features f^m, the
 * per-modality tokens ψ^m(f^m) (interest discovery and scoring), and the decoder's sequence tokens
 * x = LN(Σ_m ψ^m(f^m) + pos (+ ID embedding if transductive)) with dropout (code:
 * {@code seq_mm_fusion: add}). The feature tables are constants that can grow (new items).
 */
final class ItemTokenizer {

    private final MissRecConfig config;
    private final List<Dense> adapters = new ArrayList<>();
    private final NDArray positions;
    private final NDArray ids;
    private final Norm norm;
    private final List<NDArray> features; // per modality (N+1, f_m), row 0 = padding = zeros

    ItemTokenizer(Parameters params, MissRecConfig c, int numItems, List<NDArray> features) {
        this.config = c;
        for (int mod = 0; mod < c.numModalities(); mod++) {
            adapters.add(new Dense(params, "adapter." + c.modalities().get(mod), c.modalityDims().get(mod), c.hidden()));
        }
        this.positions = params.normal("pos", new Shape(c.maxLen(), c.hidden()));
        this.ids = c.transductive() ? params.normal("id", new Shape(numItems + 1, c.hidden())) : null;
        this.norm = new Norm(params, "tokens.norm", c.hidden());
        this.features = new ArrayList<>(features);
    }

    int numItems() {
        return (int) features.get(0).getShape().get(0) - 1;
    }

    /** Rows of the ID table (0 when inductive); items at or beyond it have no ID embedding. */
    int idRows() {
        return ids == null ? 0 : (int) ids.getShape().get(0);
    }

    NDArray idTable() {
        return ids;
    }

    List<NDArray> features() {
        return features;
    }

    /** Appends one item's raw features (one row per modality); returns its index. */
    int appendItem(List<float[]> rows) {
        for (int mod = 0; mod < features.size(); mod++) {
            NDArray old = features.get(mod);
            NDManager m = old.getManager();
            NDArray row = m.create(rows.get(mod), new Shape(1, rows.get(mod).length));
            features.set(mod, NDArrays.concat(new NDList(old, row)));
            old.close();
            row.close();
        }
        return numItems();
    }

    /** Replaces an existing item's raw features. */
    void replaceItem(int item, List<float[]> rows) {
        for (int mod = 0; mod < features.size(); mod++) {
            // set copies the row into the table's own storage (index_put_); the row itself is
            // closed at once instead of staying attached to the model's manager until it closes
            try (NDArray row = features.get(mod).getManager().create(rows.get(mod))) {
                features.get(mod).set(new NDIndex(item), row);
            }
        }
    }

    /**
     * Per-modality tokens ψ^m(f^m) of the items (B, T) -> M x (B, T, D). With {@code featureDrop} the
     * raw features pass through dropout first (the pre-training augmentation).
     */
    List<NDArray> modalityTokens(NDArray items, boolean featureDrop) {
        List<NDArray> out = new ArrayList<>();
        for (int mod = 0; mod < adapters.size(); mod++) {
            NDArray f = Embedding.embedding(items, features.get(mod), SparseFormat.DENSE).singletonOrThrow();
            if (featureDrop) {
                f = Dropout.dropout(f, config.featureDropProb(), true).singletonOrThrow();
            }
            out.add(adapters.get(mod).forward(f));
        }
        return out;
    }

    /** ψ^m(f^m) of every item of the catalogue, per modality: M x (N+1, D). */
    List<NDArray> catalogueTokens() {
        List<NDArray> out = new ArrayList<>();
        for (int mod = 0; mod < adapters.size(); mod++) {
            out.add(adapters.get(mod).forward(features.get(mod)));
        }
        return out;
    }

    /** ψ^m(f) of raw feature rows (R, f_m) of one modality -> (R, D). */
    NDArray adapt(int modality, NDArray raw) {
        return adapters.get(modality).forward(raw);
    }

    /**
     * Sequence tokens for the decoder: LN(Σ_m tokens_m + pos (+ id)), dropout. tokens: M x (B, T, D);
     * idItems (B, T) with 0 where an item has no ID row. Returns (B, T, D).
     */
    NDArray sequenceTokens(List<NDArray> tokens, NDArray idItems, boolean training) {
        long t = tokens.get(0).getShape().get(1);
        NDArray x = tokens.get(0);
        for (int mod = 1; mod < tokens.size(); mod++) {
            x = x.add(tokens.get(mod));
        }
        x = x.add(positions.get(":" + t).expandDims(0));
        if (ids != null) {
            NDArray known = idItems.gt(0).toType(DataType.FLOAT32, false).expandDims(2);
            x = x.add(Embedding.embedding(idItems, ids, SparseFormat.DENSE).singletonOrThrow().mul(known));
        }
        return Dropout.dropout(norm.forward(x), config.dropout(), training).singletonOrThrow();
    }
}
