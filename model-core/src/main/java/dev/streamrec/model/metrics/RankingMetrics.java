package dev.streamrec.model.metrics;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Single-target ranking metrics from the 1-based rank of the item the user really chose. This is
 * the standard definition (one relevant item, so IDCG = 1), not the KDSR code's IDCG@k variant.
 */
public final class RankingMetrics {

    private RankingMetrics() {}

    /** Hit ratio (= recall for one target) at k: 1 if the target is in the top k. */
    public static double hitRate(int rank, int k) {
        return rank >= 1 && rank <= k ? 1.0 : 0.0;
    }

    /** NDCG at k with one relevant item: 1 / log2(rank + 1) inside the top k, else 0. */
    public static double ndcg(int rank, int k) {
        return rank >= 1 && rank <= k ? 1.0 / (Math.log(rank + 1.0) / Math.log(2.0)) : 0.0;
    }

    /** Reciprocal rank over the full ranking (0 when the target was not ranked at all). */
    public static double reciprocalRank(int rank) {
        return rank >= 1 ? 1.0 / rank : 0.0;
    }

    /** Adds one case's HR@k and NDCG@k to running sums, one slot per cut-off of {@code cutoffs}. */
    public static void addAtCutoffs(int rank, int[] cutoffs, double[] hitSums, double[] ndcgSums) {
        for (int c = 0; c < cutoffs.length; c++) {
            hitSums[c] += hitRate(rank, cutoffs[c]);
            ndcgSums[c] += ndcg(rank, cutoffs[c]);
        }
    }

    /**
     * The means of running sums over {@code count} cases, by name in a stable order: HR@k for each
     * cut-off, NDCG@k for each, then MRR (all 0 without cases).
     */
    public static Map<String, Double> means(int[] cutoffs, double[] hitSums, double[] ndcgSums, double rrSum,
            long count) {
        Map<String, Double> m = new LinkedHashMap<>();
        for (int c = 0; c < cutoffs.length; c++) {
            m.put("HR@" + cutoffs[c], mean(hitSums[c], count));
        }
        for (int c = 0; c < cutoffs.length; c++) {
            m.put("NDCG@" + cutoffs[c], mean(ndcgSums[c], count));
        }
        m.put("MRR", mean(rrSum, count));
        return m;
    }

    /**
     * One case's value of the metric named as in {@link #means} ({@code HR@10}, {@code NDCG@20},
     * {@code MRR}) for a target at {@code rank}.
     */
    public static double value(String metric, int rank) {
        if (metric.equals("MRR")) {
            return reciprocalRank(rank);
        }
        int at = metric.indexOf('@');
        int k = at < 0 ? -1 : Integer.parseInt(metric.substring(at + 1));
        switch (at < 0 ? metric : metric.substring(0, at)) {
            case "HR":
                return hitRate(rank, k);
            case "NDCG":
                return ndcg(rank, k);
            default:
                throw new IllegalArgumentException("unknown metric " + metric + "; HR@k, NDCG@k or MRR");
        }
    }

    static double mean(double sum, long count) {
        return count == 0 ? 0.0 : sum / count;
    }

    /**
     * The 1-based rank of {@code target} under {@code scores} with the same tie-break as top-K
     * selection (higher score first, then lower index). Entries flagged in {@code excluded} (may be
     * null) are skipped; an excluded or out-of-range target has rank 0 (a miss).
     */
    public static int rankOf(float[] scores, int target, boolean[] excluded) {
        if (target < 0 || target >= scores.length || (excluded != null && excluded[target])) {
            return 0;
        }
        float t = scores[target];
        // A NaN score (a diverged model) ranks last, so it can never look like a perfect hit.
        boolean lost = Float.isNaN(t);
        int rank = 1;
        for (int i = 0; i < scores.length; i++) {
            if (i == target || (excluded != null && excluded[i])) {
                continue;
            }
            float s = scores[i];
            if (lost || s > t || (s == t && i < target)) {
                rank++;
            }
        }
        return rank;
    }
}
