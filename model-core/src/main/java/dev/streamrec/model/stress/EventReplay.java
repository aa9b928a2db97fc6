package dev.streamrec.model.stress;

import dev.streamrec.model.data.Interaction;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The interaction log replayed as the stream would deliver it, in time order and over and over:
 * each event comes with the user's last items (the newest, the event's own item, last), as the
 * scoring operator's requests carry them. Histories go on across passes, so a long run sees users
 * whose histories are full and still change, and so does time: each pass is shifted by the log's
 * span, so event time never goes back (time-decayed models see a log that goes on). Not
 * thread-safe: the task thread alone reads it.
 */
final class EventReplay {

    /**
     * One replayed event.
     *
     * @param history the user's last items, oldest first, ending with {@code itemId}
     */
    record Event(String userId, List<String> history, String itemId, long timestampMillis) {

        /** The user's items before this event, as a learning model observes them. */
        List<String> historyBefore() {
            return history.subList(0, history.size() - 1);
        }
    }

    private final List<Interaction> log;
    private final int historyLength;
    /** How far each pass is shifted in time: the log's span plus a second. */
    private final long passShiftMillis;
    private final Map<String, ArrayDeque<String>> histories = new HashMap<>();
    private int position;
    private int passes;

    /**
     * @param log the interactions in replay order
     * @param historyLength items kept per user
     */
    EventReplay(List<Interaction> log, int historyLength) {
        if (log.isEmpty() || historyLength < 1) {
            throw new IllegalArgumentException("an empty log or a history length below 1");
        }
        this.log = log;
        this.historyLength = historyLength;
        this.passShiftMillis = log.get(log.size() - 1).timestampMillis() - log.get(0).timestampMillis() + 1000;
    }

    /** The next {@code n} events, starting the log over at its end. */
    List<Event> next(int n) {
        List<Event> batch = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            batch.add(next());
        }
        return batch;
    }

    private Event next() {
        Interaction in = log.get(position++);
        long time = in.timestampMillis() + passes * passShiftMillis;
        if (position == log.size()) {
            position = 0;
            passes++;
        }
        ArrayDeque<String> items = histories.computeIfAbsent(in.userId(), u -> new ArrayDeque<>(historyLength + 1));
        items.addLast(in.itemId());
        if (items.size() > historyLength) {
            items.removeFirst();
        }
        return new Event(in.userId(), List.copyOf(items), in.itemId(), time);
    }

    /** Complete passes over the log so far. */
    int passes() {
        return passes;
    }
}
