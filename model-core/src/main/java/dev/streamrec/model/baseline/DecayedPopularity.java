package dev.streamrec.model.baseline;

import dev.streamrec.model.serving.LearnsOnline;
import dev.streamrec.model.serving.RecommendRequest;
import dev.streamrec.model.serving.ScoredItem;
import dev.streamrec.model.serving.Snapshotting;
import dev.streamrec.model.serving.StateBytes;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Decayed global popularity, updated per event: every interaction adds one unit to its item, and
 * units halve every {@code halfLife} of event time. Recommends the currently most popular items.
 * A score-ordered index keeps both the update and top-K at O(log n + K), whatever the catalogue
 * size. Items whose count decayed below a thousandth of one event are forgotten (once per
 * half-life), so a churning catalogue does not grow the model without end.
 */
public final class DecayedPopularity implements LearnsOnline, Snapshotting {

    public static final String NAME = "popularity";

    private final String version;
    private final DecayClock clock;
    private final Map<String, Entry> entries = new HashMap<>();
    private final TreeSet<Entry> ranked = new TreeSet<>();

    /** One item's stored score; ordered best first, ties by item id. */
    private static final class Entry implements Comparable<Entry> {
        final String itemId;
        double score;

        Entry(String itemId) {
            this.itemId = itemId;
        }

        @Override
        public int compareTo(Entry o) {
            int c = Double.compare(o.score, score);
            return c != 0 ? c : itemId.compareTo(o.itemId);
        }
    }

    public DecayedPopularity(long halfLifeMillis) {
        this.clock = new DecayClock(halfLifeMillis);
        this.version = "decay-" + halfLifeMillis + "ms";
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public String version() {
        return version;
    }

    @Override
    public List<List<ScoredItem>> recommend(List<RecommendRequest> batch) {
        List<List<ScoredItem>> out = new ArrayList<>(batch.size());
        for (RecommendRequest r : batch) {
            Set<String> exclude = r.excludeHistory() ? new HashSet<>(r.history()) : Set.of();
            out.add(top(r.k(), exclude));
        }
        return out;
    }

    /** The K most popular items not in {@code exclude}, best first. */
    public List<ScoredItem> top(int k, Set<String> exclude) {
        List<ScoredItem> items = new ArrayList<>(k);
        Iterator<Entry> it = ranked.iterator();
        while (items.size() < k && it.hasNext()) {
            Entry e = it.next();
            if (!exclude.contains(e.itemId)) {
                items.add(new ScoredItem(e.itemId, (float) e.score));
            }
        }
        return items;
    }

    /** The stored (order-preserving) score of an item, 0 when never seen. */
    public double score(String itemId) {
        Entry e = entries.get(itemId);
        return e == null ? 0.0 : e.score;
    }

    /** What an item's count is worth at event time {@code t}, in events observed at t (0 when never seen or forgotten). */
    public double count(String itemId, long t) {
        Entry e = entries.get(itemId);
        return e == null ? 0.0 : e.score / clock.weight(t);
    }

    @Override
    public void observe(String userId, List<String> historyBefore, String itemId, long timestampMillis) {
        double factor = clock.rescaleFactor(timestampMillis);
        if (factor != 1.0) {
            rescale(factor);
        }
        Entry e = entries.computeIfAbsent(itemId, Entry::new);
        ranked.remove(e);
        e.score += clock.weight(timestampMillis);
        ranked.add(e);
        if (clock.sweepDue(timestampMillis)) {
            forgetBelow(clock.forgetFloor(timestampMillis));
        }
    }

    /** Drops the items whose stored score is below {@code floor}: the tail of the ranked index. */
    private void forgetBelow(double floor) {
        Iterator<Entry> weakest = ranked.descendingIterator();
        while (weakest.hasNext()) {
            Entry e = weakest.next();
            if (e.score >= floor) {
                return;
            }
            weakest.remove();
            entries.remove(e.itemId);
        }
    }

    private void rescale(double factor) {
        // Tiny scores may underflow to equal values, so the ordered index is rebuilt (rare).
        ranked.clear();
        for (Entry e : entries.values()) {
            e.score *= factor;
            ranked.add(e);
        }
    }

    @Override
    public byte[] snapshotState() {
        return StateBytes.write(out -> {
            out.writeLong(clock.origin());
            out.writeInt(entries.size());
            for (Entry e : entries.values()) {
                out.writeUTF(e.itemId);
                out.writeDouble(e.score);
            }
        });
    }

    /** Adds {@code share} of a snapshot's decayed counts to this model's. */
    @Override
    public void restoreState(byte[] state, double share) {
        StateBytes.read(state, in -> {
            double[] factors = clock.align(in.readLong());
            if (factors[0] != 1.0) {
                rescale(factors[0]);
            }
            int n = in.readInt();
            for (int i = 0; i < n; i++) {
                Entry e = entries.computeIfAbsent(in.readUTF(), Entry::new);
                ranked.remove(e);
                e.score += in.readDouble() * factors[1] * share;
                ranked.add(e);
            }
        });
    }

    public int numItems() {
        return entries.size();
    }
}
