package dev.streamrec.model.bm3;

import dev.streamrec.model.data.Interaction;
import dev.streamrec.model.data.ItemIndex;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * The BM3 evaluation protocol's per-user 8:1:1 split (MMRec preprocessing/1splitting.ipynb): each
 * user's distinct items are shuffled with a seeded generator ({@code random}) or kept in time order
 * ({@code chronological}), then the last 10% go to test and the 10% before to validation; users with
 * fewer than 10 items give one validation and one test item (users with fewer than 3 keep all in
 * train). Items are indexed 1..N in replay order over all interactions (0 = padding, never scored);
 * users 0..U-1 in order of first appearance.
 */
public final class UserItemSplit {

    /** How each user's items are ordered before cutting. */
    public enum Mode {
        RANDOM,
        CHRONOLOGICAL;

        public static Mode parse(String s) {
            switch (s) {
                case "random":
                    return RANDOM;
                case "chronological":
                    return CHRONOLOGICAL;
                default:
                    throw new IllegalArgumentException("--split must be random or chronological, not " + s);
            }
        }
    }

    private final ItemIndex items;
    private final List<String> users;
    private final int[][] train;
    private final int[][] valid;
    private final int[][] test;

    public UserItemSplit(ItemIndex items, List<String> users, int[][] train, int[][] valid, int[][] test) {
        this.items = items;
        this.users = users;
        this.train = train;
        this.valid = valid;
        this.test = test;
    }

    public static UserItemSplit of(List<Interaction> interactions, Mode mode, long seed) {
        List<Interaction> sorted = new ArrayList<>(interactions);
        sorted.sort(Interaction.REPLAY_ORDER);
        ItemIndex items = new ItemIndex();
        Map<String, LinkedHashSet<Integer>> byUser = new LinkedHashMap<>();
        for (Interaction it : sorted) {
            int item = items.add(it.itemId());
            byUser.computeIfAbsent(it.userId(), u -> new LinkedHashSet<>()).add(item);
        }
        List<String> users = new ArrayList<>(byUser.keySet());
        int n = users.size();
        int[][] train = new int[n][];
        int[][] valid = new int[n][];
        int[][] test = new int[n][];
        Random rnd = new Random(seed);
        for (int u = 0; u < n; u++) {
            List<Integer> seq = new ArrayList<>(byUser.get(users.get(u)));
            if (mode == Mode.RANDOM) {
                Collections.shuffle(seq, rnd);
            }
            int size = seq.size();
            int held = size < 3 ? 0 : size < 10 ? 1 : (int) Math.round(0.1 * size);
            int nTrain = size - 2 * held;
            train[u] = toArray(seq.subList(0, nTrain));
            valid[u] = toArray(seq.subList(nTrain, nTrain + held));
            test[u] = toArray(seq.subList(nTrain + held, size));
        }
        return new UserItemSplit(items, users, train, valid, test);
    }

    private static int[] toArray(List<Integer> l) {
        return l.stream().mapToInt(Integer::intValue).toArray();
    }

    public ItemIndex items() {
        return items;
    }

    public List<String> users() {
        return users;
    }

    /** Training items of each user (item indices 1..N). */
    public int[][] train() {
        return train;
    }

    public int[][] valid() {
        return valid;
    }

    public int[][] test() {
        return test;
    }

    public long trainSize() {
        long s = 0;
        for (int[] t : train) {
            s += t.length;
        }
        return s;
    }
}
