package dev.streamrec.model.bm3;

import dev.streamrec.model.metrics.MeanInterval;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Multi-target top-K metrics of the BM3/MMRec protocol (MMRec common/topk evaluator): for a user
 * with held-out set T and a top-K list, Recall@K = |hits| / |T| and NDCG@K = DCG / IDCG with binary
 * relevance, DCG = Σ_{hit at rank r} 1/log2(r + 1) and IDCG over min(|T|, K) ideal hits; both are
 * averaged over users with a non-empty T, each mean with its 95% confidence interval over users
 * ({@link MeanInterval}: mean ± 1.96 · SE). Differs from the single-target metrics in
 * {@code metrics/}, where one target per case makes recall a hit rate.
 */
public final class MultiTargetMetrics {

    private final int[] cutoffs;
    private final double[] recallSum;
    private final double[] ndcgSum;
    // per-user squares of the same metrics, for the standard errors
    private final double[] recallSquares;
    private final double[] ndcgSquares;
    private int users;

    public MultiTargetMetrics(int... cutoffs) {
        this.cutoffs = cutoffs.clone();
        this.recallSum = new double[cutoffs.length];
        this.ndcgSum = new double[cutoffs.length];
        this.recallSquares = new double[cutoffs.length];
        this.ndcgSquares = new double[cutoffs.length];
    }

    /**
     * Adds one user.
     *
     * @param ranked the top items, best first, at least max(cutoffs) long when enough candidates exist
     * @param targets the user's held-out items (empty users are skipped)
     */
    public void add(int[] ranked, int[] targets) {
        if (targets.length == 0) {
            return;
        }
        java.util.Set<Integer> t = new java.util.HashSet<>();
        for (int x : targets) {
            t.add(x);
        }
        users++;
        for (int c = 0; c < cutoffs.length; c++) {
            int k = cutoffs[c];
            int hits = 0;
            double dcg = 0;
            for (int r = 0; r < Math.min(k, ranked.length); r++) {
                if (t.contains(ranked[r])) {
                    hits++;
                    dcg += 1.0 / log2(r + 2);
                }
            }
            double idcg = 0;
            for (int r = 0; r < Math.min(k, t.size()); r++) {
                idcg += 1.0 / log2(r + 2);
            }
            double recall = (double) hits / t.size();
            double ndcg = dcg / idcg;
            recallSum[c] += recall;
            ndcgSum[c] += ndcg;
            recallSquares[c] += recall * recall;
            ndcgSquares[c] += ndcg * ndcg;
        }
    }

    private static double log2(double x) {
        return Math.log(x) / Math.log(2);
    }

    public int users() {
        return users;
    }

    public double recall(int k) {
        return users == 0 ? 0 : recallSum[indexOf(k)] / users;
    }

    public double ndcg(int k) {
        return users == 0 ? 0 : ndcgSum[indexOf(k)] / users;
    }

    /** {@code Recall@K}, {@code NDCG@K} as in {@link #asMap()}, each with its 95% confidence interval. */
    public Map<String, MeanInterval> intervals() {
        Map<String, MeanInterval> m = new LinkedHashMap<>();
        for (int c = 0; c < cutoffs.length; c++) {
            m.put("Recall@" + cutoffs[c], MeanInterval.of(recallSum[c], recallSquares[c], users));
        }
        for (int c = 0; c < cutoffs.length; c++) {
            m.put("NDCG@" + cutoffs[c], MeanInterval.of(ndcgSum[c], ndcgSquares[c], users));
        }
        return m;
    }

    private int indexOf(int k) {
        for (int c = 0; c < cutoffs.length; c++) {
            if (cutoffs[c] == k) {
                return c;
            }
        }
        throw new IllegalArgumentException("cutoff " + k + " not tracked");
    }

    /** {@code Recall@K}, {@code NDCG@K} for every cutoff, in cutoff order. */
    public Map<String, Double> asMap() {
        Map<String, Double> m = new LinkedHashMap<>();
        for (int k : cutoffs) {
            m.put("Recall@" + k, recall(k));
        }
        for (int k : cutoffs) {
            m.put("NDCG@" + k, ndcg(k));
        }
        return m;
    }
}
