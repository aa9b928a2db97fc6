package dev.streamrec.model.metrics;

import java.util.Map;

/**
 * Running means of HR@k, NDCG@k (for each cut-off) and MRR over evaluation cases, each case given
 * by the rank of its target. Mergeable, so windows and partitions can be combined.
 */
public final class MetricAccumulator {

    private final int[] cutoffs;
    private final double[] hits;
    private final double[] ndcgs;
    private double mrr;
    private long count;

    public MetricAccumulator(int... cutoffs) {
        this.cutoffs = cutoffs.clone();
        this.hits = new double[cutoffs.length];
        this.ndcgs = new double[cutoffs.length];
    }

    /** Adds one case; rank 0 means the target was not ranked (a miss on every metric). */
    public void add(int rank) {
        RankingMetrics.addAtCutoffs(rank, cutoffs, hits, ndcgs);
        mrr += RankingMetrics.reciprocalRank(rank);
        count++;
    }

    public void merge(MetricAccumulator other) {
        for (int c = 0; c < cutoffs.length; c++) {
            hits[c] += other.hits[c];
            ndcgs[c] += other.ndcgs[c];
        }
        mrr += other.mrr;
        count += other.count;
    }

    public long count() {
        return count;
    }

    public double hitRate(int k) {
        return mean(hits[slot(k)]);
    }

    public double ndcg(int k) {
        return mean(ndcgs[slot(k)]);
    }

    public double mrr() {
        return mean(mrr);
    }

    /** Metrics by name ({@code HR@10}, {@code NDCG@10}, ..., {@code MRR}), in a stable order. */
    public Map<String, Double> asMap() {
        return RankingMetrics.means(cutoffs, hits, ndcgs, mrr, count);
    }

    private double mean(double sum) {
        return RankingMetrics.mean(sum, count);
    }

    private int slot(int k) {
        for (int c = 0; c < cutoffs.length; c++) {
            if (cutoffs[c] == k) {
                return c;
            }
        }
        throw new IllegalArgumentException("cut-off " + k + " not tracked");
    }
}
