package dev.streamrec.model.bm3;

import dev.streamrec.model.data.ItemIndex;

import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * BM3's observed item degrees: per trained item, the users' stored edges ({@link Bm3UserEdges})
 * that reach it, by which its degree d_i grows at scoring. The model's only shared incremental
 * state, the sum of its users' stored edges for one model version: this subtask's users' (counted
 * as the stream stores each user's new edges, and forgotten before a recount) and the other
 * subtasks' users' (added as the counts they exchange), together. Written only between batches;
 * the scorer reads {@link #bonus()} while it scores.
 */
final class Bm3DegreeLedger {

    private static final int[] NONE = new int[0];

    private final String version;
    private final ItemIndex items;
    private final int trainedItems;
    /** Stored edges per trained item, by item index: this subtask's users' and other subtasks' users' together. */
    private final int[] degreeBonus;
    /** The part of {@link #degreeBonus} that this subtask's users' stored edges make. */
    private final int[] ownDegreeBonus;

    /**
     * @param version the model version whose users' edges count (other versions' count nothing)
     * @param items the catalogue, its first {@code trainedItems} ids after the padding row trained
     */
    Bm3DegreeLedger(String version, ItemIndex items, int trainedItems) {
        this.version = version;
        this.items = items;
        this.trainedItems = trainedItems;
        this.degreeBonus = new int[trainedItems + 1];
        this.ownDegreeBonus = new int[trainedItems + 1];
    }

    /** The stored edges that raise each trained item's degree, by item index (read, never written, by scoring). */
    int[] bonus() {
        return degreeBonus;
    }

    /** The index of an item with a trained row, or -1 (unknown, or a new item scored from its features). */
    int trainedIndex(String itemId) {
        int i = items.indexOf(itemId);
        return i > 0 && i <= trainedItems ? i : -1;
    }

    /**
     * Moves the item degrees from the user's previous edges to its stored ones: the edges an
     * answer added count once however many of the user's events the batch held, and the oldest
     * edges that {@link Bm3UserEdges#MAX_EDGES} dropped stop counting. States of another version
     * count nothing.
     */
    void userStateStored(byte[] previous, byte[] stored) {
        forEachDegreeChange(previous, stored, this::addOwn);
    }

    /** What {@link #userStateStored} changes in the item degrees, by item id: for the other subtasks. */
    Map<String, Integer> countsChanged(byte[] previous, byte[] stored) {
        Map<String, Integer> out = new HashMap<>();
        forEachDegreeChange(previous, stored, (item, count) -> out.merge(items.idAt(item), count, Integer::sum));
        out.values().removeIf(n -> n == 0);
        return out;
    }

    /** An item degree's change by a number of edges. */
    private interface DegreeChange {
        void add(int item, int count);
    }

    /**
     * The degree changes of a user's edges going from {@code previous} to {@code stored}: in the
     * usual case, edges appended, only the new ones are read.
     */
    private void forEachDegreeChange(byte[] previous, byte[] stored, DegreeChange change) {
        int[] before = previous == null ? NONE : Bm3UserEdges.decode(previous, version);
        int[] after = stored == null ? NONE : Bm3UserEdges.decode(stored, version);
        int common = 0;
        while (common < before.length && common < after.length && before[common] == after[common]) {
            common++;
        }
        if (common == before.length) { // the usual case: edges appended
            for (int k = common; k < after.length; k++) {
                change.add(after[k], 1);
            }
            return;
        }
        Set<Integer> old = new HashSet<>();
        for (int i : before) {
            old.add(i);
        }
        for (int i : after) {
            if (!old.remove(i)) {
                change.add(i, 1);
            }
        }
        for (int i : old) {
            change.add(i, -1);
        }
    }

    /**
     * Back to the trained degrees plus the other subtasks' users' edges: what this subtask's users
     * counted goes (counts restored from an earlier release's snapshot too).
     */
    void forgetUserStates() {
        for (int i = 0; i < degreeBonus.length; i++) {
            degreeBonus[i] -= ownDegreeBonus[i];
        }
        Arrays.fill(ownDegreeBonus, 0);
    }

    /** Counts {@code count} more of this subtask's users' edges to a trained item. */
    private void addOwn(int item, int count) {
        ownDegreeBonus[item] += count;
        degreeBonus[item] += count;
    }

    /** Counts this subtask's users' edges by item id (an earlier release's snapshot); other ids are ignored. */
    void addOwn(Map<String, Integer> counts) {
        counts.forEach((itemId, count) -> {
            int i = trainedIndex(itemId);
            if (i > 0) {
                addOwn(i, count);
            }
        });
    }

    /** Raises (or lowers) the degrees of trained items by other subtasks' users' edges; other ids are ignored. */
    void addCountsOfOtherUsers(Map<String, Integer> delta) {
        delta.forEach((itemId, count) -> {
            int i = trainedIndex(itemId);
            if (i > 0) {
                degreeBonus[i] += count;
            }
        });
    }

    /** The stored edges that reach each trained item (item id, count, items with any): what raises its degree. */
    Map<String, Integer> observed() {
        Map<String, Integer> out = new TreeMap<>();
        for (int i = 1; i < degreeBonus.length; i++) {
            if (degreeBonus[i] != 0) {
                out.put(items.idAt(i), degreeBonus[i]);
            }
        }
        return out;
    }
}
