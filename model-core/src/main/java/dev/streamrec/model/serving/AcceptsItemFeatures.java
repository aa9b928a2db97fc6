package dev.streamrec.model.serving;

import java.util.Map;

/**
 * A recommender that takes new items' features from the item-features topic and scores those items
 * at once (the content-based encoders: MISSRec, BM3).
 */
public interface AcceptsItemFeatures extends Recommender {

    /**
     * Adds or replaces an item's features.
     *
     * @throws RuntimeException when the features do not fit the model (the stream dead-letters them)
     */
    void upsertItem(String itemId, String text, Map<String, float[]> modalities);
}
