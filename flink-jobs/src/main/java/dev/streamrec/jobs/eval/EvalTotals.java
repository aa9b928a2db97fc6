package dev.streamrec.jobs.eval;

import dev.streamrec.model.metrics.RankingMetrics;

import java.util.Map;

/**
 * Sums of HR@k, NDCG@k and MRR over a span of event time, from ranks in top-K lists (so MRR is
 * MRR@K: an item beyond the list counts 0). POJO, kept in keyed state.
 */
public class EvalTotals {
    public int[] cutoffs;
    public double[] hits;
    public double[] ndcgs;
    public double rr;
    public long count;
    public long firstTimestamp = Long.MAX_VALUE;
    public long lastTimestamp = Long.MIN_VALUE;

    public EvalTotals() {}

    public EvalTotals(int[] cutoffs) {
        this.cutoffs = cutoffs.clone();
        this.hits = new double[cutoffs.length];
        this.ndcgs = new double[cutoffs.length];
    }

    public void add(int rank, long timestamp) {
        RankingMetrics.addAtCutoffs(rank, cutoffs, hits, ndcgs);
        rr += RankingMetrics.reciprocalRank(rank);
        count++;
        firstTimestamp = Math.min(firstTimestamp, timestamp);
        lastTimestamp = Math.max(lastTimestamp, timestamp);
    }

    /** Adds the tests summed in {@code other} (same cutoffs). */
    public void merge(EvalTotals other) {
        for (int c = 0; c < cutoffs.length; c++) {
            hits[c] += other.hits[c];
            ndcgs[c] += other.ndcgs[c];
        }
        rr += other.rr;
        count += other.count;
        firstTimestamp = Math.min(firstTimestamp, other.firstTimestamp);
        lastTimestamp = Math.max(lastTimestamp, other.lastTimestamp);
    }

    /** Means by name: HR@k..., NDCG@k..., MRR. */
    public Map<String, Double> means() {
        return RankingMetrics.means(cutoffs, hits, ndcgs, rr, count);
    }
}
