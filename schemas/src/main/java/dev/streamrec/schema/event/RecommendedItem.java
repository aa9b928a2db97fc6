package dev.streamrec.schema.event;

/** One entry of a prediction's ranked list. */
public class RecommendedItem {
    public String itemId;
    public float score;

    public RecommendedItem() {}

    public RecommendedItem(String itemId, float score) {
        this.itemId = itemId;
        this.score = score;
    }
}
