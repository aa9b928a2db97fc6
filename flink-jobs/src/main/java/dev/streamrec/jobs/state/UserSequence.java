package dev.streamrec.jobs.state;

import java.util.ArrayList;
import java.util.List;

/**
 * A user's recent items in event-time order, bounded: the keyed state of the recommender job.
 * Out-of-order events are inserted at their place (ties by event id); when the bound is exceeded
 * the oldest entries go. POJO for Flink's serializer; the logic is plain Java, tested alone.
 */
public class UserSequence {

    public List<SequenceEntry> entries = new ArrayList<>();

    public UserSequence() {}

    /** Where an insertion landed: its index after trimming (-1 when trimmed away at once), the item trimmed off the front (or null), and whether it was the newest. */
    public record Insertion(int index, String evicted, boolean inOrder) {}

    /** Inserts an event at its time order (ties by event id) and trims the oldest entries to {@code maxLength}. */
    public Insertion insert(SequenceEntry e, int maxLength) {
        int pos = entries.size();
        while (pos > 0 && after(entries.get(pos - 1), e)) {
            pos--;
        }
        boolean inOrder = pos == entries.size();
        entries.add(pos, e);
        String evicted = null;
        if (entries.size() > maxLength) {
            int drop = entries.size() - maxLength;
            if (pos < drop) {
                // the event itself is older than everything kept: the sequence is unchanged
                entries.remove(pos);
                return new Insertion(-1, null, false);
            }
            evicted = entries.get(drop - 1).itemId;
            entries.subList(0, drop).clear();
            pos -= drop;
        }
        return new Insertion(pos, evicted, inOrder);
    }

    private static boolean after(SequenceEntry a, SequenceEntry b) {
        return a.timestamp > b.timestamp || (a.timestamp == b.timestamp && a.eventId.compareTo(b.eventId) > 0);
    }

    /** The item ids, oldest first. */
    public List<String> itemIds() {
        List<String> ids = new ArrayList<>(entries.size());
        for (SequenceEntry e : entries) {
            ids.add(e.itemId);
        }
        return ids;
    }

    public long newestTimestamp() {
        return entries.isEmpty() ? Long.MIN_VALUE : entries.get(entries.size() - 1).timestamp;
    }
}
