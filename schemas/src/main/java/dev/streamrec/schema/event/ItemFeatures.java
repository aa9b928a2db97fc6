package dev.streamrec.schema.event;

import java.util.LinkedHashMap;
import java.util.Map;

/** Item side information (schema {@code item-features} v1): optional text and named modality vectors. */
public class ItemFeatures {
    public String itemId;
    public String text;
    public Map<String, float[]> modalities = new LinkedHashMap<>();

    public ItemFeatures() {}

    public ItemFeatures(String itemId, String text, Map<String, float[]> modalities) {
        this.itemId = itemId;
        this.text = text;
        this.modalities = modalities;
    }
}
