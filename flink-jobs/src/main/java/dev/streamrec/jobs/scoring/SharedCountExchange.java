package dev.streamrec.jobs.scoring;

import dev.streamrec.model.serving.SumsUserStates;
import dev.streamrec.schema.event.SharedCounts;
import org.apache.flink.runtime.state.KeyGroupRange;
import org.apache.flink.runtime.state.KeyGroupRangeAssignment;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Lets every scoring subtask count every user in a model's shared state when that state sums the
 * users' stored states (BM3's item degrees): each subtask holds only its own users' states, so it
 * publishes what they add per key group ({@link SharedCounts}, absolute counts) and adds what the
 * other subtasks publish for theirs ({@link SumsUserStates#addCountsOfOtherUsers}).
 *
 * <p>Why key groups: they are what a rescale moves between subtasks, so a key group's counts have
 * one publisher at a time, and absolute values per key group make a message read twice, or read
 * after a restore, harmless. After a start, restore, recount or swap a subtask publishes its key
 * groups whole (replacing whatever an earlier owner or an earlier run published), later only the
 * items whose counts changed. What the others publish is kept per model version, so a version that
 * another subtask swapped to first is complete here when this subtask swaps too.
 *
 * <p>Used by the task thread only, between batches.
 */
final class SharedCountExchange {

    /** Counts per message at most: a key group of a large catalogue goes out in several. */
    static final int MAX_COUNTS_PER_MESSAGE = 2_000;

    private final int keyGroups;
    private final KeyGroupRange ownKeyGroups;
    /** Per served model name: what this subtask's users add, per key group, for the version counted. */
    private final Map<String, OwnCounts> own = new HashMap<>();
    /** Per model name, version and key group of another subtask: item id -> count, as last published. */
    private final Map<String, Map<String, Map<Integer, Map<String, Integer>>>> others = new HashMap<>();

    /**
     * @param keyGroups the job's number of key groups (its max parallelism)
     * @param ownKeyGroups the key groups this subtask serves
     */
    SharedCountExchange(int keyGroups, KeyGroupRange ownKeyGroups) {
        this.keyGroups = keyGroups;
        this.ownKeyGroups = ownKeyGroups;
    }

    /** The key group of a user, as the keyed stream assigns it. */
    int keyGroupOf(String userId) {
        return KeyGroupRangeAssignment.assignToKeyGroup(userId, keyGroups);
    }

    /** A user's stored state for {@code model} went from {@code previous} (null: none) to {@code stored}. */
    void stored(ServedModel model, String userId, byte[] previous, byte[] stored) {
        ownOf(model).add(keyGroupOf(userId), model.sharedCounts().orElseThrow().countsChanged(previous, stored));
    }

    /**
     * {@code model}'s users are about to be counted again from the keyed state (a restore, a
     * recount, a rollback), or it is a version none of them has a state for yet (a deploy): forget
     * what they added, and publish every key group whole next time.
     */
    void recounting(ServedModel model) {
        own.put(model.name(), new OwnCounts(model.version()));
    }

    /**
     * A model instance starts serving here (a swap): it counts the other subtasks' users' edges for
     * its version, as published so far, and other versions' published counts are dropped (a
     * rollback to one makes its subtasks publish it whole again).
     */
    void servedNow(ServedModel model) {
        recounting(model);
        Map<String, Map<Integer, Map<String, Integer>>> versions = others.get(model.name());
        if (versions == null) {
            return;
        }
        versions.keySet().retainAll(Set.of(model.version()));
        Map<Integer, Map<String, Integer>> byGroup = versions.get(model.version());
        if (byGroup == null) {
            return;
        }
        Map<String, Integer> sum = new HashMap<>();
        for (Map<String, Integer> counts : byGroup.values()) {
            counts.forEach((item, n) -> sum.merge(item, n, Integer::sum));
        }
        model.sharedCounts().orElseThrow().addCountsOfOtherUsers(sum);
    }

    /**
     * Takes counts another subtask published: kept for their version, and added to the served model
     * of that name and version. Counts for this subtask's own key groups (its own, or an earlier
     * owner's before a rescale), for another number of key groups and for a model this subtask
     * counts no users for are ignored.
     *
     * @return whether the counts were taken
     */
    boolean received(SharedCounts c, Collection<ServedModel> served) {
        if (c.keyGroups != keyGroups || ownKeyGroups.contains(c.keyGroup) || !own.containsKey(c.model)) {
            return false;
        }
        Map<String, Integer> known = others.computeIfAbsent(c.model, m -> new HashMap<>())
                .computeIfAbsent(c.version, v -> new HashMap<>())
                .computeIfAbsent(c.keyGroup, g -> new HashMap<>());
        Map<String, Integer> delta = new HashMap<>();
        if (c.full) {
            known.forEach((item, n) -> delta.put(item, -n));
            known.clear();
        }
        c.counts.forEach((item, n) -> {
            delta.merge(item, n - known.getOrDefault(item, 0), Integer::sum);
            if (n == 0) {
                known.remove(item);
            } else {
                known.put(item, n);
            }
        });
        delta.values().removeIf(n -> n == 0);
        if (!delta.isEmpty()) {
            for (ServedModel r : served) {
                if (r.name().equals(c.model) && r.version().equals(c.version)) {
                    r.sharedCounts().ifPresent(s -> s.addCountsOfOtherUsers(delta));
                }
            }
        }
        return true;
    }

    /** What to publish now: every key group of a model whose counts start over, else what changed since the last call. */
    List<SharedCounts> drain(long now) {
        List<SharedCounts> out = new ArrayList<>();
        own.forEach((name, counts) -> counts.drain(name, now, out));
        return out;
    }

    /** This subtask's users' counts of one model version, per key group, with what is still to publish. */
    private final class OwnCounts {
        final String version;
        final Map<Integer, Map<String, Integer>> byGroup = new HashMap<>();
        final Map<Integer, Set<String>> changed = new HashMap<>();
        boolean whole = true;

        OwnCounts(String version) {
            this.version = version;
        }

        void add(int keyGroup, Map<String, Integer> delta) {
            if (delta.isEmpty()) {
                return;
            }
            Map<String, Integer> group = byGroup.computeIfAbsent(keyGroup, g -> new HashMap<>());
            Set<String> dirty = changed.computeIfAbsent(keyGroup, g -> new HashSet<>());
            delta.forEach((item, n) -> {
                if (group.merge(item, n, Integer::sum) == 0) {
                    group.remove(item);
                }
                dirty.add(item);
            });
        }

        void drain(String model, long now, List<SharedCounts> out) {
            if (whole) {
                for (int g = ownKeyGroups.getStartKeyGroup(); g <= ownKeyGroups.getEndKeyGroup(); g++) {
                    publish(model, g, byGroup.getOrDefault(g, Map.of()), true, now, out);
                }
                whole = false;
            } else {
                changed.forEach((g, items) -> {
                    Map<String, Integer> group = byGroup.getOrDefault(g, Map.of());
                    Map<String, Integer> counts = new LinkedHashMap<>();
                    for (String item : items) {
                        counts.put(item, group.getOrDefault(item, 0));
                    }
                    publish(model, g, counts, false, now, out);
                });
            }
            changed.clear();
            byGroup.values().removeIf(Map::isEmpty);
        }

        /** One key group's counts, in messages of at most {@link #MAX_COUNTS_PER_MESSAGE}; only the first of a whole one is full. */
        private void publish(String model, int keyGroup, Map<String, Integer> counts, boolean full, long now,
                List<SharedCounts> out) {
            Map<String, Integer> part = new LinkedHashMap<>();
            boolean first = true;
            for (Map.Entry<String, Integer> e : counts.entrySet()) {
                part.put(e.getKey(), e.getValue());
                if (part.size() == MAX_COUNTS_PER_MESSAGE) {
                    out.add(new SharedCounts(model, version, keyGroup, keyGroups, full && first, part, now));
                    part = new LinkedHashMap<>();
                    first = false;
                }
            }
            if (first || !part.isEmpty()) {
                out.add(new SharedCounts(model, version, keyGroup, keyGroups, full && first, part, now));
            }
        }
    }

    private OwnCounts ownOf(ServedModel model) {
        OwnCounts counts = own.get(model.name());
        if (counts == null || !counts.version.equals(model.version())) {
            counts = new OwnCounts(model.version());
            own.put(model.name(), counts);
        }
        return counts;
    }
}
