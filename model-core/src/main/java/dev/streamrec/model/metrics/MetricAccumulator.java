package dev.streamrec.model.metrics;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Running means of HR@k, NDCG@k (for each cut-off) and MRR over evaluation cases, each case given
 * by the rank of its target, with the sums of squares that give each mean its 95% confidence
 * interval ({@link MeanInterval}: mean ± 1.96 · SE over cases). Mergeable, so windows and
 * partitions can be combined.
 */
public final class MetricAccumulator {

    private final int[] cutoffs;
    private final double[] hits;
    private final double[] ndcgs;
    private double mrr;
    // per-case squares of the same metrics, for the standard errors
    private final double[] hitSquares;
    private final double[] ndcgSquares;
    private double mrrSquares;
    private long count;

    public MetricAccumulator(int... cutoffs) {
        this.cutoffs = cutoffs.clone();
        this.hits = new double[cutoffs.length];
        this.ndcgs = new double[cutoffs.length];
        this.hitSquares = new double[cutoffs.length];
        this.ndcgSquares = new double[cutoffs.length];
    }

    /** Adds one case; rank 0 means the target was not ranked (a miss on every metric). */
    public void add(int rank) {
        RankingMetrics.addAtCutoffs(rank, cutoffs, hits, ndcgs);
        for (int c = 0; c < cutoffs.length; c++) {
            hitSquares[c] += square(RankingMetrics.hitRate(rank, cutoffs[c]));
            ndcgSquares[c] += square(RankingMetrics.ndcg(rank, cutoffs[c]));
        }
        double rr = RankingMetrics.reciprocalRank(rank);
        mrr += rr;
        mrrSquares += square(rr);
        count++;
    }

    public void merge(MetricAccumulator other) {
        for (int c = 0; c < cutoffs.length; c++) {
            hits[c] += other.hits[c];
            ndcgs[c] += other.ndcgs[c];
            hitSquares[c] += other.hitSquares[c];
            ndcgSquares[c] += other.ndcgSquares[c];
        }
        mrr += other.mrr;
        mrrSquares += other.mrrSquares;
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

    /** HR@k, NDCG@k and MRR by name, as in {@link #asMap()}, each with its 95% confidence interval. */
    public Map<String, MeanInterval> intervals() {
        Map<String, MeanInterval> m = new LinkedHashMap<>();
        for (int c = 0; c < cutoffs.length; c++) {
            m.put("HR@" + cutoffs[c], MeanInterval.of(hits[c], hitSquares[c], count));
        }
        for (int c = 0; c < cutoffs.length; c++) {
            m.put("NDCG@" + cutoffs[c], MeanInterval.of(ndcgs[c], ndcgSquares[c], count));
        }
        m.put("MRR", MeanInterval.of(mrr, mrrSquares, count));
        return m;
    }

    private static double square(double x) {
        return x * x;
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
