package dev.streamrec.jobs.scoring;

import java.util.ArrayList;
import java.util.List;

/**
 * An accepted event with the user's sequence after it: what the scoring operator answers. POJO for
 * Flink's serializer.
 */
public class ScoringRequest {
    public String eventId;
    public String userId;
    public String itemId;
    public long timestamp;
    public long ingestTimeMillis;
    /** False when the event arrived after a newer one of the same user (not a "next" item). */
    public boolean inOrder;
    /** The user's items before this event, oldest first (what incremental models learn from). */
    public List<String> historyBefore = new ArrayList<>();
    /** The user's items including this event, oldest first (what the prediction conditions on). */
    public List<String> history = new ArrayList<>();

    public ScoringRequest() {}
}
