package dev.streamrec.jobs.scoring;

import java.util.ArrayList;
import java.util.List;

/**
 * An accepted event with the user's sequence after it: what the scoring operator answers. POJO for
 * Flink's serializer. The sequence before the event is not shipped (it would double the bytes of
 * every request); {@link #historyBefore()} rebuilds it from where the event landed.
 */
public class ScoringRequest {
    public String eventId;
    public String userId;
    public String itemId;
    public long timestamp;
    public long ingestTimeMillis;
    /** False when the event arrived after a newer one of the same user (not a "next" item). */
    public boolean inOrder;
    /** The user's items including this event, oldest first (what the prediction conditions on). */
    public List<String> history = new ArrayList<>();
    /** Index of this event in {@link #history}; -1 when it was older than everything kept. */
    public int insertedAt = -1;
    /** The item trimmed off the front of the sequence by this event, or null. */
    public String evicted;

    public ScoringRequest() {}

    /** The user's items before this event, oldest first (what incremental models learn from). */
    public List<String> historyBefore() {
        if (insertedAt < 0) {
            return history;
        }
        List<String> before = new ArrayList<>(history.size());
        if (evicted != null) {
            before.add(evicted);
        }
        for (int i = 0; i < history.size(); i++) {
            if (i != insertedAt) {
                before.add(history.get(i));
            }
        }
        return before;
    }
}
