package dev.streamrec.model.data;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Every user's chronological item sequence over a shared {@link ItemIndex}: the input of all
 * sequential models and of the splits. Users keep first-appearance order; items are indexed in
 * first-appearance order of the replay, so the build is deterministic.
 */
public final class SequenceDataset {

    private final ItemIndex items;
    private final List<String> users;
    private final List<int[]> sequences;

    private SequenceDataset(ItemIndex items, List<String> users, List<int[]> sequences) {
        this.items = items;
        this.users = users;
        this.sequences = sequences;
    }

    /** Groups interactions (any order) into per-user sequences in replay order. */
    public static SequenceDataset of(List<Interaction> interactions) {
        return of(interactions, new ItemIndex());
    }

    /** Same, extending an existing index (for example one loaded from a model artifact). */
    public static SequenceDataset of(List<Interaction> interactions, ItemIndex items) {
        List<Interaction> sorted = new ArrayList<>(interactions);
        sorted.sort(Interaction.REPLAY_ORDER);
        Map<String, List<Integer>> byUser = new LinkedHashMap<>();
        for (Interaction it : sorted) {
            int item = items.add(it.itemId());
            byUser.computeIfAbsent(it.userId(), u -> new ArrayList<>()).add(item);
        }
        List<String> users = new ArrayList<>(byUser.keySet());
        List<int[]> seqs = new ArrayList<>(users.size());
        for (String u : users) {
            seqs.add(byUser.get(u).stream().mapToInt(Integer::intValue).toArray());
        }
        return new SequenceDataset(items, users, seqs);
    }

    public ItemIndex items() {
        return items;
    }

    public int numUsers() {
        return users.size();
    }

    public String userId(int u) {
        return users.get(u);
    }

    /** The user's items in time order (item indices, 1-based). */
    public int[] sequence(int u) {
        return sequences.get(u);
    }

    public long numInteractions() {
        long n = 0;
        for (int[] s : sequences) {
            n += s.length;
        }
        return n;
    }
}
