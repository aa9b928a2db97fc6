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

    /**
     * Inserts an event at its time order and trims to {@code maxLength}.
     *
     * @return true if the event is the newest of the sequence (in order), false if it was late
     */
    public boolean insert(SequenceEntry e, int maxLength) {
        int pos = entries.size();
        while (pos > 0 && after(entries.get(pos - 1), e)) {
            pos--;
        }
        boolean inOrder = pos == entries.size();
        entries.add(pos, e);
        if (entries.size() > maxLength) {
            entries.subList(0, entries.size() - maxLength).clear();
        }
        return inOrder;
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
