package dev.streamrec.model.missrec;

import dev.streamrec.model.data.ItemIndex;
import dev.streamrec.model.metrics.TopK;
import dev.streamrec.model.serving.RecommendRequest;
import dev.streamrec.model.serving.Recommender;
import dev.streamrec.model.serving.ScoredItem;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * MISSRec behind the stream's {@link Recommender} contract: a batch of histories is scored against
 * the whole catalogue in one forward pass. {@link #upsertItem} adds or replaces an item's features;
 * the item is recommendable at once from its content (inductive: fully; transductive: its ID view
 * scores 0 until the next fine-tune, its k-means interests are its nearest centroids).
 */
public final class MissRecRecommender implements Recommender {

    private final MissRecModel model;
    private final ItemIndex items;
    private final String version;

    public MissRecRecommender(MissRecModel model, ItemIndex items, String version) {
        this.model = model;
        this.items = items;
        this.version = version;
    }

    @Override
    public String name() {
        return MissRecArtifacts.MODEL;
    }

    @Override
    public String version() {
        return version;
    }

    @Override
    public List<List<ScoredItem>> recommend(List<RecommendRequest> batch) {
        List<List<ScoredItem>> answers = new ArrayList<>(batch.size());
        List<int[]> histories = new ArrayList<>();
        List<Integer> rows = new ArrayList<>();
        for (int r = 0; r < batch.size(); r++) {
            int[] h = batch.get(r).history().stream().mapToInt(items::indexOf).filter(i -> i > 0).toArray();
            answers.add(List.of());
            if (h.length > 0) {
                histories.add(h);
                rows.add(r);
            }
        }
        if (histories.isEmpty()) {
            return answers;
        }
        float[][] scores = model.scoreAll(histories.toArray(int[][]::new)); // one forward pass
        for (int j = 0; j < rows.size(); j++) {
            RecommendRequest req = batch.get(rows.get(j));
            boolean[] excluded = new boolean[scores[j].length];
            if (req.excludeHistory()) {
                for (int i : histories.get(j)) {
                    excluded[i] = true;
                }
            }
            List<ScoredItem> top = new ArrayList<>();
            for (int i : TopK.select(scores[j], req.k(), excluded, 1)) {
                top.add(new ScoredItem(items.idAt(i), scores[j][i]));
            }
            answers.set(rows.get(j), top);
        }
        return answers;
    }

    @Override
    public void upsertItem(String itemId, String text, Map<String, float[]> modalities) {
        MissRecConfig c = model.config();
        List<float[]> rows = new ArrayList<>();
        for (int mod = 0; mod < c.numModalities(); mod++) {
            float[] v = modalities.get(c.modalities().get(mod));
            int dim = c.modalityDims().get(mod);
            if (v != null && v.length != dim) {
                throw new IllegalArgumentException("modality " + c.modalities().get(mod) + " of item " + itemId
                        + " has dimension " + v.length + ", expected " + dim);
            }
            rows.add(v == null ? new float[dim] : v.clone());
        }
        int existing = items.indexOf(itemId);
        if (existing > 0) {
            model.replaceItem(existing, rows);
        } else {
            int added = model.addItem(rows);
            int indexed = items.add(itemId);
            if (added != indexed) {
                throw new IllegalStateException("item index and feature table disagree: " + indexed + " vs " + added);
            }
        }
    }

    @Override
    public void close() {
        model.close();
    }
}
