package dev.streamrec.jobs.scoring;

import dev.streamrec.jobs.state.CompactStrings;
import dev.streamrec.schema.event.UserDeletionConfirmation;

import java.util.AbstractList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;

/**
 * An accepted event with the user's sequence after it: what the scoring operator answers; or, when
 * {@link #deletion} is set, the user's deletion, travelling in order with the user's events
 * through every operator that keeps state of the user. POJO for Flink's serializer. The sequence before the event is not shipped (it would double the bytes of
 * every request); {@link #historyBefore()} rebuilds it from where the event landed.
 */
public class ScoringRequest {
    public String eventId;
    public String userId;
    public String itemId;
    public long timestamp;
    public long ingestTimeMillis;
    /** When the job's source read the event (ms; 0 unknown): where the job's processing latency starts. */
    public long readAtMillis;
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

    /**
     * Null for an event. Set, this is no event but the deletion of {@link #userId}: what the
     * operators it passed dropped so far, filled in by each one and written out as the
     * confirmation by the last.
     */
    public UserDeletionConfirmation deletion;

    /** {@link #historyBytes} decoded, and the array it was decoded from (a reused instance gets new bytes). */
    private transient List<String> history;
    private transient byte[] historyDecodedFrom;

    public ScoringRequest() {}

    /** The deletion of {@code dropped.userId}, with what was dropped before it reached here. */
    public static ScoringRequest deletion(UserDeletionConfirmation dropped) {
        ScoringRequest r = new ScoringRequest();
        r.userId = dropped.userId;
        r.deletion = dropped;
        return r;
    }

    /** The user's items including this event, oldest first. */
    public List<String> history() {
        if (history == null || historyDecodedFrom != historyBytes) {
            history = CompactStrings.decodeList(historyBytes);
            historyDecodedFrom = historyBytes;
        }
        return history;
    }

    /**
     * The user's items before this event, oldest first (what incremental models learn from): a
     * read-only view over {@link #history()} that copies nothing, since most models never read it.
     */
    public List<String> historyBefore() {
        List<String> history = history();
        if (insertedAt < 0) {
            return Collections.unmodifiableList(history);
        }
        // the view answers from what it was built on, like the history it wraps
        String trimmed = evicted;
        int inserted = insertedAt;
        int front = trimmed != null ? 1 : 0;
        return new AbstractList<>() {
            @Override
            public String get(int i) {
                Objects.checkIndex(i, size());
                if (i < front) {
                    return trimmed;
                }
                int at = i - front;
                return history.get(at < inserted ? at : at + 1);
            }

            @Override
            public int size() {
                return history.size() - 1 + front;
            }
        };
    }
}
