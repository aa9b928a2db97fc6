package dev.streamrec.model.bm3;

import dev.streamrec.model.data.Interaction;
import dev.streamrec.model.data.ItemIndex;

import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;

/**
 * Per-user 8:1:1 split of implicit interactions as in MMRec's preprocessing (BM3 §2.6): each user's
 * distinct items are shuffled with a seeded random (or sorted by time for {@code chronological}),
 * then the last 10% go to test and the 10% before to validation; users with fewer than 10 items
 * give one validation and one test item (users with fewer than 3 keep everything in train).
 * Items are rows 0..N-1 (= {@link ItemIndex} index - 1); the index holds every item seen.
 *
 * @param users user ids in row order
 * @param items the catalogue (index i = row i - 1)
 * @param train per-user training item rows
 * @param valid per-user validation item rows
 * @param test per-user test item rows
 */
public record Bm3Split(List<String> users, ItemIndex items, int[][] train, int[][] valid, int[][] test) {

    /** Splits {@code interactions}; {@code chronological} orders each user's items by first time. */
    public static Bm3Split of(List<Interaction> interactions, boolean chronological, long seed) {
        Map<String, LinkedHashMap<String, Long>> byUser = new TreeMap<>(Interaction.ID_ORDER);
        List<Interaction> sorted = new ArrayList<>(interactions);
        sorted.sort(Interaction.REPLAY_ORDER);
        ItemIndex items = new ItemIndex();
        for (Interaction x : sorted) {
            items.add(x.itemId());
            byUser.computeIfAbsent(x.userId(), u -> new LinkedHashMap<>()).putIfAbsent(x.itemId(), x.timestampMillis());
        }
        Random random = new Random(seed);
        List<String> users = new ArrayList<>(byUser.keySet());
        int n = users.size();
        int[][] train = new int[n][];
        int[][] valid = new int[n][];
        int[][] test = new int[n][];
        for (int u = 0; u < n; u++) {
            List<Map.Entry<String, Long>> seq = new ArrayList<>(byUser.get(users.get(u)).entrySet());
            if (chronological) {
                seq.sort(Map.Entry.comparingByValue(Comparator.naturalOrder()));
            } else {
                Collections.shuffle(seq, random);
            }
            int size = seq.size();
            int nTest = size < 3 ? 0 : size < 10 ? 1 : (int) Math.round(0.1 * size);
            int nValid = nTest;
            int nTrain = size - nTest - nValid;
            train[u] = rows(seq.subList(0, nTrain), items);
            valid[u] = rows(seq.subList(nTrain, nTrain + nValid), items);
            test[u] = rows(seq.subList(nTrain + nValid, size), items);
        }
        return new Bm3Split(List.copyOf(users), items, train, valid, test);
    }

    public int userCount() {
        return users.size();
    }

    public int itemCount() {
        return items.size();
    }

    /** Number of training (user, item) pairs. */
    public int trainPairs() {
        int total = 0;
        for (int[] t : train) {
            total += t.length;
        }
        return total;
    }

    private static int[] rows(List<Map.Entry<String, Long>> part, ItemIndex items) {
        int[] out = new int[part.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = items.indexOf(part.get(i).getKey()) - 1;
        }
        return out;
    }
}
