package dev.streamrec.jobs.eval;

import java.util.ArrayList;
import java.util.List;

/** The last list a model version recommended to a user, kept until the user's next event. POJO. */
public class LastPrediction {
    public String modelVersion;
    public List<String> itemIds = new ArrayList<>();

    public LastPrediction() {}

    public LastPrediction(String modelVersion, List<String> itemIds) {
        this.modelVersion = modelVersion;
        this.itemIds = itemIds;
    }

    /** 1-based position of the item, 0 when absent. */
    public int rankOf(String itemId) {
        int i = itemIds.indexOf(itemId);
        return i < 0 ? 0 : i + 1;
    }
}
