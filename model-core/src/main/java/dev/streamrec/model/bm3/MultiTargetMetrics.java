package dev.streamrec.model.bm3;

import dev.streamrec.model.metrics.MeanInterval;
import dev.streamrec.model.metrics.PairedTTest;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Multi-target top-K metrics of the BM3/MMRec protocol (MMRec common/topk evaluator): for a user
 * with held-out set T and a top-K list, Recall@K = |hits| / |T| and NDCG@K = DCG / IDCG with binary
 * relevance, DCG = Σ_{hit at rank r} 1/log2(r + 1) and IDCG over min(|T|, K) ideal hits; both are
 * averaged over users with a non-empty T, each mean with its 95% confidence interval over users
 * ({@link MeanInterval}: mean ± 1.96 · SE). Each user's values are kept, in the order added, so two
 * models evaluated on the same targets can be compared user by user ({@link #against}). Differs from the single-target metrics in
 * {@code metrics/}, where one target per case makes recall a hit rate.
 */
public final class MultiTargetMetrics {

    private final int[] cutoffs;
    private final double[] recallSum;
    private final double[] ndcgSum;
    // per user, in the order added: Recall@k for each cut-off, then NDCG@k (the order of asMap)
    private final List<double[]> values = new ArrayList<>();
    private int users;

    public MultiTargetMetrics(int... cutoffs) {
        this.cutoffs = cutoffs.clone();
        this.recallSum = new double[cutoffs.length];
        this.ndcgSum = new double[cutoffs.length];
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
        double[] row = new double[2 * cutoffs.length];
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
            row[c] = recall;
            row[cutoffs.length + c] = ndcg;
        }
        values.add(row);
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
        int slot = 0;
        for (String name : asMap().keySet()) {
            double sum = 0;
            double squares = 0;
            for (double[] row : values) {
                sum += row[slot];
                squares += row[slot] * row[slot];
            }
            m.put(name, MeanInterval.of(sum, squares, users));
            slot++;
        }
        return m;
    }

    /**
     * This model against {@code baseline} evaluated on the same users and targets: per metric, the
     * paired t-test over users of this − baseline.
     */
    public Map<String, PairedTTest.Result> against(MultiTargetMetrics baseline) {
        if (baseline.users != users || !Arrays.equals(baseline.cutoffs, cutoffs)) {
            throw new IllegalArgumentException("a paired comparison needs both models evaluated on the same users");
        }
        Map<String, PairedTTest.Result> out = new LinkedHashMap<>();
        int slot = 0;
        for (String name : asMap().keySet()) {
            double[] differences = new double[users];
            for (int u = 0; u < users; u++) {
                differences[u] = values.get(u)[slot] - baseline.values.get(u)[slot];
            }
            out.put(name, PairedTTest.test(differences));
            slot++;
        }
        return out;
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
