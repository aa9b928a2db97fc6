package dev.streamrec.jobs.scoring;

import dev.streamrec.jobs.state.CompactStrings;

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
    /**
     * The user's items including this event, oldest first (what the prediction conditions on), in
     * {@link CompactStrings#encodeList}'s form: one byte array on the wire instead of a list of
     * strings through Flink's string serializer (the request crosses a network exchange on its way
     * to scoring, and this list is most of it). Read it through {@link #history()}.
     */
    public byte[] historyBytes = CompactStrings.encodeList(List.of());
    /** Index of this event in {@link #history()}; -1 when it was older than everything kept. */
    public int insertedAt = -1;
    /** The item trimmed off the front of the sequence by this event, or null. */
    public String evicted;

    /** {@link #historyBytes} decoded, and the array it was decoded from (a reused instance gets new bytes). */
    private transient List<String> history;
    private transient byte[] historyDecodedFrom;

    public ScoringRequest() {}

    /** The user's items including this event, oldest first. */
    public List<String> history() {
        if (history == null || historyDecodedFrom != historyBytes) {
            history = CompactStrings.decodeList(historyBytes);
            historyDecodedFrom = historyBytes;
        }
        return history;
    }

    /** The user's items before this event, oldest first (what incremental models learn from). */
    public List<String> historyBefore() {
        List<String> history = history();
        if (insertedAt < 0) {
            return history;
        }
        List<String> before = new ArrayList<>(history.size() + 1);
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
