package dev.streamrec.model.baseline;

import dev.streamrec.model.metrics.TopK;
import dev.streamrec.model.serving.LearnsOnline;
import dev.streamrec.model.serving.RecommendRequest;
import dev.streamrec.model.serving.ScoredItem;
import dev.streamrec.model.serving.Snapshotting;
import dev.streamrec.model.serving.StateBytes;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Item-to-item co-occurrence over recent transitions (an incremental item-kNN): when a user moves
 * from items a_1..a_w (the last {@code window} items, most recent first) to item b, the transition
 * a_j -> b gains weight 1/j, decayed over event time like {@link DecayedPopularity}. A user is
 * scored by summing the neighbour lists of their last {@code window} items with the same 1/j
 * weights; when fewer than K candidates remain, decayed popularity fills the rest. Each item keeps
 * at most {@code maxNeighbours} neighbours (the weakest are evicted), and transitions whose weight
 * decayed below a thousandth of one event are forgotten (once per half-life, with lists left
 * empty), so memory stays bounded however many items come and go.
 */
public final class ItemCooccurrence implements LearnsOnline, Snapshotting {

    public static final String NAME = "cooccurrence";

    private final int window;
    private final int maxNeighbours;
    private final DecayClock clock;
    private final DecayedPopularity popularity;
    private final Map<String, Map<String, Double>> neighbours = new HashMap<>();
    private final String version;

    public ItemCooccurrence(long halfLifeMillis, int window, int maxNeighbours) {
        if (window < 1 || maxNeighbours < 1) {
            throw new IllegalArgumentException("window and maxNeighbours must be positive");
        }
        this.window = window;
        this.maxNeighbours = maxNeighbours;
        this.clock = new DecayClock(halfLifeMillis);
        this.popularity = new DecayedPopularity(halfLifeMillis);
        this.version = "w" + window + "-n" + maxNeighbours + "-decay-" + halfLifeMillis + "ms";
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
            out.add(recommend(r));
        }
        return out;
    }

    private List<ScoredItem> recommend(RecommendRequest r) {
        Set<String> exclude = r.excludeHistory() ? new HashSet<>(r.history()) : Set.of();
        Map<String, Double> scores = new HashMap<>();
        List<String> h = r.history();
        for (int j = 1; j <= window && j <= h.size(); j++) {
            Map<String, Double> nb = neighbours.get(h.get(h.size() - j));
            if (nb == null) {
                continue;
            }
            double w = 1.0 / j;
            nb.forEach((item, s) -> {
                if (!exclude.contains(item)) {
                    scores.merge(item, w * s, Double::sum);
                }
            });
        }
        List<String> ids = new ArrayList<>(scores.keySet());
        float[] values = new float[ids.size()];
        for (int i = 0; i < values.length; i++) {
            values[i] = scores.get(ids.get(i)).floatValue();
        }
        List<ScoredItem> top = new ArrayList<>(r.k());
        for (int i : TopK.select(values, r.k(), null, 0)) {
            top.add(new ScoredItem(ids.get(i), values[i]));
        }
        if (top.size() < r.k()) {
            Set<String> taken = new HashSet<>(exclude);
            top.forEach(s -> taken.add(s.itemId()));
            // Popularity fallback ranks below every co-occurrence candidate: negative scores, falling
            // with the rank (-1, -2, ...) so that the answer stays best first.
            int rank = 0;
            for (ScoredItem p : popularity.top(r.k() - top.size(), taken)) {
                top.add(new ScoredItem(p.itemId(), -1.0f - rank++));
            }
        }
        return top;
    }

    @Override
    public void observe(String userId, List<String> historyBefore, String itemId, long timestampMillis) {
        popularity.observe(userId, historyBefore, itemId, timestampMillis);
        double factor = clock.rescaleFactor(timestampMillis);
        if (factor != 1.0) {
            neighbours.values().forEach(nb -> nb.replaceAll((k, v) -> v * factor));
        }
        double unit = clock.weight(timestampMillis);
        for (int j = 1; j <= window && j <= historyBefore.size(); j++) {
            String from = historyBefore.get(historyBefore.size() - j);
            if (from.equals(itemId)) {
                continue;
            }
            Map<String, Double> nb = neighbours.computeIfAbsent(from, k -> new HashMap<>());
            nb.merge(itemId, unit / j, Double::sum);
            if (nb.size() > 2 * maxNeighbours) {
                prune(nb);
            }
        }
        if (clock.sweepDue(timestampMillis)) {
            double floor = clock.forgetFloor(timestampMillis);
            neighbours.values().removeIf(nb -> {
                nb.values().removeIf(w -> w < floor);
                return nb.isEmpty();
            });
        }
    }

    /** Items with a neighbour list. */
    public int numSources() {
        return neighbours.size();
    }

    /** Keeps the strongest {@code maxNeighbours} entries. */
    private void prune(Map<String, Double> nb) {
        List<Map.Entry<String, Double>> all = new ArrayList<>(nb.entrySet());
        all.sort((a, b) -> Double.compare(b.getValue(), a.getValue()));
        nb.clear();
        for (int i = 0; i < maxNeighbours; i++) {
            nb.put(all.get(i).getKey(), all.get(i).getValue());
        }
    }

    /** The stored transition weight a -> b (0 when none). */
    public double weight(String from, String to) {
        Map<String, Double> nb = neighbours.get(from);
        return nb == null ? 0.0 : nb.getOrDefault(to, 0.0);
    }

    @Override
    public byte[] snapshotState() {
        return StateBytes.write(out -> {
            byte[] pop = popularity.snapshotState();
            out.writeInt(pop.length);
            out.write(pop);
            out.writeLong(clock.origin());
            out.writeInt(neighbours.size());
            for (Map.Entry<String, Map<String, Double>> e : neighbours.entrySet()) {
                out.writeUTF(e.getKey());
                out.writeInt(e.getValue().size());
                for (Map.Entry<String, Double> n : e.getValue().entrySet()) {
                    out.writeUTF(n.getKey());
                    out.writeDouble(n.getValue());
                }
            }
        });
    }

    /**
     * Adds {@code share} of a snapshot's decayed transition weights (and popularity) to this
     * model's, then bounds each list as {@link #observe} does.
     */
    @Override
    public void restoreState(byte[] state, double share) {
        StateBytes.read(state, in -> {
            byte[] pop = new byte[in.readInt()];
            in.readFully(pop);
            popularity.restoreState(pop, share);
            double[] factors = clock.align(in.readLong());
            if (factors[0] != 1.0) {
                neighbours.values().forEach(nb -> nb.replaceAll((k, v) -> v * factors[0]));
            }
            int n = in.readInt();
            for (int i = 0; i < n; i++) {
                Map<String, Double> nb = neighbours.computeIfAbsent(in.readUTF(), k -> new HashMap<>());
                for (int m = in.readInt(); m > 0; m--) {
                    nb.merge(in.readUTF(), in.readDouble() * factors[1] * share, Double::sum);
                }
                if (nb.size() > 2 * maxNeighbours) {
                    prune(nb);
                }
            }
        });
    }
}
