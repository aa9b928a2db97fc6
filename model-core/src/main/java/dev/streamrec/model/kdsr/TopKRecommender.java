package dev.streamrec.model.kdsr;

import dev.streamrec.model.data.ItemIndex;
import dev.streamrec.model.metrics.TopK;
import dev.streamrec.model.serving.BlockedTopK;
import dev.streamrec.model.serving.CandidateScorer;
import dev.streamrec.model.serving.RecommendRequest;
import dev.streamrec.model.serving.Recommender;
import dev.streamrec.model.serving.ScoredItem;
import dev.streamrec.model.train.BatchScorer;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A {@link Recommender} over any {@link BatchScorer}: maps the requests' item ids to indices
 * (unknown ids are skipped), scores the whole batch in one call (one forward pass for the sequence
 * models), and selects each request's top-K, optionally without its history items: on the device
 * when the scorer is a {@link CandidateScorer} (only the best k + |history| + 1 per row leave it),
 * otherwise in Java over the full score rows. Closing
 * releases the scorer's native resources.
 */
public final class TopKRecommender implements Recommender {

    private final String name;
    private final String version;
    private final ItemIndex items;
    private final BatchScorer scorer;
    private final AutoCloseable resources;

    public TopKRecommender(String name, String version, ItemIndex items, BatchScorer scorer, AutoCloseable resources) {
        this.name = name;
        this.version = version;
        this.items = items;
        this.scorer = scorer;
        this.resources = resources;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public String version() {
        return version;
    }

    /** When the scorer is {@link BatchScorer#concurrent}: the rest only reads the item index. */
    @Override
    public boolean recommendsConcurrently() {
        return scorer.concurrent();
    }

    @Override
    public List<List<ScoredItem>> recommend(List<RecommendRequest> batch) {
        if (batch.isEmpty()) {
            return List.of();
        }
        int[][] histories = new int[batch.size()][];
        int depth = 1; // the padding row may rank among the candidates
        int maxK = 0;
        for (int r = 0; r < batch.size(); r++) {
            histories[r] = indices(items, batch.get(r).history());
            maxK = Math.max(maxK, batch.get(r).k());
            depth = Math.max(depth, 1 + (batch.get(r).excludeHistory() ? histories[r].length : 0));
        }
        return scorer instanceof CandidateScorer c
                ? fromCandidates(batch, histories, c.candidates(histories, depth + maxK))
                : fromScores(batch, histories, scorer.score(histories));
    }

    /** Ranked on the device: each row's candidates, minus padding and (optionally) its history. */
    private List<List<ScoredItem>> fromCandidates(List<RecommendRequest> batch, int[][] histories,
            BlockedTopK.Candidates candidates) {
        List<List<ScoredItem>> out = new ArrayList<>(batch.size());
        for (int r = 0; r < batch.size(); r++) {
            RecommendRequest req = batch.get(r);
            out.add(candidates.top(r, req.k(), req.excludeHistory() ? histories[r] : new int[0], items::idAt));
        }
        return out;
    }

    /** Ranked in Java over each row's full score array. */
    private List<List<ScoredItem>> fromScores(List<RecommendRequest> batch, int[][] histories, float[][] scores) {
        List<List<ScoredItem>> out = new ArrayList<>(batch.size());
        for (int r = 0; r < batch.size(); r++) {
            RecommendRequest req = batch.get(r);
            boolean[] excluded = null;
            if (req.excludeHistory()) {
                excluded = new boolean[scores[r].length];
                for (int i : histories[r]) {
                    excluded[i] = true;
                }
            }
            int[] top = TopK.select(scores[r], req.k(), excluded, 1);
            List<ScoredItem> items = new ArrayList<>(top.length);
            for (int i : top) {
                items.add(new ScoredItem(this.items.idAt(i), scores[r][i]));
            }
            out.add(items);
        }
        return out;
    }

    /** The indices of the history's items the index knows, in order (unknown ids skipped). */
    static int[] indices(ItemIndex items, List<String> history) {
        int[] idx = new int[history.size()];
        int n = 0;
        for (String id : history) {
            int i = items.indexOf(id);
            if (i > 0) {
                idx[n++] = i;
            }
        }
        return Arrays.copyOf(idx, n);
    }

    @Override
    public void close() {
        try {
            resources.close();
        } catch (Exception e) {
            throw new IllegalStateException("cannot release " + name, e);
        }
    }
}
