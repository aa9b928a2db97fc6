package dev.streamrec.model.missrec;

import dev.streamrec.model.data.Interaction;
import dev.streamrec.model.data.ItemIndex;
import dev.streamrec.model.data.LeaveOneOutSplit;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The data of one streaming fine-tuning round: a window of recent interactions turned into
 * per-user sequences over an artifact's item index, in time order ({@link Interaction#REPLAY_ORDER}),
 * with the window's own leave-one-out validation: a user with at least
 * {@value #MIN_EVENTS_FOR_VALIDATION} usable events gives its newest one as a validation target
 * (never trained on) and trains on the rest; a user with two events only trains; one event alone
 * has no (history, next) pair. Events on items the index does not hold are left out (MISSRec has no
 * features, hence no tokens, for them) and counted.
 *
 * @param train training sequences (oldest first), each of length ≥ 2
 * @param validation one case per user with enough events: history = the training sequence
 * @param windowEvents events in the window
 * @param leftOutEvents events on items outside the index
 * @param trainedEvents events in the training sequences
 */
record FineTuneWindow(List<int[]> train, List<LeaveOneOutSplit.Case> validation, int windowEvents,
        int leftOutEvents, int trainedEvents) {

    static final int MIN_EVENTS_FOR_VALIDATION = 3;

    static FineTuneWindow of(List<Interaction> window, ItemIndex items) {
        List<Interaction> sorted = new ArrayList<>(window);
        sorted.sort(Interaction.REPLAY_ORDER);
        Map<String, List<Integer>> byUser = new LinkedHashMap<>();
        int leftOut = 0;
        for (Interaction i : sorted) {
            int item = items.indexOf(i.itemId());
            if (item <= ItemIndex.PAD) {
                leftOut++;
                continue;
            }
            byUser.computeIfAbsent(i.userId(), u -> new ArrayList<>()).add(item);
        }
        List<int[]> train = new ArrayList<>();
        List<LeaveOneOutSplit.Case> validation = new ArrayList<>();
        int trained = 0;
        int user = 0;
        for (List<Integer> events : byUser.values()) {
            int[] s = events.stream().mapToInt(Integer::intValue).toArray();
            int[] t = s.length >= MIN_EVENTS_FOR_VALIDATION ? Arrays.copyOf(s, s.length - 1) : s;
            if (t.length >= 2) {
                train.add(t);
                trained += t.length;
            }
            if (t != s) {
                validation.add(new LeaveOneOutSplit.Case(user, t, s[s.length - 1]));
            }
            user++;
        }
        return new FineTuneWindow(train, validation, window.size(), leftOut, trained);
    }

    /** Refuses a window the round cannot learn from or validate on, saying why. */
    FineTuneWindow requireUsable(String artifactVersion) {
        if (train.isEmpty() || validation.isEmpty()) {
            throw new IllegalArgumentException(String.format(
                    "window of %d events is unusable for fine-tuning %s: %d events on items the artifact has no "
                            + "features for, %d training sequences, %d validation cases (a user needs %d events "
                            + "on known items to validate)",
                    windowEvents, artifactVersion, leftOutEvents, train.size(), validation.size(),
                    MIN_EVENTS_FOR_VALIDATION));
        }
        return this;
    }
}
